"""The survey floor's arrangement and contracts: module paths, result types, languages, aliases."""

from __future__ import annotations

import importlib
from importlib import resources

import pandas as pd
import pytest

import servqual as sq
from servqual._results import Summary
from servqual.exceptions import InstrumentError, LanguageError
from servqual.survey.io import PROBLEM_COLUMNS, check_responses


@pytest.fixture(scope="module")
def kiosk_resp():
    return sq.read_dataset("kiosk")


# ---- names stay where other modules import them -------------------------------------------------
FORMS_NAMES = ["render_questionnaire", "write_questionnaire", "codebook", "write_codebook", "response_template",
               "write_template", "xlsform", "write_xlsform", "xlsform_export_names", "CODEBOOK_COLUMNS",
               "XLSFORM_LANGUAGES", "SURVEY_COLUMNS", "CHOICES_COLUMNS"]
INSTRUMENT_NAMES = ["Text", "Scale", "Item", "Dimension", "Block", "KPI", "Indicator", "Criterion", "Hierarchy",
                    "KanoFeature", "KANO_ANSWERS", "Instrument", "load_instrument", "as_instrument", "BLOCK_ROLES",
                    "OUTCOME_KINDS", "DIRECTIONS", "TARGET_OPS", "iter_question_columns"]


@pytest.mark.parametrize("name", FORMS_NAMES)
def test_forms_names_importable_from_the_package(name):
    forms = importlib.import_module("servqual.survey.forms")
    assert getattr(forms, name) is getattr(sq.questionnaire, name)


@pytest.mark.parametrize("name", INSTRUMENT_NAMES)
def test_instrument_names_importable_from_the_package(name):
    assert hasattr(importlib.import_module("servqual.survey.instrument"), name)


def test_text_is_the_core_text():
    from servqual._text import Text
    from servqual.survey.instrument import Text as InstrumentText

    assert InstrumentText is Text


@pytest.mark.parametrize("topic", ["scales", "blocks", "dimensions", "items", "kpis", "columns", "kano", "hierarchy"])
def test_schema_checks_live_in_one_module_per_topic(topic):
    mod = importlib.import_module(f"servqual.survey.instrument.checks_{topic}")
    assert mod.__doc__ and mod.__all__


def test_reverse_key_check_is_in_checks_items():
    from servqual.survey.instrument.checks_items import check_reverse

    with pytest.raises(InstrumentError, match="reverse must be true or false, got 'yes'"):
        sq.Instrument.from_dict({"id": "s", "scale": {"min": 1, "max": 5},
                                 "dimensions": [{"id": "d", "items": ["a", "b", {"id": "c", "reverse": "yes"}]}]})
    assert check_reverse.__module__ == "servqual.survey.instrument.checks_items"


def test_duplicate_ids_and_columns_name_the_first_line():
    spec = {"id": "s", "scale": {"min": 1, "max": 5},
            "dimensions": [{"id": "d", "items": ["a", "b", "c"]}, {"id": "e", "items": ["x", "y", {"id": "z", "column": "a"}]}],
            "kpis": [{"id": "d"}]}
    with pytest.raises(InstrumentError) as e:
        sq.Instrument.from_dict(spec)
    assert "data column 'a' (item z) is already used at line 0" in str(e.value)
    assert "duplicate id 'd' (KPI); first defined at line 0" in str(e.value)


def test_print_css_is_a_package_file():
    from servqual.survey.forms.printed import print_css

    css = resources.files("servqual.survey.forms").joinpath("print.css").read_text(encoding="utf-8")
    assert css.strip() == print_css() and "@page" in css
    assert print_css() in sq.render_questionnaire("kiosk", lang="en", format="html")


# ---- read_responses: one return type; the report mode has its own function ------------------------
def _bad_copy(tmp_path):
    df = sq.load_dataset("holzinger").astype({"x1": object, "x2": object})
    df.loc[3, "x1"] = "n/a"
    df.loc[7, "x2"] = "abc"
    p = tmp_path / "holzinger_bad.csv"
    df.to_csv(p, index=False)
    return p


def test_check_responses_is_the_report_mode(tmp_path):
    p = _bad_copy(tmp_path)
    problems = check_responses(p, "holzinger")
    assert list(problems.columns) == PROBLEM_COLUMNS
    assert problems[["row", "column", "problem"]].values.tolist() == [[5, "x1", "not a number"], [9, "x2", "not a number"]]
    pd.testing.assert_frame_equal(sq.read_responses(p, "holzinger", errors="report"), problems)  # the documented alias


def test_check_responses_clean_file_is_empty():
    problems = check_responses(sq.dataset_path("holzinger"), "holzinger")
    assert isinstance(problems, pd.DataFrame) and problems.empty and list(problems.columns) == PROBLEM_COLUMNS


def test_read_responses_returns_responses_with_problems(kiosk_resp):
    assert isinstance(kiosk_resp, sq.Responses) and kiosk_resp.problems.empty


def test_responses_summary_and_repr(kiosk_resp):
    s = kiosk_resp.summary()
    assert isinstance(s, Summary) and "211 rows" in s and "<table" in s._repr_html_()
    r = repr(kiosk_resp)
    assert "\n" not in r and r.startswith("<Responses: kiosk_servqual_ipa_responses.csv, 211 rows")


def test_instrument_summary_is_a_summary():
    s = sq.load_instrument("kiosk").summary()
    assert isinstance(s, Summary) and s.startswith("Instrument kiosk_kservqual") and "<table>" in s._repr_html_()


# ---- screening follows the result contract -------------------------------------------------------
def test_screening_result_contract(kiosk_resp):
    res = sq.screen(kiosk_resp, "kiosk", exclude=["straightlining"])
    r = repr(res)
    assert "\n" not in r and r.startswith("<ScreeningResult:")
    en, zh = res.notes("en"), res.notes("zh")
    assert en[0] == "211 respondents screened on 96 item columns; 9 excluded by rules: straightlining; 202 kept."
    assert zh[0].startswith("共筛查 211 位受访者") and len(zh) == len(en)
    assert res.notes() == en
    s = res.summary(lang="zh")
    assert isinstance(s, Summary) and zh[1] in s and "<table" in s._repr_html_()
    assert res.table.equals(res.summary_table()) and set(res.to_dict()) == {"summary", "flags", "exclusion log"}
    with pytest.raises(LanguageError):
        res.notes("fr")


def test_exclusion_rules_in_both_languages():
    from servqual.survey.screening import EXCLUSION_RULE_TEXTS, EXCLUSION_RULES

    assert list(EXCLUSION_RULES) == list(EXCLUSION_RULE_TEXTS)
    assert all(EXCLUSION_RULES[k] == t.en and t.zh for k, t in EXCLUSION_RULE_TEXTS.items())


# ---- languages are checked in one place -----------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda inst: inst.dictionary("fr"),
    lambda inst: inst.dimension_names("de"),
    lambda inst: inst.scale.label(1, "jp"),
    lambda inst: sq.codebook(inst, lang="fr"),
    lambda inst: sq.render_questionnaire(inst, lang="fr"),
])
def test_languages_checked_by_check_lang(call):
    with pytest.raises(LanguageError, match="lang must be 'zh' or 'en'"):
        call(sq.load_instrument("kiosk"))


def test_block_id_public_and_former_name():
    inst = sq.load_instrument("kiosk")
    assert inst.block_id(None) == inst.analysis_block == inst._block_id(None)
    assert inst.block_id("expectation") == inst.block("expectation").id
