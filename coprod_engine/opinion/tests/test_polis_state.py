"""Continuing a conversation from a Polis math blob (:mod:`coprod_engine.opinion.polis_state`)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from coprod_engine.exceptions import InputFormatError
from coprod_engine.io.polis import read_polis
from coprod_engine.opinion import (
    opinion_map,
    opinion_map_update,
    polis_state,
    read_polis_math,
    state_from_bytes,
    state_to_bytes,
)
from coprod_engine.opinion.clustering import K_BUFFER
from coprod_engine.opinion.parity import blob_groups
from coprod_engine.opinion.polis_state import parse_polis_math

Votes = tuple[np.ndarray, np.ndarray, np.ndarray]


def _camps(n: int = 60, m: int = 16, seed: int = 1) -> Votes:
    """Three camps of participants (ids 100, 101, ...) on ``m`` statements, 80 % turnout."""
    rng = np.random.default_rng(seed)
    p, c = np.nonzero(rng.random((n, m)) < 0.8)
    camp = p % 3
    votes = np.where((c + camp) % 3 == 0, 1, np.where((c + camp) % 3 == 1, -1, 0))
    flip = rng.random(len(p)) < 0.1
    votes = np.where(flip, -votes, votes)
    return p + 100, c, votes.astype(np.int8)


def _as_polis(ours: dict[str, Any]) -> dict[str, Any]:
    """Our map's JSON as the Polis server writes it: agree = −1, so centre and axes negated."""
    blob = copy.deepcopy({k: v for k, v in ours.items() if k != "coprod"})
    blob["pca"]["center"] = [-v for v in blob["pca"]["center"]]
    blob["pca"]["comps"] = [[-v for v in axis] for axis in blob["pca"]["comps"]]
    blob["math_tick"] = 12
    return blob


@pytest.fixture(scope="module")
def camps() -> tuple[Votes, Any]:
    votes = _camps()
    return votes, opinion_map(*votes)


def test_it_continues_a_polis_blob_with_the_same_groups(camps: tuple[Votes, Any]) -> None:
    votes, first = camps
    blob = _as_polis(first.as_dict())
    state = polis_state(blob, *votes)
    assert state.smoother.smoothed_k == state.smoother.last_k == first.k
    assert state.smoother.last_k_count == K_BUFFER
    # Polis' axes are ours negated: the start vectors put every participant where Polis did.
    np.testing.assert_allclose(state.components, first.projection.components, atol=1e-12)
    continued = opinion_map(*votes, state=state)
    np.testing.assert_array_equal(continued.groups, first.groups)
    np.testing.assert_array_equal(continued.groups, blob_groups(blob, continued.participant_ids))
    np.testing.assert_allclose(continued.projection.participants, first.projection.participants)
    assert parse_polis_math(blob).math_tick == 12


def test_it_reads_its_own_map_json_in_the_export_sign(camps: tuple[Votes, Any]) -> None:
    votes, first = camps
    state = polis_state(first.as_dict(), *votes)
    np.testing.assert_allclose(state.components, first.projection.components, atol=1e-12)
    np.testing.assert_array_equal(opinion_map(*votes, state=state).groups, first.groups)


def test_it_maps_polis_pids_onto_participant_ids(camps: tuple[Votes, Any]) -> None:
    (pids, tids, values), first = camps
    blob = _as_polis(first.as_dict())
    ours = pids + 5000  # e.g. the platform's voter ids for imported Polis participants
    mapping = {int(p): int(p) + 5000 for p in np.unique(pids)}
    state = polis_state(blob, ours, tids, values, participant_of=mapping)
    assert state.in_conv.tolist() == (first.participant_ids[first.in_conv] + 5000).tolist()
    continued = opinion_map(ours, tids, values, state=state)
    np.testing.assert_array_equal(continued.groups, first.groups)
    polis = parse_polis_math(blob)
    np.testing.assert_array_equal(polis.groups(continued.participant_ids, mapping), first.groups)


def test_it_maps_polis_tids_onto_statement_ids(camps: tuple[Votes, Any]) -> None:
    (pids, tids, values), first = camps
    blob = _as_polis(first.as_dict())
    blob["mod-out"], blob["meta-tids"] = [3], [5]
    # The platform's statement ids need not follow the tids' order (here: reversed), and a
    # statement the blob knows but the votes lack (tid 99) is dropped.
    statement_of = {int(t): 900 - int(t) for t in np.unique(tids)} | {99: 7}
    ours = np.array([statement_of[int(t)] for t in tids])
    state = polis_state(blob, pids, ours, values, statement_of=statement_of)
    assert state.mod_out == (895, 897) and state.meta == (895,)
    reversed_axes = first.projection.components[:, ::-1]
    np.testing.assert_allclose(state.components, reversed_axes, atol=1e-12)
    continued = opinion_map(pids, ours, values, state=state)
    np.testing.assert_array_equal(continued.groups, first.groups)
    with pytest.raises(ValueError, match="two Polis tids"):
        polis_state(blob, pids, ours, values, statement_of=dict.fromkeys(statement_of, 1))


