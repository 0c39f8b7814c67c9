"""``coprod-engine opinion ...`` on conversation folders."""

import json
from pathlib import Path

import pytest

from coprod_engine.cli import main
from coprod_engine.io.polis import PolisConversation, read_polis, write_opendata, write_polis_json
from coprod_engine.opinion.polis_state import read_polis_math


def _conversation() -> PolisConversation:
    import numpy as np

    rng = np.random.default_rng(0)
    p, c = np.nonzero(rng.random((30, 12)) < 0.7)
    camp = np.where(p < 15, 1, -1)
    votes = (camp * np.where(c % 2 == 0, 1, -1)).astype(np.int8)
    texts = {t: f"Statement {t}, with a comma & <markup>" for t in range(12)}
    moderation = {t: (-1 if t == 11 else 1) for t in range(12)}
    return PolisConversation(p, c, votes, np.arange(len(p)) * 1000, (11,), (), texts, moderation)


def test_it_writes_the_map_json_and_an_accessible_report(tmp_path: Path) -> None:
    write_opendata(_conversation(), tmp_path / "conv")
    (tmp_path / "kinds.csv").write_text(
        "participant,label\n"
        + "".join(f"{i},{'lived' if i < 20 else 'research'}\n" for i in range(30))
    )
    code = main(
        [
            "opinion", "map", str(tmp_path / "conv"), "--json", str(tmp_path / "map.json"),
            "--report", str(tmp_path / "map.html"), "--knowledge-types", str(tmp_path / "kinds.csv"), "--quiet",
        ]
    )  # fmt: skip
    assert code == 0
    blob = json.loads((tmp_path / "map.json").read_text())
    assert blob["n"] == 30 and blob["mod-out"] == [11] and len(blob["group-clusters"]) == 2
    assert blob["coprod"]["knowledge-types"]["labels"] == ["lived", "research"]
    html = (tmp_path / "map.html").read_text()
    assert (
        '<html lang="en">' in html
        and "<caption>" in html
        and 'role="img"' in html
        and "<desc" in html
    )
    assert "&lt;markup&gt;" in html and "<markup>" not in html


def test_it_reports_a_folder_without_votes_as_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["opinion", "map", str(tmp_path), "--json", str(tmp_path / "x.json"), "--quiet"]) == 2
    )
    assert "no votes.csv" in capsys.readouterr().err


def test_it_converts_between_the_two_polis_layouts(tmp_path: Path) -> None:
    original = _conversation()
    write_polis_json(original, tmp_path / "api")
    assert (
        main(["opinion", "convert", str(tmp_path / "api"), str(tmp_path / "csv"), "--to", "csv"])
        == 0
    )
    back = read_polis(tmp_path / "csv")
    assert back.participant_ids.tolist() == original.participant_ids.tolist()
    assert back.votes.tolist() == original.votes.tolist()
    assert back.mod_out == (11,)
    assert back.texts[3] == original.texts[3]


def test_it_reads_the_real_exports(shared_data: Path) -> None:
    from coprod_engine.opinion import vote_matrix

    conv = read_polis(shared_data / "polis" / "london.youth.policing")
    matrix = vote_matrix(
        conv.participant_ids, conv.statement_ids, conv.votes, timestamps=conv.timestamps
    )
    # 640 vote events, two of them superseded by a later vote: the README's 26 × 36, 638 votes.
    assert len(conv.votes) == 640
    assert matrix.shape == (26, 36) and matrix.nnz == 638


def test_it_continues_from_a_math_blob_named_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_opendata(_conversation(), tmp_path / "conv")
    first = ["opinion", "map", str(tmp_path / "conv"), "--json", str(tmp_path / "first.json")]
    assert main([*first, "--quiet"]) == 0
    capsys.readouterr()
    # The engine's own map JSON has Polis' keys: it continues like a Polis math blob.
    again = ["opinion", "map", str(tmp_path / "conv"), "--json", str(tmp_path / "again.json")]
    assert main([*again, "--polis-state", str(tmp_path / "first.json")]) == 0
    assert "(adjusted Rand index) 1.000" in capsys.readouterr().err
    before, after = (json.loads((tmp_path / f).read_text()) for f in ("first.json", "again.json"))
    assert after["coprod"]["participant-groups"] == before["coprod"]["participant-groups"]
    (tmp_path / "bad.json").write_text('{"tids": [0], "pca": {"comps": [[1, 2]]}}')
    assert main([*again, "--polis-state", str(tmp_path / "bad.json"), "--quiet"]) == 2
    assert "'pca.comps' has 2 loadings per axis for 1 'tids'" in capsys.readouterr().err


def test_it_continues_a_polis_fixture_with_polis_groups(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = shared_data / "polis" / "polis-math" / "reddwarf-fixtures" / "above-100-ptpts"
    out = tmp_path / "map.json"
    argv = ["opinion", "map", str(folder), "--json", str(out)]
    assert main([*argv, "--polis-state", str(folder / "math-pca2.json")]) == 0
    err = capsys.readouterr().err
    assert "math_tick 8007" in err and "208 clustered (Polis 208, 208 in both)" in err
    assert "(adjusted Rand index) 1.000" in err
    assert len(json.loads(out.read_text())["in-conv"]) == 208


def test_it_keeps_the_blob_meta_statements_when_the_export_cannot_name_them(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The openData CSVs have no meta flag: the blob's meta-tids (6 and 23 here) must still
    # keep those statements out of the PCA, or 11 of the 208 people change group.
    folder = shared_data / "polis" / "polis-math" / "reddwarf-fixtures" / "above-100-ptpts"
    write_opendata(read_polis(folder), tmp_path / "csv")
    assert read_polis(tmp_path / "csv").meta == ()
    out = tmp_path / "map.json"
    argv = ["opinion", "map", str(tmp_path / "csv"), "--json", str(out)]
    assert main([*argv, "--polis-state", str(folder / "math-pca2.json")]) == 0
    assert "208 clustered (Polis 208, 208 in both)" in capsys.readouterr().err
    ours = json.loads(out.read_text())
    assert ours["meta-tids"] == [6, 23] and {6, 23} <= set(ours["mod-out"])
    groups = ours["coprod"]["participant-groups"]
    theirs = read_polis_math(folder / "math-pca2.json").groups([int(p) for p in groups])
    assert list(groups.values()) == theirs.tolist()  # the same group ids, person by person
