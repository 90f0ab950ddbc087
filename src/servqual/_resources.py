"""Where the bundled questionnaires and data sets live inside the installed package.

This module imports nothing of servqual, so every floor may use it: the instrument loader resolves a
bundled questionnaire by name here, and :mod:`servqual.survey.datasets` finds its files here.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = ["REGISTRY", "Entry", "data_root", "surveys_root", "resolve_survey"]


@dataclass(frozen=True)
class Entry:
    name: str
    folder: str
    file: str
    survey: str | None
    description: str
    n_rows: int


REGISTRY = {
    e.name: e
    for e in [
        Entry("mobi", "ecsi_mobile_phone_mobi", "mobi.csv", "ecsi_mobi",
               "ECSI mobile-phone customer satisfaction (Tenenhaus et al. 2005), 1-10", 250),
        Entry("kiosk", "kiosk_kservqual_korea_2019", "kiosk_servqual_ipa_responses.csv", "kiosk_kservqual",
               "Korean kiosk K-SERVQUAL 2019: expectation, perception, importance, performance (1-7), outcomes (1-5)", 211),
        Entry("kiosk_kano", "kiosk_kservqual_korea_2019", "kiosk_kano_responses.csv", "kiosk_kano",
               "Korean kiosk 2019: Kano functional / dysfunctional answers for 29 features", 211),
        Entry("bfi", "bfi_big_five_sapa", "bfi.csv", "bfi_big_five",
               "Big Five personality items, SAPA project (Revelle), 6-point, 7 reverse-keyed", 2800),
        Entry("holzinger", "holzinger_swineford_1939", "HolzingerSwineford1939.csv", "holzinger_swineford",
               "Holzinger & Swineford (1939) nine ability tests (continuous), the classic CFA example", 301),
        Entry("corp_rep", "corporate_reputation_mobile_hair", "corp_rep_data.csv", "corp_rep",
               "Corporate reputation & customer satisfaction (Hair et al. PLS-SEM primer), -99 = missing", 344),
        Entry("sfo", "sfo_customer_survey_2017", "sfo_customer_survey_2017.csv", "sfo_customer_survey_2017",
               "San Francisco airport customer survey 2017 (DataSF): ratings 1-5 with 6 = not applicable, 0 = blank, routing", 2831),
    ]
}


def data_root():
    """The folder of the bundled data sets (``data/`` of the source tree)."""
    return resources.files("servqual").joinpath("_data")


def surveys_root():
    """The folder of the bundled questionnaires (``surveys/`` of the source tree)."""
    return resources.files("servqual").joinpath("_surveys")


def resolve_survey(name: str) -> Path | None:
    """Path of a bundled questionnaire by survey name or data-set name, or None when there is none."""
    if name in REGISTRY and REGISTRY[name].survey:
        name = REGISTRY[name].survey
    p = surveys_root().joinpath(f"{name}.yaml")
    return Path(str(p)) if p.is_file() else None
