"""The bundled real data sets, their questionnaires and the R reference models.

The questionnaires in ``surveys/`` must map each data set's real columns, declare every observed answer
as on scale (or a declared missing code), and describe the same measurement model as the R oracle
(``tests/reference/oracle/models/<slug>.json``), so that analyses run through a questionnaire see the same
data matrix the oracle analysed.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import servqual as sq
from servqual._resources import resolve_survey as _resolve_survey
from servqual.exceptions import InstrumentWarning

ROOT = Path(__file__).resolve().parents[1]
ORACLE_MODELS = ROOT / "tests" / "reference" / "oracle" / "models"
DATA_DIR = ROOT / "data"

ALL_DATASETS = ["mobi", "kiosk", "kiosk_kano", "bfi", "holzinger", "corp_rep", "sfo"]
# data set -> oracle model slug (and the questionnaire block the oracle analysed)
ORACLE_OF = {"mobi": ("mobi", None), "bfi": ("bfi", None), "holzinger": ("holzinger", None), "corp_rep": ("corp_rep", None)}
OUR_SURVEYS = {"mobi": "ecsi_mobi", "bfi": "bfi_big_five", "holzinger": "holzinger_swineford", "corp_rep": "corp_rep"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def oracle_model(slug: str) -> dict:
    return json.loads((ORACLE_MODELS / f"{slug}.json").read_text(encoding="utf-8"))


def load_quietly(name: str):
    """Load a questionnaire; return it and the warnings loading raised (recorded, not shown)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        inst = sq.load_instrument(name)
    return inst, caught


def survey_exists(dataset: str) -> bool:
    return _resolve_survey(dataset) is not None


def need_survey(dataset: str):
    if not survey_exists(dataset):
        pytest.skip(f"questionnaire of {dataset!r} not present yet")


def off_scale_cells(raw: pd.DataFrame, inst) -> list:
    """(column, value) of every observed answer that is neither on its declared scale nor a declared missing code.

    Written with pandas only (independent of servqual.io) so it checks the questionnaire, not the reader.
    """
    kano_codes = {str(code) for _, code in inst.kano_answers}
    bad = []
    for _, spec in inst.column_specs().iterrows():
        col, role = spec["column"], spec["role"]
        codes = tuple(spec["missing_codes"]) + tuple(spec["not_applicable"])  # this column's own codes
        missing = {float(m) for m in codes if isinstance(m, (int, float)) and not isinstance(m, bool)}
        text_codes = {m for m in codes if isinstance(m, str)}
        s = raw[col]
        if role == "kano":
            present = s.dropna().astype(str).str.strip()
            bad += [(col, v) for v in present[~present.isin(kano_codes)].unique()]
            continue
        if role not in ("item", "overall", "outcome", "attention"):
            continue
        x = pd.to_numeric(s, errors="coerce")
        text = s[x.isna() & s.notna()]
        bad += [(col, v) for v in text[~text.astype(str).str.strip().isin(text_codes)].unique()]  # text in a numeric column
        x = x.dropna().astype(float)
        x = x[~x.isin(missing)]
        lo, hi = float(spec["scale_min"]), float(spec["scale_max"])
        off = (x < lo) | (x > hi)
        if spec["integer"]:
            off |= x != np.round(x)
        bad += [(col, v) for v in x[off].unique()]
    return bad


# --------------------------------------------------------------------------------------------------
# The registry
# --------------------------------------------------------------------------------------------------
def test_list_datasets_names_the_bundled_sets():
    t = sq.list_datasets()
    assert t["name"].tolist() == ALL_DATASETS
    assert {"name", "n_rows", "survey", "file", "description"} <= set(t.columns)
    assert t["name"].is_unique and t["description"].str.len().gt(20).all()


