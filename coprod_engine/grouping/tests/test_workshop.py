"""Workshop seating: diversity, hard rules, rotations, infeasibility reports, re-seating."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coprod_engine.exceptions import Infeasible, InputFormatError
from coprod_engine.grouping.rules import Cap, Coverage, RuleReport, Rules, rules_from_dict
from coprod_engine.grouping.workshop import Grouping, _blau, form_groups, reseat


def world_cafe() -> tuple[dict[str, dict[str, str]], Rules]:
    """48 people as in the demo's world café: 8 community-worker hosts, 40 travellers."""
    roles = (
        ["senior"] * 14 + ["caregiver"] * 4 + ["neighbour"] * 2 + ["community"] * 8
        + ["nurse"] * 6 + ["borough"] * 6 + ["elected"] * 2 + ["researcher"] * 4 + ["student"] * 2
    )  # fmt: skip
    knowledge = {"senior": "experiential", "caregiver": "experiential", "neighbour": "experiential",
                 "researcher": "scientific"}  # fmt: skip
    people = {
        f"p{i:02d}": {
            "role": role,
            "knowledge": knowledge.get(role, "practical"),
            "age": ["18-34", "35-64", "65+"][i % 3] if role != "senior" else "65+",
            "sector": "abcd"[i % 4],
        }
        for i, role in enumerate(roles)
    }
    hosts = [p for p, a in people.items() if a["role"] == "community"]
    rules = Rules(
        pins={h: t for t, h in enumerate(hosts)},
        coverage=(Coverage("knowledge", "experiential", 2),),
        caps=(Cap("role", "elected", 1),),
        cannot_link=(("p00", "p28"), ("p01", "p29"), ("p02", "p30")),
    )
    return people, rules


def pairs_met(plan: Grouping) -> dict[tuple[str, str], int]:
    met: dict[tuple[str, str], int] = {}
    for tables in plan.rounds:
        for table in tables:
            for a, b in combinations(sorted(table.members), 2):
                met[(a, b)] = met.get((a, b), 0) + 1
    return met


def test_it_computes_the_blau_index_by_hand() -> None:
    assert _blau(["a", "a", "b", "b"]) == 0.5
    assert _blau(["a", "a", "a"]) == 0.0
    assert _blau(["a", "b", "c", ""]) == pytest.approx(2 / 3)  # the empty value is missing
    assert _blau([]) == 0.0


def test_it_puts_one_of_each_role_at_every_table() -> None:
    people = {f"{role}{k}": {"role": role} for role in "ABCD" for k in range(3)}
    plan = form_groups(people, tables=3, seed=5)
    for table in plan.rounds[0]:
        assert sorted(people[p]["role"] for p in table.members) == ["A", "B", "C", "D"]
        assert table.diversity == pytest.approx(0.75)


@settings(max_examples=10, deadline=None)
@given(
    n=st.integers(6, 40),
    tables=st.integers(2, 6),
    rounds=st.integers(1, 3),
    seed=st.integers(0, 99),
)
def test_it_seats_everyone_once_per_round_within_the_size_bounds(
    n: int, tables: int, rounds: int, seed: int
) -> None:
    gen = np.random.default_rng(seed)
    people = {
        f"x{i}": {"role": str(gen.integers(4)), "age": str(gen.integers(3))} for i in range(n)
    }
    plan = form_groups(people, tables=tables, rounds=rounds, seed=seed, effort=3)
    assert len(plan.rounds) == rounds
    for tables_of_round in plan.rounds:
        seated = [p for t in tables_of_round for p in t.members]
        assert sorted(seated) == sorted(people)
        sizes = [len(t.members) for t in tables_of_round]
        assert max(sizes) - min(sizes) <= 1
    assert plan.repeats == sum(times - 1 for times in pairs_met(plan).values())
    assert plan.repeats == sum(plan.round_repeats) and plan.round_repeats[0] == 0


