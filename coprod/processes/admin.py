from django.contrib import admin

from coprod.admin_saves import ChangedFieldsAdmin
from coprod.processes import models

# Every admin here saves only the fields its form changed (``ChangedFieldsAdmin``), so an edit
# never writes back a column it did not change while a service was changing it (a need's
# priority rank carried from a wiki survey when the admin corrects the need's title).


class PhaseInline(admin.TabularInline):
    model = models.Phase
    extra = 0


@admin.register(models.Process)
class ProcessAdmin(ChangedFieldsAdmin):
    list_display = ["title_fr", "status", "lead_organisation", "created_at"]
    list_filter = ["status"]
    prepopulated_fields = {"slug": ["title_fr"]}
    inlines = [PhaseInline]


@admin.register(models.Participant)
class ParticipantAdmin(ChangedFieldsAdmin):
    list_display = ["user", "process", "stakeholder_role", "process_role"]
    list_filter = ["process", "process_role", "stakeholder_role"]


class DecisionItemInline(admin.TabularInline):
    model = models.DecisionItem
    extra = 0


@admin.register(models.Decision)
class DecisionAdmin(ChangedFieldsAdmin):
    list_display = ["body_fr", "decided_on", "process"]
    inlines = [DecisionItemInline]


for model in (
    models.Need,
    models.Idea,
    models.Comment,
    models.Action,
    models.ActionUpdate,
    models.ActionContributor,
    models.Indicator,
    models.Measurement,
    models.PhaseMethod,
):
    admin.site.register(model, ChangedFieldsAdmin)
