"""The survey floor: the questionnaire as data, reading and checking responses, screening, forms, data sets.

- :mod:`~servqual.survey.instrument` — the questionnaire model (dimensions, items, scales, blocks) and YAML loading
- :mod:`~servqual.survey.io` — reading exports (CSV, Excel, SPSS; UTF-8/GBK) and checking every answer
- :mod:`~servqual.survey.screening` — careless-response flags
- :mod:`~servqual.survey.forms` — printable questionnaire, codebook, response template, XLSForm
- :mod:`~servqual.survey.datasets` — the bundled real data sets
"""
