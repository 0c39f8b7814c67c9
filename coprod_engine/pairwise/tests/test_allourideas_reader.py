"""The All Our Ideas export reader (``coprod_engine.io.allourideas``)."""

from pathlib import Path

import numpy as np
import pytest

from coprod_engine.exceptions import InputFormatError
from coprod_engine.io.allourideas import (
    read_ideas,
    read_nonvotes,
    read_votes,
    seen_pairs,
    survey_arrays,
)
from coprod_engine.pairwise.tests.conftest import EXPORTS

IDEAS = (
    "Wikisurvey ID,Idea ID,Idea Text,Wins,Losses,Times involved in Cant Decide,Score,"
    "User Submitted,Active\n"
    '1,7,"Parks, and trees",1,0,0,66.6667,FALSE,TRUE\n'
    "1,5,Buses,0,1,1,33.3333,TRUE,FALSE\n"
)
VOTES = "Vote ID,Session ID,Winner ID,Loser ID,Left Choice ID,Right Choice ID,Valid\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_it_reads_an_ideas_export_with_a_bom_and_quoted_commas(tmp_path: Path) -> None:
    ideas = read_ideas(write(tmp_path, "ideas.csv", IDEAS, encoding="utf-8-sig"))
    assert ideas.idea_id.tolist() == [7, 5]
    assert ideas.text == ("Parks, and trees", "Buses")
    assert ideas.active.tolist() == [True, False]
    assert ideas.user_submitted.tolist() == [False, True]
    np.testing.assert_allclose(ideas.score, [66.6667, 33.3333])


def test_it_reads_a_tab_separated_export(tmp_path: Path) -> None:
    tabbed = VOTES.replace(",", "\t") + "1\ts1\t7\t5\t5\t7\tTRUE\n"
    votes = read_votes(write(tmp_path, "votes.tsv", tabbed))
    assert votes.winner_id.tolist() == [7] and votes.session_id == ("s1",)


def test_it_maps_ideas_to_indices_in_the_ideas_file_order(tmp_path: Path) -> None:
    ideas = read_ideas(write(tmp_path, "ideas.csv", IDEAS))
    votes = read_votes(write(tmp_path, "v.csv", VOTES + "1,s1,5,7,5,7,TRUE\n2,s2,7,5,7,5,FALSE\n"))
    nonvotes = read_nonvotes(
        write(
            tmp_path,
            "n.csv",
            "Record Type,Session ID,Left Choice ID,Right Choice ID,Reason,Valid\n"
            "Skip,s1,7,5,like_both,TRUE\nBounce,s3,7,5,NA,TRUE\n",
        )
    )
    survey = survey_arrays(votes, ideas, nonvotes)
    assert survey.winners.tolist() == [1] and survey.losers.tolist() == [0]
    assert survey.skips.tolist() == [[0, 1]]
    assert survey.skip_reasons == ("like_both",)
    assert survey.sessions == ("s1",)
    assert seen_pairs(survey.idea_ids, "s2", votes, nonvotes).tolist() == [[0, 1]]


def test_it_rejects_a_vote_for_an_unknown_idea(tmp_path: Path) -> None:
    ideas = read_ideas(write(tmp_path, "ideas.csv", IDEAS))
    votes = read_votes(write(tmp_path, "v.csv", VOTES + "1,s1,9,7,9,7,TRUE\n"))
    with pytest.raises(InputFormatError, match=r"absent from the ideas export: \[9\]"):
        survey_arrays(votes, ideas)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Vote ID,Session ID\n1,s1\n", "no column 'Winner ID'"),
        (VOTES + "1,s1,x,7,5,7,TRUE\n", "Winner ID"),
        (VOTES + "1,s1,5,7,5,7,maybe\n", "not boolean"),
        (VOTES + "1,s1,NA,7,5,7,TRUE\n", "missing value"),
    ],
)
def test_it_rejects_malformed_votes(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputFormatError, match=message):
        read_votes(write(tmp_path, "v.csv", text))


def test_it_rejects_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_bytes(VOTES.encode() + "1,sé,5,7,5,7,TRUE\n".encode("latin-1"))
    with pytest.raises(InputFormatError, match="UTF-8"):
        read_votes(path)


def test_it_reads_every_real_export(shared_data: Path) -> None:
    assert len(EXPORTS) == 46
    for export in EXPORTS:
        ideas = read_ideas(export.ideas)
        survey = survey_arrays(
            read_votes(export.votes),
            ideas,
            read_nonvotes(export.nonvotes) if export.nonvotes else None,
        )
        assert survey.winners.size == ideas.wins.sum()
