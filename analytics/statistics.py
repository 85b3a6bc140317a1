"""The statistics of validity, computed with SciPy (docs/architecture.md, "Later performance and
validity"): correlations with their sample size, 95% interval and p-value, and the dimensions'
weights fitted to later performance.

Pure functions of numbers: no database, no request. Beat runs them (`analytics.services.validity`);
no page computes a figure.
"""

import math
import warnings

import numpy as np
from scipy import optimize, stats

CONFIDENCE = 0.95
# Ridge penalties tried, as a share of the sample size (the penalty is λ·n·Σβ², so a λ means the
# same shrinkage at any n): from almost none to strong.
RIDGE_LAMBDAS = (0.001, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
FOLDS = 5
# The cross-validated gain's interval: a paired bootstrap over the hires.
BOOTSTRAP_RESAMPLES = 2000
# Fixed, so that the same data gives the same figures on every run.
SEED = 20260


def finite(value):
    """`value` with every number that is not finite (a bootstrap of a degenerate sample gives
    NaN) as None: no interval rather than a false one, and JSON that every database takes."""
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite(item) for item in value]
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    return value


def _interval(low: float, high: float) -> dict:
    return {"low": float(low), "high": float(high)}


def correlation(x, y) -> dict:
    """Pearson's and Spearman's correlation of `x` and `y` (paired), each with its 95% interval
    and two-sided p-value, and n.

    Pearson: r, p and the interval from `scipy.stats.pearsonr` (the interval by the Fisher
    transformation, arctanh(r) ± z/√(n-3)). Spearman: rho and p from `scipy.stats.spearmanr` (p by
    the t approximation); the interval by the Fisher transformation with Bonett and Wright's
    (2000) variance for rho, (1 + rho²/2)/(n - 3), which keeps its coverage where 1/(n - 3) is too
    narrow. Where either variable does not vary, there is no correlation: `constant`."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = len(x)
    if n < 4:
        raise ValueError("A correlation's interval needs four pairs at least.")
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return {"n": n, "constant": True}
    pearson = stats.pearsonr(x, y)
    spearman = stats.spearmanr(x, y)
    rho = float(spearman.statistic)
    quantile = stats.norm.ppf((1 + CONFIDENCE) / 2)
    half = quantile * math.sqrt((1 + rho**2 / 2) / (n - 3))
    # rho of ±1 has no interval width on the Fisher scale: arctanh is infinite there.
    centre = np.arctanh(np.clip(rho, -1 + 1e-12, 1 - 1e-12))
    ci = pearson.confidence_interval(confidence_level=CONFIDENCE)
    return finite(
        {
            "n": n,
            "constant": False,
            "pearson": {
                "r": float(pearson.statistic),
                "p": float(pearson.pvalue),
                **_interval(ci.low, ci.high),
            },
            "spearman": {
                "r": rho,
                "p": float(spearman.pvalue),
                **_interval(np.tanh(centre - half), np.tanh(centre + half)),
            },
        }
    )


def standardised(values: np.ndarray) -> np.ndarray:
    """Each column as z-scores (mean 0, standard deviation 1 with n - 1); a column that does not
    vary becomes zeros."""
    values = np.asarray(values, dtype=float)
    spread = values.std(axis=0, ddof=1)
    return (values - values.mean(axis=0)) / np.where(spread > 0, spread, 1.0)


def _ridge_non_negative(x: np.ndarray, y: np.ndarray, penalty: float) -> np.ndarray:
    """β ≥ 0 minimising ‖y - xβ‖² + penalty·‖β‖²: non-negative least squares on x stacked over
    √penalty·I (and y over zeros), which is that ridge problem exactly."""
    k = x.shape[1]
    stacked = np.vstack([x, math.sqrt(penalty) * np.eye(k)])
    target = np.concatenate([y, np.zeros(k)])
    beta, _residual = optimize.nnls(stacked, target)
    return beta


def _folds(n: int, folds: int, rng: np.random.Generator) -> list[np.ndarray]:
    return np.array_split(rng.permutation(n), min(folds, n))


def _fit(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, float]:
    """Standardise `x` and `y`, choose the ridge penalty by k-fold cross-validation (the lowest
    mean squared error out of fold), and fit on all of them. Returns β on the standardised
    scale, the columns' standard deviations, and the λ chosen."""
    spread = x.std(axis=0, ddof=1)
    xz, yz = standardised(x), standardised(y.reshape(-1, 1)).ravel()
    n = len(yz)
    errors = []
    for lam in RIDGE_LAMBDAS:
        squared = 0.0
        for held in _folds(n, FOLDS, rng):
            kept = np.setdiff1d(np.arange(n), held)
            beta = _ridge_non_negative(xz[kept], yz[kept], lam * len(kept))
            squared += float(((yz[held] - xz[held] @ beta) ** 2).sum())
        errors.append(squared / n)
    lam = RIDGE_LAMBDAS[int(np.argmin(errors))]
    return _ridge_non_negative(xz, yz, lam * n), spread, lam


