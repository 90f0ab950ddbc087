"""Figures: every plot function on real bundled data and real analysis outputs, in both languages."""

from __future__ import annotations

import warnings
from io import BytesIO

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection, QuadMesh  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import servqual as sq  # noqa: E402
from servqual import plots  # noqa: E402
from servqual.exceptions import AnalysisError  # noqa: E402
from servqual.reporting.plots import style  # noqa: E402
from servqual.reporting.plots.style import font_families, term  # noqa: E402

LANGS = ["zh", "en"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def kiosk():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sq.read_dataset("kiosk"), sq.load_instrument("kiosk")


@pytest.fixture(scope="module")
def bfi():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sq.read_dataset("bfi"), sq.load_instrument("bfi")


@pytest.fixture(scope="module")
def gap(kiosk):
    d, ins = kiosk
    return sq.gap_analysis(d.data, ins)


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def _ticks(labels):
    return [t.get_text() for t in labels]


def _save(ax) -> bytes:
    buf = BytesIO()
    ax.figure.savefig(buf, format="png", dpi=60)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------------
# Chinese font
# --------------------------------------------------------------------------------------------------
def test_cjk_font_is_available_without_network():
    family = plots.use_cjk_font()
    assert family is not None, "install pylopdf-fonts-zh-cn (a servqual dependency)"
    path = matplotlib.font_manager.findfont(matplotlib.font_manager.FontProperties(family=family),
                                            fallback_to_default=False)
    from matplotlib.ft2font import FT2Font

    font = FT2Font(path)
    for ch in "服务质量期望感知有用性重点改进区":
        assert font.get_char_index(ord(ch)) != 0, f"{family} lacks {ch}"


def test_chinese_text_draws_without_missing_glyph_warning(kiosk, gap):
    d, ins = kiosk
    ax = plots.likert_bars(d, ins, "expectation", lang="zh", title="服务质量")
    ax.set_xlabel("回答比例（%）")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would raise here
        png = _save(ax)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # an English figure falls back to the CJK font for Chinese text it contains
    ax2 = plots.gap_bars(gap, lang="en", title="差距 gap")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _save(ax2)


def test_missing_cjk_font_warns_once_and_says_what_to_install(monkeypatch):
    monkeypatch.setattr(style, "_FONT_STATE", {"done": False, "family": None, "warned": False})
    monkeypatch.setattr(style, "cjk_font_path", lambda: None)
    monkeypatch.setattr(style, "_SYSTEM_CJK", ())
    with pytest.warns(sq.ServqualWarning, match="pylopdf-fonts-zh-cn"):
        assert plots.use_cjk_font() is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert plots.use_cjk_font() is None  # warned once only
        assert font_families("zh") == font_families("en")


def test_plots_leave_global_rcparams_unchanged(kiosk):
    d, ins = kiosk
    before = (list(matplotlib.rcParams["font.family"]), list(matplotlib.rcParams["font.sans-serif"]))
    plots.likert_bars(d, ins, lang="zh")
    after = (list(matplotlib.rcParams["font.family"]), list(matplotlib.rcParams["font.sans-serif"]))
    assert before == after


def test_use_cjk_font_rc_sets_the_global_default():
    with matplotlib.rc_context():
        family = plots.use_cjk_font(rc=True)
        assert matplotlib.rcParams["font.sans-serif"][0] == family
        fig, ax = plt.subplots()
        ax.set_title("用户自己的中文标题")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig.savefig(BytesIO(), format="png")


# --------------------------------------------------------------------------------------------------
# Item distributions
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_likert_bars_on_kiosk_expectation(kiosk, lang):
    d, ins = kiosk
    ax = plots.likert_bars(d, ins, "expectation", lang=lang)
    n_items, n_points = len(ins.items), 7
    assert len(ax.patches) == n_items * n_points
    labels = _ticks(ax.get_yticklabels())
    assert len(labels) == n_items
    q01 = ins.item("q01")
    assert labels[0].startswith("q01 ") and q01.text.get(lang)[:6] in labels[0]
    for name in ins.dimension_names(lang).values():
        assert name in _texts(ax)
    assert ax.get_title(loc="left") == ins.block("expectation").text.get(lang)
    # the segments of each item add up to 100% of its valid answers
    col = ins.item("q01").column("exp")
    x = d.data[col].dropna()
    widths = [p.get_width() for p in ax.patches[::n_items]]  # first item, every scale point
    np.testing.assert_allclose(widths, [(x == k).mean() for k in range(1, 8)], atol=1e-12)
    # answers below the midpoint extend to the left of zero, the midpoint straddles it
    first = ax.patches[0]
    mid = ax.patches[3 * n_items]
    assert first.get_x() == pytest.approx(-(sum(widths[:3]) + widths[3] / 2))
    assert mid.get_x() == pytest.approx(-mid.get_width() / 2)


@pytest.mark.parametrize("lang", LANGS)
def test_likert_bars_uses_scale_labels_and_marks_reverse_items(bfi, lang):
    d, ins = bfi
    ax = plots.likert_bars(d, ins, lang=lang, items=["A1", "A2", "C4", "C5", "E1"])
    assert len(ax.patches) == 5 * 6
    legend = ax.figure.legends[0]
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts == [f"{p} {ins.scale.label(p, lang)}" for p in range(1, 7)]
    labels = _ticks(ax.get_yticklabels())
    assert labels[0].startswith("A1(R)") and labels[1].startswith("A2 ")
    assert [t for t in _texts(ax) if t in ins.dimension_names(lang).values()] == \
        [ins.dimension_names(lang)[k] for k in ("Agreeableness", "Conscientiousness", "Extraversion")]


@pytest.mark.parametrize("lang", LANGS)
def test_item_heatmap_shows_percent_per_scale_point(bfi, lang):
    d, ins = bfi
    ax = plots.item_heatmap(d, ins, lang=lang)
    assert len(ax.get_yticklabels()) == 25
    xl = _ticks(ax.get_xticklabels())
    assert len(xl) == 6 and xl[0].replace("\n", " ") == f"1 {ins.scale.label(1, lang)}"
    mesh = next(c for c in ax.collections if isinstance(c, QuadMesh))
    arr = np.asarray(mesh.get_array()).reshape(25, 6)
    np.testing.assert_allclose(arr.sum(axis=1), 100.0, atol=1e-9)
    x = d.data["A2"].dropna()
    np.testing.assert_allclose(arr[1], [100 * (x == k).mean() for k in range(1, 7)], atol=1e-9)
    assert set(ins.dimension_names(lang).values()) <= set(_texts(ax))


@pytest.mark.parametrize("lang", LANGS)
def test_correlation_heatmap_ordered_by_dimension(kiosk, lang):
    d, ins = kiosk
    ax = plots.correlation_heatmap(d, ins, lang=lang)
    ids = [it.id for it in ins.items]
    assert _ticks(ax.get_yticklabels()) == ids
    mesh = next(c for c in ax.collections if isinstance(c, QuadMesh))
    arr = np.ma.masked_invalid(np.ma.asarray(mesh.get_array())).reshape(24, 24)
    cols = list(ins.columns().values())
    r = d.data[cols].corr().to_numpy()  # pairwise complete, as nan_policy="pairwise"
    low = np.tril_indices(24)
    np.testing.assert_allclose(np.asarray(arr)[low], r[low], atol=1e-10)
    assert np.ma.getmaskarray(arr)[0, 1]  # upper triangle hidden
    boxes = [p for p in ax.patches if isinstance(p, Rectangle) and not p.get_fill()]
    assert len(boxes) == len(ins.dimensions)
    assert set(ins.dimension_names(lang).values()) <= set(_texts(ax))


def test_correlation_heatmap_without_instrument_and_constant_item(kiosk):
    d, _ = kiosk
    df = d.data[["sq01_per", "sq02_per", "sq03_per"]].copy()
    ax = plots.correlation_heatmap(df, lang="en")
    assert _ticks(ax.get_xticklabels()) == list(df.columns)
    df["const"] = 1.0
    with pytest.raises(AnalysisError, match="const"):
        plots.correlation_heatmap(df)


# --------------------------------------------------------------------------------------------------
# Factor analysis
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_scree_plot_from_arrays(kiosk, lang):
    d, ins = kiosk
    ev = sq.eigenvalues(d.data, list(ins.columns().values()))
    thr = pd.Series(np.linspace(1.8, 0.5, 24))
    ax = plots.scree_plot(ev.correlation, thr, lang=lang)
    observed, threshold = ax.lines[0], ax.lines[1]
    np.testing.assert_allclose(observed.get_ydata(), ev.correlation)
    np.testing.assert_allclose(threshold.get_ydata(), thr.to_numpy())
    n_above = int(np.argmin(ev.correlation > thr.to_numpy()))
    retained = [c for c in ax.collections if isinstance(c, PathCollection)][0]
    assert len(retained.get_offsets()) == n_above
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == term("observed", lang) and len(legend) == 4  # observed, threshold, Kaiser, retained
    # a result object with eigenvalues works too
    ax2 = plots.scree_plot(ev, lang=lang)
    np.testing.assert_allclose(ax2.lines[0].get_ydata(), ev.correlation)


def test_scree_plot_from_parallel_analysis(kiosk):
    efa = pytest.importorskip("servqual.psychometrics.efa")
    d, ins = kiosk
    pa = efa.parallel_analysis(d.data, list(ins.columns().values()), seed=1)
    ax = plots.scree_plot(pa, lang="zh")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), pa.eigenvalues["pc_observed"].to_numpy())
    np.testing.assert_allclose(ax.lines[1].get_ydata(), pa.eigenvalues["pc_sim_q"].to_numpy())
    retained = [c for c in ax.collections if isinstance(c, PathCollection)][0]
    assert len(retained.get_offsets()) == pa.n_components
    ax = plots.scree_plot(pa, kind="fa", lang="en")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), pa.eigenvalues["fa_observed"].to_numpy())
    assert len(ax.lines) == 2  # no Kaiser line for reduced-matrix eigenvalues
    assert len([c for c in ax.collections if isinstance(c, PathCollection)][0].get_offsets()) == pa.n_factors


