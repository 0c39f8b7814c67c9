from django.contrib import admin

from coprod.processes import models


class PhaseInline(admin.TabularInline):
    model = models.Phase
    extra = 0


@admin.register(models.Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["title_fr", "status", "lead_organisation", "created_at"]
    list_filter = ["status"]
    prepopulated_fields = {"slug": ["title_fr"]}
    inlines = [PhaseInline]


@admin.register(models.Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["user", "process", "stakeholder_role", "process_role"]
    list_filter = ["process", "process_role", "stakeholder_role"]


class DecisionItemInline(admin.TabularInline):
    model = models.DecisionItem
    extra = 0


@admin.register(models.Decision)
class DecisionAdmin(admin.ModelAdmin):
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
    admin.site.register(model)
