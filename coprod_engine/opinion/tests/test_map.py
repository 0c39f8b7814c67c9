"""The whole map: in-conv rules, state between updates, labels, serialisation."""

import json

import numpy as np
import pytest

from coprod_engine.opinion import opinion_map, opinion_map_update, vote_matrix
from coprod_engine.opinion.map import in_conversation, merge_votes, replayed_in_conv


def _conversation(
    n: int = 120, m: int = 30, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Two camps with opposite views, each participant voting on about 60 % of statements."""
    rng = np.random.default_rng(seed)
    camp = np.where(np.arange(n) < n // 2, 1, -1)
    stance = rng.choice([-1, 1], size=m)
    cells = rng.random((n, m)) < 0.6
    p, c = np.nonzero(cells)
    votes = np.where(rng.random(len(p)) < 0.85, camp[p] * stance[c], 0)
    return p, c, votes, camp


def test_it_clusters_participants_with_at_least_seven_votes() -> None:
    counts = np.array([7, 6, 20, 0] + [10] * 20)
    inside = in_conversation(counts, 40)
    assert inside.tolist()[:4] == [True, False, True, False]


def test_it_tops_up_to_fifteen_participants_by_vote_count() -> None:
    counts = np.array([9, 1, 3, 2] + [0] * 20)
    assert np.flatnonzero(in_conversation(counts, 40)).tolist() == [0, 1, 2, 3]


def test_it_keeps_a_participant_clustered_once_in() -> None:
    counts = np.array([1] + [10] * 20)
    previous = np.zeros(21, dtype=bool)
    previous[0] = True
    assert in_conversation(counts, 40, previous)[0]


def test_it_replays_the_early_low_bar_of_a_young_conversation() -> None:
    # Participant 9 voted when only one statement existed: min(7, 1) = 1 vote was enough.
    pids = [9] + [p for p in range(20) for _ in range(8)]
    tids = [0] + [t for _ in range(20) for t in range(8)]
    times = list(range(len(pids)))
    assert 9 in replayed_in_conv(pids, tids, times).tolist()


def test_it_separates_two_camps_into_two_groups() -> None:
    p, c, v, camp = _conversation()
    result = opinion_map(p, c, v)
    assert result.k == 2
    assert {len(set(result.groups[camp == s])) for s in (1, -1)} == {1}
    assert result.groups[camp == 1][0] != result.groups[camp == -1][0]


def test_it_serialises_to_the_polis_blob_keys_plus_ours() -> None:
    p, c, v, _ = _conversation(40, 10)
    blob = json.loads(json.dumps(opinion_map(p, c, v, mod_out=[3], meta=[4]).as_dict()))
    for key in (
        "pca",
        "base-clusters",
        "group-clusters",
        "repness",
        "consensus",
        "group-aware-consensus",
        "in-conv",
        "user-vote-counts",
        "comment-priorities",
        "n",
        "n-cmts",
        "tids",
    ):
        assert key in blob
    assert blob["mod-out"] == [3, 4] and blob["meta-tids"] == [4]
    assert blob["comment-priorities"]["4"] == 49
    assert len(blob["coprod"]["input-hash"]) == 64


def test_it_hashes_the_input_so_a_replay_can_be_audited() -> None:
    p, c, v, _ = _conversation(40, 10)
    a = opinion_map(p, c, v).input_hash
    v2 = v.copy()
    v2[0] = -v2[0] if v2[0] else 1
    assert a == opinion_map(p, c, v).input_hash
    assert a != opinion_map(p, c, v2).input_hash


def test_it_merges_new_votes_over_old_ones() -> None:
    old = vote_matrix([0, 0, 1], [0, 1, 0], [1, 1, -1])
    new = vote_matrix([0, 2, 1], [1, 0, 5], [-1, 1, 0])
    merged = merge_votes(old, new)
    direct = vote_matrix([0, 0, 1, 0, 2, 1], [0, 1, 0, 1, 0, 5], [1, 1, -1, -1, 1, 0])
    assert merged.participant_ids.tolist() == direct.participant_ids.tolist()
    assert merged.statement_ids.tolist() == direct.statement_ids.tolist()
    assert (merged.to_csr() != direct.to_csr()).nnz == 0


def test_it_updates_incrementally_to_the_same_map_as_from_scratch_on_the_same_state() -> None:
    p, c, v, _ = _conversation(200, 40, seed=1)
    first = opinion_map(p[:-300], c[:-300], v[:-300])
    updated = opinion_map_update(first.state, p[-300:], c[-300:], v[-300:])
    again = opinion_map(p, c, v, state=first.state)
    np.testing.assert_allclose(
        updated.projection.participants, again.projection.participants, atol=1e-9
    )
    assert updated.groups.tolist() == again.groups.tolist()
    assert updated.input_hash == again.input_hash


def test_it_reports_statistics_per_knowledge_type_and_cross_knowledge_consensus() -> None:
    # Everybody agrees with statement 0; only "research" agrees with statement 1.
    pids = list(range(30)) * 2
    tids = [0] * 30 + [1] * 30
    kinds = {p: ("lived" if p < 10 else "practice" if p < 20 else "research") for p in range(30)}
    votes = [1] * 30 + [(1 if kinds[p] == "research" else -1) for p in range(30)]
    result = opinion_map(
        pids, tids, votes, knowledge_types=kinds, stakeholder_roles={0: "resident"}
    )
    view = result.knowledge_types
    assert view is not None and view.labels == ("lived", "practice", "research")
    assert [c.tid for c in view.cross_consensus["agree"]] == [0]
    assert view.cross_consensus["disagree"] == []
    assert view.tallies.agree[:, 1].tolist() == [0, 0, 10]
    assert [(r.tid, r.repful_for) for r in view.repness[2]][0] == (1, "agree")
    roles = result.stakeholder_roles
    assert roles is not None and roles.as_dict(result.statement_ids)["by-label"] == {
        "resident": {
            "n-members": 1,
            "votes": {"0": {"A": 1, "D": 0, "S": 1}, "1": {"A": 0, "D": 1, "S": 1}},
            "repness": [],
        }
    }


def test_it_refuses_a_meaningless_confidence() -> None:
    from coprod_engine.exceptions import InputFormatError
    from coprod_engine.opinion.knowledge import cross_consensus
    from coprod_engine.opinion.statistics import Tallies

    t = Tallies(np.ones((1, 1), int), np.zeros((1, 1), int), np.ones((1, 1), int))
    with pytest.raises(InputFormatError):
        cross_consensus(t, np.array([0]), ("a",), np.array([False]), confidence=1.5)


def test_it_merges_new_votes_whose_ids_fall_between_existing_ones() -> None:
    old = vote_matrix([0, 4, 4], [0, 6, 2], [1, 1, -1])
    new = vote_matrix([2, 4, 0], [3, 2, 9], [1, 0, -1])
    merged = merge_votes(old, new)
    direct = vote_matrix([0, 4, 4, 2, 4, 0], [0, 6, 2, 3, 2, 9], [1, 1, -1, 1, 0, -1])
    assert merged.participant_ids.tolist() == [0, 2, 4]
    assert merged.statement_ids.tolist() == [0, 2, 3, 6, 9]
    assert (merged.to_csr() != direct.to_csr()).nnz == 0
    assert merged.to_csr()[2, 1] == 0 and merged.nnz == direct.nnz
