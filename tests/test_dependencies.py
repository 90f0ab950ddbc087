"""The dependency pins hold on the machine the tests run on.

factor-analyzer 0.5.1 (the latest release) calls scikit-learn's ``check_array(force_all_finite=...)``,
which scikit-learn 1.8 removed; pyproject.toml therefore pins ``scikit-learn<1.8``. This test fails
(not skips) if that pin is lost and factor_analyzer stops working.
"""

from __future__ import annotations

import numpy as np

import servqual as sq


def test_factor_analyzer_fits_with_the_pinned_scikit_learn():
    import sklearn
    from factor_analyzer import FactorAnalyzer

    major, minor = (int(p) for p in sklearn.__version__.split(".")[:2])
    assert (major, minor) < (1, 8), sklearn.__version__
    x = sq.read_dataset("holzinger").data[[f"x{i}" for i in range(1, 10)]]
    fa = FactorAnalyzer(n_factors=3, rotation="varimax", method="minres").fit(x)
    ours = sq.efa(x, n_factors=3, method="minres", rotation="varimax").loadings.to_numpy()
    # same varimax loadings up to column order and sign
    theirs = fa.loadings_
    for j in range(3):
        best = np.max([abs(np.corrcoef(ours[:, j], theirs[:, i])[0, 1]) for i in range(3)])
        assert best > 0.999


def test_cjk_font_is_installed():
    from servqual.reporting.plots import cjk_font_path

    assert cjk_font_path() is not None
