"""The cut-offs the psychometric notes quote beyond :mod:`servqual.thresholds`, and how notes print them.

The decisions of the analyses (alpha, omega, KMO bands, Hu & Bentler fit, CR/AVE, HTMT, Harman, loadings,
split-half) use :data:`servqual.thresholds.THRESHOLDS` and :data:`~servqual.thresholds.BANDS`. The values
here are the second, softer grade of a few of those rules and the screening values of the notes, each
with its source.

Examples
--------
>>> dot(RMSEA_ACCEPTABLE), author_year("Hu & Bentler 1999")
('.08', 'Hu & Bentler (1999)')
"""

from __future__ import annotations

__all__ = [
    "RMSEA_CLOSE",
    "RMSEA_ACCEPTABLE",
    "INDEX_ACCEPTABLE",
    "COMMUNALITY_LOW",
    "CROSS_LOADING",
    "R_DROP_LOW",
    "MANY_ITEMS",
    "OMEGA_GOOD",
    "OMEGA_H_UNIDIMENSIONAL",
    "ECV_DOMINANT",
    "dot",
    "author_year",
]

#: RMSEA of close fit (Browne & Cudeck 1993).
RMSEA_CLOSE = 0.05
#: RMSEA of acceptable fit (Browne & Cudeck 1993); the good value is ``THRESHOLDS["rmsea"]``.
RMSEA_ACCEPTABLE = 0.08
#: Acceptable CFI / TLI (Bentler & Bonett 1980); the good value is ``THRESHOLDS["cfi"]`` / ``["tli"]``.
INDEX_ACCEPTABLE = 0.90
#: Communality under which an item counts as weakly explained by the factors.
COMMUNALITY_LOW = 0.20
#: Absolute loading from which an item loads on a factor (Tabachnick & Fidell 2013).
CROSS_LOADING = 0.32
#: Corrected item-total correlation under which an item is named in the alpha notes.
R_DROP_LOW = 0.30
#: Number of items above which alpha is high almost regardless of homogeneity (Cortina 1993).
MANY_ITEMS = 20
#: Good omega_total (McDonald 1999); the acceptable value is ``THRESHOLDS["omega"]``.
OMEGA_GOOD = 0.80
#: omega_h from which a total score is read as unidimensional (Reise et al. 2013).
OMEGA_H_UNIDIMENSIONAL = 0.70
#: Explained common variance from which the general factor dominates (Rodriguez et al. 2016).
ECV_DOMINANT = 0.70


def dot(v: float) -> str:
    """A cut-off as the notes print it, without the leading zero.

    Examples
    --------
    >>> dot(0.7), dot(0.05)
    ('.70', '.05')
    """
    return f"{v:.2f}".lstrip("0")


def author_year(citation: str) -> str:
    """A ``"Author Year"`` citation as ``"Author (Year)"``.

    Examples
    --------
    >>> author_year("Nunnally 1978")
    'Nunnally (1978)'
    """
    who, year = citation.rsplit(" ", 1)
    return f"{who} ({year})"
