"""The psychometrics floor: reliability and validity, every statistic checked against R psych, lavaan and semTools.

- :mod:`~servqual.psychometrics.stats` — sufficient statistics (n, means, covariances) computed once
- :mod:`~servqual.psychometrics.reliability` — alpha, split-half, Guttman's lambdas, item analysis
- :mod:`~servqual.psychometrics.omega` — McDonald's omega
- :mod:`~servqual.psychometrics.adequacy` — KMO, Bartlett, eigenvalues
- :mod:`~servqual.psychometrics.efa` — EFA, rotations, parallel analysis, Harman's single factor
- :mod:`~servqual.psychometrics.cfa` — confirmatory factor analysis (ML)
- :mod:`~servqual.psychometrics.construct` — CR/AVE, Fornell–Larcker, HTMT
- :mod:`~servqual.psychometrics.measurement` — the whole measurement report in one call
"""
