"""Polis exports in and out of a conversation, checked on a real conversation."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coprod.opinions import polis_files, services
from coprod.opinions.models import Conversation, Statement, Vote, Voter
from coprod.processes.models import Process
from coprod_engine.io.polis import read_polis
from coprod_engine.opinion import opinion_map

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
