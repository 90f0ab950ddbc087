"""The service-quality floor: SERVQUAL gaps, importance–performance, Kano, group and wave comparisons.

- :mod:`~servqual.service.gap` — P − E gaps with CIs and tests, zone of tolerance
- :mod:`~servqual.service.ipa` — importance–performance analysis
- :mod:`~servqual.service.kano` — Kano categories and satisfaction coefficients
- :mod:`~servqual.service.compare` — group and wave comparisons, satisfaction index, NPS, KPI attainment
- :mod:`~servqual.service.inference` — the tests they share: Holm, one-sample and Welch t, Welch ANOVA,
  Games-Howell, Hedges' g; block columns, dimension weights and segments
"""
