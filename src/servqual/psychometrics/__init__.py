"""The psychometrics floor: reliability and validity, every statistic checked against R psych, lavaan and semTools.

- :mod:`~servqual.psychometrics.stats` — sufficient statistics (n, means, covariances) computed once
- :mod:`~servqual.psychometrics.reliability` — alpha, split-half, Guttman's lambdas
- :mod:`~servqual.psychometrics.items` — item analysis (critical ratio, corrected item-total r)
- :mod:`~servqual.psychometrics.omega` — McDonald's omega
- :mod:`~servqual.psychometrics.adequacy` — KMO, Bartlett, eigenvalues
- :mod:`~servqual.psychometrics.factoring` — factor extraction as ``psych::fa`` (minres, ML, PA, PC)
- :mod:`~servqual.psychometrics.rotations` — varimax, promax, oblimin
- :mod:`~servqual.psychometrics.efa` — EFA and Harman's single factor
- :mod:`~servqual.psychometrics.parallel` — parallel analysis
- :mod:`~servqual.psychometrics.cfa` — confirmatory factor analysis (ML)
- :mod:`~servqual.psychometrics.construct` — CR/AVE, Fornell–Larcker, HTMT
- :mod:`~servqual.psychometrics.measurement` — the whole measurement report in one call
- :mod:`~servqual.psychometrics.cutoffs` — the softer grades and screening values the notes quote
- :mod:`~servqual.psychometrics._kernels` — the speed kernels (checked against plain code in the tests)
"""
