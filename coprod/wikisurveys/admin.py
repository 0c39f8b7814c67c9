from django.contrib import admin

from coprod.wikisurveys.models import Item, PaperSheet, Survey, SurveyResult


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["question_fr", "is_open", "allow_anonymous", "created_at"]
    readonly_fields = [
        "closed_at",
        "strengths",
        "strengths_votes",
        "strengths_requested_at",
        "results_requested_at",
        "skips",
    ]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["text_fr", "text_en", "survey", "status", "created_at"]
    list_filter = ["status"]

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        # Deleting an item would delete the answers about it behind the vote counters'
        # back (and the audit trail with them): an item is rejected, not deleted.
        return False


@admin.register(SurveyResult)
class SurveyResultAdmin(admin.ModelAdmin):
    list_display = ["survey", "computed_at", "engine_version", "n_votes"]


@admin.register(PaperSheet)
class PaperSheetAdmin(admin.ModelAdmin):
    list_display = ["number", "survey", "entered_at", "entered_by"]
    readonly_fields = ["voter", "seed", "entered_at", "entered_by"]
