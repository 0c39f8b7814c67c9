"""Scores per group of voters (kinds of knowledge, roles) and how their rankings agree."""

import numpy as np
import pytest

from coprod_engine.exceptions import EngineError, InputFormatError
from coprod_engine.io.allourideas import load_survey
from coprod_engine.pairwise import aoi_scores, scores_by_group
from coprod_engine.pairwise.tests.conftest import Export


def test_it_scores_each_group_on_its_own_votes() -> None:
    # Voters 0 and 1 (residents) prefer 0 > 1 > 2; voter 2 (officials) the reverse;
    # voter 3 has no label.
    winners = [0, 1, 0, 2, 1, 0]
    losers = [1, 2, 2, 1, 0, 1]
    voters = [0, 0, 1, 2, 2, 3]
    labels = {0: "resident", 1: "resident", 2: "official"}
    result = scores_by_group(winners, losers, voters, labels, 3)
    assert result.labels == ("official", "resident")
    resident = result.results["resident"]
    np.testing.assert_array_equal(resident.wins, [2, 1, 0])
    np.testing.assert_allclose(resident.scores, aoi_scores([0, 1, 0], [1, 2, 2], 3).scores)
    assert result.voters == {"official": 1, "resident": 2}
    assert result.votes == {"official": 2, "resident": 3}
    assert result.unlabelled_votes == 1
    # Opposite rankings: Kendall's tau is -1.
    assert result.agreement[0, 1] == pytest.approx(-1.0)
    assert result.agreement[0, 0] == 1.0


def test_it_accepts_labels_as_a_sequence_and_fits_bradley_terry() -> None:
    result = scores_by_group(
        [0, 1], [1, 0], [0, 1], ["lived experience", None], 2, method="bradley_terry"
    )
    assert result.labels == ("lived experience",)
    assert result.unlabelled_votes == 1
    assert result.results["lived experience"].scores[0] > 50


def test_it_counts_skips_per_group() -> None:
    result = scores_by_group(
        [0], [1], [0], {0: "a", 1: "b"}, 3, skips=[[1, 2], [0, 2]], skip_voters=[0, 1]
    )
    assert result.results["a"].cant_decide.tolist() == [0, 1, 1]
    assert result.labels == ("a",)


def test_it_rejects_voters_that_do_not_match_the_votes() -> None:
    with pytest.raises(InputFormatError, match="one voter per vote"):
        scores_by_group([0], [1], [0, 1], {}, 2)
    with pytest.raises(InputFormatError, match="skip_voters"):
        scores_by_group([0], [1], [0], {}, 2, skips=[[0, 1]])
    with pytest.raises(EngineError, match="method"):
        scores_by_group([0], [1], [0], {}, 2, method="median")  # type: ignore[arg-type]


def test_it_splits_a_real_survey_without_losing_a_vote(large_export: Export) -> None:
    survey, _ = load_survey(large_export.votes, ideas_path=large_export.ideas)
    # Label sessions alternately, as a stand-in for two kinds of knowledge.
    labels = ["even" if v % 2 == 0 else "odd" for v in range(len(survey.sessions))]
    k = survey.idea_ids.size
    result = scores_by_group(survey.winners, survey.losers, survey.voters, labels, k)
    whole = aoi_scores(survey.winners, survey.losers, k)
    total = sum(result.results[name].wins for name in result.labels)
    np.testing.assert_array_equal(total, whole.wins)
    assert result.unlabelled_votes == 0
    assert -1.0 <= result.agreement[0, 1] <= 1.0