def test_scree_plot_rejects_bad_input():
    with pytest.raises(AnalysisError):
        plots.scree_plot([np.nan, 1.0])
    with pytest.raises(TypeError):
        plots.scree_plot(object())


def _loadings(kiosk):
    d, ins = kiosk
    cols = list(ins.columns().values())
    try:
        from servqual.psychometrics.efa import efa
    except ImportError:  # pragma: no cover - the EFA module is optional here
        from factor_analyzer import FactorAnalyzer

        fa = FactorAnalyzer(n_factors=4, rotation="oblimin").fit(d.data[cols].dropna())
        return pd.DataFrame(fa.loadings_, index=cols, columns=[f"MR{i + 1}" for i in range(4)])
    return efa(d.data, 4, cols)


@pytest.mark.parametrize("lang", LANGS)
def test_loading_heatmap_greys_small_loadings(kiosk, lang):
    d, ins = kiosk
    res = _loadings(kiosk)
    lo = getattr(res, "loadings", res)
    ax = plots.loading_heatmap(res, ins, threshold=0.3, lang=lang)
    assert len(ax.get_yticklabels()) == lo.shape[0]
    assert _ticks(ax.get_xticklabels())[0].startswith("因子" if lang == "zh" else "Factor")
    meshes = [c for c in ax.collections if isinstance(c, QuadMesh)]
    strong = np.ma.asarray(meshes[0].get_array())
    grey = np.ma.asarray(meshes[1].get_array())
    n_small = int((lo.abs() < 0.3).to_numpy().sum())
    assert int((~np.ma.getmaskarray(grey)).sum()) == n_small
    assert int((~np.ma.getmaskarray(strong)).sum()) == lo.size - n_small
    assert len(ax.texts) == lo.size
    # rows sorted by dominant factor, then by the size of that loading (as psych::fa.sort)
    a = lo.abs().to_numpy()
    main = a.argmax(axis=1)
    order = sorted(range(len(lo)), key=lambda i: (main[i], -a[i, main[i]]))
    col_to_id = {c: i for i, c in ins.columns().items()}
    shown = [t.split(" ")[0] for t in _ticks(ax.get_yticklabels())]
    assert shown == [col_to_id[lo.index[i]] for i in order]


