"""``coprod-engine groups``: the MDGP and workshop commands on files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coprod_engine.cli import main
from coprod_engine.exceptions import InputFormatError
from coprod_engine.io.workshop_people import read_people_csv

PEOPLE = """\ufeffid,pin,role,knowledge,languages
h1,0,community,practical,fr;en
h2,1,community,practical,fr
a,,senior,experiential,fr
b,,senior,experiential,en
c,,nurse,practical,fr;en
d,,researcher,scientific,fr;en
e,,elected,practical,fr
f,,caregiver,experiential,fr
"""


def test_it_writes_the_objective_and_groups_of_an_mdgplib_instance(
    shared_data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.json"
    instance = shared_data / "mdgp" / "RanInt_n010_ss_01.txt"
    code = main(["groups", "mdgp", str(instance), "--iterations", "300", "--seed", "1",
                 "--seconds", "30", "--json", str(out)])  # fmt: skip
    result = json.loads(out.read_text())
    assert code == 0 and result["objective"] == 1292.0
    assert sorted(len(g) for g in result["groups"]) == [5, 5]
    assert sorted(i for g in result["groups"] for i in g) == list(range(10))


def test_it_writes_a_workshop_plan_with_its_metrics(tmp_path: Path) -> None:
    people, rules, out = tmp_path / "people.csv", tmp_path / "rules.json", tmp_path / "plan.json"
    people.write_text(PEOPLE, encoding="utf-8")
    rules.write_text(json.dumps({"cannot_link": [["a", "c"]], "weights": {"role": 2}}))
    code = main(["groups", "form", "--people", str(people), "--tables", "2", "--rounds", "2",
                 "--rules", str(rules), "--languages", "en,", "--seed", "3", "--json", str(out)])  # fmt: skip
    plan = json.loads(out.read_text())
    assert code == 0 and plan["seed"] == 3 and len(plan["input_hash"]) == 64
    assert plan["engine_version"] and plan["report"]["feasible"]
    for tables in plan["rounds"]:
        assert "h1" in tables[0]["members"] and "h2" in tables[1]["members"]
        assert tables[0]["language"] == "en" and "a" not in tables[0]["members"]
        assert all(0 <= t["diversity"] <= 1 for t in tables)
    assert set(plan["people_met"]) == {"h1", "h2", "a", "b", "c", "d", "e", "f"}
    assert plan["repeats"] == sum(times - 1 for *_, times in plan["repeated_pairs"])


def test_it_exits_with_2_and_writes_the_report_when_rules_are_impossible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people, rules, out = tmp_path / "people.csv", tmp_path / "rules.json", tmp_path / "plan.json"
    people.write_text(PEOPLE, encoding="utf-8")
    rules.write_text(
        json.dumps({"coverage": [{"attribute": "knowledge", "value": "scientific", "min": 1}]})
    )
    code = main(["groups", "form", "--people", str(people), "--tables", "2", "--rules", str(rules),
                 "--seed", "0", "--json", str(out)])  # fmt: skip
    assert code == 2 and "knowledge=scientific" in capsys.readouterr().err
    report = json.loads(out.read_text())["report"]
    assert not report["feasible"] and report["impossible"][0]["amount"] == 1


def test_it_reads_the_people_csv_and_rejects_a_duplicate_id(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    people, pins = read_people_csv(path)
    assert pins == {"h1": 0, "h2": 1}
    assert people["d"]["languages"] == "fr;en"
    assert people["b"] == {"role": "senior", "knowledge": "experiential", "languages": "en"}
    path.write_text("id,role\na,x\na,y\n", encoding="utf-8")
    with pytest.raises(InputFormatError):
        read_people_csv(path)
    path.write_text("name,role\na,x\n", encoding="utf-8")
    with pytest.raises(InputFormatError):
        read_people_csv(path)


def test_it_registers_its_commands_without_loading_numpy() -> None:
    # Only this family's cli module: other families' modules are theirs to keep light.
    code = (
        "import argparse, sys; import coprod_engine.grouping.cli as g;"
        "g.register(argparse.ArgumentParser().add_subparsers()); print('numpy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
