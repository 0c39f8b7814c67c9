"""The Pabulib reader and writer: the format as Pabulib defines it, and its error paths."""

from pathlib import Path

import numpy as np
import pytest

from coprod_engine.exceptions import InputFormatError
from coprod_engine.io.pabulib import format_pabulib, parse_pabulib, read_pabulib

APPROVAL = """\ufeffMETA
key;value
description;A small test
num_projects;3
num_votes;3
budget;1000
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name;selected
1;600;Park;1
2;300,5;Bench;0
10;200;Lights;1
VOTES
voter_id;vote;age
a;1,10;31
b;2;45
c;;22
"""

CUMULATIVE = """META
key;value
num_projects;2
num_votes;2
budget;50
vote_type;cumulative
PROJECTS
project_id;cost
x;30
y;20
VOTES
voter_id;vote;points
1;y,x;3,7
2;x;10
"""

ORDINAL = """META
key;value
num_projects;3
num_votes;1
budget;5
vote_type;ordinal
PROJECTS
project_id;cost
p;1
q;2
r;3
VOTES
voter_id;vote
v;r,p,q
"""


def test_it_reads_approval_ballots_costs_and_columns() -> None:
    election = parse_pabulib(APPROVAL)
    assert election.project_ids == ["1", "2", "10"]
    assert [str(c) for c in election.costs] == ["600", "601/2", "200"]  # decimal comma
    assert election.budget == 1000
    assert election.ballots.toarray().tolist() == [[1, 0, 1], [0, 1, 0], [0, 0, 0]]
    assert election.project_columns == ["name", "selected"]
    assert election.voter_columns == ["age"]
    assert election.voter_rows[1] == ["45"]


def test_it_reads_cumulative_points_against_the_right_projects() -> None:
    election = parse_pabulib(CUMULATIVE)
    assert election.ballots.toarray().tolist() == [[7, 3], [10, 0]]


def test_it_reads_ordinal_ballots_as_ranks() -> None:
    election = parse_pabulib(ORDINAL)
    assert election.ballots.toarray().tolist() == [[2, 3, 1]]


@pytest.mark.parametrize("text", [APPROVAL, CUMULATIVE, ORDINAL])
def test_it_writes_what_it_reads(text: str) -> None:
    election = parse_pabulib(text)
    again = parse_pabulib(format_pabulib(election))
    assert again.meta == election.meta
    assert again.project_ids == election.project_ids
    assert again.costs == election.costs
    assert again.voter_rows == election.voter_rows
    assert np.array_equal(again.ballots.toarray(), election.ballots.toarray())
    assert format_pabulib(again) == format_pabulib(election)


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (APPROVAL.replace("VOTES\n", "VOTERS\n"), "VOTES"),
        (APPROVAL.replace("vote_type;approval\n", ""), "vote_type"),
        (APPROVAL.replace("approval", "borda"), "unknown vote_type"),
        (APPROVAL.replace("1;600;", "1;lots;"), "not a number"),
        (APPROVAL.replace("a;1,10;", "a;1,11;"), "unknown project '11'"),
        (APPROVAL.replace("a;1,10;", "a;1,1;"), "twice"),
        (CUMULATIVE.replace("3,7", "3"), "parallel"),
        (CUMULATIVE.replace(";points", ""), "points column"),
        (APPROVAL.replace("10;200", "2;200"), "duplicate"),
        ("PROJECTS\nproject_id;cost\n", "META"),
    ],
)
def test_it_rejects_malformed_files_with_a_reason(broken: str, message: str) -> None:
    with pytest.raises(InputFormatError, match=message):
        parse_pabulib(broken)


def test_it_reads_every_shared_instance_as_its_meta_announces(shared_data: Path) -> None:
    files = sorted((shared_data / "pb").glob("*.pb"))
    assert len(files) >= 6
    for path in files:
        election = read_pabulib(path)
        assert election.ballots.shape == (
            int(election.meta["num_votes"]),
            int(election.meta["num_projects"]),
        ), path.name
        if "votes" in election.project_columns:
            at = election.project_columns.index("votes")
            counted = np.asarray(election.ballots.sum(axis=0)).ravel()
            announced = [int(row[at]) for row in election.project_rows]
            assert counted.tolist() == announced, path.name
