"""Outputs made from a questionnaire: printable form, codebook, blank response template and XLSForm.

Everything here is generated from the :class:`~servqual.instrument.Instrument`, so the form the respondents
fill in, the codebook the analyst reads, the spreadsheet the data are typed into and the XLSForm that ODK /
KoboToolbox / SurveyCTO import always agree with each other and with the analysis.

* :func:`render_questionnaire` / :func:`write_questionnaire`: a printable questionnaire in Markdown or
  self-contained HTML (print CSS), in Chinese or English. Questions are grouped by block (SERVQUAL
  expectation / perception / importance ...) and dimension, every scale point is a tick box under its
  label, attention checks sit among the items as ordinary questions, objective KPIs are *not* asked, and
  PII columns appear only as optional contact fields in a separate last section.
* :func:`codebook` / :func:`write_codebook`: one row per data column (CSV in UTF-8 with BOM, so Excel on
  Chinese Windows opens it correctly; Markdown; Excel).
* :func:`response_template` / :func:`write_template`: an empty table with exactly the data columns
  (CSV or Excel with input checks on every answer column).
* :func:`xlsform` / :func:`write_xlsform`: an XLSForm (sheets ``survey``, ``choices``, ``settings``) with
  ``label::Chinese (zh)`` and ``label::English (en)`` columns that pyxform converts to an XForm.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from servqual._text import check_lang
from servqual.survey.instrument import Instrument, Scale, Text, load_instrument

__all__ = [
    "render_questionnaire",
    "write_questionnaire",
    "codebook",
    "write_codebook",
    "response_template",
    "write_template",
    "xlsform",
    "write_xlsform",
    "xlsform_export_names",
    "CODEBOOK_COLUMNS",
    "XLSFORM_LANGUAGES",
]

XLSFORM_LANGUAGES = {"zh": "Chinese (zh)", "en": "English (en)"}
CODEBOOK_COLUMNS = [
    "column", "block", "role", "dimension", "dimension_name", "item", "kind", "type", "wording_zh", "wording_en",
    "scale_min", "scale_max", "labels", "reverse", "expected", "missing_codes", "kpi_unit", "kpi_direction",
    "kpi_target", "note",
]

# --------------------------------------------------------------------------------------------------
# Fixed wording (ours), in both languages
# --------------------------------------------------------------------------------------------------
_UI = {
    "no": Text("题号", "No."),
    "question": Text("题目", "Question"),
    "answer": Text("回答", "Answer"),
    "field": Text("项目", "Field"),
    "legend": Text("选项说明", "Answer options"),
    "questions": Text("问卷题目", "Questions"),
    "tick": Text("请在每题最符合您情况的方框内打“√”（每题只选一项）。", "Tick one box per question, the one that fits you best."),
    "outcomes": Text("总体评价", "Overall evaluation"),
    "background": Text("基本信息", "Background information"),
    "background_note": Text("请填写或由调查员记录。", "Please fill in, or the interviewer records it."),
    "contact": Text("联系方式（选填）", "Contact details (optional)"),
    "contact_note": Text(
        "仅在需要回访核实时使用，不会出现在任何分析结果中。",
        "Used only if we need to follow up with you; never shown in any analysis or report.",
    ),
    "kano": Text("功能需求", "Features"),
    "kano_note": Text(
        "对下列每项功能请回答两次：如果提供该功能，您感觉如何？如果不提供该功能，您感觉如何？",
        "Answer twice for each feature: how would you feel if it is provided, and how would you feel if it is not?",
    ),
    "kano_f": Text("如果提供：{}", "If provided: {}"),
    "kano_d": Text("如果不提供：{}", "If not provided: {}"),
    "range": Text("（{} – {}）", "({} – {})"),
    "version": Text("问卷版本", "Version"),
    "source": Text("来源", "Source"),
    "thanks": Text("问卷到此结束，衷心感谢您的参与！", "This is the end of the questionnaire. Thank you very much for taking part!"),
    "kpis": Text("客观指标（由服务网点填写，不向受访者提问）", "Objective indicators (recorded by the service centre, not asked of respondents)"),
    "respondent_id": Text("受访者编号", "Respondent ID"),
    "duration_seconds": Text("答题用时（秒）", "Completion time (seconds)"),
    "duration_minutes": Text("答题用时（分钟）", "Completion time (minutes)"),
    "unit": Text("单位：{}", "unit: {}"),
    "target": Text("目标：{}", "target: {}"),
    "higher_is_better": Text("越高越好", "higher is better"),
    "lower_is_better": Text("越低越好", "lower is better"),
    "range_msg": Text("请输入 {} 到 {} 之间的数值", "Enter a number from {} to {}"),
    "nonneg_msg": Text("请输入不小于 0 的数值", "Enter a number of at least 0"),
    "check_msg": Text("请再仔细阅读本题", "Please read this question again carefully"),
    "pii_note": Text("个人信息：不出现在任何报告中", "personal data: never shown in any report"),
    "attention_note": Text("注意力检测题（对受访者不作标注），正确答案：{}", "attention check (not marked as such for respondents); expected answer: {}"),
    "kpi_note": Text("客观指标，由服务网点记录", "objective indicator, recorded by staff"),
    "id_note": Text("每位受访者唯一", "unique per respondent"),
    "segment_note": Text("分组变量", "grouping variable"),
    "fast_note_seconds": Text("用时少于 {} 秒的答卷会被标记", "answers faster than {} seconds are flagged"),
    "fast_note_minutes": Text("用时少于 {} 分钟的答卷会被标记", "answers faster than {} minutes are flagged"),
}

_ROLE_NAMES = {
    "expectation": Text("期望", "Expectations"),
    "perception": Text("实际感受", "Perceptions"),
    "importance": Text("重要性", "Importance"),
    "performance": Text("表现评价", "Performance"),
    "adequate": Text("最低可接受的服务水平", "Adequate service level"),
    "desired": Text("理想的服务水平", "Desired service level"),
}

_KANO_LABELS = {
    "like": Text("我喜欢这样", "I like it"),
    "must_be": Text("理应如此", "I expect it"),
    "neutral": Text("无所谓", "I am neutral"),
    "live_with": Text("能够忍受", "I can live with it"),
    "dislike": Text("我不喜欢这样", "I dislike it"),
}

# labels of common segment / contact columns (others are shown by their column name)
_FIELD_LABELS = {
    "service_centre": Text("服务网点", "Service centre"),
    "service_center": Text("服务网点", "Service centre"),
    "centre": Text("服务网点", "Service centre"),
    "center": Text("服务网点", "Service centre"),
    "region": Text("所在地区", "Region"),
    "city": Text("所在城市", "City"),
    "province": Text("所在省份", "Province"),
    "product_line": Text("产品线", "Product line"),
    "product": Text("产品", "Product"),
    "channel": Text("服务渠道", "Service channel"),
    "sex": Text("性别", "Sex"),
    "gender": Text("性别", "Gender"),
    "age": Text("年龄", "Age"),
    "age_group": Text("年龄段", "Age group"),
    "education": Text("学历", "Education"),
    "income": Text("收入", "Income"),
    "phone": Text("联系电话", "Phone number"),
    "mobile": Text("手机号码", "Mobile number"),
    "email": Text("电子邮箱", "Email"),
    "name": Text("姓名", "Name"),
    "address": Text("联系地址", "Address"),
    "wechat": Text("微信号", "WeChat ID"),
}

_ZH_NUM = "一二三四五六七八九十"


def _field_label(column: str) -> Text:
    t = _FIELD_LABELS.get(str(column).lower())
    if t is not None:
        return t
    pretty = str(column).replace("_", " ").strip()
    return Text(pretty, pretty[:1].upper() + pretty[1:])


def _part(n: int, lang: str) -> str:
    if lang == "zh":
        num = _ZH_NUM[n - 1] if n <= 10 else str(n)
        return f"第{num}部分"
    return f"Part {n}"


def _num(v) -> str:
    """A scale value as people write it (``5`` not ``5.0``)."""
    if v is None:
        return ""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    if f != f:  # NaN
        return ""
    return str(int(f)) if f.is_integer() else repr(f)


def _py(v):
    """Scale value for tables: int when whole, float otherwise, None when absent."""
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return v
    if f != f:
        return None
    return int(f) if f.is_integer() else f


def _as_instrument(instrument) -> Instrument:
    if isinstance(instrument, Instrument):
        return instrument
    if isinstance(instrument, (str, Path)):
        return load_instrument(instrument)
    raise TypeError(f"instrument must be an Instrument or the path / name of a questionnaire, got {type(instrument).__name__}")




# --------------------------------------------------------------------------------------------------
# Layout: the questionnaire as sections -> groups -> questions (shared by every output)
# --------------------------------------------------------------------------------------------------
@dataclass
class _Q:
    column: str
    text: Text
    kind: str  # likert | number | text | kano
    role: str  # item | outcome | attention | kano | segment | pii | kpi
    scale: Scale | None = None
    obj: object = None  # the Item / KPI / KanoFeature
    block: str = ""


@dataclass
class _Group:
    id: str
    title: Text
    questions: list = field(default_factory=list)


@dataclass
class _Section:
    id: str
    title: Text
    note: Text
    groups: list = field(default_factory=list)
    respondent: bool = True  # False: recorded by staff, never printed for respondents (KPIs)


def _scale_question(column, text, role, scale, obj, block="") -> _Q:
    kind = "likert" if scale is not None and scale.integer else "number"
    return _Q(column=column, text=text, kind=kind, role=role, scale=scale, obj=obj, block=block)


def _layout(inst: Instrument) -> list:
    """The questionnaire in asking order.

    Dimension items are asked block by block (expectation, perception, ...), grouped by dimension.
    Attention checks are placed among the items of the analysis block (spread over its dimensions, in the
    middle of a dimension), so they look like any other question. Then Kano features, outcomes,
    background (segment) fields, objective KPIs (recorded by staff) and, last, optional contact (PII) fields.
    """
    sections = []
    item_sections = []
    blocks = list(inst.blocks) or [None]
    for b in blocks:
        bid = b.id if b is not None else ""
        if b is None:
            title, note = _UI["questions"], _UI["tick"]
        else:
            title = _ROLE_NAMES.get(b.role, Text(b.id, b.id))
            note = b.text if b.text else _UI["tick"]
        sec = _Section(id=bid or "items", title=title, note=note)
        for d in inst.dimensions:
            g = _Group(id=d.id, title=d.name if d.name else Text(d.id, d.id))
            for it in d.items:
                g.questions.append(_scale_question(it.column(bid), it.text, "item", inst.scale_of(it, bid or None), it, bid))
            sec.groups.append(g)
        if sec.groups:
            item_sections.append(sec)
    # attention checks: among the analysis block's items
    checks = list(inst.attention_checks)
    if checks:
        target = None
        for sec in item_sections:
            if not inst.blocks or sec.id == inst.analysis_block:
                target = sec
        if target is None and item_sections:
            target = item_sections[-1]
        if target is None:
            target = _Section(id="items", title=_UI["questions"], note=_UI["tick"], groups=[_Group(id="checks", title=Text())])
            item_sections.append(target)
        n_groups, k = len(target.groups), len(checks)
        for j, chk in enumerate(checks):
            q = _scale_question(chk.column(), chk.text, "attention", inst.scale_of(chk), chk)
            # right after the item named by 'after'; otherwise spread over the block, mid-dimension
            spot = None
            if chk.after is not None:
                spot = next(((g, i + 1) for g in target.groups for i, other in enumerate(g.questions)
                             if other.role == "item" and other.obj.id == chk.after), None)
            if spot is None:
                g = target.groups[min(n_groups - 1, ((j + 1) * n_groups) // (k + 1))]
                spot = (g, (len(g.questions) + 1) // 2)
            spot[0].questions.insert(spot[1], q)
    sections.extend(item_sections)
    if inst.kano_features:
        g = _Group(id="kano", title=Text())
        for f in inst.kano_features:
            g.questions.append(_Q(f.functional, Text(_UI["kano_f"].zh.format(f.text.get("zh", f.id)),
                                                     _UI["kano_f"].en.format(f.text.get("en", f.id))), "kano", "kano", obj=f))
            g.questions.append(_Q(f.dysfunctional, Text(_UI["kano_d"].zh.format(f.text.get("zh", f.id)),
                                                        _UI["kano_d"].en.format(f.text.get("en", f.id))), "kano", "kano", obj=f))
        sections.append(_Section(id="kano", title=_UI["kano"], note=_UI["kano_note"], groups=[g]))
    if inst.outcomes:
        g = _Group(id="outcomes", title=Text())
        for it in inst.outcomes:
            g.questions.append(_scale_question(it.column(), it.text, "outcome", inst.scale_of(it), it))
        sections.append(_Section(id="outcomes", title=_UI["outcomes"], note=_UI["tick"], groups=[g]))
    if inst.segments:
        g = _Group(id="background", title=Text())
        for c in inst.segments:
            g.questions.append(_Q(c, _field_label(c), "text", "segment"))
        sections.append(_Section(id="background", title=_UI["background"], note=_UI["background_note"], groups=[g]))
    if inst.kpis:
        g = _Group(id="kpis", title=Text())
        for k in inst.kpis:
            if k.column:
                g.questions.append(_Q(k.column, k.name if k.name else Text(k.id, k.id), "number", "kpi", obj=k))
        if g.questions:
            sections.append(_Section(id="kpis", title=_UI["kpis"], note=Text(), groups=[g], respondent=False))
    if inst.pii:
        g = _Group(id="contact", title=Text())
        for c in inst.pii:
            g.questions.append(_Q(c, _field_label(c), "text", "pii"))
        sections.append(_Section(id="contact", title=_UI["contact"], note=_UI["contact_note"], groups=[g]))
    return sections


def _runs(questions: list) -> list:
    """Split questions into runs that share one answer table (same kind and same scale points/labels)."""
    runs, sig_prev = [], None
    for q in questions:
        if q.kind == "likert":
            sig = ("likert", tuple(q.scale.points), tuple((v, t.zh, t.en) for v, t in q.scale.labels))
        else:
            sig = (q.kind,)
        if runs and sig == sig_prev:
            runs[-1].append(q)
        else:
            runs.append([q])
        sig_prev = sig
    return runs


def _options(q: _Q, inst: Instrument, lang: str) -> list:
    """(value, label) of each answer option of a likert or Kano question."""
    if q.kind == "likert":
        return [(p, q.scale.label(p, lang)) for p in q.scale.points]
    if q.kind == "kano":
        return [(code, _KANO_LABELS[a].get(lang)) for a, code in inst.kano_answers]
    return []


def _legend_scales(sec: _Section) -> list:
    """Labelled scales that at least 3 questions of a section share (printed once as a legend above them)."""
    count, first = {}, {}
    for g in sec.groups:
        for q in g.questions:
            if q.kind == "likert" and q.scale.labels:
                key = (tuple(q.scale.points), tuple((v, x.zh, x.en) for v, x in q.scale.labels))
                count[key] = count.get(key, 0) + 1
                first.setdefault(key, q.scale)
    return [first[k] for k, c in count.items() if c >= 3]


def _legend(scale: Scale, lang: str) -> str:
    sep = "；" if lang == "zh" else "; "
    return sep.join(f"{p} = {scale.label(p, lang)}" for p in scale.points if scale.label(p, lang))


# --------------------------------------------------------------------------------------------------
# Printable questionnaire
# --------------------------------------------------------------------------------------------------
def render_questionnaire(instrument, lang: str = "zh", format: str = "md", *, show_columns: bool = False) -> str:
    """The printable questionnaire as Markdown or self-contained HTML.

    Parameters
    ----------
    instrument : Instrument or str or pathlib.Path
        The questionnaire (or the path / bundled name of its YAML file).
    lang : {"zh", "en"}
        Language of every text; a text missing in that language falls back to the other one.
    format : {"md", "html"}
        Markdown (tables with ☐ tick boxes) or one HTML page with inline print CSS (A4, table headers
        repeated on each page, rows never split across pages); no external resources.
    show_columns : bool, default False
        Print each question's data column next to its number (a data-entry version of the form).

    Returns
    -------
    str
        Title, version, instructions; one part per block (SERVQUAL expectation / perception / importance ...)
        with the block's instruction, questions grouped by dimension, the scale points as tick-box columns
        headed by their labels; attention checks placed among the analysis block's items (right after the item
        named by ``after``) as ordinary questions; Kano feature pairs; outcome questions; background (segment)
        fields; and, only when the questionnaire declares PII columns, an optional contact section kept apart
        from the questions. Objective KPIs, the respondent id and the completion time are recorded, not asked,
        so they are not printed. Reverse-keyed items and expected answers are never marked.

    Notes
    -----
    Question numbers run through the whole form. Items that share a scale share one table; an item with
    its own scale (per-item override) starts a new table.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.survey.forms import render_questionnaire
    >>> md = render_questionnaire(sq.load_instrument("servqual22"), lang="en")
    >>> md.splitlines()[0]
    '# SERVQUAL after-sales service quality questionnaire (22 attributes)'
    """
    inst = _as_instrument(instrument)
    check_lang(lang)
    if format not in ("md", "html"):
        raise ValueError(f"format must be 'md' or 'html', got {format!r}")
    sections = [s for s in _layout(inst) if s.respondent]
    if format == "md":
        return _render_md(inst, sections, lang, show_columns)
    return _render_html(inst, sections, lang, show_columns)


def _title(inst: Instrument, lang: str) -> str:
    return inst.title.get(lang, inst.id)


def _md_cell(s) -> str:
    return str(s).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def _render_md(inst: Instrument, sections: list, lang: str, show_columns: bool) -> str:
    t = lambda key: _UI[key].get(lang)  # noqa: E731
    out = [f"# {_md_cell(_title(inst, lang))}", ""]
    if inst.version:
        out += [f"{t('version')}{'：' if lang == 'zh' else ': '}{inst.version}", ""]
    if inst.instructions:
        out += [inst.instructions.get(lang).strip(), ""]
    n = 0
    colon = "　" if lang == "zh" else ": "
    colon2 = "：" if lang == "zh" else ": "
    for si, sec in enumerate(sections, 1):
        out += [f"## {_part(si, lang)}{colon}{sec.title.get(lang)}", ""]
        if sec.note:
            out += [f"*{_md_cell(sec.note.get(lang))}*", ""]
        for sc in _legend_scales(sec):
            out += [f"{t('legend')}{colon2}{_legend(sc, lang)}", ""]
        for g in sec.groups:
            if g.title:
                out += [f"### {_md_cell(g.title.get(lang))}", ""]
            for run in _runs(g.questions):
                q0 = run[0]
                if q0.kind in ("likert", "kano"):
                    opts = _options(q0, inst, lang)
                    heads = [f"{_num(v)} {lab}".strip() if q0.kind == "likert" else lab for v, lab in opts]
                    out.append("| " + " | ".join([t("no"), t("question")] + [_md_cell(h) for h in heads]) + " |")
                    out.append("| :-: | :-- | " + " | ".join([":-:"] * len(opts)) + " |")
                    for q in run:
                        n += 1
                        no = f"{n} `{q.column}`" if show_columns else str(n)
                        out.append(f"| {no} | {_md_cell(q.text.get(lang, q.column))} | " + " | ".join(["☐"] * len(opts)) + " |")
                else:
                    head = t("field") if q0.kind == "text" else t("question")
                    out.append(f"| {t('no')} | {head} | {t('answer')} |")
                    out.append("| :-: | :-- | :-- |")
                    for q in run:
                        n += 1
                        no = f"{n} `{q.column}`" if show_columns else str(n)
                        blank = "________________"
                        if q.kind == "number" and q.scale is not None:
                            blank += _UI["range"].get(lang).format(_num(q.scale.min), _num(q.scale.max))
                        out.append(f"| {no} | {_md_cell(q.text.get(lang, q.column))} | {blank} |")
                out.append("")
    out += ["---", "", t("thanks"), ""]
    if inst.citation:
        out += [f"<small>{t('source')}{'：' if lang == 'zh' else ': '}{_md_cell(inst.citation)}</small>", ""]
    return "\n".join(out)


_CSS = """
@page { size: A4; margin: 15mm 13mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimSun",
       "Helvetica Neue", Arial, sans-serif; font-size: 10.5pt; line-height: 1.45; color: #111;
       max-width: 190mm; margin: 0 auto; padding: 10mm 4mm; }
