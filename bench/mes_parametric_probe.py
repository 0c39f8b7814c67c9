"""Probe: how far could a parametric Add1 jump? (measurement only, not used by the engine)

    uv run python bench/mes_parametric_probe.py [--data ../shared/data] [--only NAME]
                                                 [--runs N] [--check]

Within one MES run at share ``e``, fix every decision: which supporters pay all they have
(the poor/rich split of each price computed) and which project wins each round. Then every
budget, price and amount of money is an affine function of ``e`` (``A + C e``), and each
decision stays the same while a list of affine inequalities holds (the split of every price
computed, every project found unaffordable, the winner's price below every other lower
bound). The largest ``e'`` where all of them still hold (with a relative margin of 1e-9) is
the end of the interval over which the run, and so Add1's test, cannot change: Add1 could
jump there. The probe also reuses the prefix of the previous run that is still valid at the
next share (rounds whose inequalities all hold there) and recomputes only the rest.

It prints, per instance: the Add1 shares visited (``anchors``) out of the shares Add1
walks through, the rounds recomputed (against shares x rounds without reuse), and quantiles
of the interval lengths (in currency units of share) of the two kinds of inequality. With
``--check`` every visited share's purchases are compared with ``equal_shares``' own run.

Measured 2026-11-26 (see docs/engine-budgeting.md, "Speed: how MES and Add1 run"):
the intervals are shorter than one unit for most runs (the poor/rich split of some price,
or the order of two close prices, changes within a unit), so it visits 150 of Wieliczka's
151 shares and 1,339 of Toulouse's 1,620.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coprod_engine.budgeting._profile import GroupedProfile, exact_price, grouped_profile  # noqa: E402
from coprod_engine.budgeting.equal_shares import _run  # noqa: E402
from coprod_engine.io.pabulib import read_pabulib  # noqa: E402

TOLERANCE = 1e-9
Floats = np.ndarray[Any, np.dtype[np.float64]]


class CloseCall(Exception):
    """A float decision too close to certify: the probe restarts at the next share."""


def upper(alpha: Floats, beta: Floats, mag_a: Floats, mag_b: Floats, e: float) -> float:
    """Largest x >= e with alpha + beta x >= 1e-9 (mag_a + mag_b x) on [e, x]; -inf if not at e."""
    a = alpha - TOLERANCE * mag_a
    b = beta - TOLERANCE * mag_b
    if np.any(a + b * e < 0):
        return -math.inf
    falling = b < 0
    return float(np.min(a[falling] / -b[falling])) if falling.any() else math.inf


class Round:
    """One round of a run: its purchase (or none), its interval end, and how to undo it."""

    def __init__(self) -> None:
        self.bought = -1
        self.end = math.inf
        self.groups: np.ndarray[Any, np.dtype[np.int64]] | None = None
        self.old_a: Floats | None = None
        self.old_c: Floats | None = None
        self.bounds: list[tuple[int, float, float]] = []
        self.dead: list[int] = []


class ParametricRun:
    def __init__(self, profile: GroupedProfile, candidates: list[int]) -> None:
        self.profile = profile
        self.weight = [profile.weight[g] for g in profile.supporters]
        self.weighted = [
            profile.weight[g] * u for g, u in zip(profile.supporters, profile.utility, strict=True)
        ]
        self.candidates = np.array(candidates, dtype=np.int64)
        self.recomputed = 0
        self.lengths: dict[str, list[float]] = {"split": [], "winner": []}
        self.reset()

    def reset(self) -> None:
        groups, m = self.profile.weight.size, self.profile.num_projects
        self.a, self.c = np.zeros(groups), np.ones(groups)  # budget = a + c e
        self.low_a, self.low_c = np.full(m, np.inf), np.zeros(m)  # price lower bounds
        cand = self.candidates
        self.low_a[cand] = self.profile.costs[cand] / self.profile.total_utility[cand]
        self.alive = np.zeros(m, dtype=bool)
        self.alive[cand] = True
        self.rounds: list[Round] = []
        self.valid: list[float] = []  # running minimum of the rounds' interval ends

    def keep(self, e: float) -> None:
        """Undo the rounds whose decisions do not all hold at share ``e``."""
        kept = int(np.searchsorted(-np.array(self.valid), -e, side="right"))
        while len(self.rounds) > kept:
            done = self.rounds.pop()
            self.valid.pop()
            if done.groups is not None:
                self.a[done.groups], self.c[done.groups] = done.old_a, done.old_c
                self.alive[done.bought] = True
            for q, low_a, low_c in reversed(done.bounds):
                self.low_a[q], self.low_c[q] = low_a, low_c
            self.alive[done.dead] = True

    def bought(self) -> list[int]:
        return [r.bought for r in self.rounds if r.groups is not None]

    def _price(
        self, q: int, e: float
    ) -> tuple[tuple[float, float, float, bool, float, Any] | None, float]:
        prof = self.profile
        groups, u, w, wu = prof.supporters[q], prof.utility[q], self.weight[q], self.weighted[q]
        a, c = self.a[groups], self.c[groups]
        b = a + c * e
        cost, total = prof.costs[q], prof.total_utility[q]
        money = float(w @ b)
        if money < cost * (1 - TOLERANCE):  # unaffordable while money(e') < cost
            end = upper(
                np.array([cost - w @ a]),
                np.array([-(w @ c)]),
                np.array([cost + w @ np.abs(a)]),
                np.array([w @ np.abs(c)]),
                e,
            )
            return None, end
        if money <= cost * (1 + TOLERANCE):
            raise CloseCall
        zero = (a == 0) & (c == 0)
        zero_utility = float(wu[zero].sum())
        rho = cost / (total - zero_utility)
        ratio = b / u
        poorest = ratio[~zero].min()
        if rho <= poorest:
            sure, poor, rho_a, rho_c = bool(rho < poorest * (1 - TOLERANCE)), zero, rho, 0.0
        else:
            sure = False
            order = np.argsort(ratio, kind="stable")
            paid = np.cumsum((w * b)[order])
            used = np.cumsum(wu[order])
            with np.errstate(divide="ignore", invalid="ignore"):
                candidate = (cost - paid[:-1]) / (total - used[:-1])
            last = int(np.flatnonzero(candidate <= ratio[order][1:])[0])
            poor = np.zeros(groups.size, dtype=bool)
            poor[order[: last + 1]] = True
            rich_utility = float(wu[~poor].sum())
            rho_a = (cost - float(w[poor] @ a[poor])) / rich_utility
            rho_c = -float(w[poor] @ c[poor]) / rich_utility
            rho = rho_a + rho_c * e
        # The split holds while the rich can pay rho·u and the (non-empty) poor cannot.
        sign = np.where(~poor, 1.0, -1.0)
        part = ~poor | (poor & ~zero)
        end = upper(
            (sign * (a - rho_a * u))[part],
            (sign * (c - rho_c * u))[part],
            (np.abs(a) + abs(rho_a) * u)[part],
            (np.abs(c) + abs(rho_c) * u)[part],
            e,
        )
        self.lengths["split"].append(end - e)
        return (rho, rho_a, rho_c, sure, zero_utility, poor), end

    def run(self, e: float) -> None:
        """Continue the run at share ``e`` from the rounds kept."""
        prof = self.profile
        while True:
            self.recomputed += 1
            step, end = Round(), math.inf
            live = np.flatnonzero(self.alive)
            bounds = self.low_a[live] + self.low_c[live] * e
            best, scanned = math.inf, {}
            for k in np.argsort(bounds, kind="stable"):
                q = int(live[k])
                if bounds[k] > best * (1 + TOLERANCE):
                    break
                price, until = self._price(q, e)
                end = min(end, until)
                if price is None:
                    self.alive[q] = False
                    step.dead.append(q)
                    continue
                step.bounds.append((q, self.low_a[q], self.low_c[q]))
                self.low_a[q], self.low_c[q] = price[1], price[2]
                scanned[q] = price
                best = min(best, price[0])
            if not scanned:
                step.end = end
                self.rounds.append(step)
                self.valid.append(min(self.valid[-1] if self.valid else math.inf, end))
                return
            close = [q for q, v in scanned.items() if v[0] <= best * (1 + TOLERANCE)]
            certified: set[int] = set()
            if len(close) > 1:
                exact = {
                    q: exact_price(prof, q, scanned[q][4]) if scanned[q][3] else None for q in close
                }
                known = [v for v in exact.values() if v is not None]
                if len(known) < len(exact):
                    raise CloseCall
                least: Fraction = min(known)
                close = [q for q in close if exact[q] == least]
                certified = set(exact)
            s = min(close, key=lambda q: prof.tie_rank[q])
            rho, rho_a, rho_c, _, _, poor = scanned[s]
            others = np.flatnonzero(self.alive)
            others = others[
                (others != s) & ~np.isin(others, list(certified - {s}) if s in certified else [])
            ]
            if others.size:
                la, lc = self.low_a[others], self.low_c[others]
                until = upper(
                    la - rho_a, lc - rho_c, np.abs(la) + abs(rho_a), np.abs(lc) + abs(rho_c), e
                )
                self.lengths["winner"].append(until - e)
                end = min(end, until)
            groups, u = prof.supporters[s], prof.utility[s]
            a, c = self.a[groups], self.c[groups]
            held = a + c * e
            if np.any((held > 0) & (np.abs(rho * u - held) <= TOLERANCE * held)):
                raise CloseCall
            step.bought, step.groups, step.old_a, step.old_c = s, groups, a.copy(), c.copy()
            self.a[groups] = np.where(poor, 0.0, a - rho_a * u)
            self.c[groups] = np.where(poor, 0.0, c - rho_c * u)
            self.alive[s] = False
            step.end = end
            self.rounds.append(step)
            self.valid.append(min(self.valid[-1] if self.valid else math.inf, end))


def probe(path: Path, runs: int, check: bool) -> None:
    election = read_pabulib(path)
    costs = election.cost_array()
    approvals = sparse.csr_array(election.ballots, dtype=np.float64)
    approvals.data[:] = 1.0
    values = sparse.csr_array(approvals * costs[np.newaxis, :])
    profile = grouped_profile(costs, values, election.budget, project_ids=election.project_ids)
    candidates = [
        p for p in range(profile.num_projects) if profile.total_utility[p] > 0 and costs[p] > 0
    ]
    start = profile.budget / profile.num_voters
    state = ParametricRun(profile, candidates)
    k = anchors = close_calls = mismatches = 0
    cpu = time.process_time()
    while k < runs:
        share = float(start + k)
        state.keep(share)
        try:
            state.run(share)
        except CloseCall:
            close_calls += 1
            state.reset()
            k += 1
            continue
        anchors += 1
        if check and state.bought() != _run(profile, candidates, start + k).bought:
            mismatches += 1
        end = state.valid[-1]
        k = max(k + 1, math.floor(end - float(start)) + 1) if math.isfinite(end) else runs
    print(
        f"{path.stem}: {anchors} shares visited of {runs} ({close_calls} close calls), "
        f"{state.recomputed} rounds recomputed, CPU {time.process_time() - cpu:.1f} s"
        + (f", {mismatches} mismatches" if check else "")
    )
    for kind, values_list in state.lengths.items():
        q = np.quantile(np.array(values_list), [0.01, 0.05, 0.1, 0.5])
        print(
            f"  {kind:6} interval length quantiles 1/5/10/50 %: " + " ".join(f"{v:.3g}" for v in q)
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--only", default="Wieliczka_2023_Green")
    parser.add_argument("--runs", type=int, default=151, help="Add1 shares to walk through")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    for path in sorted((args.data / "pb").glob("*.pb")):
        if args.only in path.name:
            probe(path, args.runs, args.check)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
