from django.contrib import admin

from coprod.budgets.models import Budget, BudgetResult, PaperBallot, Project


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["title_fr", "envelope", "rule", "tie_breaking", "is_open", "created_at"]
    # Announced before the vote and stored with each result: never edited by hand.
    readonly_fields = ["lot_seed", "closed_at"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title_fr", "budget", "cost"]


@admin.register(PaperBallot)
class PaperBallotAdmin(admin.ModelAdmin):
    list_display = ["reference", "budget", "created_at"]


@admin.register(BudgetResult)
class BudgetResultAdmin(admin.ModelAdmin):
    list_display = ["budget", "computed_at", "rule", "tie_breaking", "seed", "n_ballots"]
