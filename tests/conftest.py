"""Shared fixtures: the real data sets prepared exactly as the R oracle prepared them.

``tests/reference/<slug>.json`` holds what R psych 2.2.9, lavaan 0.6.14 and semTools 0.5.6 computed;
``tests/reference/oracle/`` holds the script and the model files that produced them. ``ref_case(slug)``
returns the same recoded, listwise-complete data matrix the oracle analysed, the constructs, and the
reference dictionary.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
REF_DIR = ROOT / "tests" / "reference"
ORACLE_MODELS = REF_DIR / "oracle" / "models"
SLUGS = ["bfi", "corp_rep", "holzinger", "kiosk_expectation", "kiosk_perception", "mobi"]


@dataclass(frozen=True)
class RefCase:
    slug: str
    data: pd.DataFrame  # recoded, listwise complete, model's items in model order
    constructs: dict  # construct -> list of items
    reverse: list
    scale_min: float | None
    scale_max: float | None
    ref: dict  # the oracle's JSON
    raw: pd.DataFrame  # the CSV as read, before filtering

    def matrix(self, m: dict) -> pd.DataFrame:
        """An R matrix from the reference JSON as a DataFrame."""
        return pd.DataFrame(m["data"], index=m["row_names"], columns=m["col_names"], dtype=float)


@lru_cache(maxsize=None)
def _load_case(slug: str) -> RefCase:
    model = json.loads((ORACLE_MODELS / f"{slug}.json").read_text(encoding="utf-8"))
    csv = (ORACLE_MODELS.parent / model["data"]).resolve()
    raw = pd.read_csv(csv)
    df = raw
    flt = model.get("filter")
    if flt:
        df = df[df[flt["column"]] == flt["equals"]]
    items = [i for items in model["constructs"].values() for i in items]
    x = df[items].astype(float)
    for code in model.get("na_values", []):
        x = x.mask(x == code)
    lo, hi = model.get("scale_min"), model.get("scale_max")
    for it in model.get("reverse", []):
        x[it] = lo + hi - x[it]
    x = x.dropna().reset_index(drop=True)
    ref = json.loads((REF_DIR / f"{slug}.json").read_text(encoding="utf-8"))
    assert len(x) == ref["meta"]["n_complete"], (slug, len(x), ref["meta"]["n_complete"])
    return RefCase(slug, x, dict(model["constructs"]), list(model.get("reverse", [])), lo, hi, ref, raw)


@pytest.fixture(scope="module")
def inst():
    """The kiosk K-SERVQUAL questionnaire (a test module may define its own ``inst``)."""
    from servqual.survey.instrument import load_instrument

    return load_instrument("kiosk")


@pytest.fixture(scope="module")
def kiosk():
    """The kiosk responses of the authors' analysis sample, as stored (no recoding)."""
    from servqual.survey.datasets import dataset_path

    d = pd.read_csv(dataset_path("kiosk"))
    return d[d["in_authors_analysis_sample"] == 1].reset_index(drop=True)


@pytest.fixture(scope="session")
def ref_case():
    """``ref_case(slug) -> RefCase`` for slug in bfi, corp_rep, holzinger, kiosk_*, mobi."""
    return _load_case


def rmat(m: dict) -> pd.DataFrame:
    """Convert an R matrix from the reference JSON into a DataFrame."""
    return pd.DataFrame(m["data"], index=m["row_names"], columns=m["col_names"], dtype=float)


def align_factors(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """Reorder and sign-flip the columns of ``ours`` to best match ``theirs`` (factor indeterminacy)."""
    from itertools import permutations

    k = theirs.shape[1]
    best, best_err = None, np.inf
    for perm in permutations(range(k)) if k <= 7 else [tuple(range(k))]:
        cand = ours[:, perm].copy()
        for j in range(k):
            if np.sum((cand[:, j] + theirs[:, j]) ** 2) < np.sum((cand[:, j] - theirs[:, j]) ** 2):
                cand[:, j] *= -1
        err = np.abs(cand - theirs).max()
        if err < best_err:
            best, best_err = cand, err
    return best