h1 { font-size: 17pt; text-align: center; margin: 0 0 4pt; }
.meta { text-align: center; color: #555; font-size: 9pt; margin: 0 0 8pt; }
.instructions { border: 1px solid #999; padding: 6pt 9pt; margin: 8pt 0 12pt; }
h2 { font-size: 13pt; border-bottom: 1.5px solid #333; padding-bottom: 2pt; margin: 16pt 0 6pt;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 10pt 0 3pt; break-after: avoid; page-break-after: avoid; }
p.note { margin: 3pt 0 6pt; }
p.legend { font-size: 9pt; color: #333; margin: 2pt 0 6pt; }
table { border-collapse: collapse; width: 100%; margin: 3pt 0 9pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 1px solid #888; padding: 3pt 4pt; vertical-align: middle; }
th { background: #eee; font-weight: normal; font-size: 8.5pt; text-align: center; }
th b { font-size: 9.5pt; }
td.no { width: 2.6em; text-align: center; }
td.no code { display: block; font-size: 7.5pt; color: #555; }
td.opt { text-align: center; width: 3.4em; }
span.cb { display: inline-block; width: 10pt; height: 10pt; border: 1px solid #222; vertical-align: middle; }
td.blank { min-width: 45mm; }
td.blank span.range { color: #555; font-size: 8.5pt; }
section.contact { margin-top: 14pt; border-top: 1px dashed #777; }
footer { margin-top: 16pt; font-size: 8.5pt; color: #555; }
p.thanks { text-align: center; font-weight: bold; margin-top: 14pt; }
@media print {
  body { padding: 0; max-width: none; }
  th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
""".strip()


def _render_html(inst: Instrument, sections: list, lang: str, show_columns: bool) -> str:
    e = lambda s: html.escape(str(s), quote=False)  # noqa: E731
    t = lambda key: e(_UI[key].get(lang))  # noqa: E731
    title = e(_title(inst, lang))
    body = [f"<h1>{title}</h1>"]
    if inst.version:
        body.append(f'<p class="meta">{t("version")}{"：" if lang == "zh" else ": "}{e(inst.version)}</p>')
    if inst.instructions:
        body.append(f'<div class="instructions"><p>{e(inst.instructions.get(lang).strip())}</p></div>')
    n = 0
    colon = "　" if lang == "zh" else ": "
    colon2 = "：" if lang == "zh" else ": "
    for si, sec in enumerate(sections, 1):
        cls = ' class="contact"' if sec.id == "contact" else ""
        body.append(f'<section id="part-{e(sec.id)}"{cls}>')
        body.append(f"<h2>{e(_part(si, lang))}{colon}{e(sec.title.get(lang))}</h2>")
        if sec.note:
            body.append(f'<p class="note">{e(sec.note.get(lang))}</p>')
        for sc in _legend_scales(sec):
            body.append(f'<p class="legend">{t("legend")}{colon2}{e(_legend(sc, lang))}</p>')
        for g in sec.groups:
            if g.title:
                body.append(f"<h3>{e(g.title.get(lang))}</h3>")
            for run in _runs(g.questions):
                q0 = run[0]
                rows = []
                if q0.kind in ("likert", "kano"):
                    opts = _options(q0, inst, lang)
                    heads = "".join(
                        (f"<th><b>{e(_num(v))}</b><br>{e(lab)}</th>" if q0.kind == "likert" else f"<th>{e(lab)}</th>")
                        for v, lab in opts
                    )
                    rows.append(f'<thead><tr><th>{t("no")}</th><th>{t("question")}</th>{heads}</tr></thead><tbody>')
                    for q in run:
                        n += 1
                        code = f"<code>{e(q.column)}</code>" if show_columns else ""
                        boxes = '<td class="opt"><span class="cb"></span></td>' * len(opts)
                        rows.append(f'<tr><td class="no">{n}{code}</td><td>{e(q.text.get(lang, q.column))}</td>{boxes}</tr>')
                else:
                    head = t("field") if q0.kind == "text" else t("question")
                    rows.append(f'<thead><tr><th>{t("no")}</th><th>{head}</th><th>{t("answer")}</th></tr></thead><tbody>')
                    for q in run:
                        n += 1
                        code = f"<code>{e(q.column)}</code>" if show_columns else ""
                        rng = ""
                        if q.kind == "number" and q.scale is not None:
                            rng = f'<span class="range">{e(_UI["range"].get(lang).format(_num(q.scale.min), _num(q.scale.max)))}</span>'
                        rows.append(f'<tr><td class="no">{n}{code}</td><td>{e(q.text.get(lang, q.column))}</td>'
                                    f'<td class="blank">{rng}</td></tr>')
                body.append('<table class="q">' + "".join(rows) + "</tbody></table>")
        body.append("</section>")
    body.append(f'<p class="thanks">{t("thanks")}</p>')
    if inst.citation:
        body.append(f"<footer>{t('source')}{'：' if lang == 'zh' else ': '}{e(inst.citation)}</footer>")
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title}</title>\n'
        f"<style>\n{_CSS}\n</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def write_questionnaire(instrument, path, lang: str = "zh", format: str | None = None, *, show_columns: bool = False) -> Path:
    """Write the printable questionnaire (see :func:`render_questionnaire`) to ``path`` (UTF-8).

    ``format`` defaults to the file suffix: ``.md`` / ``.markdown`` -> Markdown, ``.html`` / ``.htm`` -> HTML.
    Returns the path written.
    """
    p = Path(path)
    if format is None:
        suf = p.suffix.lower()
        format = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}.get(suf)
        if format is None:
            raise ValueError(f"{p}: cannot tell the format from the suffix {suf!r}; use .md or .html (or give format='md'/'html')")
    text = render_questionnaire(instrument, lang=lang, format=format, show_columns=show_columns)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


# --------------------------------------------------------------------------------------------------
# Codebook
# --------------------------------------------------------------------------------------------------
def _labels_text(scale: Scale | None, lang: str | None) -> str:
    if scale is None or not scale.labels:
        return ""
    parts = []
    for v, txt in scale.labels:
        lab = f"{txt.get('zh')} / {txt.get('en')}" if lang is None and txt.zh and txt.en and txt.zh != txt.en else txt.get(lang or "zh")
        parts.append(f"{_num(v)}={lab}")
    return "; ".join(parts)


def codebook(instrument, lang: str | None = None) -> pd.DataFrame:
    """The codebook: one row per data column, in the order of :meth:`Instrument.column_specs`.

    Parameters
    ----------
    instrument : Instrument or str or pathlib.Path
    lang : {"zh", "en"} or None
        Language of ``labels`` and ``dimension_name``; None (default) gives both, ``"非常不同意 / Strongly
        disagree"``. The wording columns always hold both languages.

    Returns
    -------
    pandas.DataFrame
        ``column`` data column; ``block`` block id (SERVQUAL expectation / perception ..., or
        functional / dysfunctional for Kano); ``role`` (item, outcome, attention, kpi, kano,
        respondent_id, duration, segment, pii); ``dimension`` id and ``dimension_name``; ``item`` id;
        ``kind`` (outcome kind); ``type`` (likert, continuous, number, category, id, text);
        ``wording_zh``, ``wording_en``; ``scale_min``, ``scale_max``; ``labels`` ("1=非常不同意; ...");
        ``reverse`` (scored as min + max - x); ``expected`` answer of an attention check;
        ``missing_codes`` that mean "no answer" in this column; ``kpi_unit``, ``kpi_direction``,
        ``kpi_target``; ``note``.

    Examples
    --------
    >>> from servqual.survey.forms import codebook
    >>> cb = codebook("after_sales_service_quality", lang="zh")
    >>> row = cb.set_index("column").loc["eff4"]
    >>> bool(row["reverse"]), row["labels"]
    (True, '1=非常不同意; 2=不同意; 3=一般; 4=同意; 5=非常同意')
    """
    inst = _as_instrument(instrument)
    if lang is not None:
        check_lang(lang)
    specs = inst.column_specs()
    mc = "; ".join(_num(m) if not isinstance(m, str) else m for m in inst.missing_codes)
    kpis = {k.column: k for k in inst.kpis if k.column}
    feats = {f.id: f for f in inst.kano_features}
    blocks = {b.id: b for b in inst.blocks}
    kano_labels = "; ".join(
        f"{code}=" + (f"{_KANO_LABELS[a].zh} / {_KANO_LABELS[a].en}" if lang is None else _KANO_LABELS[a].get(lang))
        for a, code in inst.kano_answers
    )
    dim_names = {d.id: d.name for d in inst.dimensions}

    def say(t: Text, default: str = "") -> str:
        if lang is not None:
            return t.get(lang, default)
        if t.zh and t.en and t.zh != t.en:
            return f"{t.zh} / {t.en}"
        return t.get("zh", default)

    rows = []
    for _, s in specs.iterrows():
        col, role = s["column"], s["role"]
        item_id = s["item"] if isinstance(s["item"], str) else None
        block = s["block"] if isinstance(s["block"], str) and s["block"] else None
        dim = s["dimension"] if isinstance(s["dimension"], str) else None
        row = dict.fromkeys(CODEBOOK_COLUMNS)
        row.update(column=col, block=block, role=role, dimension=dim, item=item_id, reverse=bool(s["reverse"]),
                   missing_codes=mc if role not in ("respondent_id", "pii") and mc else None)
        if dim:
            row["dimension_name"] = say(dim_names.get(dim, Text()), dim)
        if role in ("item", "outcome", "attention"):
            it = inst.item(item_id)
            sc = inst.scale_of(it, block)
            row.update(wording_zh=it.text.zh, wording_en=it.text.en, scale_min=_py(sc.min), scale_max=_py(sc.max),
                       labels=_labels_text(sc, lang) or None, type="likert" if sc.integer else "continuous",
                       kind=it.kind if role == "outcome" else None)
            if role == "item" and block:
                b = blocks[block]
                row["note"] = say(_ROLE_NAMES.get(b.role, Text(b.role, b.role)))
            if role == "attention":
                row["expected"] = ", ".join(_num(x) for x in it.expected)
                row["note"] = say(_UI["attention_note"]).replace("{}", row["expected"])
        elif role == "kpi":
            k = kpis[col]
            row.update(wording_zh=k.name.zh or k.id, wording_en=k.name.en or k.id, type="number", kpi_unit=k.unit,
                       kpi_direction=k.direction, kpi_target=k.target_text or None, kind=None)
            row["note"] = say(k.description) if k.description else say(_UI["kpi_note"])
        elif role == "kano":
            f = feats[item_id]
            tmpl = _UI["kano_f"] if block == "functional" else _UI["kano_d"]
            row.update(wording_zh=tmpl.zh.format(f.text.get("zh", f.id)), wording_en=tmpl.en.format(f.text.get("en", f.id)),
                       type="category", labels=kano_labels or None)
        elif role == "respondent_id":
            row.update(wording_zh=_UI["respondent_id"].zh, wording_en=_UI["respondent_id"].en, type="id",
                       note=say(_UI["id_note"]))
        elif role == "duration":
            key = "duration_minutes" if inst.duration_unit == "minutes" else "duration_seconds"
            row.update(wording_zh=_UI[key].zh, wording_en=_UI[key].en, type="number")
            if inst.min_duration is not None:
                row["note"] = say(_UI[f"fast_note_{'minutes' if inst.duration_unit == 'minutes' else 'seconds'}"]).replace(
                    "{}", _num(inst.min_duration))
        elif role == "segment":
            lab = _field_label(col)
            row.update(wording_zh=lab.zh, wording_en=lab.en, type="category", note=say(_UI["segment_note"]))
        elif role == "pii":
            lab = _field_label(col)
            row.update(wording_zh=lab.zh, wording_en=lab.en, type="text", note=say(_UI["pii_note"]))
        rows.append(row)
    out = pd.DataFrame(rows, columns=CODEBOOK_COLUMNS, dtype=object)
    out["reverse"] = out["reverse"].astype(bool)
    return out


def _md_table(df: pd.DataFrame) -> str:
    def cell(v):
        if v is None or (isinstance(v, float) and v != v):
            return ""
        if isinstance(v, bool):
            return "yes" if v else ""
        return _md_cell(_num(v) if isinstance(v, (int, float)) else v)

    lines = ["| " + " | ".join(df.columns) + " |", "|" + "|".join(["---"] * len(df.columns)) + "|"]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines)


def write_codebook(instrument, path, lang: str | None = None) -> Path:
    """Write the codebook (see :func:`codebook`).

    Parameters
    ----------
    instrument : Instrument or str or pathlib.Path
    path : str or pathlib.Path
        ``.csv``, ``.md`` or ``.xlsx``; parent folders are created.
    lang : {"zh", "en"} or None
        Language of the labels (None: both).

    ``.csv``: UTF-8 with BOM (``utf-8-sig``), so Excel on Chinese Windows shows the Chinese text correctly;
    ``.md``: a Markdown document with a header and one table; ``.xlsx``: one sheet ``codebook``.
    Returns the path written.
    """
    inst = _as_instrument(instrument)
    p = Path(path)
    cb = codebook(inst, lang=lang)
    suf = p.suffix.lower()
    p.parent.mkdir(parents=True, exist_ok=True)
    if suf == ".csv":
        cb.to_csv(p, index=False, encoding="utf-8-sig")
    elif suf in (".md", ".markdown"):
        head = [f"# Codebook: {inst.title.get(lang or 'zh', inst.id)}", ""]
        meta = [f"- questionnaire: `{inst.id}`" + (f" version {inst.version}" if inst.version else "")]
        meta.append(f"- {len(cb)} data columns; missing codes: {', '.join(_num(m) for m in inst.missing_codes) or 'none'}")
        meta.append("- reverse-keyed items are scored as min + max - x")
        if inst.citation:
            meta.append(f"- source: {_md_cell(inst.citation)}")
        p.write_text("\n".join(head + meta + ["", _md_table(cb), ""]), encoding="utf-8")
    elif suf == ".xlsx":
        _write_xlsx(p, {"codebook": cb})
    else:
        raise ValueError(f"{p}: a codebook is written as .csv, .md or .xlsx, not {suf or 'a file without suffix'}")
    return p


# --------------------------------------------------------------------------------------------------
# Response template
# --------------------------------------------------------------------------------------------------
def response_template(instrument) -> pd.DataFrame:
    """An empty response table with exactly the instrument's data columns.

    The columns are ``instrument.column_specs()["column"]`` in that order: respondent id, the items of
    every block, outcomes, attention checks, KPIs, Kano answers, duration, segments and PII columns.

    Examples
    --------
    >>> from servqual.survey.forms import response_template
    >>> list(response_template("servqual22").columns[:3])
    ['resp_id', 'sq01_e', 'sq02_e']
    """
    inst = _as_instrument(instrument)
    cols = list(inst.column_specs()["column"])
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols}, columns=cols)


def _col_letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


def write_template(instrument, path) -> Path:
    """Write the blank response template (see :func:`response_template`).

    Parameters
    ----------
    instrument : Instrument or str or pathlib.Path
    path : str or pathlib.Path
        ``.csv`` or ``.xlsx``; parent folders are created.

    ``.csv``: the header row only, UTF-8 with BOM. ``.xlsx``: sheet ``responses`` (header row, frozen,
    with an input message showing each column's wording and an input check that accepts only the scale
    points or a declared missing code in every answer column) and sheet ``codebook``. Read the filled-in
    file with :func:`servqual.read_responses`. Returns the path written.
    """
    inst = _as_instrument(instrument)
    p = Path(path)
    tmpl = response_template(inst)
    suf = p.suffix.lower()
    p.parent.mkdir(parents=True, exist_ok=True)
    if suf == ".csv":
        tmpl.to_csv(p, index=False, encoding="utf-8-sig")
        return p
    if suf != ".xlsx":
        raise ValueError(f"{p}: a response template is written as .csv or .xlsx, not {suf or 'a file without suffix'}")
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    cb = codebook(inst)
    wb = Workbook()
    ws = wb.active
    ws.title = "responses"
    ws.append(list(tmpl.columns))
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
    ws.freeze_panes = "B2"
    num_missing = [float(m) for m in inst.missing_codes if not isinstance(m, str)]
    for i, r in enumerate(cb.itertuples(index=False), start=1):
        letter = _col_letter(i)
        ws.column_dimensions[letter].width = max(10, min(24, len(str(r.column)) + 3))
        wording = r.wording_zh or r.wording_en or ""
        if r.wording_en and r.wording_en != wording:
            wording = f"{wording} / {r.wording_en}"
        if r.labels:
            wording = f"{wording}\n{r.labels}"
        dv = None
        ref = f"{letter}2"
        if r.role in ("item", "outcome", "attention") and r.scale_min is not None:
            lo, hi = r.scale_min, r.scale_max
            cond = f"AND({ref}>={_num(lo)},{ref}<={_num(hi)}" + (f",{ref}=INT({ref}))" if r.type == "likert" else ")")
            extra = "".join(f",{ref}={_num(m)}" for m in num_missing)
            dv = DataValidation(type="custom", formula1=f"OR(AND(ISNUMBER({ref}),{cond}){extra})", allow_blank=True)
            dv.error = f"{_num(lo)}-{_num(hi)}" + (f" / {', '.join(_num(m) for m in num_missing)}" if num_missing else "")
            dv.errorTitle = "servqual"
            dv.showErrorMessage = True
        elif r.role in ("kpi", "duration"):
            extra = "".join(f",{ref}={_num(m)}" for m in num_missing)
            dv = DataValidation(type="custom", formula1=f"OR(ISNUMBER({ref}){extra})", allow_blank=True)
            dv.showErrorMessage = True
        if dv is None:
            dv = DataValidation(type="custom", formula1="TRUE", allow_blank=True)
        dv.promptTitle = str(r.column)[:32]
        dv.prompt = wording[:255]
        dv.showInputMessage = True
        dv.add(f"{letter}2:{letter}1048576")
        ws.add_data_validation(dv)
    _append_sheet(wb, "codebook", cb)
    wb.save(p)
    return p


# --------------------------------------------------------------------------------------------------
# XLSForm
# --------------------------------------------------------------------------------------------------
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
SURVEY_COLUMNS = (
    ["type", "name"]
    + [f"label::{v}" for v in XLSFORM_LANGUAGES.values()]
    + [f"hint::{v}" for v in XLSFORM_LANGUAGES.values()]
    + ["required", "constraint"]
    + [f"constraint_message::{v}" for v in XLSFORM_LANGUAGES.values()]
    + ["appearance", "calculation"]
)
CHOICES_COLUMNS = ["list_name", "name"] + [f"label::{v}" for v in XLSFORM_LANGUAGES.values()]


def xlsform(instrument, *, required: bool = True, enforce_attention: bool = False) -> dict:
    """The questionnaire as an XLSForm (ODK, KoboToolbox, SurveyCTO).

    Parameters
    ----------
    instrument : Instrument or str or pathlib.Path
    required : bool, default True
        Mark items, outcomes, attention checks and Kano answers ``required``.
    enforce_attention : bool, default False
        Add a ``constraint`` that only accepts an attention check's expected answer. Off by default: a
        constraint makes the form refuse any other answer, so every completed form would pass the check
        and :func:`servqual.screen` could never flag an inattentive respondent. Turn it on only when the
        check is meant as an instructed-response gate.

    Returns
    -------
    dict of str -> pandas.DataFrame
        ``survey`` (columns ``type, name, label::Chinese (zh), label::English (en), hint::..., required,
        constraint, constraint_message::..., appearance, calculation``), ``choices`` (``list_name, name,
        label::...``) and ``settings`` (``form_title, form_id, version, default_language``).

    Notes
    -----
    Layout (every question's ``name`` is its data column): ``start`` / ``end`` timestamps and a
    ``calculate`` for the duration column (seconds or minutes between them) when one is declared; the
    respondent id as ``calculate`` ``once(uuid())``; a note with the instructions; one group per block (SERVQUAL
    expectation / perception / importance ...) opening with the block's instruction, and inside it one
    ``field-list`` group per dimension with ``select_one`` questions (one choice list per scale, appearance
    ``likert``); attention checks among the analysis block's items (right after the item named by ``after``);
    continuous items as ``decimal`` with a range ``constraint``; Kano pairs as ``select_one`` on the Kano answer
    codes; outcomes; segments as ``text``; objective KPIs as ``decimal`` with unit, direction and target in the
    hint (recorded by staff); PII as optional ``text`` in a last contact group. Both label languages are always
    written (a text missing in one language falls back to the other); ``default_language`` is the instrument's
    first language.

    Examples
    --------
    >>> from servqual.survey.forms import xlsform
    >>> sheets = xlsform("after_sales_service_quality")
    >>> sorted(sheets)
    ['choices', 'settings', 'survey']
    """
    inst = _as_instrument(instrument)
    specs = inst.column_specs()
    bad = [c for c in specs["column"] if not _NAME_RE.match(str(c))]
    if bad:
        raise ValueError(
            f"questionnaire {inst.id!r}: data column(s) {', '.join(map(repr, bad))} are not valid XLSForm names "
            "(letters, digits, '_', '.', '-', not starting with a digit); rename them in the questionnaire"
        )
    langs = list(XLSFORM_LANGUAGES)
    used = set(specs["column"].astype(str))
    survey, choices = [], []

    def uniq(base: str) -> str:
        name, k = base, 2
        while name in used:
            name, k = f"{base}_{k}", k + 1
        used.add(name)
        return name

    def row(type_, name, label=None, hint=None, **kw):
        r = dict.fromkeys(SURVEY_COLUMNS)
        r["type"], r["name"] = type_, name
        for lg in langs:
            if label:
                r[f"label::{XLSFORM_LANGUAGES[lg]}"] = label.get(lg)
            if hint:
                r[f"hint::{XLSFORM_LANGUAGES[lg]}"] = hint.get(lg)
        cmsg = kw.pop("constraint_message", None)
        if cmsg:
            for lg in langs:
                r[f"constraint_message::{XLSFORM_LANGUAGES[lg]}"] = cmsg.get(lg)
        r.update(kw)
        survey.append(r)

    lists: dict = {}
    list_names: set = set()

    def list_for(scale: Scale) -> str:
        sig = (tuple(scale.points), tuple((v, t.zh, t.en) for v, t in scale.labels))
        if sig in lists:
            return lists[sig]
        base = re.sub(r"[^A-Za-z0-9_]", "_", scale.id) if scale.id else f"scale_{_num(scale.min)}_{_num(scale.max)}".replace("-", "m")
        if not re.match(r"^[A-Za-z_]", base):
            base = "s_" + base
        name, k = base, 2
        while name in list_names:
            name, k = f"{base}_{k}", k + 1
        list_names.add(name)
        lists[sig] = name
        for p in scale.points:
            lab = scale.label(p, "zh")
            t = Text(scale.label(p, "zh") or str(p), scale.label(p, "en") or str(p)) if lab or scale.label(p, "en") else Text(str(p), str(p))
            c = {"list_name": name, "name": str(p)}
            for lg in langs:
                c[f"label::{XLSFORM_LANGUAGES[lg]}"] = t.get(lg)
            choices.append(c)
        return name

    def kano_list() -> str:
        if "kano" not in list_names:
            list_names.add("kano")
            for a, code in inst.kano_answers:
                c = {"list_name": "kano", "name": str(code)}
                for lg in langs:
                    c[f"label::{XLSFORM_LANGUAGES[lg]}"] = _KANO_LABELS[a].get(lg)
                choices.append(c)
        return "kano"

    req = "yes" if required else None

    def question(q: _Q):
        if q.kind == "likert":
            kw = {"required": req, "appearance": "likert"}
            if q.role == "attention" and enforce_attention and q.obj.expected:
                kw["constraint"] = " or ".join(f". = '{_num(x)}'" for x in q.obj.expected)
                kw["constraint_message"] = _UI["check_msg"]
            row(f"select_one {list_for(q.scale)}", q.column, q.text if q.text else Text(q.column, q.column), **kw)
        elif q.kind == "number":
            kw = {}
            hint = None
            if q.scale is not None:
                kw["constraint"] = f". >= {_num(q.scale.min)} and . <= {_num(q.scale.max)}"
                msg = _UI["range_msg"]
                kw["constraint_message"] = Text(msg.zh.format(_num(q.scale.min), _num(q.scale.max)), msg.en.format(_num(q.scale.min), _num(q.scale.max)))
                kw["required"] = req
            if q.role == "kpi":
                k = q.obj
                hint = _kpi_hint(k)
                unit = (k.unit or "").lower()
                if unit in ("ratio", "share", "proportion"):
                    kw["constraint"] = ". >= 0 and . <= 1"
                    kw["constraint_message"] = Text(_UI["range_msg"].zh.format(0, 1), _UI["range_msg"].en.format(0, 1))
                elif unit in ("%", "percent", "pct"):
                    kw["constraint"] = ". >= 0 and . <= 100"
                    kw["constraint_message"] = Text(_UI["range_msg"].zh.format(0, 100), _UI["range_msg"].en.format(0, 100))
                elif unit in ("h", "hour", "hours", "min", "minute", "minutes", "d", "day", "days", "s", "seconds", "count", "n"):
                    kw["constraint"] = ". >= 0"
                    kw["constraint_message"] = _UI["nonneg_msg"]
            row("decimal", q.column, q.text if q.text else Text(q.column, q.column), hint, **kw)
        elif q.kind == "kano":
            row(f"select_one {kano_list()}", q.column, q.text, required=req)
        else:  # text: segment or pii
            kw = {}
            if q.role == "pii" and str(q.column).lower() in ("phone", "mobile", "tel", "telephone"):
                kw["appearance"] = "numbers"
            row("text", q.column, q.text, **kw)

    # metadata, id, duration
    if inst.duration_column:
        start, end = uniq("started_at"), uniq("ended_at")
        row("start", start)
        row("end", end)
        factor = 1440 if inst.duration_unit == "minutes" else 86400
        calc = f"(decimal-date-time(${{{end}}}) - decimal-date-time(${{{start}}})) * {factor}"
        if inst.duration_unit != "minutes":
            calc = f"round({calc}, 0)"
        row("calculate", inst.duration_column, calculation=calc)
    if inst.respondent_id:
        row("calculate", inst.respondent_id, calculation="once(uuid())")
    if inst.instructions:
        row("note", uniq("intro"), inst.instructions)

    for sec in _layout(inst):
        row("begin_group", uniq(f"g_{sec.id}"), sec.title)
        if sec.note:
            row("note", uniq(f"n_{sec.id}"), sec.note)
        for g in sec.groups:
            nested = len(sec.groups) > 1 or bool(g.title)
            if nested:
                row("begin_group", uniq(f"g_{sec.id}_{g.id}"), g.title if g.title else None, appearance="field-list")
            for q in g.questions:
                question(q)
            if nested:
                row("end_group", None)
        row("end_group", None)

    settings = pd.DataFrame([{
        "form_title": inst.title.get(inst.languages[0] if inst.languages else "zh", inst.id),
        "form_id": inst.id,
        "version": str(inst.version) if inst.version else "1",
        "default_language": XLSFORM_LANGUAGES.get(inst.languages[0] if inst.languages else "zh", XLSFORM_LANGUAGES["zh"]),
    }])
    survey_df = pd.DataFrame(survey, columns=SURVEY_COLUMNS).astype(object)
    choices_df = pd.DataFrame(choices, columns=CHOICES_COLUMNS).astype(object)
    return {
        "survey": survey_df.where(survey_df.notna(), None),
        "choices": choices_df.where(choices_df.notna(), None),
        "settings": settings,
    }


def _kpi_hint(k) -> Text:
    parts_zh, parts_en = [], []
    if k.unit:
        parts_zh.append(_UI["unit"].zh.format(k.unit))
        parts_en.append(_UI["unit"].en.format(k.unit))
    if k.target_text:
        parts_zh.append(_UI["target"].zh.format(k.target_text))
        parts_en.append(_UI["target"].en.format(k.target_text))
    parts_zh.append(_UI[k.direction].zh)
    parts_en.append(_UI[k.direction].en)
    if k.description:
        parts_zh.insert(0, k.description.get("zh"))
        parts_en.insert(0, k.description.get("en"))
    return Text("；".join(parts_zh), "; ".join(parts_en))


def _append_sheet(wb, title: str, df: pd.DataFrame) -> None:
    from openpyxl.styles import Font

    ws = wb.create_sheet(title)
    ws.append([str(c) for c in df.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in df.itertuples(index=False):
        ws.append([_cell(v) for v in r])
    ws.freeze_panes = "A2"
    for i, c in enumerate(df.columns, start=1):
        width = max([len(str(c))] + [len(str(v)) for v in df[c].head(200) if v is not None])
        ws.column_dimensions[_col_letter(i)].width = max(8, min(60, width + 2))


def _cell(v):
    if v is None:
        return None
    if isinstance(v, float) and v != v:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            return v.item()
        except (AttributeError, ValueError):
            return v
    return v


def _write_xlsx(path: Path, sheets: dict) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, df in sheets.items():
        _append_sheet(wb, title, df)
    wb.save(path)


def write_xlsform(instrument, path, *, required: bool = True, enforce_attention: bool = False) -> Path:
    """Write the XLSForm (see :func:`xlsform`) as ``.xlsx`` with sheets survey, choices and settings.

    Convert it with ``pyxform`` (``xls2xform FORM.xlsx FORM.xml``) or upload it to KoboToolbox /
    SurveyCTO / ODK Central. Returns the path written.
    """
    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        raise ValueError(f"{p}: an XLSForm is written as .xlsx")
    sheets = xlsform(instrument, required=required, enforce_attention=enforce_attention)
    p.parent.mkdir(parents=True, exist_ok=True)
    _write_xlsx(p, sheets)
    return p


def xlsform_export_names(instrument) -> dict:
    """Map the column headers that ODK Central / KoboToolbox exports of the XLSForm may carry to data columns.

    Exports name a question inside groups by its group path, e.g. ``g_items-g_items_efficiency-eff1``
    (ODK Central) or ``g_items/g_items_efficiency/eff1`` (KoboToolbox with group names in headers). The
    returned dict maps every such header (both separators, and the bare name) to the data column, so
    ``df.rename(columns=xlsform_export_names(inst))`` restores the questionnaire's column names.
    """
    sheets = xlsform(instrument)
    out, stack = {}, []
    for r in sheets["survey"].itertuples(index=False):
        typ, name = r.type, r.name
        if typ == "begin_group":
            stack.append(name)
        elif typ == "end_group":
            stack.pop()
        elif typ not in ("note", "start", "end") and name:
            out[name] = name
            for sep in ("-", "/"):
                out[sep.join(stack + [name])] = name
    return out