def test_it_plans_a_world_cafe_with_no_repeated_pair_and_every_rule_met() -> None:
    people, rules = world_cafe()
    plan = form_groups(people, tables=8, size_min=6, size_max=6, rounds=3, rules=rules, seed=11)
    assert plan.repeats == 0 and plan.repeated_pairs == ()
    assert plan.report.feasible
    hosts = rules.pins
    for tables in plan.rounds:
        where = {p: t.table for t in tables for p in t.members}
        assert all(where[h] == t for h, t in hosts.items())
        for table in tables:
            roles = [people[p]["role"] for p in table.members]
            kinds = [people[p]["knowledge"] for p in table.members]
            assert len(roles) == 6 and roles.count("elected") <= 1
            assert kinds.count("experiential") >= 2
        for a, b in rules.cannot_link:
            assert where[a] != where[b]
    # Hosts never meet each other; a traveller meets 5 new people in each of 3 rounds.
    travellers = [p for p in people if p not in hosts]
    assert all(plan.people_met[p] == 15 for p in travellers)


def test_it_reports_that_four_researchers_cannot_cover_eight_tables() -> None:
    people, rules = world_cafe()
    rules = Rules(pins=rules.pins, coverage=(Coverage("knowledge", "scientific", 1),))
    with pytest.raises(Infeasible) as caught:
        form_groups(people, tables=8, size_min=6, size_max=6, rules=rules, seed=3)
    report = caught.value.report
    assert isinstance(report, RuleReport)
    assert [v.rule for v in report.impossible] == ["coverage"]
    assert report.impossible[0].amount == 4
    # The best-effort plan reaches that smallest violation: 4 tables short of one each.
    assert report.best_effort is not None
    assert sum(v.amount for v in report.violations) == 4
    researchers = [p for p, a in people.items() if a["knowledge"] == "scientific"]
    counts = [sum(p in t.members for p in researchers) for t in report.best_effort.rounds[0]]
    assert sorted(counts) == [0, 0, 0, 0, 1, 1, 1, 1]


def test_it_returns_the_plan_with_its_report_when_not_strict() -> None:
    people = {f"e{i}": {"role": "elected"} for i in range(3)} | {
        f"r{i}": {"role": "resident"} for i in range(3)
    }
    rules = Rules(caps=(Cap("role", "elected", 1),))
    plan = form_groups(people, tables=2, rules=rules, seed=0, strict=False)
    assert not plan.report.feasible
    assert plan.report.impossible[0].rule == "cap" and plan.report.impossible[0].amount == 1
    assert sum(v.amount for v in plan.report.violations) == 1


def test_it_keeps_linked_people_together_and_separated_people_apart() -> None:
    people = {f"s{i}": {"role": "senior", "org": str(i % 3)} for i in range(8)} | {
        f"w{i}": {"role": "worker", "org": str(i % 3)} for i in range(4)
    }
    rules = Rules(must_link=(("s0", "s1"), ("s1", "s2")), cannot_link=(("s0", "w0"), ("s3", "w1")))
    for seed in range(5):
        where = form_groups(
            people, tables=3, size_min=3, size_max=5, rules=rules, seed=seed
        ).table_of(0)
        assert where["s0"] == where["s1"] == where["s2"]
        assert where["s0"] != where["w0"] and where["s3"] != where["w1"]


def test_it_seats_people_only_at_tables_in_a_language_they_speak() -> None:
    people = {f"f{i}": {"role": "ab"[i % 2], "languages": "fr"} for i in range(8)}
    people |= {f"e{i}": {"role": "ab"[i % 2], "languages": "en"} for i in range(4)}
    people |= {f"b{i}": {"role": "ab"[i % 2], "languages": "fr;en"} for i in range(4)}
    plan = form_groups(people, tables=4, table_languages=["fr", "fr", "en", None], seed=2)
    for table in plan.rounds[0]:
        for p in table.members:
            spoken = people[p]["languages"].split(";")
            assert table.language is None or table.language in spoken


def test_it_refuses_contradictory_links_and_unknown_people() -> None:
    people = {f"p{i}": {"role": "ab"[i % 2]} for i in range(6)}
    with pytest.raises(Infeasible) as caught:
        form_groups(
            people, tables=2, seed=0,
            rules=Rules(must_link=(("p0", "p1"),), cannot_link=(("p1", "p0"),)),
        )  # fmt: skip
    report = caught.value.report
    assert isinstance(report, RuleReport) and report.impossible[0].rule == "cannot_link"
    with pytest.raises(InputFormatError):
        form_groups(people, tables=2, seed=0, rules=Rules(pins={"nobody": 0}))
    with pytest.raises(InputFormatError):
        form_groups(people, tables=2, seed=0, rules=Rules(pins={"p0": 5}))
    with pytest.raises(Infeasible):
        form_groups(people, tables=2, size_min=4, size_max=4, seed=0)
    with pytest.raises(InputFormatError):
        form_groups(people, tables=2, size_min=4, size_max=3, seed=0)


