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
['mobi', 'kiosk', 'kiosk_kano', 'bfi', 'holzinger', 'corp_rep', 'sfo']
>>> sq.load_dataset("mobi").shape
(250, 24)
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from servqual._resources import REGISTRY, Entry, data_root, surveys_root
from servqual.survey.instrument import load_instrument
from servqual.survey.io import read_responses

__all__ = ["list_datasets", "load_dataset", "dataset_path", "dataset_readme", "list_surveys", "read_dataset"]


def _entry(name: str) -> Entry:
    if name not in REGISTRY:
        raise KeyError(f"no bundled data set {name!r}; available: {', '.join(REGISTRY)}")
    return REGISTRY[name]


def list_datasets() -> pd.DataFrame:
    """The bundled real data sets: name, rows, questionnaire, file and description."""
    return pd.DataFrame(
        [{"name": e.name, "n_rows": e.n_rows, "survey": e.survey, "file": f"{e.folder}/{e.file}", "description": e.description}
         for e in REGISTRY.values()]
    )


def dataset_path(name: str) -> Path:
    """Path of a bundled data set's file (read it with :func:`servqual.read_responses`).

    >>> dataset_path("kiosk").name
    'kiosk_servqual_ipa_responses.csv'
    """
    e = _entry(name)
    return Path(str(data_root().joinpath(e.folder, e.file)))


def dataset_readme(name: str) -> str:
    """The provenance README of a bundled data set (source, licence, N, items, scale, constructs).

    >>> dataset_readme("kiosk").splitlines()[0]
    '# Kiosk service quality survey with expectation and perception items (K-SERVQUAL, Korea 2019)'
    """
    e = _entry(name)
    return data_root().joinpath(e.folder, "README.md").read_text(encoding="utf-8")


def load_dataset(name: str) -> pd.DataFrame:
    """Load a bundled data set as stored (no recoding), as a DataFrame.

    For the responses checked against the questionnaire (missing codes to NaN, reverse-keyed items
    scored) use :func:`read_dataset`.
    """
    return pd.read_csv(dataset_path(name), encoding="utf-8")


def list_surveys() -> list:
    """Names of the questionnaires shipped in ``surveys/`` (load them with :func:`servqual.load_instrument`).

    >>> list_surveys()[:4]
    ['after_sales_service_quality', 'bfi_big_five', 'corp_rep', 'ecsi_mobi']
    """
    root = surveys_root()
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml"))


def read_dataset(name: str, **kwargs):
    """Read a bundled data set through its questionnaire: ``read_responses(dataset_path(name), load_instrument(name))``.

    >>> r = read_dataset("kiosk")
    >>> r.data.shape, r.instrument.id
    ((211, 107), 'kiosk_kservqual')
    """
    return read_responses(dataset_path(name), load_instrument(name), **kwargs)
