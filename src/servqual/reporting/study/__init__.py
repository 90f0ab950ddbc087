"""The whole study in one call: read, screen, analyse and write a client report (HTML, Excel, Word).

:func:`study_report` turns scored responses and their questionnaire into a :class:`servqual.report.Report`
whose sections follow a service-quality study from the sample to the improvement priorities:

1. sample and screening -- rows read, missing answers, careless-response screening and exclusions;
2. item analysis -- item statistics, critical ratio, corrected item-total correlation, alpha if deleted;
3. reliability -- Cronbach's alpha with its Feldt CI and McDonald's omega, per dimension and overall;
4. validity -- KMO / Bartlett, parallel analysis, EFA, CFA fit and loadings, CR / AVE, Fornell-Larcker,
   HTMT, Harman's single-factor test;
5. indicator weights -- entropy and CRITIC weights of the dimensions, their game-theory combination, AHP;
6. SERVQUAL gaps, 7. importance-performance analysis, 8. Kano -- when the questionnaire asks for them;
9. evaluation -- satisfaction index (0-100), group comparison, TOPSIS of the segments, KPI attainment;
10. priorities -- what to improve first, in plain sentences.

Every section carries short interpretation sentences, in Chinese and in English, that cite the
thresholds they apply (:mod:`servqual.thresholds`). A section whose inputs are absent (no expectation
block, no KPIs, ...) is kept with the reason it was left out. Respondent PII columns declared in the
questionnaire never reach a table. :func:`run_study` does everything from a file (or a bundled data
set) to the written files and ``results.json``; ``servqual report`` calls it.

The package, one module per family of sections:

=====================  ==========================================================================
module                 what
=====================  ==========================================================================
:mod:`.registry`       :func:`section`, the registration of a section builder; :data:`SECTIONS`
:mod:`.context`        :class:`StudyContext`: inputs, results so far, tables, steps, figures
:mod:`.text`           number formats, cut-off wording, column labels
:mod:`.sample`         1 sample and screening
:mod:`.measurement`    2 item analysis, 3 reliability, 4 validity
:mod:`.weights`        5 indicator weights
:mod:`.gaps`           6 SERVQUAL gaps
:mod:`.ipa`            7 importance-performance analysis
:mod:`.kano`           8 Kano
:mod:`.evaluation`     9 satisfaction index, segments and TOPSIS (with :mod:`.kpis`, KPI attainment)
:mod:`.priorities`     10 improvement priorities
:mod:`.api`            :func:`build_study`, :func:`study_report`, :func:`run_study`
=====================  ==========================================================================

A new section is one module with one function registered by :func:`section` (key, title, the section
it follows, the result keys it adds), imported below.

Examples
--------
>>> from servqual.reporting.study import STUDY_SECTIONS, results_keys
>>> STUDY_SECTIONS
('sample', 'items', 'reliability', 'validity', 'weights', 'gaps', 'ipa', 'kano', 'evaluation', 'priorities')
>>> results_keys()["evaluation"]
('satisfaction_index', 'group_comparison', 'topsis', 'kpi')
"""

from servqual.reporting.study.registry import SECTIONS, SectionSpec, results_keys, section, section_keys
from servqual.reporting.study.context import StudyContext

# The section modules register their sections on import, each after the one it names.
from servqual.reporting.study import sample, measurement, weights, gaps, ipa, kano, evaluation, priorities  # noqa: E402,F401,I001
from servqual.reporting.study.api import StudyReport, build_study, run_study, study_report  # noqa: E402

__all__ = ["study_report", "run_study", "build_study", "StudyReport", "StudyContext", "STUDY_SECTIONS", "SECTIONS",
           "SectionSpec", "section", "section_keys", "results_keys"]

#: Section keys of :func:`study_report`, in document order.
STUDY_SECTIONS = section_keys()