def test_loading_heatmap_plain_dataframe_without_instrument():
    lo = pd.DataFrame({"PA1": [0.8, 0.7, 0.1], "PA2": [0.05, 0.2, 0.9]}, index=["x1", "x2", "x3"])
    ax = plots.loading_heatmap(lo, lang="en")
    assert _ticks(ax.get_yticklabels()) == ["x1", "x2", "x3"]
    assert _ticks(ax.get_xticklabels()) == ["Factor 1", "Factor 2"]
    with pytest.raises(TypeError):
        plots.loading_heatmap([[0.1]])


# --------------------------------------------------------------------------------------------------
# Gaps
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_gap_dumbbell_on_kiosk_gap_analysis(kiosk, gap, lang):
    _, ins = kiosk
    ax = plots.gap_dumbbell(gap, ins, lang=lang)
    items = gap.table[gap.table["level"] == "item"]
    pts = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(pts) == 2
    np.testing.assert_allclose(pts[0].get_offsets()[:, 0], items["expectation"].to_numpy())
    np.testing.assert_allclose(pts[1].get_offsets()[:, 0], items["perception"].to_numpy())
    assert len(ax.get_yticklabels()) == len(items)
    assert f"{items['gap'].iloc[0]:+.2f}" in _texts(ax)
    assert set(ins.dimension_names(lang).values()) <= set(_texts(ax))
    legend = [t.get_text() for t in ax.figure.legends[0].get_texts()]
    assert legend == [term("expectation", lang), term("perception", lang)]
    # the plain table works the same, at dimension level too
    ax2 = plots.gap_dumbbell(gap.table, ins, level="dimension", lang=lang)
    assert _ticks(ax2.get_yticklabels()) == list(ins.dimension_names(lang).values())


