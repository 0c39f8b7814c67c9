"""The demo's citizen panel loads on top of the demo scenario, drawn, and only once."""

from __future__ import annotations

import pytest

from coprod.panels.demo import POOL_SIZE, panels_demo_load
from coprod.panels.models import SEATED, Draw, Member, MemberStatus, PanelStatus, Volunteer
from coprod.processes.demo import PROCESS_SLUG, demo_load
from coprod.processes.models import Participant, Process, RecruitedVia

pytestmark = pytest.mark.django_db


def test_it_loads_a_drawn_panel_of_24_from_120_volunteers_once() -> None:
    demo_load()
    process = Process.objects.get(slug=PROCESS_SLUG)
    panel = panels_demo_load(process)
    counts = (Volunteer.objects.count(), Member.objects.count(), Participant.objects.count())
    again = panels_demo_load(process)
    assert again.pk == panel.pk and Draw.objects.count() == 1
    assert (
        Volunteer.objects.count(),
        Member.objects.count(),
        Participant.objects.count(),
    ) == counts
    assert again.status == PanelStatus.DRAWN and Volunteer.objects.count() == POOL_SIZE
    draw = again.draw
    assert draw.members.filter(status__in=SEATED).count() == 24
    assert draw.members.filter(status=MemberStatus.DECLINED).count() == 1
    assert draw.members.filter(status=MemberStatus.REPLACEMENT).count() == 1
    assert 0.15 < draw.probability_min <= 0.2 <= draw.probability_max < 0.25
    drawn = Participant.objects.filter(process=process, recruited_via=RecruitedVia.SORTITION)
    assert drawn.count() == 25  # the 24 seated and the one who declined after joining
    assert drawn.filter(stakeholder_role="caregiver").count() >= 5