@pytest.mark.parametrize("name", ALL_DATASETS)
def test_load_dataset_matches_registry(name):
    row = sq.list_datasets().set_index("name").loc[name]
    path = sq.dataset_path(name)
    assert path.is_file() and path.suffix == ".csv"
    assert path.resolve() == (DATA_DIR / row["file"]).resolve()
    df = sq.load_dataset(name)
    assert len(df) == row["n_rows"]
    pd.testing.assert_frame_equal(df, pd.read_csv(path))


@pytest.mark.parametrize("name", ALL_DATASETS)
def test_dataset_readme_gives_provenance(name):
    text = sq.dataset_readme(name)
    folder = sq.dataset_path(name).parent
    assert text == (folder / "README.md").read_text(encoding="utf-8")
    for needle in ("License", "Source and citation", "How we got it", "Construct -> items"):
        assert needle in text, f"{name}: README lacks {needle!r}"


def test_unknown_dataset_name_lists_the_available_ones():
    for fn in (sq.load_dataset, sq.dataset_path, sq.dataset_readme):
        with pytest.raises(KeyError, match="available: mobi, kiosk"):
            fn("no_such_set")


def test_list_surveys_includes_the_dataset_questionnaires():
    assert set(OUR_SURVEYS.values()) <= set(sq.list_surveys())


@pytest.mark.parametrize("name", ALL_DATASETS)
def test_dataset_name_resolves_to_its_questionnaire(name):
    need_survey(name)
    survey = sq.list_datasets().set_index("name").loc[name, "survey"]
    assert _resolve_survey(name) == _resolve_survey(survey)
    assert load_quietly(name)[0].id == load_quietly(survey)[0].id


# --------------------------------------------------------------------------------------------------
# The four questionnaires written for the data sets
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["bfi", "holzinger", "corp_rep"])
def test_questionnaire_loads_without_warning(name):
    inst, caught = load_quietly(name)
    assert [str(w.message) for w in caught] == []
    assert inst.id == OUR_SURVEYS[name]


def test_mobi_questionnaire_warns_only_about_the_two_item_value_dimension():
    inst, caught = load_quietly("mobi")
    assert len(caught) == 1
    assert issubclass(caught[0].category, InstrumentWarning)
    assert "'Value' has only 2 items" in str(caught[0].message)
    assert "ecsi_mobi.yaml:" in str(caught[0].message)  # names file and line
    assert inst.dimension("Value").item_ids == ["PERV1", "PERV2"]


@pytest.mark.parametrize("name", list(ORACLE_OF))
def test_questionnaire_model_matches_oracle_model_json(name):
    slug, block = ORACLE_OF[name]
    ref = oracle_model(slug)
    inst, _ = load_quietly(name)
    model = inst.model(block, outcomes=True)  # the dimensions, then the outcome constructs (mobi)
    constructs = ref["constructs"]
    if name == "corp_rep":
        # the reflective constructs first, in the oracle's order; then the formative drivers
        assert list(model)[: len(constructs)] == list(constructs)
        assert {k: model[k] for k in constructs} == constructs
        assert list(model)[len(constructs):] == ["QUAL", "PERF", "CSOR", "ATTR"]
    else:
        assert list(model.items()) == list(constructs.items())
    assert sorted(inst.reverse_columns(block)) == sorted(ref["reverse"])
    if "scale_min" in ref:
        assert (inst.scale.min, inst.scale.max) == (ref["scale_min"], ref["scale_max"])
    assert [m for m in inst.missing_codes] == ref.get("na_values", [])


@pytest.mark.parametrize("slug,block", [("kiosk_perception", "per"), ("kiosk_expectation", "exp")])
def test_kiosk_questionnaire_model_matches_oracle_model_json(slug, block):
    need_survey("kiosk")
    ref = oracle_model(slug)
    inst = sq.load_instrument("kiosk")
    assert list(inst.model(block).items()) == list(ref["constructs"].items())
    assert inst.reverse_columns(block) == ref["reverse"]