@pytest.mark.parametrize("lang", LANGS)
def test_gap_bars_with_confidence_intervals(kiosk, gap, lang):
    _, ins = kiosk
    ax = plots.gap_bars(gap, ins, lang=lang)
    dims = gap.table[gap.table["level"] == "dimension"]
    tot = gap.table[gap.table["level"] == "overall"]
    assert len(ax.patches) == len(dims) + 1
    np.testing.assert_allclose([p.get_width() for p in ax.patches], np.r_[dims["gap"], tot["gap"]])
    labels = _ticks(ax.get_yticklabels())
    assert labels == list(ins.dimension_names(lang).values()) + [term("overall", lang)]
    err = ax.collections[-1].get_segments()  # error bars: one segment per bar
    lows = [s[:, 0].min() for s in err]
    highs = [s[:, 0].max() for s in err]
    np.testing.assert_allclose(lows, np.r_[dims["ci_low"], tot["ci_low"]])
    np.testing.assert_allclose(highs, np.r_[dims["ci_high"], tot["ci_high"]])
    # sorted, item level
    ax = plots.gap_bars(gap.table, level="item", sort=True, lang=lang)
    w = [p.get_width() for p in ax.patches]
    assert len(w) == 24 and w == sorted(w)


def test_gap_plots_validate_the_table():
    with pytest.raises(AnalysisError, match="ci_low"):
        plots.gap_bars(pd.DataFrame({"dimension": ["a"], "item": [""], "gap": [0.1]}))
    with pytest.raises(AnalysisError, match="lang"):
        plots.gap_bars(pd.DataFrame(), lang="fr")