def test_it_keeps_the_groups_when_new_votes_arrive(camps: tuple[Votes, Any]) -> None:
    votes, first = camps
    state = polis_state(_as_polis(first.as_dict()), *votes)
    pids, tids, values = votes
    # A newcomer votes exactly like participant 100, and 100 changes one vote.
    copied = pids == 100
    new_p = np.r_[np.full(copied.sum(), 999), 100]
    new_t = np.r_[tids[copied], tids[copied][0]]
    new_v = np.r_[values[copied], -values[copied][0]].astype(np.int8)
    later = opinion_map_update(state, new_p, new_t, new_v)
    old = np.isin(later.participant_ids, first.participant_ids)
    assert later.k == first.k
    assert np.mean(later.groups[old] == first.groups) >= 0.98
    row = {int(p): i for i, p in enumerate(later.participant_ids)}
    assert later.groups[row[999]] == first.groups[row[100]]


def test_it_serialises_a_state_read_from_polis(camps: tuple[Votes, Any]) -> None:
    votes, first = camps
    state = polis_state(_as_polis(first.as_dict()), *votes)
    back = state_from_bytes(state_to_bytes(state))
    assert back is not None
    np.testing.assert_array_equal(opinion_map(*votes, state=back).groups, first.groups)


def test_it_uses_the_blob_moderation_unless_told_otherwise(camps: tuple[Votes, Any]) -> None:
    votes, first = camps
    blob = _as_polis(first.as_dict())
    blob["mod-out"], blob["meta-tids"] = [3], [5]
    assert polis_state(blob, *votes).mod_out == (3, 5)
    assert polis_state(blob, *votes).meta == (5,)
    assert polis_state(blob, *votes, mod_out=[4], meta=[]).mod_out == (4,)


def _break(blob: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    broken = copy.deepcopy(blob)
    *parents, key = path.split(".")
    target: Any = broken
    for parent in parents:
        target = target[int(parent)] if parent.isdigit() else target[parent]
    if value is KeyError:
        del target[key]
    else:
        target[key] = value
    return broken


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("pca", KeyError, "has no 'pca'"),
        ("pca.comps", KeyError, "'pca' has no 'comps'"),
        ("pca.comps", [[0.1, 0.2]], "loadings per axis"),
        ("pca.comps", [[float("nan")] * 16] * 2, "not a finite number"),
        ("tids", [1, 1], "repeats a statement id"),
        ("in-conv", ["a"], "'in-conv' must be a list of integer ids"),
        ("base-clusters.x", [0.0], "ids for"),
        ("base-clusters.members", KeyError, "has no 'members'"),
        ("group-clusters.0.members", [10_000], "absent from the blob"),
        ("group-clusters.0.center", [1.0], "an [x, y] pair"),
        ("group-clusters.0.id", "zero", "integer 'id'"),
    ],
)
def test_it_names_what_is_wrong_with_a_malformed_blob(
    camps: tuple[Votes, Any], path: str, value: Any, message: str
) -> None:
    votes, first = camps
    blob = _break(_as_polis(first.as_dict()), path, value)
    with pytest.raises(InputFormatError, match=message.replace("[", r"\[").replace("]", r"\]")):
        polis_state(blob, *votes)


def test_it_refuses_a_blob_of_another_conversation(camps: tuple[Votes, Any]) -> None:
    (pids, tids, values), first = camps
    blob = _as_polis(first.as_dict())
    with pytest.raises(InputFormatError, match="no statement id"):
        polis_state(blob, pids, tids + 1000, values)
    with pytest.raises(InputFormatError, match="not mapped"):
        polis_state(blob, pids + 1000, tids, values)
    with pytest.raises(InputFormatError, match="JSON object"):
        polis_state([blob], pids, tids, values)  # type: ignore[arg-type]


def test_it_reports_an_unreadable_blob_file(tmp_path: Path) -> None:
    (tmp_path / "math.json").write_text("{not json")
    with pytest.raises(InputFormatError, match="not JSON"):
        read_polis_math(tmp_path / "math.json")
    with pytest.raises(InputFormatError, match="cannot read"):
        read_polis_math(tmp_path / "absent.json")


def test_it_continues_a_real_polis_conversation_with_new_votes(shared_data: Path) -> None:
    folder = shared_data / "polis" / "polis-math" / "reddwarf-fixtures" / "above-100-ptpts"
    conv = read_polis(folder)
    blob = json.loads((folder / "math-pca2.json").read_text())
    votes = (conv.participant_ids, conv.statement_ids, conv.votes)
    state = polis_state(
        read_polis_math(folder / "math-pca2.json"), *votes, timestamps=conv.timestamps
    )
    # opinion_map takes its moderation from its arguments: the state's is the blob's.
    first = opinion_map(
        *votes, timestamps=conv.timestamps, mod_out=state.mod_out, meta=state.meta, state=state
    )
    assert state.mod_out == tuple(sorted(blob["mod-out"]))
    theirs = blob_groups(blob, first.participant_ids)
    np.testing.assert_array_equal(first.groups, theirs)
    # Ten newcomers, each voting like a participant of group 0 with enough votes to be
    # clustered on their own (some of Polis' in-conv are there by history only).
    model = first.participant_ids[(first.groups == 0) & (first.user_vote_counts >= 7)][:10]
    picked = np.isin(conv.participant_ids, model)
    newcomer = {int(p): 100_000 + i for i, p in enumerate(model)}
    new_p = np.array([newcomer[int(p)] for p in conv.participant_ids[picked]])
    later = opinion_map_update(
        first.state,
        new_p,
        conv.statement_ids[picked],
        conv.votes[picked],
        timestamps=conv.timestamps[picked],
    )
    old = np.isin(later.participant_ids, first.participant_ids)
    assert later.k == first.k
    assert np.mean(later.groups[old] == first.groups) >= 0.95
    assert set(later.participant_ids[later.groups == 0]) >= set(newcomer.values())