@pytest.mark.parametrize("name", list(OUR_SURVEYS))
def test_questionnaire_is_bilingual(name):
    inst, _ = load_quietly(name)
    texts = [("title", inst.title), ("instructions", inst.instructions)]
    texts += [(f"dimension {d.id}", d.name) for d in inst.dimensions]
    texts += [(f"item {q.id}", q.text) for q in inst.all_questions]
    for sid, scale in [("default", inst.scale)] + list(inst.scales):
        texts += [(f"scale {sid} label {v}", t) for v, t in scale.labels]
    for what, t in texts:
        assert t.zh and t.en, f"{name}: {what} needs zh and en"
        assert CJK.search(t.zh), f"{name}: {what} zh text is not Chinese: {t.zh!r}"
        assert not CJK.search(t.en), f"{name}: {what} en text contains Chinese: {t.en!r}"


@pytest.mark.parametrize("name", ALL_DATASETS)
def test_every_questionnaire_column_exists_in_the_data(name):
    need_survey(name)
    inst, _ = load_quietly(name)
    cols = set(sq.load_dataset(name).columns)
    missing = [c for c in inst.column_specs()["column"] if c not in cols]
    assert missing == []


@pytest.mark.parametrize("name", ALL_DATASETS)
def test_every_observed_answer_is_on_its_declared_scale_or_a_missing_code(name):
    need_survey(name)
    inst, _ = load_quietly(name)
    assert off_scale_cells(sq.load_dataset(name), inst) == []


def test_off_scale_check_catches_a_bad_cell():
    inst, _ = load_quietly("bfi")
    raw = sq.load_dataset("bfi")
    raw.loc[3, "A2"] = 7
    raw.loc[4, "C1"] = 2.5
    raw.loc[5, "O2"] = -99  # not a declared missing code in bfi
    assert sorted(off_scale_cells(raw, inst)) == [("A2", 7.0), ("C1", 2.5), ("O2", -99.0)]


def test_mobi_complaints_is_an_outcome_not_a_dimension():
    inst, _ = load_quietly("mobi")
    assert [(o.id, o.kind) for o in inst.outcomes if o.dimension is None] == [("CUSCO", "complaint")]
    assert [(c.id, c.kind) for c in inst.outcome_constructs] == [("Satisfaction", "satisfaction"), ("Loyalty", "loyalty")]
    assert inst.dimension_ids == ["Image", "Expectation", "Quality", "Value"]  # outcomes are no service dimensions
    assert "CUSCO" not in inst.item_ids
    assert (inst.scale.min, inst.scale.max) == (1, 10)
    assert inst.scale.label(1, "en") and inst.scale.label(10, "zh")
    assert len(inst.items) + len(inst.outcomes) == sq.load_dataset("mobi").shape[1]


def test_bfi_scale_labels_segments_and_id():
    inst, _ = load_quietly("bfi")
    assert [v for v, _ in inst.scale.labels] == [1, 2, 3, 4, 5, 6]
    assert inst.scale.label(1, "en") == "Very inaccurate" and inst.scale.label(6, "en") == "Very accurate"
    assert inst.respondent_id == "id"
    assert list(inst.segments) == ["gender", "education", "age"]
    assert "age" not in inst.item_ids
    assert sq.load_dataset("bfi")["id"].is_unique


def test_holzinger_scale_is_continuous_and_holds_every_score():
    inst, _ = load_quietly("holzinger")
    assert not inst.scale.integer and (inst.scale.min, inst.scale.max) == (0, 10)
    x = sq.load_dataset("holzinger")[inst.item_ids]
    assert x.notna().all().all()
    assert x.min().min() >= inst.scale.min and x.max().max() <= inst.scale.max
    assert (x != x.round()).any().any()  # real non-integer scores: an integer scale would reject them
    assert inst.respondent_id == "id"
    assert {"sex", "school", "grade"} <= set(inst.segments)