# --------------------------------------------------------------------------------------------------
# IPA, radar, Kano
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_ipa_plot_on_kiosk(kiosk, lang):
    d, ins = kiosk
    res = sq.ipa(d.data, ins)
    ax = plots.ipa_plot(res, instrument=ins, lang=lang)
    pts = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in pts) == len(res.table)
    by_quadrant = res.table["quadrant"].value_counts()
    legend = {t.get_text(): n for t, n in zip(ax.figure.legends[0].get_texts(),
                                              [len(c.get_offsets()) for c in pts])}
    for code, n in by_quadrant.items():
        name = res.table.loc[res.table["quadrant"] == code, f"quadrant_{lang}"].iloc[0]
        assert legend[name] == n
    v = [ln.get_xdata()[0] for ln in ax.lines if ln.get_linestyle() == "--"]
    h = [ln.get_ydata()[0] for ln in ax.lines if ln.get_linestyle() == "--"]
    assert res.crosshair["performance"] in v and res.crosshair["importance"] in h
    labels = [a.get_text() for a in ax.texts if a.get_text().startswith("q")]
    assert sorted(labels) == sorted(res.table["item"])
    # a plain table with explicit crosshair and wording labels
    tab = res.table.rename(columns={"item": "attribute"}).drop(columns="quadrant")
    ax = plots.ipa_plot(tab, (6.0, 5.0), instrument=ins, label="wording", lang=lang)
    assert any(ins.item("q01").text.get(lang)[:5] in t for t in _texts(ax))


@pytest.mark.parametrize("lang", LANGS)
def test_radar_plot_overall_and_by_segment(kiosk, lang):
    d, ins = kiosk
    ax = plots.radar_plot(d, ins, by="sex", lang=lang)
    groups = d.data["sex"].dropna().unique()
    assert ax.name == "polar"
    assert len(ax.lines) == 1 + len(groups)
    assert _ticks(ax.get_xticklabels()) == list(ins.dimension_names(lang).values())
    scores = sq.dimension_scores(d.data, ins)
    np.testing.assert_allclose(ax.lines[0].get_ydata()[:-1], scores[ins.dimension_ids].mean().to_numpy())
    assert ax.get_ylim() == (1, 7)
    # a Series gives one polygon, an aggregated table one per row
    ax = plots.radar_plot(scores.mean(), ins, lang=lang)
    assert len(ax.lines) == 1
    means = scores.groupby(d.data["age_group"]).mean()
    ax = plots.radar_plot(means, ins, lang=lang)
    assert len(ax.lines) == len(means)
    with pytest.raises(AnalysisError, match="3 dimensions"):
        plots.radar_plot(pd.Series({"a": 1.0, "b": 2.0}))


@pytest.fixture(scope="module")
def kano():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ins, d = sq.load_instrument("kiosk_kano"), sq.read_dataset("kiosk_kano")
    return sq.kano(d.data, ins)


@pytest.mark.parametrize("lang", LANGS)
def test_kano_plot_on_kiosk_kano(kano, lang):
    res = kano
    ax = plots.kano_plot(res, lang=lang)
    pts = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in pts) == len(res.table)
    xy = np.vstack([c.get_offsets() for c in pts])
    assert (xy[:, 0] >= 0).all()  # |worse|
    np.testing.assert_allclose(sorted(xy[:, 0]), sorted(res.table["worse"].abs()))
    names = [t.get_text() for t in ax.figure.legends[0].get_texts()]
    from servqual.labels import label

    expected = [f"{c} {label('kano', c, lang)}" for c in "AOMIRQ" if c in set(res.table["category"])]
    assert names == expected
    assert sorted(t for t in _texts(ax) if t.startswith("k")) == sorted(res.table["feature"])


