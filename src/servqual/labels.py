"""The bilingual vocabulary servqual shows people: method names, category names, quadrant names.

One table per kind of name, each ``code -> Text``; the analyses return codes (``"concentrate_here"``,
``"M"``, ``"entropy"``), and plots, result summaries and reports turn a code into words here, in the
language they are asked for. Adding a weighting method means one line in :data:`METHODS` (and the
method's registration in :mod:`servqual.decision.weights`).

Examples
--------
>>> from servqual.labels import label
>>> label("kano", "M", "zh"), label("ipa", "concentrate_here", "en")
('必备质量', 'Concentrate here')
>>> label("method", "critic", "en")
'CRITIC'
"""

from __future__ import annotations

from servqual._text import Text, check_lang

__all__ = ["METHODS", "IPA_QUADRANTS", "KANO_CATEGORIES", "VOCABULARIES", "label"]


def _v(table: dict) -> dict:
    return {k: Text(zh=zh, en=en) for k, (zh, en) in table.items()}


#: Weighting and combination methods.
METHODS = _v({
    "game_theory": ("博弈论组合赋权", "Game-theory combination"),
    "linear": ("线性组合赋权", "Linear combination"),
    "multiplicative": ("乘法合成赋权", "Multiplicative combination"),
    "entropy": ("熵权法", "Entropy"),
    "critic": ("CRITIC 法", "CRITIC"),
    "cv": ("变异系数法", "Coefficient of variation"),
    "sd": ("标准差法", "Standard deviation"),
    "pca": ("主成分法", "PCA"),
    "ahp": ("AHP", "AHP"),
    "fuzzy_ahp": ("模糊 AHP", "Fuzzy AHP"),
    "relative_weights": ("相对权重", "Relative weights"),
    "shapley": ("Shapley 值", "Shapley value"),
    "regression": ("标准化回归系数", "Standardised regression"),
    "equal": ("等权", "Equal"),
    "stated": ("直接评定的重要性", "Stated importance"),
    "correlation": ("与总体满意度的相关", "Correlation with overall satisfaction"),
})

#: Importance-performance quadrants (Martilla & James 1977).
IPA_QUADRANTS = _v({
    "concentrate_here": ("重点改进区", "Concentrate here"),
    "keep_up": ("继续保持区", "Keep up the good work"),
    "low_priority": ("低优先区", "Low priority"),
    "possible_overkill": ("过度投入区", "Possible overkill"),
})

#: Kano categories (Berger et al. 1993).
KANO_CATEGORIES = _v({
    "A": ("魅力质量", "Attractive"),
    "O": ("一元质量", "One-dimensional"),
    "M": ("必备质量", "Must-be"),
    "I": ("无差异质量", "Indifferent"),
    "R": ("反向质量", "Reverse"),
    "Q": ("可疑结果", "Questionable"),
})

#: Every vocabulary by kind, for :func:`label`.
VOCABULARIES = {"method": METHODS, "ipa": IPA_QUADRANTS, "kano": KANO_CATEGORIES}


def label(kind: str, code: str, lang: str = "en") -> str:
    """The name of ``code`` of vocabulary ``kind`` in ``lang``; an unknown code is shown as it is."""
    check_lang(lang)
    t = VOCABULARIES[kind].get(code)
    return t.get(lang) if t is not None else str(code)
