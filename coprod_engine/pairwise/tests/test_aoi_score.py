"""All Our Ideas' published score, 100 (W + 1) / (W + L + 2), and its oracle: the exports."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coprod_engine.exceptions import InputFormatError
from coprod_engine.io.allourideas import load_survey
from coprod_engine.pairwise import aoi_scores, laplace_score
from coprod_engine.pairwise.tests.conftest import Export


def test_it_scores_a_small_survey_by_hand() -> None:
    # Item 0 beat 1 twice and lost to 2 once; item 3 never appeared.
    result = aoi_scores([0, 0, 2], [1, 1, 0], 4)
    assert result.wins.tolist() == [2, 0, 1, 0]
    assert result.losses.tolist() == [1, 2, 0, 0]
    assert result.comparisons.tolist() == [3, 2, 1, 0]
    # 100 * 3/5, 100 * 1/4, 100 * 2/3, and a new idea starts at 50.
    np.testing.assert_allclose(result.scores, [60.0, 25.0, 200 / 3, 50.0])


def test_it_keeps_skips_without_moving_scores() -> None:
    without = aoi_scores([0, 1], [1, 2], 3)
    with_skips = aoi_scores([0, 1], [1, 2], 3, skips=[[0, 2], [2, 1], [0, 2]])
    np.testing.assert_array_equal(with_skips.scores, without.scores)
    assert with_skips.cant_decide.tolist() == [2, 1, 3]
    assert with_skips.input_hash != without.input_hash


def test_it_hashes_the_same_votes_the_same_way() -> None:
    assert aoi_scores([0], [1], 2).input_hash == aoi_scores(np.array([0]), [1], 2).input_hash
    assert aoi_scores([0], [1], 2).input_hash != aoi_scores([1], [0], 2).input_hash


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=60))
def test_it_keeps_every_score_between_0_and_100_and_orders_by_smoothed_share(
    votes: list[tuple[int, int]],
) -> None:
    votes = [(w, loser) for w, loser in votes if w != loser]
    winners = [w for w, _ in votes]
    losers = [loser for _, loser in votes]
    result = aoi_scores(winners, losers, 6)
    assert np.all((result.scores > 0) & (result.scores < 100))
    assert result.wins.sum() == result.losses.sum() == len(votes)
    np.testing.assert_allclose(result.scores, laplace_score(result.wins, result.losses))


@pytest.mark.parametrize(
    ("winners", "losers", "n_items", "message"),
    [
        ([0], [0], 2, "itself"),
        ([0, 1], [1], 2, "winners but"),
        ([0], [2], 2, "outside"),
        ([-1], [0], 2, "outside"),
        ([0.5], [1], 2, "integer"),
        ([0], [1], 1, "at least two"),
        ([[0]], [[1]], 2, "1-D"),
    ],
)
def test_it_rejects_malformed_votes(
    winners: list[int], losers: list[int], n_items: int, message: str
) -> None:
    with pytest.raises(InputFormatError, match=message):
        aoi_scores(winners, losers, n_items)


def test_it_rejects_malformed_skips() -> None:
    with pytest.raises(InputFormatError, match=r"\(m, 2\)"):
        aoi_scores([0], [1], 2, skips=[0, 1, 1])


def test_it_reproduces_the_score_of_every_all_our_ideas_export(export: Export) -> None:
    survey, ideas = load_survey(
        export.votes, ideas_path=export.ideas, nonvotes_path=export.nonvotes
    )
    assert ideas is not None
    result = aoi_scores(survey.winners, survey.losers, survey.idea_ids.size, skips=survey.skips)
    # Counters are exact; the export rounds the score to 4 decimals.
    np.testing.assert_array_equal(result.wins, ideas.wins)
    np.testing.assert_array_equal(result.losses, ideas.losses)
    assert np.max(np.abs(result.scores - ideas.score)) <= 5e-5 + 1e-9
    if export.nonvotes is not None:
        np.testing.assert_array_equal(result.cant_decide, ideas.cant_decide)
