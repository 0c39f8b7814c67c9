"""``coprod-engine budget allocate``: a rule on a .pb file, JSON out."""

import json
from pathlib import Path

import pytest

from coprod_engine.cli import main

SMALL = """META
key;value
num_projects;3
num_votes;4
budget;400
vote_type;approval
PROJECTS
project_id;cost
A;200
B;150
C;120
VOTES
voter_id;vote
1;A,C
2;A,C
3;A
4;B
"""


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.pb"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("rule", "completion", "selected"),
    [("mes", "none", ["A"]), ("mes", "add1", ["A", "C"]), ("greedy", "none", ["A", "C"])],
)
def test_it_writes_selected_ids_cost_and_explanation_as_json(
    small_file: Path, tmp_path: Path, rule: str, completion: str, selected: list[str]
) -> None:
    out = tmp_path / "out.json"
    argv = ["budget", "allocate", str(small_file), "--rule", rule, "--completion", completion]
    assert main([*argv, "--json", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["selected"] == selected
    assert document["total_cost"] == 200 + (120 if "C" in selected else 0)
    projects = {p["project"]: p for p in document["projects"]}
    assert projects["B"]["selected"] is False
    if rule == "mes":
        assert projects["A"]["payments"] == pytest.approx(dict.fromkeys(("1", "2", "3"), 200 / 3))


def test_it_reports_a_malformed_file_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.pb"
    path.write_text(SMALL.replace("A;200", "A;lots"), encoding="utf-8")
    assert main(["budget", "allocate", str(path)]) == 2
    assert "not a number" in capsys.readouterr().err
