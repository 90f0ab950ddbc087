"""The decision floor: indicator weights and comprehensive evaluation.

- :mod:`~servqual.decision.weights` — AHP (group, fuzzy, expert forms), objective and derived weights, combination
- :mod:`~servqual.decision.evaluate` — TOPSIS, fuzzy evaluation, grey relational analysis, composite index
"""