def _as_weights(beta: np.ndarray, spread: np.ndarray) -> np.ndarray | None:
    """β of standardised scores as weights of the scores as they are (each β divided by its
    dimension's standard deviation: the same ordering of candidates), summing to 1; None when
    no dimension has a positive weight."""
    raw = np.where(spread > 0, beta / np.where(spread > 0, spread, 1.0), 0.0)
    total = raw.sum()
    return None if total <= 0 else raw / total


def _r(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
    """Pearson's r along `axis` (vectorised, for the bootstrap's resamples)."""
    a = a - a.mean(axis=axis, keepdims=True)
    b = b - b.mean(axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (a * b).sum(axis=axis) / np.sqrt((a * a).sum(axis=axis) * (b * b).sum(axis=axis))


def weights_fit(scores, performance, current: dict[str, float], names: list[str]) -> dict:
    """Suggested weights of the dimensions `names` (the columns of `scores`, as the position
    scores them) for predicting `performance`, and what they gain over `current`.

    The fit: scores and performance standardised, a ridge regression with coefficients held
    non-negative (non-negative least squares on the ridge's augmented system: exact, with SciPy
    alone), its penalty chosen by 5-fold cross-validation; the coefficients divided by each
    dimension's standard deviation and normalised to sum to 1, so they weigh the scores as the
    position weighs them now.

    The gain: the correlation with performance of the scores weighted as suggested, each hire
    scored by a fit that did not see them (5-fold, the penalty chosen again inside each fold),
    minus the correlation of the scores weighted as now; its 95% interval by a paired percentile
    bootstrap over the hires."""
    x = np.asarray(scores, dtype=float)
    y = np.asarray(performance, dtype=float)
    n = len(y)
    rng = np.random.default_rng(SEED)
    beta, spread, lam = _fit(x, y, rng)
    suggested = _as_weights(beta, spread)
    now = np.array([float(current.get(name, 0.0)) for name in names])
    result = {
        "n": n,
        "names": list(names),
        "current": [float(w) for w in now],
        "suggested": None if suggested is None else [float(w) for w in suggested],
        "lambda": lam,
        "gain": None,
    }
    if suggested is None:
        return result

    predicted = np.zeros(n)
    for held in _folds(n, FOLDS, rng):
        kept = np.setdiff1d(np.arange(n), held)
        fold_beta, fold_spread, _lam = _fit(x[kept], y[kept], rng)
        centre = x[kept].mean(axis=0)
        scale = np.where(fold_spread > 0, fold_spread, 1.0)
        predicted[held] = ((x[held] - centre) / scale) @ fold_beta
    weighted_now = x @ now
    if np.ptp(predicted) == 0 or np.ptp(weighted_now) == 0 or np.ptp(y) == 0:
        return result
    r_suggested, r_now = float(_r(predicted, y)), float(_r(weighted_now, y))

    def difference(a, b, target, axis=-1):
        return _r(a, target, axis=axis) - _r(b, target, axis=axis)

    with warnings.catch_warnings():
        # A resample in which a column does not vary has no r: it is left out of the interval.
        warnings.simplefilter("ignore", RuntimeWarning)
        boot = stats.bootstrap(
            (predicted, weighted_now, y),
            difference,
            paired=True,
            vectorized=True,
            n_resamples=BOOTSTRAP_RESAMPLES,
            confidence_level=CONFIDENCE,
            method="percentile",
            rng=np.random.default_rng(SEED),
        )
    low, high = boot.confidence_interval
    result["gain"] = {
        "suggested_r": r_suggested,
        "current_r": r_now,
        "difference": r_suggested - r_now,
        **_interval(low, high),
    }
    return finite(result)
