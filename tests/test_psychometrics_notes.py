"""Every psychometric result gives its notes in Chinese and in English, with the cut-offs of servqual.thresholds."""

import warnings

import pytest

import servqual as sq
from servqual.exceptions import LanguageError
from servqual.thresholds import THRESHOLDS

HS = [f"x{i}" for i in range(1, 10)]
MODEL = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}


def _results():
    df = sq.load_dataset("holzinger")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            "alpha": sq.cronbach_alpha(df, HS),
            "split_half": sq.split_half(df, HS[:4]),
            "eigenvalues": sq.eigenvalues(df, HS),
            "efa": sq.efa(df, 3, items=HS),
            "parallel": sq.parallel_analysis(df, HS),
            "harman": sq.harman_single_factor(df, HS),
            "omega": sq.omega(df, 3, items=HS),
            "cfa": sq.cfa(df, MODEL),
        }


@pytest.fixture(scope="module")
def results():
    return _results()


@pytest.mark.parametrize("name", ["alpha", "split_half", "eigenvalues", "efa", "parallel", "harman", "omega", "cfa"])
def test_notes_in_chinese_and_english(results, name):
    res = results[name]
    en, zh = res.notes(), res.notes("zh")
    assert en == res.notes(lang="en") and len(en) == len(zh) and en != zh
    assert res.summary(lang="zh") != res.summary(lang="en")
    with pytest.raises(LanguageError):
        res.notes("fr")


def test_notes_quote_the_thresholds(results):
    cfa_note = results["cfa"].notes()[0]
    assert f"<= {THRESHOLDS['rmsea'].value:.2f}".replace("0.", ".") in cfa_note and "Hu & Bentler (1999)" in cfa_note
    assert "George & Mallery 2003" in results["alpha"].notes()[0]
