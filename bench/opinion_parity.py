"""Group parity with the Polis server: batch vs continued from Polis' own state, per fixture.

Usage: ``uv run python bench/opinion_parity.py [--data ../shared/data]``

For each conversation with a Polis math blob (``DATA/polis/polis-math``) it prints the
adjusted Rand index of our groups with Polis' (clustered participants in both), the number
of groups and of clustered participants, for our batch map (``replay=True``) and for the map
continued from the blob (:func:`~coprod_engine.opinion.polis_state`), then which part of the
state matters: continued from in-conv only, from in-conv and the base centres, and from all
of it. For the 2017 blob it also continues with Polis' own 2017 projection substituted for
ours, which separates the PCA (changed since 2017) from the clustering.
The figures are in ``docs/engine-opinion.md`` (*Parity with the Polis server*).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np

from coprod_engine.io.polis import PolisConversation, read_polis
from coprod_engine.opinion import OpinionMap, OpinionState, opinion_map, polis_state
from coprod_engine.opinion.clustering import KSmoother
from coprod_engine.opinion.matrix import VoteMatrix
from coprod_engine.opinion.parity import adjusted_rand_index, blob_groups
from coprod_engine.opinion.pca import Projection, project

# blob folder under polis-math → votes folder (None: the same folder)
FIXTURES = {
    "reddwarf-fixtures/below-100-ptpts": None,
    "reddwarf-fixtures/50ptpt-3gp-strict-no-meta": None,
    "reddwarf-fixtures/25ptpt-3gp-no-strict-with-meta": None,
    "reddwarf-fixtures/above-100-ptpts": None,
    "reddwarf-fixtures/150ptpt-3gp-no-strict-no-meta": None,
    "5twd2jsnfk": "austria-climate.5twd2jsnkf.2022-08-08",
    "4yy3sh84js": "scoop-hivemind.ubi",
}
OLDER_POLIS = "4yy3sh84js"


def _ari(blob: dict[str, Any], ours: OpinionMap) -> float:
    theirs = blob_groups(blob, ours.participant_ids)
    both = (theirs >= 0) & (ours.groups >= 0)
    return adjusted_rand_index(theirs[both], ours.groups[both])


def _continued(conv: PolisConversation, state: OpinionState) -> OpinionMap:
    return opinion_map(
        conv.participant_ids,
        conv.statement_ids,
        conv.votes,
        timestamps=conv.timestamps,
        mod_out=state.mod_out,
        meta=state.meta,
        state=state,
    )


def _polis_projection(blob: dict[str, Any]) -> Any:
    """``project`` with the blob's own centre and axes (export sign) instead of ours."""
    order = np.argsort(blob["tids"])
    center = -np.asarray(blob["pca"]["center"])[order]
    comps = -np.asarray(blob["pca"]["comps"])[:, order]

    def projected(matrix: VoteMatrix, zeroed: np.ndarray, **kwargs: Any) -> Projection:
        ours = project(matrix, zeroed, **kwargs)
        rows = matrix.rows()
        centred = np.zeros(matrix.shape)
        centred[rows, matrix.indices] = matrix.values - center[matrix.indices]
        centred[:, zeroed] = 0.0
        # Moderated-out statements count as voted (as in ``project``).
        voted = np.bincount(rows, weights=~zeroed[matrix.indices], minlength=matrix.shape[0])
        scale = np.sqrt(matrix.shape[1] / np.maximum(voted + zeroed.sum(), 1))
        participants = (centred @ comps.T) * scale[:, None]
        return dataclasses.replace(ours, center=center, components=comps, participants=participants)

    return projected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = parser.parse_args()
    math_dir = args.data / "polis" / "polis-math"
    print(
        f"{'fixture':34} {'ARI batch':>9} {'continued':>9} {'k b/c/P':>9} "
        f"{'in-conv b/c/P':>15} | {'in-conv':>7} {'+base':>6} {'all':>6}"
    )
    for folder, votes in FIXTURES.items():
        blob = json.loads((math_dir / folder / "math-pca2.json").read_text())
        conv = read_polis(args.data / "polis" / votes if votes else math_dir / folder)
        args_ = (conv.participant_ids, conv.statement_ids, conv.votes)
        state = polis_state(blob, *args_, timestamps=conv.timestamps)
        batch = opinion_map(
            *args_,
            timestamps=conv.timestamps,
            mod_out=state.mod_out,
            meta=state.meta,
            replay=True,
        )
        continued = _continued(conv, state)
        cold = dataclasses.replace(state, base_centres=np.zeros((0, 2)), group_centres={})
        only_in = _continued(conv, dataclasses.replace(cold, smoother=KSmoother()))
        with_base = _continued(
            conv,
            dataclasses.replace(state, group_centres={}, smoother=KSmoother()),
        )
        k = len(blob["group-clusters"])
        print(
            f"{folder.split('/')[-1]:34} {_ari(blob, batch):9.3f} {_ari(blob, continued):9.3f} "
            f"{batch.k:>3}/{continued.k}/{k} "
            f"{int(batch.in_conv.sum()):>5}/{int(continued.in_conv.sum())}/{len(blob['in-conv'])}"
            f" | {_ari(blob, only_in):7.3f} {_ari(blob, with_base):6.3f}"
            f" {_ari(blob, continued):6.3f}"
        )
        if folder == OLDER_POLIS:
            with mock.patch("coprod_engine.opinion.map.project", _polis_projection(blob)):
                forced = _continued(conv, state)
            same = np.array_equal(forced.groups, blob_groups(blob, forced.participant_ids))
            print(
                f"  {folder} continued on its own 2017 projection: ARI {_ari(blob, forced):.3f}, "
                f"same group ids {same}, k {forced.k}"
            )


if __name__ == "__main__":
    main()