# --------------------------------------------------------------------------------------------------
# Weights, AHP, ranking
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_weights_bar_single_and_combined(kiosk, gap, lang):
    d, ins = kiosk
    w = gap.weighted.set_index("dimension")["weight"].drop("total")
    ax = plots.weights_bar(w, ins, lang=lang)
    assert len(ax.patches) == len(w)
    widths = [p.get_width() for p in ax.patches]
    assert widths == sorted(widths, reverse=True)
    names = ins.dimension_names(lang)
    assert _ticks(ax.get_yticklabels())[0] == names[w.idxmax()]
    cols = list(ins.columns().values())[:6]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        e, c = sq.entropy_weights(d.data[cols]), sq.critic_weights(d.data[cols])
    comb = sq.combine_weights({"entropy": e, "critic": c})
    ax = plots.weights_bar(comb, ins, lang=lang)
    assert len(ax.patches) == 3 * 6
    assert [t.get_text() for t in ax.get_legend().get_texts()] == \
        (["博弈论组合赋权", "熵权法", "CRITIC 法"] if lang == "zh" else ["Game-theory combination", "Entropy", "CRITIC"])
    col_to_id = {c: i for i, c in ins.columns().items()}
    top = ins.item(col_to_id[comb.weights.idxmax()])
    assert _ticks(ax.get_yticklabels())[0].startswith(f"{top.id} {top.text.get(lang)[:5]}")


@pytest.mark.parametrize("lang", LANGS)
def test_ahp_hierarchy_plot_from_dicts_and_result(kiosk, lang):
    _, ins = kiosk
    crit = {"usefulness": 0.5, "control": 0.3, "security": 0.2}
    ind = {"usefulness": {"q01": 0.5, "q02": 0.3, "q03": 0.2}, "control": {"q07": 0.6, "q08": 0.4},
           "security": {"q19": 0.7, "q20": 0.2, "q21": 0.1}}
    ax = plots.ahp_hierarchy_plot(crit, ind, instrument=ins, lang=lang)
    assert len(ax.patches) == 8  # one global-weight bar per indicator
    np.testing.assert_allclose(sorted(p.get_width() for p in ax.patches),
                               sorted(np.array([0.25, 0.15, 0.1, 0.18, 0.12, 0.14, 0.04, 0.02]) / 0.25 * 0.9))
    texts = _texts(ax)
    assert f"{ins.dimension_names(lang)['usefulness']}\n0.500" in texts
    assert sum(term("local", lang) in t for t in texts) == 8
    # the result of ahp_hierarchy (Saaty-scale matrices)
    goal = [[1, 2, 3], [1 / 2, 1, 2], [1 / 3, 1 / 2, 1]]
    h = {"goal": pd.DataFrame(goal, index=["A", "B", "C"], columns=["A", "B", "C"]),
         "criteria": {"A": pd.DataFrame([[1, 3], [1 / 3, 1]], index=["a1", "a2"], columns=["a1", "a2"]),
                      "B": ["b1"], "C": pd.DataFrame([[1, 1], [1, 1]], index=["c1", "c2"], columns=["c1", "c2"])}}
    res = sq.ahp_hierarchy(h)
    ax = plots.ahp_hierarchy_plot(res, lang=lang, goal="服务质量")
    assert len(ax.patches) == 5
    gw = res.table["global_weight"].to_numpy()
    np.testing.assert_allclose([p.get_width() for p in ax.patches], gw / gw.max() * 0.9)
    assert "服务质量" in _texts(ax)
    tidy = res.table.rename(columns={"local_weight": "local", "global_weight": "global"})[
        ["criterion", "indicator", "local", "global"]]
    ax = plots.ahp_hierarchy_plot(tidy, lang=lang)
    np.testing.assert_allclose([p.get_width() for p in ax.patches], gw / gw.max() * 0.9)


