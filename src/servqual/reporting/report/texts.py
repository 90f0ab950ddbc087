"""The words of a report in both languages: document vocabulary, meta labels, captions, skipped notes.

The three writers (HTML, Excel, Word) print the same words; they take them from here, so a caption
reads "表 1　标题" / "Table 1. Title" and a left-out section "本节未列出，原因：……。" / "Left out
because …." in every format.

Examples
--------
>>> from servqual._text import Text
>>> caption("table", 2, Text("信度", "Reliability"), "zh")
'表 2　信度'
>>> caption("figure", 1, Text("均值", "Means"), "en")
'Figure 1. Means'
>>> skipped_note(Text("数据中没有期望值题组", "the data have no expectation block."), "en")
'Left out because the data have no expectation block.'
"""

from __future__ import annotations

from servqual._text import Text

__all__ = ["WORDS", "META_LABELS", "META_HIDDEN", "caption", "skipped_note"]

#: Words of the document (captions, contents, notes, the README sheet), by key.
WORDS = {
    "table": Text("表", "Table"),
    "figure": Text("图", "Figure"),
    "contents": Text("目录", "Contents"),
    "note": Text("注：", "Note. "),
    "skipped": Text("本节未列出，原因：{reason}。", "Left out because {reason}."),
    "skipped_short": Text("（略）", "(left out)"),
    "generated": Text("生成日期", "Generated"),
    "pii": Text(
        "问卷中声明的受访者个人信息列（PII）不出现在本报告的任何表格中。",
        "Respondent PII columns declared in the instrument are excluded from every table of this report.",
    ),
    "yes": Text("是", "yes"),
    "no": Text("否", "no"),
    "sheet": Text("工作表", "Sheet"),
    "caption": Text("标题", "Caption"),
    "sheets": Text("工作表清单", "Sheets"),
    "title": Text("标题", "Title"),
    "versions": Text("软件版本", "Software versions"),
}

#: Labels of the known ``Report.meta`` keys.
META_LABELS = {
    "data": Text("数据文件", "Data file"),
    "instrument": Text("问卷", "Instrument"),
    "n": Text("样本量", "Sample size (n)"),
    "date": Text("日期", "Date"),
    "author": Text("作者", "Author"),
    "client": Text("委托方", "Client"),
    "organisation": Text("机构", "Organisation"),
    "language": Text("语言", "Language"),
    "description": Text("说明", "Description"),
}

#: ``Report.meta`` keys never listed among the meta rows (``date`` is shown as "Generated").
META_HIDDEN = {"pii", "date"}


def caption(kind: str, number: int, title: Text, lang: str) -> str:
    """Numbered caption of a table or figure.

    Parameters
    ----------
    kind : {"table", "figure"}
    number : int
        The number of the table or figure in document order.
    title : Text
    lang : {"zh", "en"}

    Returns
    -------
    str
        ``"表 1　title"`` in Chinese (an ideographic space), ``"Table 1. title"`` in English; the
        number alone when the title is empty.

    Examples
    --------
    >>> caption("table", 3, Text(), "en")
    'Table 3'
    """
    word = WORDS[kind].get(lang)
    t = title.get(lang)
    return f"{word} {number}　{t}".rstrip("　") if lang == "zh" else f"{word} {number}. {t}".rstrip(". ")


def skipped_note(reason: Text, lang: str) -> str:
    """The note shown in place of a section that was left out, ending with one full stop.

    Examples
    --------
    >>> skipped_note(Text("没有 KPI 目标。", "no KPI targets"), "zh")
    '本节未列出，原因：没有 KPI 目标。'
    """
    r = reason.get(lang).strip().rstrip("。.").strip()
    return WORDS["skipped"].get(lang).format(reason=r)
