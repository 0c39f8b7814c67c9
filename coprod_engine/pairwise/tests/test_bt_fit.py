"""Bradley-Terry fit: hand cases, invariants, intervals, choix as reference, real exports."""

import importlib

import choix
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit
from scipy.stats import spearmanr

from coprod_engine.exceptions import EngineError
from coprod_engine.io.allourideas import load_survey
from coprod_engine.pairwise import aoi_scores, bradley_terry
from coprod_engine.pairwise.tests.conftest import Export

# The module itself, to lower its dense-path threshold.
bt_module = importlib.import_module("coprod_engine.pairwise.bt_fit")


def simulate(strengths: np.ndarray, n_votes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Votes on uniformly random pairs, won with the Bradley-Terry probability."""
    rng = np.random.default_rng(seed)
    k = strengths.size
    first = rng.integers(0, k, n_votes)
    second = rng.integers(0, k - 1, n_votes)
    second[second >= first] += 1
    first_wins = rng.random(n_votes) < expit(strengths[first] - strengths[second])
    return np.where(first_wins, first, second), np.where(first_wins, second, first)


def test_it_fits_two_items_by_hand() -> None:
    # 3 wins out of 4: the likelihood peaks at theta_0 - theta_1 = log 3, p = 3/4.
    fit = bradley_terry([0, 0, 0, 1], [1, 1, 1, 0], 2, alpha=1e-9)
    assert fit.strengths[0] - fit.strengths[1] == pytest.approx(np.log(3), abs=1e-6)
    np.testing.assert_allclose(fit.win_probability, [0.75, 0.25], atol=1e-6)
    np.testing.assert_allclose(fit.scores, [75.0, 25.0], atol=1e-4)
    assert fit.log_likelihood == pytest.approx(3 * np.log(0.75) + np.log(0.25))
    assert fit.strengths.sum() == pytest.approx(0.0, abs=1e-12)


def test_it_keeps_an_unbeaten_item_finite_thanks_to_the_prior() -> None:
    fit = bradley_terry([0, 0, 1], [1, 2, 2], 3, alpha=0.1)
    assert np.all(np.isfinite(fit.strengths))
    assert fit.strengths[0] > fit.strengths[1] > fit.strengths[2]
    assert np.all((fit.lower < fit.win_probability) & (fit.win_probability < fit.upper))


def test_it_is_most_uncertain_about_an_item_nobody_voted_on() -> None:
    # Items 0-4 meet each other 400 times; item 5 is new.
    winners, losers = simulate(np.zeros(5), 400, seed=4)
    fit = bradley_terry(winners, losers, 6)
    assert fit.win_probability[5] == pytest.approx(0.5)
    widths = fit.upper - fit.lower
    assert widths[5] > 0.6
    # The others' s_i hold a 1/5 share of their unknown chance against item 5; the
    # N(0, 1) prior keeps that share from blowing up every interval.
    assert widths[:5].max() < 0.4 and widths[:5].max() < widths[5] / 2


def test_it_matches_choix_map_estimate() -> None:
    strengths = np.random.default_rng(5).normal(0, 1, 12)
    winners, losers = simulate(strengths, 400, seed=6)
    fit = bradley_terry(winners, losers, 12, alpha=0.2, tol=1e-9)
    # choix penalises alpha * sum(theta^2): the same posterior with half our alpha.
    reference = choix.opt_pairwise(12, list(zip(winners, losers, strict=True)), alpha=0.1)
    np.testing.assert_allclose(fit.strengths, reference - reference.mean(), atol=1e-4)
    data = list(zip(winners, losers, strict=True))
    assert fit.log_likelihood == pytest.approx(choix.log_likelihood_pairwise(data, reference))


def test_it_gives_the_same_fit_on_the_sparse_path_as_on_the_dense_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    strengths = np.random.default_rng(7).normal(0, 1, 40)
    winners, losers = simulate(strengths, 600, seed=8)
    dense = bradley_terry(winners, losers, 40, covariance="full")
    monkeypatch.setattr(bt_module, "DENSE_ITEMS", 10)
    sparse = bradley_terry(winners, losers, 40, covariance="full")
    np.testing.assert_allclose(sparse.strengths, dense.strengths, atol=1e-8)
    np.testing.assert_allclose(sparse.upper, dense.upper, atol=1e-8)
    assert sparse.log_likelihood == pytest.approx(dense.log_likelihood)


def test_it_covers_the_true_win_probability_about_95_times_in_100() -> None:
    k = 60
    strengths = np.random.default_rng(9).normal(0, 1, k)
    truth = (expit(strengths[:, None] - strengths[None, :]).sum(axis=1) - 0.5) / (k - 1)
    covered = []
    for seed in range(10):
        winners, losers = simulate(strengths, 3000, seed=100 + seed)
        fit = bradley_terry(winners, losers, k, covariance="full")
        covered.append((fit.lower <= truth) & (truth <= fit.upper))
    rate = np.mean(covered)
    assert 0.90 <= rate <= 0.99


def test_it_approximates_the_full_interval_with_the_diagonal_one_on_dense_designs() -> None:
    strengths = np.random.default_rng(11).normal(0, 1, 80)
    winners, losers = simulate(strengths, 8000, seed=12)
    full = bradley_terry(winners, losers, 80, covariance="full")
    diagonal = bradley_terry(winners, losers, 80, covariance="diagonal")
    np.testing.assert_allclose(diagonal.win_probability, full.win_probability)
    ratio = (diagonal.upper - diagonal.lower) / (full.upper - full.lower)
    np.testing.assert_allclose(ratio, 1.0, atol=0.05)


def test_it_bins_the_win_probability_of_many_items_without_visible_error() -> None:
    generator = np.random.default_rng(13)
    theta = generator.normal(0, 1.5, 3000)
    inverse_diagonal = 1.0 / generator.uniform(50, 200, 3000)
    hessian = np.diag(1.0 / inverse_diagonal)
    exact, exact_variance = bt_module._win_probability(theta, hessian, full=False)
    binned, binned_variance = bt_module._win_probability_binned(theta, inverse_diagonal)
    np.testing.assert_allclose(binned, exact, atol=1e-5)
    np.testing.assert_allclose(np.sqrt(binned_variance), np.sqrt(exact_variance), rtol=1e-3)


def test_it_ignores_skips_but_counts_them() -> None:
    fit = bradley_terry([0, 1, 2], [1, 2, 0], 3)
    skipped = bradley_terry([0, 1, 2], [1, 2, 0], 3, skips=[[0, 1]])
    np.testing.assert_array_equal(skipped.strengths, fit.strengths)
    assert skipped.cant_decide.tolist() == [1, 1, 0]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=1, max_size=40),
    st.permutations(range(5)),
)
def test_it_is_symmetric_under_relabelling_and_reversal(
    votes: list[tuple[int, int]], permutation: list[int]
) -> None:
    votes = [(w, loser) for w, loser in votes if w != loser] or [(0, 1)]
    winners = np.array([w for w, _ in votes])
    losers = np.array([loser for _, loser in votes])
    fit = bradley_terry(winners, losers, 5, tol=1e-9)
    perm = np.array(permutation)
    relabelled = bradley_terry(perm[winners], perm[losers], 5, tol=1e-9)
    np.testing.assert_allclose(relabelled.strengths[perm], fit.strengths, atol=1e-6)
    reversed_fit = bradley_terry(losers, winners, 5, tol=1e-9)
    np.testing.assert_allclose(reversed_fit.strengths, -fit.strengths, atol=1e-6)
    assert np.all((fit.lower <= fit.win_probability) & (fit.win_probability <= fit.upper))
    assert np.all((fit.scores >= 0) & (fit.scores <= 100))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"alpha": 0.0}, "alpha"),
        ({"confidence": 1.0}, "confidence"),
        ({"covariance": "exact"}, "covariance"),
        ({"max_iter": 0}, "converge"),
    ],
)
def test_it_rejects_bad_options(options: dict[str, object], message: str) -> None:
    with pytest.raises(EngineError, match=message):
        bradley_terry([0, 1], [1, 2], 3, **options)  # type: ignore[arg-type]


def test_it_matches_choix_on_every_real_export(export: Export) -> None:
    survey, _ = load_survey(export.votes, ideas_path=export.ideas)
    k = survey.idea_ids.size
    fit = bradley_terry(survey.winners, survey.losers, k, tol=1e-8)
    data = list(zip(survey.winners, survey.losers, strict=True))
    reference = choix.opt_pairwise(k, data, alpha=fit.alpha / 2, tol=1e-8)
    np.testing.assert_allclose(fit.strengths, reference - reference.mean(), atol=1e-6)


def test_it_ranks_real_exports_like_all_our_ideas(large_export: Export) -> None:
    survey, _ = load_survey(large_export.votes, ideas_path=large_export.ideas)
    k = survey.idea_ids.size
    fit = bradley_terry(survey.winners, survey.losers, k)
    laplace = aoi_scores(survey.winners, survey.losers, k)
    # AOI pairs nearly uniformly, so both scores should rank well-voted ideas alike.
    voted = laplace.comparisons >= 10
    assert voted.sum() >= 3
    assert spearmanr(fit.scores[voted], laplace.scores[voted])[0] > 0.9


def test_it_evaluates_the_dense_model_in_strengths_as_in_logistic_form() -> None:
    # p_ij = s_i / (s_i + s_j) with s = exp(theta): same gradient and Hessian as with the
    # logistic function, and the factored Hessian multiplies vectors like the explicit one.
    rng = np.random.default_rng(3)
    winners, losers = simulate(rng.normal(0, 2, 40), 3_000, seed=4)
    model = bt_module._DenseModel(winners, losers, 40, 1.0)
    theta = rng.normal(0, 2, 40)
    gradient, hessian = model.evaluate(theta)
    explicit = hessian.toarray()
    reference_gradient, reference = model._evaluate_logistic(theta)
    np.testing.assert_allclose(gradient, reference_gradient, rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(explicit, reference, rtol=1e-10, atol=1e-12)
    vector = rng.normal(size=40)
    np.testing.assert_allclose(hessian.matvec(vector), reference @ vector, rtol=1e-10, atol=1e-9)


def test_it_falls_back_to_the_logistic_form_when_strengths_would_underflow() -> None:
    # One item beaten 1,000 times with almost no prior: theta spreads past the range where
    # exp(theta - max) stays positive, and the fit still converges to a finite answer.
    model = bt_module._DenseModel(np.zeros(3, dtype=np.int64), np.ones(3, dtype=np.int64), 3, 1.0)
    gradient, hessian = model.evaluate(np.array([400.0, -400.0, 0.0]))
    assert isinstance(hessian, np.ndarray)
    assert np.all(np.isfinite(gradient)) and np.all(np.isfinite(hessian))
    probability, variance = bt_module._win_probability(
        np.array([400.0, -400.0, 0.0]), hessian, full=True
    )
    np.testing.assert_allclose(probability, [1.0, 0.0, 0.5], atol=1e-12)
    assert np.all(np.isfinite(variance))