@pytest.mark.parametrize("lang", LANGS)
def test_ranking_plot_topsis(kiosk, lang):
    d, ins = kiosk
    cols = list(ins.columns().values())[:6]
    x = d.data[cols].dropna().iloc[:12]
    res = sq.topsis(x, "entropy")
    ax = plots.ranking_plot(res, lang=lang)
    assert len(ax.patches) == 12
    widths = [p.get_width() for p in ax.patches]
    np.testing.assert_allclose(widths, res.sort_values("rank")["closeness"].to_numpy())
    labels = _ticks(ax.get_yticklabels())
    best = res.sort_values("rank")
    fmt = "第{r}名  {i}" if lang == "zh" else "#{r}  {i}"
    assert labels == [fmt.format(r=r, i=i) for i, r in best["rank"].items()]
    assert ax.get_xlabel() == term("closeness", lang)
    ax = plots.ranking_plot(pd.Series({"A": 70.0, "B": 82.5, "C": 64.0}), lang=lang, top=2)
    assert _ticks(ax.get_yticklabels()) == [fmt.format(r=1, i="B"), fmt.format(r=2, i="A")]


def test_figures_render_to_png(tmp_path, kiosk, gap):
    d, ins = kiosk
    for name, ax in {
        "likert_zh": plots.likert_bars(d, ins, "perception", lang="zh"),
        "gap_en": plots.gap_bars(gap, ins, lang="en"),
        "ipa_zh": plots.ipa_plot(sq.ipa(d.data, ins), lang="zh"),
    }.items():
        path = tmp_path / f"{name}.png"
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ax.figure.savefig(path, dpi=60)
        assert path.stat().st_size > 5000


def test_plot_functions_need_their_inputs(kiosk):
    d, ins = kiosk
    with pytest.raises(AnalysisError, match="instrument"):
        plots.likert_bars(d.data, None)
    with pytest.raises(AnalysisError, match="block"):
        plots.likert_bars(d, ins, "nope")
    with pytest.raises(AnalysisError, match="not in the data"):
        plots.likert_bars(d.data.drop(columns=["sq01_exp"]), ins, "expectation")
    with pytest.raises(AnalysisError, match="importance"):
        plots.ipa_plot(pd.DataFrame({"item": ["a"], "performance": [1.0]}))
    with pytest.raises(AnalysisError, match="better"):
        plots.kano_plot(pd.DataFrame({"feature": ["a"], "worse": [0.1]}))


def _label_boxes(ax):
    """The boxes of the point labels' texts (an annotation's own extent includes its leader line)."""
    from matplotlib.text import Annotation, Text

    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    return [Text.get_window_extent(a, renderer) for a in ax.texts if isinstance(a, Annotation)]


def _overlapping_pairs(boxes):
    return [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes)) if boxes[i].overlaps(boxes[j])]


def test_ipa_and_kano_labels_do_not_overlap_on_the_bundled_data(kiosk, kano):
    d, ins = kiosk
    ax = plots.ipa_plot(sq.ipa(d.data, ins), instrument=ins, lang="zh")
    boxes = _label_boxes(ax)
    assert len(boxes) == len(sq.ipa(d.data, ins).table)
    assert _overlapping_pairs(boxes) == []
    ax = plots.kano_plot(kano, lang="en")
    boxes = _label_boxes(ax)
    assert len(boxes) == len(kano.table) and _overlapping_pairs(boxes) == []


def test_crowded_points_get_separate_labels_with_leader_lines():
    """Six attributes on almost the same spot (simulated; a known worst case): the labels are spread
    around the cluster without overlapping, and those moved away from their point get a leader line."""
    rng = np.random.default_rng(3)
    tab = pd.DataFrame({"attribute": [f"a{i}" for i in range(12)],
                        "importance": np.r_[5.0 + rng.normal(0, 0.01, 6), rng.uniform(3, 7, 6)],
                        "performance": np.r_[4.0 + rng.normal(0, 0.01, 6), rng.uniform(3, 7, 6)]})
    ax = plots.ipa_plot(tab, lang="en")
    boxes = _label_boxes(ax)
    assert len(boxes) == 12 and _overlapping_pairs(boxes) == []
    from matplotlib.text import Annotation

    moved = [a for a in ax.texts if isinstance(a, Annotation) and a.arrow_patch is not None]
    assert moved  # at least one label of the cluster sits away from its point, joined by a line


