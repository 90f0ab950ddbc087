"""The reporting floor: figures, the report document and the whole study.

- :mod:`~servqual.reporting.plots` — figures (matplotlib/seaborn), bilingual labels
- :mod:`~servqual.reporting.report` — the document model and its HTML, Excel and Word writers
- :mod:`~servqual.reporting.study` — the whole study from questionnaire and data to the report
"""