def test_it_forms_homogeneous_peer_groups_in_peer_mode() -> None:
    kinds = ["experiential"] * 6 + ["practical"] * 6 + ["scientific"] * 3
    people = {f"p{i}": {"knowledge": k, "age": "ab"[i % 2]} for i, k in enumerate(kinds)}
    plan = form_groups(
        people, tables=3, size_min=3, size_max=6, rounds=2, rules=Rules(mode="peer"), seed=4
    )
    # Peer groups stay homogeneous in a second round, even though every pair then repeats.
    for tables in plan.rounds:
        for table in tables:
            assert len({people[p]["knowledge"] for p in table.members}) == 1
            assert table.blau["knowledge"] == 0.0
    assert plan.round_repeats[1] > 0


def test_it_gives_the_same_plan_for_the_same_seed_in_another_process() -> None:
    people, rules = world_cafe()
    # The child reads people and rules as JSON, so it does not import pytest or hypothesis.
    script = (
        "import json, sys; from coprod_engine.grouping.workshop import form_groups;"
        "from coprod_engine.grouping.rules import rules_from_dict;"
        "people, rules = json.load(sys.stdin);"
        "plan = form_groups(people, tables=8, size_min=6, size_max=6, rounds=2,"
        " rules=rules_from_dict(rules), seed=42, effort=4, seconds=60);"
        "print(json.dumps([plan.table_of(r) for r in range(2)]))"
    )
    payload = json.dumps(
        [people, {"pins": rules.pins, "cannot_link": [list(p) for p in rules.cannot_link],
                  "coverage": [vars(c) for c in rules.coverage], "caps": [vars(c) for c in rules.caps]}]
    )  # fmt: skip
    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", script], input=payload, env=env, capture_output=True,
            text=True, check=True,
        )  # fmt: skip
        outputs.append(json.loads(done.stdout))
    kwargs = {"tables": 8, "size_min": 6, "size_max": 6, "rounds": 2, "rules": rules, "effort": 4}
    here = form_groups(people, seed=42, seconds=60, **kwargs)  # type: ignore[arg-type]
    assert outputs[0] == outputs[1] == [here.table_of(r) for r in range(2)]
    other = form_groups(people, seed=43, seconds=60, **kwargs)  # type: ignore[arg-type]
    assert other.input_hash == here.input_hash
    assert [other.table_of(r) for r in range(2)] != [here.table_of(r) for r in range(2)]


def test_it_reseats_after_no_shows_keeping_seated_people_fixed() -> None:
    people, rules = world_cafe()
    plan = form_groups(people, tables=8, size_min=6, size_max=6, rounds=3, rules=rules, seed=8)
    # Two travellers of one table do not come back for round 1; tables may shrink to 5.
    before = plan.table_of(1)
    absent = [p for p in plan.rounds[1][0].members if p not in rules.pins][:2]
    seated = [p for p in before if p not in absent and before[p] != 3]
    again = reseat(
        plan, people, round=1, absent=absent, seated=seated, tables=8, size_min=5, size_max=6,
        rules=rules, seed=9,
    )  # fmt: skip
    assert again.table_of(0) == plan.table_of(0)
    after = again.table_of(1)
    assert all(after[p] == before[p] for p in seated)
    for r in (1, 2):
        assert not set(absent) & set(again.table_of(r))
        assert sorted(again.table_of(r)) == sorted(set(people) - set(absent))
    assert again.report.feasible and again.repeats == 0


def test_it_reads_the_rules_json() -> None:
    rules = rules_from_dict(
        {
            "weights": {"role": 2, "age": 0.5},
            "pins": {"h1": 0},
            "must_link": [["a", "b"]],
            "cannot_link": [["c", "d"]],
            "coverage": [{"attribute": "knowledge", "value": "experiential", "min": 2}],
            "caps": [{"attribute": "role", "value": "elected", "max": 1}],
            "mode": "peer",
        }
    )
    assert rules.weights == {"role": 2.0, "age": 0.5} and rules.pins == {"h1": 0}
    assert rules.must_link == (("a", "b"),) and rules.mode == "peer"
    assert rules.coverage == (Coverage("knowledge", "experiential", 2),)
    with pytest.raises(InputFormatError):
        rules_from_dict({"pin": {"h1": 0}})
    with pytest.raises(InputFormatError):
        rules_from_dict({"coverage": [{"attribute": "knowledge"}]})
    with pytest.raises(InputFormatError):
        rules_from_dict({"mode": "random"})


