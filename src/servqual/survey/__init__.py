"""The survey floor: the questionnaire as data, reading and checking responses, screening, forms, data sets.

- :mod:`~servqual.survey.instrument` — the questionnaire: the model (``model``), YAML loading (``loader``) and
  the schema checks, one module per topic (``checks_scales``, ``checks_blocks``, ``checks_dimensions``,
  ``checks_items``, ``checks_kpis``, ``checks_columns``, ``checks_kano``, ``checks_hierarchy``)
- :mod:`~servqual.survey.io` — reading exports (CSV, Excel, SPSS; UTF-8/GBK) and checking every answer
  (:func:`~servqual.survey.io.read_responses`, :func:`~servqual.survey.io.check_responses`)
- :mod:`~servqual.survey.screening` — careless-response flags
- :mod:`~servqual.survey.forms` — the questions in asking order (``layout``), printable questionnaire
  (``printed``, style sheet ``print.css``), codebook (``codebooks``), response template (``templates``),
  XLSForm (``xlsforms``)
- :mod:`~servqual.survey.datasets` — the bundled real data sets
"""
