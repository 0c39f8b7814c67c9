"""An admin edit of a project never unlinks the action it was turned into meanwhile."""

from __future__ import annotations

import uuid

from coprod.budgets import services
from coprod.budgets.models import Budget, Project
from coprod.processes.models import Need, Participant
from coprod.testing import admin_change_url, admin_form_data, during_admin_post


def test_it_keeps_the_action_linked_while_the_admin_edits_texts_and_needs(
    budget: Budget, personas, staff_admin, monkeypatch
) -> None:
    project = budget.projects.get(title_fr="Fontaines")
    services.ballot_submit(
        budget=budget,
        voter=Participant.objects.get(user=personas["participant"]),
        project_ids=[project.pk],
        submission_key=uuid.uuid4().hex,
    )
    services.budget_close(budget=budget)
    project.needs.add(
        Need.objects.create(
            process=budget.process, title_fr="De l'eau l'été", knowledge_type="experiential"
        )
    )
    needs = set(project.needs.values_list("pk", flat=True))
    client = staff_admin(Project)
    response = client.get(admin_change_url(project))
    assert "action" not in response.context["adminform"].form.fields
    data = admin_form_data(response)
    during_admin_post(monkeypatch, Project, lambda: services.projects_to_actions(budget=budget))
    data["feasibility_fr"] = "Validé par les travaux publics"
    assert client.post(admin_change_url(project), data).status_code == 302
    project.refresh_from_db()
    assert project.action is not None
    assert project.feasibility_fr == "Validé par les travaux publics"
    assert set(project.needs.values_list("pk", flat=True)) == needs  # saved by save_related
    assert services.projects_to_actions(budget=budget) == []
