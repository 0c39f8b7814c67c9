from django.contrib import admin

from coprod.admin_saves import ChangedFieldsAdmin
from coprod.budgets.models import Budget, BudgetResult, PaperBallot, Project

# Every admin here saves only the fields its form changed (``ChangedFieldsAdmin``), so an
# admin edit never writes back a value that the close service or the counting changed since.


@admin.register(Budget)
class BudgetAdmin(ChangedFieldsAdmin):
    list_display = ["title_fr", "envelope", "rule", "tie_breaking", "is_open", "created_at"]
    # Announced before the vote and stored with each result: never edited by hand.
    readonly_fields = ["lot_seed", "closed_at"]


@admin.register(Project)
class ProjectAdmin(ChangedFieldsAdmin):
    list_display = ["title_fr", "budget", "cost"]
    # Set once by ``projects_to_actions``, which skips the projects that have one.
    readonly_fields = ["action"]


@admin.register(PaperBallot)
class PaperBallotAdmin(ChangedFieldsAdmin):
    list_display = ["reference", "budget", "created_at"]


@admin.register(BudgetResult)
class BudgetResultAdmin(ChangedFieldsAdmin):
    list_display = ["budget", "computed_at", "rule", "tie_breaking", "seed", "n_ballots"]
    # A computed outcome, kept to audit and replay the count: never edited by hand.
    readonly_fields = [
        "rule",
        "tie_breaking",
        "seed",
        "engine_version",
        "input_hash",
        "n_ballots",
        "result",
        "greedy_result",
    ]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        # Computed by the count, never typed in.
        return False
