"""The second, softer grades and screening values the psychometric notes quote, as named constants.

Every value is read from :data:`servqual.thresholds.THRESHOLDS` (with its citation there); the names are
kept for the notes that use them.

Examples
--------
>>> dot(RMSEA_ACCEPTABLE), author_year("Hu & Bentler 1999")
('.08', 'Hu & Bentler (1999)')
"""

from __future__ import annotations

from servqual.thresholds import THRESHOLDS, author_year, dot

__all__ = [
    "RMSEA_CLOSE",
    "RMSEA_ACCEPTABLE",
    "INDEX_ACCEPTABLE",
    "COMMUNALITY_LOW",
    "CROSS_LOADING",
    "R_DROP_LOW",
    "MANY_ITEMS",
    "OMEGA_GOOD",
    "OMEGA_H_UNIDIMENSIONAL",
    "ECV_DOMINANT",
    "dot",
    "author_year",
]

RMSEA_CLOSE = THRESHOLDS["rmsea_close"].value
RMSEA_ACCEPTABLE = THRESHOLDS["rmsea_acceptable"].value
INDEX_ACCEPTABLE = THRESHOLDS["cfi_acceptable"].value
COMMUNALITY_LOW = THRESHOLDS["communality"].value
CROSS_LOADING = THRESHOLDS["cross_loading"].value
R_DROP_LOW = THRESHOLDS["r_drop_low"].value
MANY_ITEMS = int(THRESHOLDS["many_items"].value)
OMEGA_GOOD = THRESHOLDS["omega_good"].value
OMEGA_H_UNIDIMENSIONAL = THRESHOLDS["omega_h"].value
ECV_DOMINANT = THRESHOLDS["ecv"].value
