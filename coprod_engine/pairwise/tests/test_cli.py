"""``coprod-engine pairwise score|next`` on All Our Ideas exports."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coprod_engine.cli import main
from coprod_engine.io.allourideas import read_ideas
from coprod_engine.pairwise.tests.conftest import Export

VOTES = """Vote ID,Session ID,Winner ID,Loser ID,Left Choice ID,Right Choice ID,Valid
1,s1,10,20,10,20,TRUE
2,s1,10,30,30,10,TRUE
3,s2,20,30,20,30,TRUE
4,s2,30,10,30,10,FALSE
"""
NONVOTES = """Record Type,Session ID,Left Choice ID,Right Choice ID,Reason,Valid
Skip,s2,10,20,dont_know_both,TRUE
Bounce,s3,20,30,NA,TRUE
"""


@pytest.fixture
def small_survey(tmp_path: Path) -> tuple[Path, Path]:
    votes = tmp_path / "votes.csv"
    votes.write_text(VOTES, encoding="utf-8")
    nonvotes = tmp_path / "nonvotes.csv"
    nonvotes.write_text(NONVOTES, encoding="utf-8")
    return votes, nonvotes


def test_it_writes_scores_and_intervals_as_json(
    small_survey: tuple[Path, Path], tmp_path: Path
) -> None:
    votes, nonvotes = small_survey
    out = tmp_path / "out.json"
    assert (
        main(["pairwise", "score", str(votes), "--nonvotes", str(nonvotes), "--json", str(out)])
        == 0
    )
    result = json.loads(out.read_text(encoding="utf-8"))
    # Valid votes only: 10 beat 20 and 30, 20 beat 30; the invalid vote is left out.
    assert result["scores"] == pytest.approx({"10": 75.0, "20": 50.0, "30": 25.0})
    assert result["counts"]["10"] == {"wins": 2, "losses": 0, "cant_decide": 1}
    assert result["n_votes"] == 3 and result["n_skips"] == 1
    fitted = result["bradley_terry"]["items"]["10"]
    assert fitted["lower"] < fitted["probability"] < fitted["upper"]


def test_it_scores_each_group_of_voters(small_survey: tuple[Path, Path], tmp_path: Path) -> None:
    votes, _ = small_survey
    groups = tmp_path / "groups.csv"
    groups.write_text("session,label\ns1,research\ns2,lived experience\n", encoding="utf-8")
    out = tmp_path / "out.json"
    main(["pairwise", "score", str(votes), "--groups", str(groups), "--json", str(out)])
    result = json.loads(out.read_text(encoding="utf-8"))["groups"]
    assert result["labels"] == ["lived experience", "research"]
    assert result["scores"]["research"]["10"] == pytest.approx(75.0)
    assert result["votes"] == {"lived experience": 1, "research": 2}


def test_it_draws_a_pair_the_voter_has_not_seen(
    small_survey: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    votes, nonvotes = small_survey
    # s1 saw {10, 20} and {10, 30}: only {20, 30} is left for them.
    for seed in range(5):
        code = main(["pairwise", "next", str(votes), "--session", "s1", "--seed", str(seed)])
        pair = json.loads(capsys.readouterr().out)
        assert code == 0 and {pair["left"], pair["right"]} == {20, 30}
    # s2 voted on {20, 30}, cast an invalid vote on {10, 30} and skipped {10, 20}.
    args = ["pairwise", "next", str(votes), "--nonvotes", str(nonvotes), "--session", "s2"]
    assert main([*args, "--seed", "1", "--close-contests"]) == 1
    assert "every pair" in capsys.readouterr().err


def test_it_reports_a_malformed_file_as_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    votes = tmp_path / "votes.csv"
    votes.write_text("Vote ID,Winner ID\n1,2\n", encoding="utf-8")
    assert main(["pairwise", "score", str(votes), "--json", str(tmp_path / "o.json")]) == 2
    assert "no column" in capsys.readouterr().err


def test_it_keeps_the_command_line_light() -> None:
    # Registering the pairwise commands must not import numpy or scipy (handlers do).
    code = (
        "import sys, coprod_engine.pairwise.cli\n"
        "print(any(m in sys.modules for m in ('numpy', 'scipy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_it_publishes_the_export_scores_from_the_command_line(
    large_export: Export, tmp_path: Path
) -> None:
    out = tmp_path / "out.json"
    args = ["pairwise", "score", str(large_export.votes), "--ideas", str(large_export.ideas)]
    assert main([*args, "--json", str(out)]) == 0
    scores = json.loads(out.read_text(encoding="utf-8"))["scores"]
    ideas = read_ideas(large_export.ideas)
    for idea, expected in zip(ideas.idea_id.tolist(), ideas.score.tolist(), strict=True):
        assert scores[str(idea)] == pytest.approx(expected, abs=5e-5)