# --------------------------------------------------------------------------------------------------
# The package: one module per family, names from servqual.labels
# --------------------------------------------------------------------------------------------------
def test_package_exports_every_plot_from_its_family_module():
    import importlib

    family = {"likert_bars": "items", "item_heatmap": "items", "correlation_heatmap": "items",
              "scree_plot": "factors", "loading_heatmap": "factors", "gap_dumbbell": "gaps", "gap_bars": "gaps",
              "ipa_plot": "quadrants", "kano_plot": "quadrants", "radar_plot": "scores", "weights_bar": "weights",
              "ahp_hierarchy_plot": "weights", "ranking_plot": "evaluation", "use_cjk_font": "style",
              "cjk_font_path": "style", "PALETTE": "style", "path_diagram": "paths"}
    assert sorted(plots.__all__) == sorted(family)
    for name, module in family.items():
        assert getattr(plots, name) is getattr(importlib.import_module(f"servqual.reporting.plots.{module}"), name)


@pytest.mark.parametrize("lang", LANGS)
def test_quadrant_and_method_names_come_from_labels(lang):
    from servqual.labels import label

    tab = pd.DataFrame({"item": ["a", "b", "c", "d"], "importance": [4.5, 4.4, 3.2, 3.0],
                        "performance": [3.1, 4.2, 3.0, 4.4]})
    ax = plots.ipa_plot(tab, lang=lang)
    codes = ["concentrate_here", "keep_up", "low_priority", "possible_overkill"]
    assert [t.get_text() for t in ax.figure.legends[0].get_texts()] == [label("ipa", c, lang) for c in codes]
    colours = [matplotlib.colors.to_hex(c.get_facecolor()[0]) for c in ax.collections]
    assert colours == [style.IPA_COLORS[c] for c in codes]
    ax = plots.weights_bar(pd.DataFrame({"Entropy": [0.6, 0.4], "cv": [0.5, 0.5]}, index=["x", "y"]), lang=lang)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [label("method", "entropy", lang),
                                                                   label("method", "cv", lang)]


@pytest.mark.parametrize("lang", LANGS)
def test_path_diagram_of_a_sem_marks_significance(lang):
    cr = sq.read_dataset("corp_rep").data
    fit = sq.sem(cr, "COMP =~ comp_1 + comp_2 + comp_3\nLIKE =~ like_1 + like_2 + like_3\n"
                     "CUSL =~ cusl_1 + cusl_2 + cusl_3\nCUSL ~ COMP + LIKE")
    ax = plots.path_diagram(fit, names={"CUSL": "忠诚" if lang == "zh" else "Loyalty"}, lang=lang)
    texts = [t.get_text() for t in ax.texts]
    assert ("忠诚" if lang == "zh" else "Loyalty") in texts and "COMP" in texts
    std = fit.estimates[fit.estimates["op"] == "~"].set_index("rhs")
    labels = [t for t in texts if t[:1].isdigit() or t[:1] == "-"]
    assert len(labels) == 2
    for f in ("COMP", "LIKE"):
        p, est = std.loc[f, "pvalue"], std.loc[f, "std_all"]
        stars = "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""
        assert f"{est:.2f}{stars}" in labels
    assert ax.get_title(loc="left") == ("结构模型" if lang == "zh" else "Structural model")
    plt.close("all")


def test_path_diagram_refuses_a_cycle():
    tab = pd.DataFrame({"from": ["A", "B"], "to": ["B", "A"], "estimate": [0.3, 0.2]})
    with pytest.raises(sq.AnalysisError, match="cycle"):
        plots.path_diagram(tab)
