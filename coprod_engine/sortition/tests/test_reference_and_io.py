"""Side by side with sortition-algorithms on its own fixture; the CSV reader and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coprod_engine.cli import main
from coprod_engine.exceptions import InputFormatError
from coprod_engine.io.pool_csv import read_pool
from coprod_engine.sortition import select_panel


def _reference_maximin(folder: Path, k: int) -> tuple[float, dict[str, float]]:
    """sortition-algorithms' maximin with HiGHS (its leximin needs Gurobi): min probability."""
    from sortition_algorithms.adapters import CSVFileDataSource, SelectionData
    from sortition_algorithms.committee_generation import find_distribution_maximin
    from sortition_algorithms.settings import Settings

    source = CSVFileDataSource(
        features_file=folder / "features.csv",
        people_file=folder / "people.csv",
        already_selected_file=None,
        selected_file=Path("/dev/null"),
        remaining_file=Path("/dev/null"),
    )
    data = SelectionData(source)
    features, _ = data.load_features(k)
    people, _ = data.load_people(
        Settings(id_column="nationbuilder_id", columns_to_keep=[]), features
    )
    committees, weights, _ = find_distribution_maximin(features, people, k, [])
    probabilities = dict.fromkeys(people, 0.0)
    for committee, weight in zip(committees, weights, strict=True):
        for person in committee:
            probabilities[person] += weight
    return min(probabilities.values()), probabilities


def test_it_matches_sortition_algorithms_maximin_on_its_fixture(shared_data: Path) -> None:
    folder = shared_data / "sortition" / "sf_fixture_22"
    pool = read_pool(folder / "people.csv", folder / "features.csv")
    ours = select_panel(pool.ids, pool.features, pool.quotas, 22, seed=0)
    reference_min, reference = _reference_maximin(folder, 22)
    # Same first leximin level; upstream stops its column generation at a 5e-4 tolerance.
    assert ours.minimum_probability == pytest.approx(reference_min, abs=5e-4)
    assert ours.minimum_probability == pytest.approx(1 / 11, abs=1e-6)
    assert set(reference) == set(ours.probabilities)


def test_it_reads_both_layouts_of_the_same_pool_alike(shared_data: Path) -> None:
    folder = shared_data / "sortition" / "example_small_20"
    foundation = read_pool(folder / "people.csv", folder / "features.csv")
    paper = read_pool(folder / "respondents.csv", folder / "categories.csv")
    assert foundation == paper
    assert len(foundation.ids) == 200 and foundation.ids[0] == "p0"
    assert {(q.feature, q.value, q.min, q.max) for q in paper.quotas} >= {
        ("gender", "female", 9, 20)
    }


def test_it_reads_flex_bounds_and_ignores_personal_columns(shared_data: Path) -> None:
    folder = shared_data / "sortition" / "sf_fixture_22"
    pool = read_pool(folder / "people.csv", folder / "features.csv")
    assert set(pool.features) == {"Gender", "age_bracket", "edu_level", "geo_bucket"}
    assert pool.quotas[0].max_flex == 12 and pool.ids[:2] == ["p0", "p1"]


def test_it_rejects_a_quota_file_of_unknown_shape(tmp_path: Path) -> None:
    (tmp_path / "q.csv").write_text("name,low,high\ng,1,2\n")
    (tmp_path / "p.csv").write_text("id,g\na,f\n")
    with pytest.raises(InputFormatError, match="expected columns"):
        read_pool(tmp_path / "p.csv", tmp_path / "q.csv")
    (tmp_path / "q.csv").write_text("feature,value,min,max\ng,f,one,2\n")
    with pytest.raises(InputFormatError, match="line 2"):
        read_pool(tmp_path / "p.csv", tmp_path / "q.csv")


def test_it_selects_and_replays_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "features.csv").write_text(
        "\ufefffeature,value,min,max\ng,f,1,2\ng,m,1,2\n", encoding="utf-8"
    )
    (tmp_path / "people.csv").write_text(
        "id,name,g\n" + "".join(f"p{i},N{i},{'fm'[i % 2]}\n" for i in range(7))
    )
    files = ["--people", str(tmp_path / "people.csv"), "--features", str(tmp_path / "features.csv")]
    out = tmp_path / "panel.json"
    assert main(["panel", "select", *files, "--size", "3", "--seed", "11", "--json", str(out)]) == 0
    record = json.loads(out.read_text())
    assert len(record["panel"]) == 3 and record["seed"] == 11
    assert sum(record["probabilities"].values()) == pytest.approx(3)
    assert {"input_hash", "engine_version", "portfolio"} <= set(record)
    assert main(["panel", "replay", str(out), *files]) == 0
    record["panel"] = (
        ["p0", "p1", "p2"] if record["panel"] != ["p0", "p1", "p2"] else ["p0", "p1", "p4"]
    )
    out.write_text(json.dumps(record))
    assert main(["panel", "replay", str(out), *files]) == 2
    assert "differs" in capsys.readouterr().err


def test_it_reports_infeasible_quotas_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "features.csv").write_text("feature,value,min,max\ng,f,3,3\ng,m,1,2\n")
    (tmp_path / "people.csv").write_text("id,g\na,f\nb,f\nc,m\nd,m\n")
    files = ["--people", str(tmp_path / "people.csv"), "--features", str(tmp_path / "features.csv")]
    assert main(["panel", "check", *files, "--size", "3"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["feasible"] is False and report["conflicting"] == [["g", "f"]]
    assert (
        main(
            [
                "panel",
                "select",
                *files,
                "--size",
                "3",
                "--seed",
                "1",
                "--json",
                str(tmp_path / "x.json"),
            ]
        )
        == 2
    )
