"""Bilingual text: the :class:`Text` value, the two languages and the one language check.

servqual speaks Chinese (``"zh"``) and English (``"en"``). Every function that renders words for a
person — a result's :meth:`summary`, a plot, a report, a printable questionnaire — checks its
``lang`` argument with :func:`check_lang`, which raises :class:`~servqual.exceptions.LanguageError`.
"""

from __future__ import annotations

from dataclasses import dataclass

from servqual.exceptions import LanguageError

__all__ = ["LANGS", "Text", "T", "check_lang", "join_names", "format_p", "p_sentence"]

#: The languages servqual writes, in the order reports list them.
LANGS = ("zh", "en")


@dataclass(frozen=True)
class Text:
    """A bilingual text. ``get(lang)`` falls back to the other language, then to ``default``.

    Examples
    --------
    >>> Text(zh="响应性", en="Responsiveness").get("en")
    'Responsiveness'
    >>> Text(en="Empathy").get("zh")
    'Empathy'
    """

    zh: str | None = None
    en: str | None = None

    def get(self, lang: str = "zh", default: str = "") -> str:
        first = self.zh if lang == "zh" else self.en
        other = self.en if lang == "zh" else self.zh
        return first or other or default

    def __bool__(self) -> bool:
        return bool(self.zh or self.en)

    def to_dict(self) -> dict:
        return {k: v for k, v in (("zh", self.zh), ("en", self.en)) if v}


def T(zh: str, en: str) -> Text:
    """A bilingual text from its two wordings."""
    return Text(zh=zh, en=en)


def check_lang(lang) -> str:
    """Return ``lang`` when it is ``"zh"`` or ``"en"``; raise :class:`LanguageError` otherwise.

    >>> check_lang("en")
    'en'
    >>> check_lang("fr")
    Traceback (most recent call last):
    ...
    servqual.exceptions.LanguageError: lang must be 'zh' or 'en', got 'fr'.
    """
    if lang not in LANGS:
        raise LanguageError(f"lang must be 'zh' or 'en', got {lang!r}.")
    return lang


def join_names(names, lang: str, most: int = 10) -> str:
    """Join names for a sentence (``、`` in Chinese, ``, `` in English); after ``most`` say how many more.

    >>> join_names(["a", "b", "c"], "en", most=2)
    'a, b and 1 more'
    """
    names = [str(i) for i in names]
    head = ("、" if lang == "zh" else ", ").join(names[:most])
    if len(names) > most:
        head += f" 等 {len(names)} 项" if lang == "zh" else f" and {len(names) - most} more"
    return head


def format_p(p, lang: str = "en", decimals: int = 3) -> str:
    """A p value in the one format of every servqual output: APA in English, the Chinese journals' style in zh.

    English: ``< .001`` below .001, otherwise 3 decimals without the leading zero (``.023``); Chinese:
    ``<0.001`` and ``0.023``. ``NA`` when missing.

    >>> format_p(0.0004), format_p(0.0004, "zh"), format_p(0.0234), format_p(0.0234, "zh"), format_p(1.0)
    ('< .001', '<0.001', '.023', '0.023', '1.000')
    """
    try:
        p = float(p)
    except (TypeError, ValueError):
        return "NA"
    if p != p or p in (float("inf"), float("-inf")):
        return "NA"
    floor = 10 ** (-decimals)
    if p < floor:
        return f"<{floor:.{decimals}f}" if lang == "zh" else "< " + f"{floor:.{decimals}f}".lstrip("0")
    out = f"{p:.{decimals}f}"
    return out if lang == "zh" or out.startswith("1") else out.lstrip("0")


def p_sentence(p, lang: str = "en") -> str:
    """``p < .001`` / ``p = .023`` (en) or ``p<0.001`` / ``p=0.023`` (zh), for a sentence.

    >>> p_sentence(0.0004), p_sentence(0.0234, "zh")
    ('p < .001', 'p=0.023')
    """
    v = format_p(p, lang)
    if lang == "zh":
        return "p" + (v if v.startswith("<") or v == "NA" else "=" + v)
    return "p " + (v if v.startswith("<") else "= " + v)
