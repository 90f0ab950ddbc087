"""The registry of objective weighting methods: one line per method, the one list every caller reads.

Adding a weighting method is one function in :mod:`~servqual.decision.weights.objective` (or a new
family file) with the signature ``f(data, directions=None, *, items=None, nan_policy="listwise",
**options) -> WeightsResult``, its bilingual name in :data:`servqual.labels.METHODS`, and one line in
:data:`REGISTRY`. :func:`objective_weights`, the command line's ``--method`` choices
(:data:`OBJECTIVE_METHODS`) and the weight shortcuts of :mod:`servqual.decision.evaluate` all read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from servqual._text import Text
from servqual.decision.weights.objective import (
    critic_result, cv_result, entropy_result, equal_result, pca_result, sd_result,
)
from servqual.decision.weights.result import WeightsResult
from servqual.exceptions import AnalysisError
from servqual.labels import METHODS

__all__ = ["WeightMethod", "REGISTRY", "OBJECTIVE_METHODS", "weight_method", "objective_weights"]


@dataclass(frozen=True)
class WeightMethod:
    """One objective weighting method.

    Attributes
    ----------
    code : str
        The method's name (a key of :data:`servqual.labels.METHODS`).
    function : callable
        ``function(data, directions=None, *, items=None, nan_policy="listwise", **options)`` returning
        a :class:`~servqual.decision.weights.result.WeightsResult`.
    options : tuple of str
        The keyword options of ``function`` that :func:`objective_weights` passes on.
    aliases : tuple of str
        Other names accepted for ``code``.
    """

    code: str
    function: Callable[..., WeightsResult]
    options: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> Text:
        """The bilingual name of the method (from :data:`servqual.labels.METHODS`)."""
        return METHODS[self.code]


#: Every objective weighting method, in the order the command line lists them.
REGISTRY: dict[str, WeightMethod] = {m.code: m for m in (
    WeightMethod("entropy", entropy_result, ("normalize", "shift")),
    WeightMethod("critic", critic_result, ("conflict",)),
    WeightMethod("cv", cv_result, aliases=("coefficient_of_variation",)),
    WeightMethod("sd", sd_result, aliases=("std", "standard_deviation")),
    WeightMethod("pca", pca_result, ("n_components", "basis")),
    WeightMethod("equal", equal_result),
)}

#: The names of the objective weighting methods (the command line's ``--method`` choices).
OBJECTIVE_METHODS: tuple[str, ...] = tuple(REGISTRY)

_ALIASES = {alias: m.code for m in REGISTRY.values() for alias in (m.code, *m.aliases)}


def weight_method(name: str) -> WeightMethod:
    """The registered method called ``name`` (or one of its aliases; case does not matter).

    Raises
    ------
    AnalysisError
        When no method has that name.

    Examples
    --------
    >>> from servqual.decision.weights import weight_method
    >>> m = weight_method("coefficient_of_variation")
    >>> m.code, m.label.get("zh"), m.label.get("en")
    ('cv', '变异系数法', 'Coefficient of variation')
    """
    code = _ALIASES.get(str(name).lower())
    if code is None:
        raise AnalysisError(f"unknown weighting method {name!r}; choose {', '.join(OBJECTIVE_METHODS)}")
    return REGISTRY[code]


def objective_weights(data, method: str = "entropy", directions=None, *, items=None, nan_policy: str = "listwise",
                      normalize: str = "minmax", shift: float = 0.0, conflict: str = "1-r", n_components=None,
                      basis: str = "score_coefficients") -> WeightsResult:
    """Objective indicator weights with the intermediate table (for reports and the command line).

    Parameters
    ----------
    data : pandas.DataFrame
        Alternatives (or respondents) x indicators.
    method : str
        One of :data:`OBJECTIVE_METHODS` (``entropy``, ``critic``, ``cv``, ``sd``, ``pca``, ``equal``).
        See :func:`~servqual.decision.weights.entropy_weights`, :func:`~servqual.decision.weights.critic_weights`,
        :func:`~servqual.decision.weights.cv_weights`, :func:`~servqual.decision.weights.sd_weights`,
        :func:`~servqual.decision.weights.pca_weights`.
    directions : dict or Series, optional
        ``{column: "higher_is_better" | "lower_is_better"}`` (cost indicators are reversed in the
        min-max normalisation).
    items : list of str, optional
        Columns to use (default: all).
    nan_policy : {"listwise", "raise"}
        Rows with missing values are dropped with a warning (default) or an error is raised.
    normalize, shift
        Entropy options; ``conflict`` the CRITIC option; ``n_components``, ``basis`` the PCA options.

    Returns
    -------
    WeightsResult
        ``weights`` (Series indexed by column) and ``table`` (``indicator``, the method's quantities,
        ``weight, rank``).

    Examples
    --------
    >>> import servqual as sq
    >>> kiosk = sq.read_dataset("kiosk")
    >>> res = sq.objective_weights(kiosk, "critic", items=["ipa01_sat", "ipa02_sat", "ipa03_sat"])  # 4 incomplete rows dropped
    >>> res.weights.round(4).tolist(), res.n
    ([0.2679, 0.3123, 0.4198], 207)
    """
    m = weight_method(method)
    given = {"normalize": normalize, "shift": shift, "conflict": conflict, "n_components": n_components, "basis": basis}
    return m.function(data, directions, items=items, nan_policy=nan_policy, **{k: given[k] for k in m.options})
