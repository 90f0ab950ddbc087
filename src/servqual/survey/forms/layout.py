"""The questionnaire laid out for asking: sections -> groups -> questions, shared by every form.

:func:`layout` orders the questions as a respondent meets them (block by block, grouped by dimension,
attention checks among the items, then Kano features, outcomes, background, KPIs recorded by staff and
the optional contact fields). The printable form and the XLSForm both walk this layout, so they always
ask the same questions in the same order. The fixed wording of the forms (:data:`WORDING`), the names of
the SERVQUAL block roles and the Kano answers live here in both languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from servqual._safeio import check_output_file, escape_markdown
from servqual._text import Text
from servqual.survey.instrument import Instrument, Scale

__all__ = [
    "WORDING", "ROLE_NAMES", "KANO_LABELS", "Question", "Group", "Section", "layout", "answer_runs",
    "answer_options", "scale_key", "legend_scales", "legend_text", "field_label", "part_title", "show_value", "table_value",
    "md_cell", "md_code", "form_inputs", "check_form_output",
]

# --------------------------------------------------------------------------------------------------
# Fixed wording (ours), in both languages
# --------------------------------------------------------------------------------------------------
#: The fixed wording of the forms (headings, notes, messages), ``key -> Text``.
WORDING = {
    "no": Text("题号", "No."),
    "question": Text("题目", "Question"),
    "answer": Text("回答", "Answer"),
    "field": Text("项目", "Field"),
    "legend": Text("选项说明", "Answer options"),
    "questions": Text("问卷题目", "Questions"),
    "tick": Text("请在每题最符合您情况的方框内打“√”（每题只选一项）。", "Tick one box per question, the one that fits you best."),
    "not_applicable": Text("不适用", "Does not apply"),
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

#: Part titles of the SERVQUAL block roles.
ROLE_NAMES = {
    "expectation": Text("期望", "Expectations"),
    "perception": Text("实际感受", "Perceptions"),
    "importance": Text("重要性", "Importance"),
    "performance": Text("表现评价", "Performance"),
    "adequate": Text("最低可接受的服务水平", "Adequate service level"),
    "desired": Text("理想的服务水平", "Desired service level"),
}

#: The five Kano answers as respondents read them.
KANO_LABELS = {
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


def field_label(column: str) -> Text:
    """The label of a background or contact column (a known name in both languages, else the column)."""
    t = _FIELD_LABELS.get(str(column).lower())
    if t is not None:
        return t
    pretty = str(column).replace("_", " ").strip()
    return Text(pretty, pretty[:1].upper() + pretty[1:])


def part_title(n: int, lang: str) -> str:
    """``第一部分`` / ``Part 1``."""
    if lang == "zh":
        num = _ZH_NUM[n - 1] if n <= 10 else str(n)
        return f"第{num}部分"
    return f"Part {n}"


def show_value(v) -> str:
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


def table_value(v):
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


def md_cell(s) -> str:
    """Text made inert for one Markdown table cell or heading, on one line (see :func:`escape_markdown`).

    Examples
    --------
    >>> md_cell("b | c"), md_cell("<img src=x onerror=alert(1)>")
    ('b \\\\| c', '&lt;img src=x onerror=alert(1)&gt;')
    """
    return escape_markdown(s, inline=True).strip()


_PLAIN_CODE = re.compile(r"[\w.\-]+")


def md_code(s) -> str:
    """A data column or id as Markdown code (``"`eff1`"``) when it holds only letters, digits, ``_``, ``.``
    and ``-``; any other name is shown as escaped text (a backtick would close a code span, and a code
    span shows entities literally).

    Examples
    --------
    >>> md_code("eff1"), md_code("a`<b>")
    ('`eff1`', 'a\\\\`&lt;b&gt;')
    """
    s = str(s)
    return f"`{s}`" if _PLAIN_CODE.fullmatch(s) else md_cell(s)


# --------------------------------------------------------------------------------------------------
# Writing: the output place of a form, checked before the form is built
# --------------------------------------------------------------------------------------------------
def form_inputs(inst: Instrument, inputs=()) -> tuple:
    """The files a form may never overwrite: ``inputs`` and the questionnaire file ``inst`` was read from.

    Examples
    --------
    >>> import servqual as sq
    >>> [p.name for p in form_inputs(sq.load_instrument("kiosk"))]
    ['kiosk_kservqual.yaml']
    """
    if isinstance(inputs, (str, bytes, Path)):
        inputs = (inputs,)
    out = tuple(Path(p) for p in inputs if p is not None and str(p) != "")
    if inst.source and Path(inst.source).is_file():
        out += (Path(inst.source),)
    return out


def check_form_output(path, inputs, what: str) -> Path:
    """Check the place of a form's file before it is built (see :func:`servqual._safeio.check_output_file`):
    not a folder, a link or an input; missing folders are accepted (they are created when writing).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> check_form_output(folder / "new" / "codebook.csv", (), "codebook").name
    'codebook.csv'
    >>> check_form_output(folder, (), "codebook")
    Traceback (most recent call last):
    ...
    servqual.exceptions.OutputFileError: the codebook ... is a folder: give a file name
    """
    return check_output_file(path, inputs=inputs, what=what, create_parents=True)


# --------------------------------------------------------------------------------------------------
# Layout: the questionnaire as sections -> groups -> questions (shared by every output)
# --------------------------------------------------------------------------------------------------
@dataclass
class Question:
    """One question of a form: its data column, wording, answer kind and role."""

    column: str
    text: Text
    kind: str  # likert | number | text | kano
    role: str  # item | outcome | attention | kano | segment | pii | kpi
    scale: Scale | None = None
    obj: object = None  # the Item / KPI / KanoFeature
    block: str = ""
    na: tuple = ()  # the numeric not-applicable codes: printed as a "does not apply" box after the scale


@dataclass
class Group:
    """Questions asked together (one dimension, or one list of outcomes / fields)."""

    id: str
    title: Text
    questions: list = field(default_factory=list)


@dataclass
class Section:
    """A part of the form (one block, Kano features, outcomes, background, KPIs, contact)."""

    id: str
    title: Text
    note: Text
    groups: list = field(default_factory=list)
    respondent: bool = True  # False: recorded by staff, never printed for respondents (KPIs)


def _scale_question(column, text, role, scale, obj, block="", inst: Instrument | None = None) -> Question:
    kind = "likert" if scale is not None and scale.integer else "number"
    na = ()
    if inst is not None and obj is not None:
        na = tuple(m for m in inst.codes_of(obj, block or None)[1] if isinstance(m, (int, float)) and not isinstance(m, bool))
    return Question(column=column, text=text, kind=kind, role=role, scale=scale, obj=obj, block=block, na=na)


def layout(inst: Instrument) -> list:
    """The questionnaire in asking order.

    Dimension items are asked block by block (expectation, perception, ...), grouped by dimension.
    Attention checks are placed among the items of the analysis block (spread over its dimensions, in the
    middle of a dimension), so they look like any other question. Then Kano features, outcomes,
    background (segment) fields, objective KPIs (recorded by staff) and, last, optional contact (PII) fields.

    Examples
    --------
    >>> import servqual as sq
    >>> sections = layout(sq.load_instrument("kiosk"))
    >>> [s.id for s in sections]
    ['exp', 'per', 'imp', 'sat', 'outcomes', 'background']
    >>> [g.id for g in sections[0].groups][:3], sections[0].groups[0].questions[0].column
    (['usefulness', 'fun', 'control'], 'sq01_exp')
    """
    sections = []
    item_sections = []
    blocks = list(inst.blocks) or [None]
    for b in blocks:
        bid = b.id if b is not None else ""
        if b is None:
            title, note = WORDING["questions"], WORDING["tick"]
        else:
            title = ROLE_NAMES.get(b.role, Text(b.id, b.id))
            note = b.text if b.text else WORDING["tick"]
        sec = Section(id=bid or "items", title=title, note=note)
        for d in inst.dimensions:
            g = Group(id=d.id, title=d.name if d.name else Text(d.id, d.id))
            for it in d.items:
                g.questions.append(_scale_question(it.column(bid), it.text, "item", inst.scale_of(it, bid or None), it, bid, inst))
            if d.overall is not None and (not inst.blocks or bid == inst.analysis_block):
                # the topic-overall question closes its dimension, once (in the analysis block)
                g.questions.append(_scale_question(d.overall.column(), d.overall.text, "overall", inst.scale_of(d.overall),
                                                   d.overall, "", inst))
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
            target = Section(id="items", title=WORDING["questions"], note=WORDING["tick"], groups=[Group(id="checks", title=Text())])
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
        g = Group(id="kano", title=Text())
        for f in inst.kano_features:
            g.questions.append(Question(f.functional, Text(WORDING["kano_f"].zh.format(f.text.get("zh", f.id)),
                                                     WORDING["kano_f"].en.format(f.text.get("en", f.id))), "kano", "kano", obj=f))
            g.questions.append(Question(f.dysfunctional, Text(WORDING["kano_d"].zh.format(f.text.get("zh", f.id)),
                                                        WORDING["kano_d"].en.format(f.text.get("en", f.id))), "kano", "kano", obj=f))
        sections.append(Section(id="kano", title=WORDING["kano"], note=WORDING["kano_note"], groups=[g]))
    if inst.outcomes:
        g = Group(id="outcomes", title=Text())
        for it in inst.outcomes:
            g.questions.append(_scale_question(it.column(), it.text, "outcome", inst.scale_of(it), it, "", inst))
        sections.append(Section(id="outcomes", title=WORDING["outcomes"], note=WORDING["tick"], groups=[g]))
    if inst.segments:
        g = Group(id="background", title=Text())
        for c in inst.segments:
            g.questions.append(Question(c, field_label(c), "text", "segment"))
        sections.append(Section(id="background", title=WORDING["background"], note=WORDING["background_note"], groups=[g]))
    if inst.kpis:
        g = Group(id="kpis", title=Text())
        for k in inst.kpis:
            if k.column:
                g.questions.append(Question(k.column, k.name if k.name else Text(k.id, k.id), "number", "kpi", obj=k))
        if g.questions:
            sections.append(Section(id="kpis", title=WORDING["kpis"], note=Text(), groups=[g], respondent=False))
    if inst.pii:
        g = Group(id="contact", title=Text())
        for c in inst.pii:
            g.questions.append(Question(c, field_label(c), "text", "pii"))
        sections.append(Section(id="contact", title=WORDING["contact"], note=WORDING["contact_note"], groups=[g]))
    return sections


def scale_key(scale: Scale) -> tuple:
    """What makes two scales one answer table: their points and their labels in both languages."""
    return tuple(scale.points), tuple((v, t.zh, t.en) for v, t in scale.labels)


def answer_runs(questions: list) -> list:
    """Split questions into runs that share one answer table (same kind and same scale points/labels)."""
    runs, sig_prev = [], None
    for q in questions:
        if q.kind == "likert":
            sig = ("likert",) + scale_key(q.scale) + (q.na,)
        else:
            sig = (q.kind,)
        if runs and sig == sig_prev:
            runs[-1].append(q)
        else:
            runs.append([q])
        sig_prev = sig
    return runs


def answer_options(q: Question, inst: Instrument, lang: str) -> list:
    """(value, label) of each answer option of a likert or Kano question."""
    if q.kind == "likert":
        return [(p, q.scale.label(p, lang)) for p in q.scale.points] + [(c, WORDING["not_applicable"].get(lang)) for c in q.na]
    if q.kind == "kano":
        return [(code, KANO_LABELS[a].get(lang)) for a, code in inst.kano_answers]
    return []


def legend_scales(sec: Section) -> list:
    """Labelled scales that at least 3 questions of a section share (printed once as a legend above them)."""
    count, first = {}, {}
    for g in sec.groups:
        for q in g.questions:
            if q.kind == "likert" and q.scale.labels:
                key = scale_key(q.scale)
                count[key] = count.get(key, 0) + 1
                first.setdefault(key, q.scale)
    return [first[k] for k, c in count.items() if c >= 3]


def legend_text(scale: Scale, lang: str) -> str:
    """The labelled points of a scale on one line (``1 = 非常不同意；2 = ...``)."""
    sep = "；" if lang == "zh" else "; "
    return sep.join(f"{p} = {scale.label(p, lang)}" for p in scale.points if scale.label(p, lang))