def test_corp_rep_scales_follow_the_stored_data():
    inst, _ = load_quietly("corp_rep")
    raw = sq.load_dataset("corp_rep")
    for c in ["switch_1", "switch_2", "switch_3", "switch_4"]:
        s = inst.scale_of(inst.item(c))
        assert (s.min, s.max) == (1, 5)
    assert raw["switch_4"].max() == 4  # observed 1-4; declared on the items' common 1-5 format
    globals_ = [o for o in inst.outcomes if o.id.endswith("_global")]
    assert sorted(o.id for o in globals_) == ["attr_global", "csor_global", "perf_global", "qual_global"]
    assert all(o.kind == "other" for o in globals_)
    for o in globals_:
        s = inst.scale_of(o)
        assert s.min <= raw[o.id].min() and raw[o.id].max() <= s.max  # documented "0-7", stored 1-7
    assert inst.item("cusa").kind == "satisfaction"
    assert {"serviceprovider", "servicetype", "age", "education", "occupation", "nphh"} <= set(inst.segments)
    for d in ("QUAL", "PERF", "CSOR", "ATTR"):
        assert "formative" in inst.dimension(d).description.en


# --------------------------------------------------------------------------------------------------
# Reading through the questionnaire
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL_DATASETS)
def test_read_dataset_validates_without_problems(name):
    need_survey(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InstrumentWarning)  # mobi's 2-item Value dimension
        problems = sq.read_dataset(name, errors="report")
        r = sq.read_dataset(name)
    assert len(problems) == 0
    assert r.data.shape == sq.load_dataset(name).shape
    assert len(r.problems) == 0


@pytest.mark.parametrize("name", list(ORACLE_OF))
def test_read_dataset_reproduces_the_oracle_data_matrix(name, ref_case):
    """Scored answers of the questionnaire's reference constructs, listwise complete = what R analysed."""
    slug, block = ORACLE_OF[name]
    case = ref_case(slug)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InstrumentWarning)
        r = sq.read_dataset(name)
    cols = [c for cs in case.constructs.values() for c in cs]
    ours = r.data[cols].astype(float).dropna().reset_index(drop=True)
    pd.testing.assert_frame_equal(ours, case.data, check_dtype=False, atol=0, rtol=0)


def test_read_dataset_recodes_missing_codes_and_reverse_keys():
    r = sq.read_dataset("corp_rep")
    raw = sq.load_dataset("corp_rep")
    for c in ["cusl_1", "cusl_2", "cusl_3", "cusa"]:
        assert int(r.data[c].isna().sum()) == int((raw[c] == -99).sum()) > 0
    b = sq.read_dataset("bfi")
    both = b.raw["A1"].notna()
    np.testing.assert_array_equal(b.data.loc[both, "A1"], 7 - b.raw.loc[both, "A1"])
    np.testing.assert_array_equal(b.data["A2"], b.raw["A2"])


# --------------------------------------------------------------------------------------------------
# The READMEs
# --------------------------------------------------------------------------------------------------
def test_data_index_lists_every_dataset_and_questionnaire():
    text = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    t = sq.list_datasets()
    for _, row in t.iterrows():
        folder = row["file"].split("/")[0]
        line = next((ln for ln in text.splitlines() if ln.startswith(f"| `{row['name']}` |")), None)
        assert line is not None, f"data/README.md has no row for {row['name']}"
        assert f"{folder}/" in line and f"{row['survey']}.yaml" in line


@pytest.mark.parametrize("readme", sorted(DATA_DIR.glob("**/README.md")), ids=lambda p: p.parent.name)
def test_readme_links_resolve(readme):
    text = readme.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#]+)\)", text)
    broken = [t for t in targets if not t.startswith("http") and not (readme.parent / t).exists()]
    assert broken == []
    assert "../../reference/" not in text and "../../oracle/" not in text
    if readme.parent != DATA_DIR:
        assert "tests/reference/" in text  # points to the R reference outputs
