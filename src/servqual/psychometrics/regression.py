"""Regression on correlation matrices: Johnson's (2000) relative weights.

:func:`relative_weights` decomposes the R^2 of a criterion on correlated predictors into non-negative
shares, one per predictor. It works from the correlation matrices alone, so the derived importance
of :mod:`servqual.service.ipa` and :mod:`servqual.decision.weights` share one implementation.
"""

from __future__ import annotations

import numpy as np

from servqual.exceptions import AnalysisError

__all__ = ["relative_weights", "SINGULAR_TOL"]

#: an eigenvalue of the predictors' correlation matrix at or below ``SINGULAR_TOL * max(l_max, 1)``
#: marks the matrix as singular
SINGULAR_TOL = 1e-10


def relative_weights(r_xx, r_xy) -> np.ndarray:
    r"""Johnson's (2000) raw relative weights of predictors from their correlations.

    Parameters
    ----------
    r_xx : array_like, shape (k, k)
        Correlation matrix of the k predictors.
    r_xy : array_like, shape (k,)
        Correlations of the predictors with the criterion.

    Returns
    -------
    numpy.ndarray, shape (k,)
        The raw relative weights; they are non-negative and add up to the model R^2.

    Raises
    ------
    AnalysisError
        When ``r_xx`` is singular (perfectly collinear predictors).

    Notes
    -----
    With the eigendecomposition :math:`R_{xx} = Q \operatorname{diag}(\lambda) Q'`, the loadings of the
    predictors on their closest orthogonal counterparts :math:`Z` and the regression of the criterion
    on :math:`Z` are

    .. math::

        \Lambda = Q \operatorname{diag}(\sqrt{\lambda}) Q', \qquad
        \beta = Q \operatorname{diag}(1/\sqrt{\lambda}) Q' r_{xy},

    and the raw weight of predictor :math:`j` is

    .. math::

        \varepsilon_j = \sum_k \Lambda_{jk}^2 \beta_k^2, \qquad \sum_j \varepsilon_j = R^2 = r_{xy}' R_{xx}^{-1} r_{xy}.

    References
    ----------
    Johnson, J. W. (2000). A heuristic method for estimating the relative weight of predictor variables
    in multiple regression. *Multivariate Behavioral Research, 35*(1), 1-19.

    Examples
    --------
    >>> import numpy as np
    >>> import servqual as sq
    >>> from servqual.psychometrics.regression import relative_weights
    >>> df = sq.read_dataset("kiosk").data
    >>> cols = ["ipa01_sat", "ipa02_sat", "ipa03_sat", "overall_sat1"]
    >>> r = df[cols].dropna().corr().to_numpy()
    >>> eps = relative_weights(r[:3, :3], r[:3, 3])
    >>> eps.round(4)
    array([0.054 , 0.0636, 0.1335])
    >>> bool(np.isclose(eps.sum(), r[:3, 3] @ np.linalg.solve(r[:3, :3], r[:3, 3])))
    True
    """
    r_xx = np.asarray(r_xx, dtype=float)
    r_xy = np.asarray(r_xy, dtype=float)
    evals, evecs = np.linalg.eigh(r_xx)
    if evals.min() <= SINGULAR_TOL * max(evals.max(), 1.0):
        raise AnalysisError("the predictors' correlation matrix is singular; relative weights need linearly independent predictors")
    lam = evecs @ np.diag(np.sqrt(evals)) @ evecs.T
    beta = evecs @ np.diag(1 / np.sqrt(evals)) @ evecs.T @ r_xy
    return (lam**2) @ (beta**2)
