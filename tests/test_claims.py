"""Every judging sentence of every bundled study is a claim that follows from the numbers of its own
``results.json``: the values are those of the tables it names, the rule is the one of the thresholds
table, and the verdict, the selection and the names in the sentence are recomputed here."""

from __future__ import annotations

import json
import math
import operator
import warnings

import pytest

from servqual.reporting.study.api import run_study
from servqual.thresholds import THRESHOLDS

STUDIES = ["mobi", "kiosk", "bfi", "holzinger", "corp_rep", "sfo"]
OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}


@pytest.fixture(scope="module", params=STUDIES)
def doc(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"claims_{request.param}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        paths = run_study(request.param, out_dir=out, formats=("html",), figures=False)
    return json.loads(paths["json"].read_text(encoding="utf-8"))


def _rows(doc, source, where):
    table = doc["study"][source[len("study."):]] if source.startswith("study.") else doc[source]
    rows = [table] if isinstance(table, dict) else list(table)
    return [r for r in rows if all(str(r.get(k)) == str(v) for k, v in where.items())]


def _value(rows, key, column, scope, minus=None):
    if key is None:
        assert len(rows) == 1, f"a single-row source has {len(rows)} rows"
        return rows[0].get(scope)
    keys = key if isinstance(key, list) else [key]
    hit = [r for r in rows if "|".join(str(r.get(k)) for k in keys) == scope]
    assert len(hit) == 1, f"{scope!r}: {len(hit)} rows of the source"
    v = hit[0].get(column)
    if minus is not None and v is not None and hit[0].get(minus) is not None:
        v = v - hit[0][minus]
    return v


def _num(v):
    return float("nan") if v is None else float(v)


def _same(a, b):
    a, b = _num(a), _num(b)
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-9 * max(1.0, abs(b))


def test_results_carry_the_claims(doc):
    claims = doc["study"]["claims"]
    ids = [c["id"] for c in claims]
    assert len(claims) >= 8 and len(ids) == len(set(ids))
    assert {c["section"] for c in claims} >= {"items", "reliability", "validity"}
    for c in claims:
        assert c["text"]["zh"] and c["text"]["en"], c["id"]


def test_every_claim_recomputes_from_results_json(doc):
    for c in doc["study"]["claims"]:
        cid = c["id"]
        rows = _rows(doc, c["source"], c["where"])
        # the numbers are the ones of the table the claim names
        for scope, v in c["values"].items():
            assert _same(v, _value(rows, c["key"], c["column"], scope, c.get("minus"))), (cid, scope)
        # the rule is the one of the thresholds table, or a value the study computed
        rules = {k: c["rules"].get(k, c["rule"]) for k in c["values"]}
        for r in {json.dumps(r, sort_keys=True) for r in rules.values() if r is not None}:
            r = json.loads(r)
            if r["key"] is not None:
                t = THRESHOLDS[r["key"]]
                assert (r["op"], r["value"], r["citation"]) == (t.op, float(t.value), t.citation), cid
            else:
                ref = r.get("reference")
                if ref is not None:
                    ref_rows = _rows(doc, ref["source"], ref["where"])
                    assert len(ref_rows) == 1 and _same(ref_rows[0][ref["column"]], r["value"]), cid
        # the verdict, recomputed
        computed = [k for k, v in c["values"].items() if v is not None and math.isfinite(v)]
        assert c["not_computed"] == [k for k in c["values"] if k not in computed], cid
        if c["min_n"] is not None:
            assert c["min_n"]["value"] == THRESHOLDS[c["min_n"]["key"]].value
            n = c["n"] if isinstance(c["n"], dict) else {k: c["n"] for k in c["values"]}
            eligible = [k for k in computed if (n.get(k) or 0) >= c["min_n"]["value"]]
        else:
            eligible = computed
        assert c["too_small"] == [k for k in computed if k not in eligible], cid
        met = [k for k in eligible if rules[k] is not None and OPS[rules[k]["op"]](c["values"][k], rules[k]["value"])]
        failed = [k for k in eligible if rules[k] is not None and k not in met]
        assert (c["met"], c["failed"]) == (met, failed), cid
        order = sorted(eligible, key=lambda k: c["values"][k])
        for how, k in c["select"].items():
            assert c["selected"][how] == (order[::-1] if how == "max" else order)[:k], cid
        # a priority rests on claims that hold, for each element it names
        if c["section"] == "priorities":
            assert met == list(c["values"]) and not c["not_computed"], cid
        # a ranking of groups rests on at least three groups that reach the minimum n
        if c["select"] and c["min_n"] is not None and c["min_n"]["key"] == "min_n_group":
            assert len(eligible) >= THRESHOLDS["min_groups_ranking"].value, cid
        # what the sentence names: the set it is about, and every element it could not judge
        named = {"failed": failed, "met": met, "selected": sorted({k for v in c["selected"].values() for k in v})}
        for lang in ("zh", "en"):
            text = c["text"][lang]
            must = list(named.get(c["names"], [])) + (c["not_computed"] if c["names"] else [])
            for k in must:
                assert c["labels"][k][lang] in text, (cid, lang, k, text)
            if c["names"] == "count":
                assert str(len(met)) in text, (cid, lang)


def test_no_claim_says_every_when_one_was_not_judged(doc):
    """'every dimension ω ≥ 0.70' only when ω was computed for every dimension and none fails."""
    for c in doc["study"]["claims"]:
        if c["names"] != "failed" or not (c["failed"] or c["not_computed"]):
            continue
        assert not any(w in c["text"]["en"] for w in ("every dimension", "every pair", "every item loads",
                                                       "All ", "met by every")), c["id"]
        assert not any(w in c["text"]["zh"] for w in ("各维度 ω 均不低于", "全部维度对", "全部题项载荷不低于", "全部维度满足",
                                                       "各维度 CR 均达标", "各维度 AVE 均达标")), c["id"]
