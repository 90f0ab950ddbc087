"""Real survey data sets bundled with servqual, each with its provenance and its questionnaire.

=================  ======  =====  ==========================================================
name               rows    items  what
=================  ======  =====  ==========================================================
``mobi``           250     24     ECSI mobile-phone customer satisfaction (1-10)
``kiosk``          211     96+4   Korean kiosk SERVQUAL: expectation, perception, importance,
                                  performance (1-7) and outcomes (1-5)
``kiosk_kano``     211     58     the same respondents' Kano functional/dysfunctional answers
``bfi``            2800    25     Big Five (SAPA/IPIP), 6-point, 7 reverse-keyed items
``holzinger``      301     9      Holzinger & Swineford (1939) ability tests (continuous)
``corp_rep``       344     50     corporate reputation & satisfaction (Hair et al.), -99 = missing
=================  ======  =====  ==========================================================

The files are read through :mod:`importlib.resources`, so they work from an installed wheel. Each
folder's README gives the source, licence, N, items, scale and construct mapping.

Examples
--------
>>> import servqual as sq
>>> sq.list_datasets()["name"].tolist()
['mobi', 'kiosk', 'kiosk_kano', 'bfi', 'holzinger', 'corp_rep']
>>> sq.load_dataset("mobi").shape
(250, 24)
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

__all__ = ["list_datasets", "load_dataset", "dataset_path", "dataset_readme", "list_surveys", "read_dataset"]


@dataclass(frozen=True)
class _Entry:
    name: str
    folder: str
    file: str
    survey: str | None
    description: str
    n_rows: int


_REGISTRY = {
    e.name: e
    for e in [
        _Entry("mobi", "ecsi_mobile_phone_mobi", "mobi.csv", "ecsi_mobi",
               "ECSI mobile-phone customer satisfaction (Tenenhaus et al. 2005), 1-10", 250),
        _Entry("kiosk", "kiosk_kservqual_korea_2019", "kiosk_servqual_ipa_responses.csv", "kiosk_kservqual",
               "Korean kiosk K-SERVQUAL 2019: expectation, perception, importance, performance (1-7), outcomes (1-5)", 211),
        _Entry("kiosk_kano", "kiosk_kservqual_korea_2019", "kiosk_kano_responses.csv", "kiosk_kano",
               "Korean kiosk 2019: Kano functional / dysfunctional answers for 29 features", 211),
        _Entry("bfi", "bfi_big_five_sapa", "bfi.csv", "bfi_big_five",
               "Big Five personality items, SAPA project (Revelle), 6-point, 7 reverse-keyed", 2800),
        _Entry("holzinger", "holzinger_swineford_1939", "HolzingerSwineford1939.csv", "holzinger_swineford",
               "Holzinger & Swineford (1939) nine ability tests (continuous), the classic CFA example", 301),
        _Entry("corp_rep", "corporate_reputation_mobile_hair", "corp_rep_data.csv", "corp_rep",
               "Corporate reputation & customer satisfaction (Hair et al. PLS-SEM primer), -99 = missing", 344),
    ]
}


def _data_root():
    return resources.files("servqual.datasets").joinpath("_data")


def _surveys_root():
    return resources.files("servqual").joinpath("_surveys")


def _entry(name: str) -> _Entry:
    if name not in _REGISTRY:
        raise KeyError(f"no bundled data set {name!r}; available: {', '.join(_REGISTRY)}")
    return _REGISTRY[name]


def list_datasets() -> pd.DataFrame:
    """The bundled real data sets: name, rows, questionnaire, file and description."""
    return pd.DataFrame(
        [{"name": e.name, "n_rows": e.n_rows, "survey": e.survey, "file": f"{e.folder}/{e.file}", "description": e.description}
         for e in _REGISTRY.values()]
    )


def dataset_path(name: str) -> Path:
    """Path of a bundled data set's file (read it with :func:`servqual.read_responses`)."""
    e = _entry(name)
    return Path(str(_data_root().joinpath(e.folder, e.file)))


def dataset_readme(name: str) -> str:
    """The provenance README of a bundled data set (source, licence, N, items, scale, constructs)."""
    e = _entry(name)
    return _data_root().joinpath(e.folder, "README.md").read_text(encoding="utf-8")


def load_dataset(name: str) -> pd.DataFrame:
    """Load a bundled data set as stored (no recoding), as a DataFrame.

    For the responses checked against the questionnaire (missing codes to NaN, reverse-keyed items
    scored) use :func:`read_dataset`.
    """
    return pd.read_csv(dataset_path(name), encoding="utf-8")


def list_surveys() -> list:
    """Names of the questionnaires shipped in ``surveys/`` (load them with :func:`servqual.load_instrument`)."""
    root = _surveys_root()
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml"))


def _resolve_survey(name: str):
    """Path of a bundled questionnaire by survey name or data-set name, or None."""
    if name in _REGISTRY and _REGISTRY[name].survey:
        name = _REGISTRY[name].survey
    p = _surveys_root().joinpath(f"{name}.yaml")
    return Path(str(p)) if p.is_file() else None


def read_dataset(name: str, **kwargs):
    """Read a bundled data set through its questionnaire: ``read_responses(dataset_path(name), load_instrument(name))``."""
    from ..instrument import load_instrument
    from ..io import read_responses

    return read_responses(dataset_path(name), load_instrument(name), **kwargs)
