"""Polis exports in and out of a conversation, checked on a real conversation."""

from __future__ import annotations

import html
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

import coprod_engine
from coprod.opinions import polis_files, services
from coprod.opinions.models import (
    Conversation,
    OpinionMapResult,
    Statement,
    StatementStatus,
    Vote,
    Voter,
)
from coprod.processes.models import Process
from coprod_engine.io.polis import read_polis, write_opendata
from coprod_engine.opinion import opinion_map
from coprod_engine.opinion.parity import adjusted_rand_index
from coprod_engine.opinion.polis_state import parse_polis_math, read_polis_math

LONDON = "polis/london.youth.policing"


@pytest.fixture
def conversation(process: Process) -> Conversation:
    return services.conversation_create(
        phase=process.phases.get(), fields={"question_fr": "Police et jeunes"}
    )


def test_it_imports_a_polis_export_once_and_keeps_its_latest_votes(
    conversation, shared_data: Path
) -> None:
    folder = shared_data / LONDON
    first = polis_files.polis_import(conversation=conversation, folder=folder)
    again = polis_files.polis_import(conversation=conversation, folder=folder)
    polis = read_polis(folder)
    expected = opinion_map(
        polis.participant_ids, polis.statement_ids, polis.votes, timestamps=polis.timestamps
    )
    assert first == again
    assert Vote.objects.count() == first.votes == int(expected.user_vote_counts.sum())
    assert Voter.objects.count() == first.voters == len(expected.participant_ids)
    assert Statement.objects.filter(status="rejected").count() == sum(
        1 for m in polis.moderation.values() if m == -1
    )


def test_it_exports_what_the_engine_reads_back(
    conversation, shared_data: Path, tmp_path: Path
) -> None:
    polis_files.polis_import(conversation=conversation, folder=shared_data / LONDON)
    polis_files.polis_export(conversation=conversation, folder=tmp_path)
    back = read_polis(tmp_path)
    assert len(back.votes) == Vote.objects.count()
    assert sorted(back.texts.values()) == sorted(Statement.objects.values_list("text", flat=True))
    assert "@" not in (tmp_path / "votes.csv").read_text()  # voters are numbers, never accounts


def test_it_imports_and_exports_through_the_pages_for_facilitators_only(
    client_as, conversation, shared_data: Path
) -> None:
    folder = shared_data / LONDON

    def upload() -> dict[str, SimpleUploadedFile]:
        return {
            n: SimpleUploadedFile(f"{n}.csv", (folder / f"{n}.csv").read_bytes())
            for n in ("votes", "comments")
        }

    url = reverse("opinions:polis_import", args=[conversation.pk])
    assert client_as("participant").post(url, upload()).status_code == 403
    assert client_as("facilitator").post(url, upload()).status_code == 302
    assert Vote.objects.exists()
    bad = client_as("facilitator").post(
        url,
        {
            "votes": SimpleUploadedFile("votes.csv", b"nonsense"),
            "comments": SimpleUploadedFile("comments.csv", b"x"),
        },
    )
    assert bad.status_code == 422
    export = client_as("facilitator").get(reverse("opinions:polis_export", args=[conversation.pk]))
    assert sorted(zipfile.ZipFile(io.BytesIO(export.content)).namelist()) == [
        "comments.csv",
        "votes.csv",
    ]
    assert (
        client_as("participant")
        .get(reverse("opinions:polis_export", args=[conversation.pk]))
        .status_code
        == 403
    )


# --- A Polis conversation imported with its math blob keeps Polis' groups -------------------

REDDWARF_150 = "polis/polis-math/reddwarf-fixtures/150ptpt-3gp-no-strict-no-meta"


