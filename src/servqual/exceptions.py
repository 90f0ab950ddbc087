"""Exceptions and warnings raised by servqual.

Every error that servqual raises for bad input derives from :class:`ServqualError`, and the two
families users meet most (a broken questionnaire file, a broken data file) also derive from
:class:`ValueError`, so ``except ValueError`` keeps working in user code.
"""

from __future__ import annotations

__all__ = [
    "ServqualError",
    "InstrumentError",
    "DataValidationError",
    "DataReadError",
    "ConvergenceError",
    "AnalysisError",
    "LanguageError",
    "ReportError",
    "CLIError",
    "InputFileError",
    "OutputFileError",
    "ServqualWarning",
    "InstrumentWarning",
    "ConvergenceWarning",
    "HeywoodWarning",
]


class ServqualError(Exception):
    """Base class of every servqual error."""


class InstrumentError(ServqualError, ValueError):
    """A questionnaire (instrument) file or object is invalid.

    The message names the file and the YAML line of each problem.
    """

    def __init__(self, message: str, problems: list | None = None):
        super().__init__(message)
        self.problems = list(problems or [])


class DataReadError(ServqualError, ValueError):
    """A data file cannot be read (missing, unreadable, wrong encoding, unknown format)."""


class DataValidationError(ServqualError, ValueError):
    """Responses do not agree with the instrument.

    Attributes
    ----------
    problems : pandas.DataFrame
        One row per offending cell with columns ``file, row, column, value, problem``.
    """

    def __init__(self, message: str, problems=None):
        super().__init__(message)
        self.problems = problems


class AnalysisError(ServqualError, ValueError):
    """An analysis cannot be computed on the given data (too few rows, singular matrix, ...)."""


class ConvergenceError(AnalysisError):
    """An iterative estimator (EFA, CFA) did not converge."""


class ReportError(ServqualError, ValueError):
    """A report cannot be written as asked (a table indexed by a PII column, an unknown format, ...)."""


class LanguageError(AnalysisError, ReportError):
    """A language other than the two servqual speaks (``"zh"``, ``"en"``) was asked for.

    It is both an :class:`AnalysisError` and a :class:`ReportError` (and so a :class:`ValueError`),
    because analyses, plots and reports all check the language through one function,
    :func:`servqual._text.check_lang`.
    """


class InputFileError(ServqualError, ValueError):
    """An input file is refused before it is read: missing, not a regular file, or over a limit.

    Attributes
    ----------
    path : str
        The file named in the message.
    limit : str or None
        The keyword that raises the limit that was exceeded (``"max_bytes"``, ``"max_depth"``, ...),
        ``None`` when no limit was involved.
    """

    def __init__(self, message: str, path="", limit: str | None = None):
        super().__init__(message)
        self.path = str(path)
        self.limit = limit


class OutputFileError(ServqualError, ValueError):
    """An output place is refused: empty, a folder where a file is needed (or the reverse), a missing
    or unwritable folder, a symbolic link, or an input file of the run.

    Attributes
    ----------
    path : str
        The output path.
    other : str or None
        The input file that the output would overwrite, when that is the reason.
    """

    def __init__(self, message: str, path="", other=None):
        super().__init__(message)
        self.path = str(path)
        self.other = None if other is None else str(other)


class CLIError(ServqualError):
    """A usage problem detected by the command line."""


class ServqualWarning(UserWarning):
    """A result could be computed but deserves attention."""


class InstrumentWarning(ServqualWarning):
    """A questionnaire is valid but unusual (e.g. a dimension with fewer than 3 items)."""


class ConvergenceWarning(ServqualWarning):
    """An iterative estimator stopped before meeting its convergence criterion."""


class HeywoodWarning(ServqualWarning):
    """A factor solution has a Heywood case (communality >= 1, negative variance)."""
