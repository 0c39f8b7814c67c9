"""Parity with the Polis server's own math blobs (``shared/data/polis/polis-math``).

Statistics are checked on Polis' own groups (read from the blob), so they test our formulas
exactly; clustering is checked separately, because Polis' groups depend on its update history.
Clustering is checked twice: cold (our batch, the figures a conversation started in Coprod
gets) and continued from Polis' own state (the blob's PCA axes, base clusters, group centres,
in-conv and k, :func:`~coprod_engine.opinion.polis_state`), the figures a conversation
migrated from Polis gets.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from coprod_engine.io.polis import read_polis
from coprod_engine.opinion import opinion_map, vote_matrix
from coprod_engine.opinion.map import group_statistics
from coprod_engine.opinion.parity import adjusted_rand_index, blob_groups, repness_tids
from coprod_engine.opinion.pca import project
from coprod_engine.opinion.polis_state import polis_state

# (blob folder, votes folder, minimum ARI with Polis' groups of our batch clustering, and of
# our clustering continued from Polis' state; 1.0 continued also means the same group ids)
FIXTURES = {
    "below-100-ptpts": ("reddwarf-fixtures/below-100-ptpts", None, 1.0, 1.0),
    "50ptpt-3gp-strict-no-meta": ("reddwarf-fixtures/50ptpt-3gp-strict-no-meta", None, 1.0, 1.0),
    "25ptpt-3gp-no-strict-with-meta": (
        "reddwarf-fixtures/25ptpt-3gp-no-strict-with-meta",
        None,
        0.6,
        1.0,
    ),
    "above-100-ptpts": ("reddwarf-fixtures/above-100-ptpts", None, 0.85, 1.0),
    "150ptpt-3gp-no-strict-no-meta": (
        "reddwarf-fixtures/150ptpt-3gp-no-strict-no-meta",
        None,
        0.9,
        1.0,
    ),
    "5twd2jsnfk": ("5twd2jsnfk", "austria-climate.5twd2jsnkf.2022-08-08", 0.6, 1.0),
    # 2017 Polis computed another PCA (centre and axes) from the same votes: continued, our
    # PCA moves every participant, so its groups cannot carry over (0.44). With its own 2017
    # positions forced in, the continued clustering gives its groups exactly (docs).
    "4yy3sh84js": ("4yy3sh84js", "scoop-hivemind.ubi", 0.0, 0.4),
}
# The 2017 blob comes from an older Polis: its centre, consensus and vote counts are computed
# differently (centre and consensus do not match any reading of the export), so only the
# group statistics computed on its own groups are compared.
OLDER_POLIS = {"4yy3sh84js"}
# The 50-participant blob gives every statement priority 49 (a Polis anomaly: 49 is the meta
# priority, and this conversation has no meta statement), so its priorities are not an oracle.
NO_PRIORITY_ORACLE = {"50ptpt-3gp-strict-no-meta"}


def _load(
    shared_data: Path, name: str
) -> tuple[dict[str, Any], Any, tuple[int, ...], tuple[int, ...]]:
    blob_dir, votes_dir, *_ = FIXTURES[name]
    math = shared_data / "polis" / "polis-math" / blob_dir
    blob = json.loads((math / "math-pca2.json").read_text())
    conv = read_polis(shared_data / "polis" / votes_dir if votes_dir else math)
    comments = json.loads((math / "comments.json").read_text())
    meta = tuple(
        sorted(int(c.get("tid", c.get("statement_id"))) for c in comments if c.get("is_meta"))
    )
    mod = {
        int(c.get("tid", c.get("statement_id")))
        for c in comments
        if int(c.get("mod", c.get("moderated")) or 0) == -1
    }
    return blob, conv, tuple(sorted(mod | set(meta))), meta


@pytest.fixture(scope="module", params=sorted(FIXTURES))
def case(request: pytest.FixtureRequest, shared_data: Path) -> dict[str, Any]:
    name = request.param
    blob, conv, mod_out, meta = _load(shared_data, name)
    matrix = vote_matrix(
        conv.participant_ids, conv.statement_ids, conv.votes, timestamps=conv.timestamps
    )
    zeroed = np.isin(matrix.statement_ids, mod_out)
    is_meta = np.isin(matrix.statement_ids, meta)
    groups = blob_groups(blob, matrix.participant_ids)
    projection = project(matrix, zeroed)
    stats = group_statistics(
        matrix, groups, len(blob["group-clusters"]), zeroed, is_meta, projection.extremity
    )
    ours = opinion_map(
        conv.participant_ids,
        conv.statement_ids,
        conv.votes,
        timestamps=conv.timestamps,
        mod_out=mod_out,
        meta=meta,
        replay=True,
    )
    state = polis_state(
        blob,
        conv.participant_ids,
        conv.statement_ids,
        conv.votes,
        timestamps=conv.timestamps,
        mod_out=mod_out,
        meta=meta,
    )
    continued = opinion_map(
        conv.participant_ids,
        conv.statement_ids,
        conv.votes,
        timestamps=conv.timestamps,
        mod_out=mod_out,
        meta=meta,
        state=state,
    )
    return {
        "name": name,
        "blob": blob,
        "matrix": matrix,
        "stats": stats,
        "map": ours,
        "continued": continued,
        "projection": projection,
    }


def test_it_reads_the_moderation_polis_used(case: dict[str, Any]) -> None:
    blob, ours = case["blob"], case["map"]
    assert sorted(ours.mod_out) == sorted(blob.get("mod-out", []))


def test_it_has_polis_statements_and_vote_counts(case: dict[str, Any]) -> None:
    blob, ours = case["blob"], case["map"]
    assert ours.statement_ids.tolist() == sorted(blob.get("tids", ours.statement_ids.tolist()))
    if case["name"] in OLDER_POLIS:
        pytest.skip("the 2017 blob counts votes differently (10 more for some light voters)")
    counts = dict(zip(ours.participant_ids.tolist(), ours.user_vote_counts.tolist(), strict=True))
    # The 50-participant fixture lacks one participant's votes upstream ("missing votes").
    matching = [counts.get(int(p)) == c for p, c in blob["user-vote-counts"].items()]
    assert np.mean(matching) >= 0.98


def test_it_finds_polis_principal_components(case: dict[str, Any]) -> None:
    if case["name"] == "50ptpt-3gp-strict-no-meta":
        pytest.skip("votes missing upstream: the matrix differs from the one Polis had")
    if case["name"] in OLDER_POLIS:
        pytest.skip("2017 Polis centred the matrix differently")
    blob, projection = case["blob"], case["projection"]
    # Polis stores agree as −1: the centre changes sign, the axes are defined up to sign.
    np.testing.assert_allclose(-np.asarray(blob["pca"]["center"]), projection.center, atol=1e-9)
    for theirs, ours in zip(blob["pca"]["comps"], projection.components, strict=True):
        theirs = np.asarray(theirs)
        assert min(np.abs(theirs - ours).max(), np.abs(theirs + ours).max()) < 1e-6


def test_it_selects_polis_representative_statements(case: dict[str, Any]) -> None:
    blob, stats = case["blob"], case["stats"]
    ours = {str(g): [r.as_dict() for r in reps] for g, reps in enumerate(stats.repness)}
    assert repness_tids(ours) == repness_tids(blob["repness"])
    for g, reps in blob["repness"].items():
        for theirs, mine in zip(reps, ours[g], strict=True):
            assert (
                mine["n-success"] == theirs["n-success"] and mine["n-trials"] == theirs["n-trials"]
            )
            # Polis rounds repness-test to single precision.
            for key in ("p-success", "p-test", "repness", "repness-test"):
                assert mine[key] == pytest.approx(theirs[key], rel=1e-6, abs=1e-6)
            assert mine.get("best-agree", False) == theirs.get("best-agree", False)


def test_it_finds_polis_consensus(case: dict[str, Any]) -> None:
    blob, stats = case["blob"], case["stats"]
    if case["name"] in OLDER_POLIS:
        pytest.skip("2017 Polis computed consensus differently")
    for direction in ("agree", "disagree"):
        theirs = blob["consensus"][direction]
        ours = [c.as_dict() for c in stats.consensus[direction]]
        assert [c["tid"] for c in ours] == [c["tid"] for c in theirs]
        for t, o in zip(theirs, ours, strict=True):
            assert o["p-test"] == pytest.approx(t["p-test"], rel=1e-12)


def test_it_computes_polis_group_aware_consensus(case: dict[str, Any]) -> None:
    blob, stats, matrix = case["blob"], case["stats"], case["matrix"]
    if "group-aware-consensus" not in blob:
        pytest.skip("this blob predates group-aware consensus (2017)")
    gac = dict(
        zip(matrix.statement_ids.tolist(), stats.group_aware_consensus.tolist(), strict=True)
    )
    for tid, value in blob["group-aware-consensus"].items():
        assert abs(gac[int(tid)] - value) <= 1e-9


def test_it_computes_polis_comment_priorities(case: dict[str, Any]) -> None:
    blob, stats, matrix = case["blob"], case["stats"], case["matrix"]
    if "comment-priorities" not in blob or case["name"] in NO_PRIORITY_ORACLE:
        pytest.skip("no usable comment-priorities in this blob")
    prio = dict(zip(matrix.statement_ids.tolist(), stats.comment_priorities.tolist(), strict=True))
    for tid, value in blob["comment-priorities"].items():
        assert prio[int(tid)] == pytest.approx(value, rel=1e-9, abs=1e-12)


def test_it_clusters_like_polis(case: dict[str, Any]) -> None:
    blob, ours = case["blob"], case["map"]
    _, _, min_ari, _ = FIXTURES[case["name"]]
    theirs = blob_groups(blob, ours.participant_ids)
    both = (theirs >= 0) & (ours.groups >= 0)
    ari = adjusted_rand_index(theirs[both], ours.groups[both])
    if case["name"] in OLDER_POLIS:
        pytest.skip("2017 Polis projected differently, so its groups are not an oracle")
    assert ari >= min_ari
    if min_ari == 1.0:
        assert set(ours.participant_ids[ours.in_conv].tolist()) == set(blob["in-conv"])
        assert ours.k == len(blob["group-clusters"])


def test_it_continues_polis_groups_from_its_state(case: dict[str, Any]) -> None:
    blob, ours = case["blob"], case["continued"]
    _, _, _, min_ari = FIXTURES[case["name"]]
    theirs = blob_groups(blob, ours.participant_ids)
    both = (theirs >= 0) & (ours.groups >= 0)
    assert adjusted_rand_index(theirs[both], ours.groups[both]) >= min_ari
    # Sticky in-conv from the blob: above-100 clusters Polis' 208, not the 177 of the rule.
    assert set(ours.participant_ids[ours.in_conv].tolist()) == set(blob["in-conv"])
    assert ours.k == len(blob["group-clusters"])
    if min_ari == 1.0:
        # Same members under the same group ids: a migrated conversation's groups do not jump.
        np.testing.assert_array_equal(ours.groups, theirs)


def test_it_selects_polis_statements_on_the_continued_groups(case: dict[str, Any]) -> None:
    blob, ours = case["blob"], case["continued"]
    if case["name"] in OLDER_POLIS:
        pytest.skip("2017 Polis' PCA differs, so do the continued groups and their statements")
    mine = {str(g): [r.as_dict() for r in reps] for g, reps in enumerate(ours.repness)}
    assert repness_tids(mine) == repness_tids(blob["repness"])
    for direction in ("agree", "disagree"):
        assert [c.tid for c in ours.consensus[direction]] == [
            c["tid"] for c in blob["consensus"][direction]
        ]
    gac = dict(zip(ours.statement_ids.tolist(), ours.group_aware_consensus.tolist(), strict=True))
    for tid, value in blob["group-aware-consensus"].items():
        assert abs(gac[int(tid)] - value) <= 1e-9
