from django.contrib import admin

from coprod.admin_saves import ChangedFieldsAdmin
from coprod.wikisurveys.models import Item, PaperSheet, Survey, SurveyResult

# Every admin here saves only the fields its form changed (``ChangedFieldsAdmin``): votes,
# skips and the refresh tasks update counters with F() and conditional UPDATEs, and a full
# save landing between their write and the admin's read would write the old counts back.


@admin.register(Survey)
class SurveyAdmin(ChangedFieldsAdmin):
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
class ItemAdmin(ChangedFieldsAdmin):
    list_display = ["text_fr", "text_en", "survey", "status", "votes", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["votes"]

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        # Deleting an item would delete the answers about it behind the vote counters'
        # back (and the audit trail with them): an item is rejected, not deleted.
        return False


@admin.register(SurveyResult)
class SurveyResultAdmin(ChangedFieldsAdmin):
    list_display = ["survey", "computed_at", "engine_version", "n_votes"]
    # A computed snapshot, kept for audit: never edited by hand.
    readonly_fields = ["engine_version", "input_hash", "n_votes", "result"]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        # Computed by the results service, never typed in.
        return False


@admin.register(PaperSheet)
class PaperSheetAdmin(ChangedFieldsAdmin):
    list_display = ["number", "survey", "entered_at", "entered_by"]
    readonly_fields = ["voter", "seed", "entered_at", "entered_by"]
