"""A small L2-regularised logistic regression over string features (numpy + scipy), shared by the trainers."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import optimize, sparse


def index_features(rows: Sequence[Sequence[str]], min_count: int) -> dict[str, int]:
    """Feature → column, for features seen in at least min_count rows."""
    counts = Counter(f for row in rows for f in set(row))
    return {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}


def matrix(rows: Sequence[Sequence[str]], index: dict[str, int]) -> sparse.csr_matrix:
    """A binary sparse design matrix of rows of features."""
    indptr, indices = [0], []
    for row in rows:
        cols = sorted({index[f] for f in row if f in index})
        indices.extend(cols)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float64)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), len(index)))


def fit_logistic(x: sparse.csr_matrix, y: np.ndarray, l2: float = 1.0, weight: np.ndarray | None = None,
                 max_iter: int = 300) -> tuple[float, np.ndarray]:
    """(bias, weights) minimising the weighted log loss plus l2/2 |w|^2."""
    n, d = x.shape
    sw = np.ones(n) if weight is None else weight
    xt = x.T.tocsr()

    def loss(theta):
        b, w = theta[0], theta[1:]
        z = x @ w + b
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        ll = np.sum(sw * (np.logaddexp(0, z) - y * z))
        g = sw * (p - y)
        return ll + 0.5 * l2 * w @ w, np.concatenate([[g.sum()], xt @ g + l2 * w])

    res = optimize.minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B", options={"maxiter": max_iter})
    return float(res.x[0]), res.x[1:]


def fit_ridge(x: sparse.csr_matrix, y: np.ndarray, l2: float = 1.0, max_iter: int = 500) -> tuple[float, np.ndarray]:
    """(bias, weights) of a least-squares regression with an L2 penalty."""
    n, d = x.shape
    xt = x.T.tocsr()

    def loss(theta):
        b, w = theta[0], theta[1:]
        r = x @ w + b - y
        return 0.5 * r @ r + 0.5 * l2 * w @ w, np.concatenate([[r.sum()], xt @ r + l2 * w])

    res = optimize.minimize(loss, np.concatenate([[y.mean()], np.zeros(d)]), jac=True, method="L-BFGS-B",
                            options={"maxiter": max_iter})
    return float(res.x[0]), res.x[1:]


def export(bias: float, weights: np.ndarray, index: dict[str, int], digits: int = 3, **extra) -> dict:
    """A model as JSON-ready data, dropping weights that round to zero."""
    out = {f: round(float(weights[i]), digits) for f, i in index.items()}
    return {"bias": round(bias, digits), "weights": {f: w for f, w in sorted(out.items()) if w != 0.0}} | extra


def fit_absolute(x: sparse.csr_matrix, y: np.ndarray, l2: float = 1.0, delta: float = 0.1,
                 weight: np.ndarray | None = None, max_iter: int = 1000) -> tuple[float, np.ndarray]:
    """(bias, weights) minimising the weighted pseudo-Huber loss (about the absolute error) plus l2/2 |w|^2."""
    n, d = x.shape
    sw = np.ones(n) if weight is None else weight
    xt = x.T.tocsr()

    def loss(theta):
        b, w = theta[0], theta[1:]
        r = x @ w + b - y
        root = np.sqrt(1 + (r / delta) ** 2)
        g = sw * r / root
        return delta ** 2 * np.sum(sw * (root - 1)) + 0.5 * l2 * w @ w, np.concatenate([[g.sum()], xt @ g + l2 * w])

    res = optimize.minimize(loss, np.concatenate([[np.median(y)], np.zeros(d)]), jac=True, method="L-BFGS-B",
                            options={"maxiter": max_iter})
    return float(res.x[0]), res.x[1:]