@pytest.fixture(scope="session")
def polis_150(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 150-participant fixture as the web import takes it: openData CSV + math-pca2.json.

    The fixture holds the Polis API's JSON; the import page takes the openData CSV export,
    so the engine's writer converts it (the votes are the same events).
    """
    source = shared_data / REDDWARF_150
    folder = tmp_path_factory.mktemp("polis-150")
    write_opendata(read_polis(source), folder)
    (folder / "math-pca2.json").write_bytes((source / "math-pca2.json").read_bytes())
    return folder


def _files(folder: Path, math: bytes | None = None) -> dict[str, SimpleUploadedFile]:
    files = {
        n: SimpleUploadedFile(f"{n}.csv", (folder / f"{n}.csv").read_bytes())
        for n in ("votes", "comments")
    }
    if math is not None:
        files["math"] = SimpleUploadedFile("math-pca2.json", math, "application/json")
    return files


def _import_url(conversation: Conversation) -> str:
    with translation.override("en"):
        return reverse("opinions:polis_import", args=[conversation.pk])


def _groups_by_pid(result: OpinionMapResult) -> dict[int, int]:
    """The stored map's group of each imported voter, keyed by the voter's Polis pid."""
    pid_of = {
        str(v): int(k.removeprefix("polis-"))
        for v, k in Voter.objects.values_list("id", "anonymous_key")
        if k.startswith("polis-")
    }
    groups = result.result["coprod"]["participant-groups"]
    return {pid_of[v]: g for v, g in groups.items() if v in pid_of}


def test_it_imports_a_polis_conversation_with_its_groups_then_continues_them(
    client_as, conversation, polis_150: Path
) -> None:
    blob = (polis_150 / "math-pca2.json").read_bytes()
    page = client_as("facilitator").post(_import_url(conversation), _files(polis_150, blob))
    assert page.status_code == 302
    first = OpinionMapResult.objects.get()
    assert first.engine_version == coprod_engine.__version__ and len(first.input_hash) == 64
    assert first.engine_state is not None and first.votes_read_at is not None
    assert first.n_votes == Vote.objects.count()
    kept = first.result["coprod"][services.POLIS_LINEAGE]
    assert kept == {"math-tick": 4345, "groups": 3, "clustered": 121, "same-group": 121}
    # Polis' groups, read from its blob, against ours through the polis-<pid> voters.
    ours = _groups_by_pid(first)
    pids = np.array(sorted(ours))
    theirs = parse_polis_math(json.loads(blob)).groups(pids)
    mine = np.array([ours[int(p)] for p in pids])
    assert adjusted_rand_index(theirs[theirs >= 0], mine[theirs >= 0]) == 1.0
    np.testing.assert_array_equal(mine, theirs)  # same members, same group ids, same in-conv
    results = client_as("visitor").get(f"/en/c/{conversation.pk}/results/").content.decode()
    assert "continue those people saw on Polis" in results

    # A newcomer votes like a clustered Polis participant: the next map continues Polis'.
    model = next(p for p in pids if ours[int(p)] == 0)
    newcomer = Voter.objects.create(conversation=conversation, anonymous_key="newcomer")
    for vote in Vote.objects.filter(voter__anonymous_key=f"polis-{model}").select_related(
        "statement"
    ):
        services.vote_cast(
            voter=newcomer, statement=vote.statement, value=vote.value, submission_key=f"n{vote.pk}"
        )
    later = services.map_compute(conversation=conversation)
    assert later.result["coprod"]["update"]["from-map"] == first.pk
    assert later.result["coprod"][services.POLIS_LINEAGE] == kept
    assert later.result["coprod"]["k"] == 3
    after = _groups_by_pid(later)
    assert np.mean([after[int(p)] == ours[int(p)] for p in pids]) >= 0.95
    assert later.result["coprod"]["participant-groups"][str(newcomer.pk)] == ours[int(model)]


def _shifted_tids(blob: bytes) -> bytes:
    """The blob of another conversation: none of its statement ids is in this export."""
    other = json.loads(blob)
    other["tids"] = [t + 1000 for t in other["tids"]]
    return json.dumps(other).encode()


@pytest.mark.parametrize(
    ("math", "problem"),
    [
        (lambda blob: b"{not json", "the file is not JSON"),
        (lambda blob: blob.replace(b'"pca"', b'"pcb"'), "has no 'pca'"),
        (_shifted_tids, "shares no statement id with these votes"),
    ],
    ids=["not-json", "no-pca", "another-conversation"],
)
def test_it_refuses_a_bad_polis_math_file_and_imports_nothing(
    client_as, conversation, polis_150: Path, math, problem: str
) -> None:
    blob = (polis_150 / "math-pca2.json").read_bytes()
    page = client_as("facilitator").post(_import_url(conversation), _files(polis_150, math(blob)))
    assert page.status_code == 422
    assert problem in html.unescape(page.content.decode())  # the engine's words
    assert page.context["form"].errors["math"]  # shown on the math file, the others kept
    assert not Statement.objects.exists() and not Voter.objects.exists()
    assert not Vote.objects.exists() and not OpinionMapResult.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 302),  # to the sign-in page
        ("signed_in", 403),
        ("participant", 403),
        ("observer", 403),
        ("note_taker", 403),
        ("moderator", 403),
        ("facilitator", 200),
        ("staff", 200),
    ],
)
def test_only_those_who_run_the_process_import_polis_files(
    client_as, conversation, polis_150: Path, role: str, status: int
) -> None:
    url = _import_url(conversation)
    assert client_as(role).get(url).status_code == status
    if status != 200:
        blob = (polis_150 / "math-pca2.json").read_bytes()
        assert client_as(role).post(url, _files(polis_150, blob)).status_code == status
        assert not Vote.objects.exists() and not OpinionMapResult.objects.exists()


def test_it_takes_meta_statements_from_the_blob(
    conversation, shared_data: Path, tmp_path: Path
) -> None:
    """The openData export cannot flag meta statements; Polis set them apart in its map."""
    source = shared_data / "polis/polis-math/reddwarf-fixtures/25ptpt-3gp-no-strict-with-meta"
    write_opendata(read_polis(source), tmp_path)  # drops the is_meta flags of comments.json
    polis_math = read_polis_math(source / "math-pca2.json")
    summary = polis_files.polis_import(
        conversation=conversation, folder=tmp_path, polis_math=polis_math
    )
    meta = Statement.objects.filter(status="meta").order_by("polis_tid")
    assert [s.polis_tid for s in meta] == sorted(polis_math.meta or ()) == [0, 1, 2, 3]
    assert summary.polis_groups == polis_files.PolisGroupsKept(
        groups=3, clustered=27, same_group=27
    )


def test_it_sets_imported_statements_apart_when_the_blob_comes_with_a_second_import(
    conversation, shared_data: Path, tmp_path: Path
) -> None:
    """The export alone first (every statement accepted), then again with the math file:
    the blob's meta statements must leave the map, or Polis' groups drift."""
    source = shared_data / "polis/polis-math/reddwarf-fixtures/25ptpt-3gp-no-strict-with-meta"
    write_opendata(read_polis(source), tmp_path)
    polis_files.polis_import(conversation=conversation, folder=tmp_path)
    assert not Statement.objects.filter(status="meta").exists()
    polis_math = read_polis_math(source / "math-pca2.json")
    summary = polis_files.polis_import(
        conversation=conversation, folder=tmp_path, polis_math=polis_math
    )
    meta = Statement.objects.filter(status="meta").order_by("polis_tid")
    assert [s.polis_tid for s in meta] == [0, 1, 2, 3]
    assert summary.polis_groups == polis_files.PolisGroupsKept(
        groups=3, clustered=27, same_group=27
    )


def test_it_leaves_a_moderators_decision_on_a_polis_meta_statement(
    conversation, shared_data: Path, tmp_path: Path, personas
) -> None:
    """Only statements no person moderated switch to meta: one a moderator rejected stays
    rejected, one a facilitator accepted on purpose stays accepted, the others go meta."""
    source = shared_data / "polis/polis-math/reddwarf-fixtures/25ptpt-3gp-no-strict-with-meta"
    write_opendata(read_polis(source), tmp_path)
    polis_files.polis_import(conversation=conversation, folder=tmp_path)
    assert not Statement.objects.filter(
        moderated_at__isnull=False
    ).exists()  # imports decide nothing
    services.statement_moderate(
        statement=Statement.objects.get(polis_tid=0),
        status=StatementStatus.REJECTED,
        by=personas["moderator"],
    )
    services.statement_moderate(
        statement=Statement.objects.get(polis_tid=1),
        status=StatementStatus.ACCEPTED,  # as the import left it, but now a person's decision
        by=personas["facilitator"],
    )
    polis_files.polis_import(
        conversation=conversation,
        folder=tmp_path,
        polis_math=read_polis_math(source / "math-pca2.json"),
    )
    statuses = dict(Statement.objects.filter(polis_tid__lte=3).values_list("polis_tid", "status"))
    assert statuses == {0: "rejected", 1: "accepted", 2: "meta", 3: "meta"}
    accepted = Statement.objects.get(polis_tid=1)
    assert accepted.moderated_by == personas["facilitator"]


@pytest.mark.slow
def test_it_keeps_polis_groups_from_a_real_opendata_export(conversation, shared_data: Path) -> None:
    """Austria's climate conversation as Polis exports it (1 116 voters, its moderation in
    comments.csv), with the server's blob: every person Polis clustered keeps their group."""
    polis_math = read_polis_math(shared_data / "polis/polis-math/5twd2jsnfk/math-pca2.json")
    summary = polis_files.polis_import(
        conversation=conversation,
        folder=shared_data / "polis/austria-climate.5twd2jsnkf.2022-08-08",
        polis_math=polis_math,
    )
    assert summary.polis_groups == polis_files.PolisGroupsKept(
        groups=2, clustered=900, same_group=900
    )
