"""The decision floor: indicator weights and comprehensive evaluation.

- :mod:`~servqual.decision.matrix` — the decision matrix (alternatives x indicators): its checks and the
  indicators' directions, shared by weights and evaluation
- :mod:`~servqual.decision.weights` — a package with one file per family: AHP (group, hierarchy, fuzzy),
  the expert form, objective weights and their registry, derived importance, combination
- :mod:`~servqual.decision.evaluate` — TOPSIS, fuzzy evaluation, grey relational analysis, composite index,
  rank stability

A new objective weighting method is one function in :mod:`servqual.decision.weights.objective` and one
line in :data:`servqual.decision.weights.registry.REGISTRY`.
"""