def test_it_reports_too_few_speakers_for_a_language_table() -> None:
    people = {f"f{i}": {"role": "ab"[i % 2], "languages": "fr"} for i in range(9)}
    people |= {"e0": {"role": "a", "languages": "en"}, "b0": {"role": "b", "languages": "fr;en"}}
    with pytest.raises(Infeasible) as caught:
        form_groups(
            people, tables=3, size_min=3, size_max=4, table_languages=["en", "fr", "fr"], seed=0
        )
    report = caught.value.report
    assert isinstance(report, RuleReport)
    # Two people speak English for 3 seats, and 9 French-only speakers for 8 French seats.
    assert [(v.rule, v.amount) for v in report.impossible] == [("language", 1), ("language", 1)]
    assert "2 people speak en" in report.impossible[0].detail


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_it_never_returns_a_plan_that_breaks_a_rule_silently(seed: int) -> None:
    gen = np.random.default_rng(seed)
    n, tables = int(gen.integers(8, 25)), int(gen.integers(2, 5))
    ids = [f"q{i}" for i in range(n)]
    people = {p: {"role": str(gen.integers(3)), "kind": "xyz"[gen.integers(3)]} for p in ids}
    picks = gen.permutation(n)
    pins = {ids[picks[t]]: t for t in range(min(tables, 2))}
    must = [(ids[picks[3]], ids[picks[4]])]
    cannot = [(ids[picks[5]], ids[picks[6]]), (ids[picks[0]], ids[picks[7]])]
    rules = Rules(
        pins=pins, must_link=must, cannot_link=cannot,
        coverage=(Coverage("kind", "x", 1),), caps=(Cap("role", "0", 2),),
    )  # fmt: skip
    try:
        plan = form_groups(people, tables=tables, rounds=2, rules=rules, seed=seed, effort=3)
    except Infeasible as error:
        report = error.report
        assert isinstance(report, RuleReport) and (report.impossible or report.violations)
        assert report.best_effort is not None
        return
    assert plan.report.feasible
    for r in range(2):
        where = plan.table_of(r)
        assert sorted(where) == sorted(ids)
        assert all(where[p] == t for p, t in pins.items())
        assert all(where[a] == where[b] for a, b in must)
        assert all(where[a] != where[b] for a, b in cannot)
        for table in plan.rounds[r]:
            kinds = [people[p]["kind"] for p in table.members]
            roles = [people[p]["role"] for p in table.members]
            assert kinds.count("x") >= 1 and roles.count("0") <= 2


def test_it_hashes_the_order_of_people() -> None:
    people = {f"p{i}": {"role": "ab"[i % 2]} for i in range(6)}
    reordered = dict(reversed(list(people.items())))
    first = form_groups(people, tables=2, seed=1, effort=1)
    assert first.input_hash == form_groups(people, tables=2, seed=1, effort=1).input_hash
    assert first.input_hash != form_groups(reordered, tables=2, seed=1, effort=1).input_hash


def test_it_counts_the_repeats_of_a_forced_second_round_by_hand() -> None:
    # 4 people at 1 table meet all 6 pairs in round 0 and again in round 1.
    people = {p: {"role": p} for p in "abcd"}
    plan = form_groups(people, tables=1, rounds=2, seed=0)
    assert plan.round_repeats == (0, 6) and plan.repeats == 6
    assert set(plan.repeated_pairs) == {(a, b, 2) for a, b in combinations("abcd", 2)}
    assert plan.people_met == dict.fromkeys("abcd", 3)


def test_it_seats_a_workshop_without_loading_numba() -> None:
    # The web app calls form_groups: it must not pay numba's import and kernel load.
    code = (
        "import sys; from coprod_engine.grouping import form_groups;"
        "form_groups({'a': {'r': 'x'}, 'b': {'r': 'y'}}, tables=1, size_min=2, size_max=2,"
        " seed=1); print('numba' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
