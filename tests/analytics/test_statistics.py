"""The validity statistics against known values: published worked examples, and intervals
computed independently of SciPy (by the formulas, with Python's standard library), written here
with their source."""

import math

import numpy as np
import pytest

from analytics import statistics

# Anscombe (1973), "Graphs in statistical analysis", The American Statistician 27(1): data set I,
# whose correlation the paper gives as 0.816 (0.81642 to five places). Its two-sided p-value,
# from t = r·√9/√(1 - r²) = 4.2415 with 9 degrees of freedom, is 0.00217.
ANSCOMBE_X = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5]
ANSCOMBE_Y = [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68]
# The Fisher interval, computed with the standard library (math.atanh, statistics.NormalDist):
# tanh(atanh(0.8164205) ± 1.959964/√8).
ANSCOMBE_INTERVAL = (0.42439121339321545, 0.9506932537865604)

# The worked example of the Wikipedia article "Spearman's rank correlation coefficient": IQ and
# hours of television a week of ten people; Σd² = 194, so rho = 1 - 6·194/(10·99) = -29/165, with
# a p-value of 0.627188 (by the t-distribution).
IQ = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110]
TV_HOURS = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17]
# Bonett and Wright's (2000) interval, computed with the standard library:
# tanh(atanh(rho) ± 1.959964·√((1 + rho²/2)/7)).
TV_INTERVAL = (-0.727830028239407, 0.5145466616329559)


def test_pearson_matches_anscombe():
    figures = statistics.correlation(ANSCOMBE_X, ANSCOMBE_Y)
    pearson = figures["pearson"]
    assert figures["n"] == 11
    assert pearson["r"] == pytest.approx(0.81642, abs=5e-6)
    assert pearson["p"] == pytest.approx(0.00217, abs=5e-6)
    assert (pearson["low"], pearson["high"]) == pytest.approx(ANSCOMBE_INTERVAL, abs=1e-9)


def test_spearman_matches_the_worked_example():
    figures = statistics.correlation(IQ, TV_HOURS)
    spearman = figures["spearman"]
    assert spearman["r"] == pytest.approx(-29 / 165, abs=1e-12)
    assert spearman["p"] == pytest.approx(0.627188, abs=5e-7)
    assert (spearman["low"], spearman["high"]) == pytest.approx(TV_INTERVAL, abs=1e-9)
    # The interval holds rho and is wider than Fisher's plain 1/√(n - 3) one.
    plain = 1.959964 / math.sqrt(7)
    assert spearman["high"] - spearman["low"] > math.tanh(math.atanh(-29 / 165) + plain) - math.tanh(
        math.atanh(-29 / 165) - plain
    )


def test_a_variable_that_does_not_vary_has_no_correlation():
    assert statistics.correlation([1, 2, 3, 4, 5], [3, 3, 3, 3, 3]) == {"n": 5, "constant": True}


def test_a_perfect_rank_agreement_has_no_infinite_interval():
    figures = statistics.correlation([1, 2, 3, 4, 5, 6], [2, 4, 8, 16, 32, 64])
    assert figures["spearman"]["r"] == pytest.approx(1.0)
    assert all(math.isfinite(figures["spearman"][k]) for k in ("low", "high"))


def _hires(n=120, seed=7):
    """Scores of three dimensions (0-100, different spreads) and a performance that depends on
    the first two, 0.6 and 0.4 of their standardised values, and not on the third."""
    rng = np.random.default_rng(seed)
    scores = np.column_stack([rng.normal(60, 10, n), rng.normal(70, 5, n), rng.normal(50, 15, n)])
    z = (scores - scores.mean(axis=0)) / scores.std(axis=0, ddof=1)
    performance = 0.6 * z[:, 0] + 0.4 * z[:, 1] + rng.normal(0, 0.3, n)
    return scores, performance


def test_suggested_weights_are_non_negative_sum_to_one_and_recover_the_structure():
    scores, performance = _hires()
    names = ["communication", "problem_solving", "technical_depth"]
    fit = statistics.weights_fit(scores, performance, {"communication": 0.2, "technical_depth": 0.8}, names)
    suggested = np.array(fit["suggested"])
    assert (suggested >= 0).all() and suggested.sum() == pytest.approx(1.0)
    assert fit["current"] == [0.2, 0.0, 0.8]
    # On the scores as they are: 0.6/10 and 0.4/5 over their sum, the third near nothing.
    expected = np.array([0.6 / 10, 0.4 / 5, 0.0])
    assert suggested == pytest.approx(expected / expected.sum(), abs=0.06)
    gain = fit["gain"]
    # Mostly the third dimension, which predicts nothing, is weighed now: the suggestion does
    # much better out of sample, and the interval says so.
    assert gain["suggested_r"] > 0.8 and gain["current_r"] < 0.5
    assert gain["low"] > 0 and gain["low"] <= gain["difference"] <= gain["high"]


def test_no_dimension_that_predicts_positively_gives_no_suggestion():
    scores, performance = _hires()
    fit = statistics.weights_fit(scores[:, :2], -performance, {"a": 0.5, "b": 0.5}, ["a", "b"])
    assert fit["suggested"] is None and fit["gain"] is None


def test_the_same_data_gives_the_same_figures():
    scores, performance = _hires(n=40)
    names = ["a", "b", "c"]
    first = statistics.weights_fit(scores, performance, {"a": 1.0}, names)
    assert statistics.weights_fit(scores, performance, {"a": 1.0}, names) == first


def test_figures_that_are_not_numbers_are_kept_as_none():
    assert statistics.finite({"r": float("nan"), "n": 5, "ci": [1.0, float("inf")]}) == {
        "r": None,
        "n": 5,
        "ci": [1.0, None],
    }
