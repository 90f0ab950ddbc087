"""Bilingual text: the :class:`Text` value, the two languages and the one language check.

servqual speaks Chinese (``"zh"``) and English (``"en"``). Every function that renders words for a
person — a result's :meth:`summary`, a plot, a report, a printable questionnaire — checks its
``lang`` argument with :func:`check_lang`, which raises :class:`~servqual.exceptions.LanguageError`.
"""

from __future__ import annotations

from dataclasses import dataclass

from servqual.exceptions import LanguageError

__all__ = ["LANGS", "Text", "T", "check_lang", "join_names"]

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
