from django.contrib import admin

from coprod.admin_saves import ChangedFieldsAdmin
from coprod.workshops.models import Registration, Round, Workshop

# Every admin here saves only the fields its form changed (``ChangedFieldsAdmin``): places
# and check-ins are written by services that lock the workshop row, and a full save would
# write back the place or check-in they changed since the admin read the row.


@admin.register(Workshop)
class WorkshopAdmin(ChangedFieldsAdmin):
    list_display = ["title_fr", "starts_at", "capacity", "status"]


@admin.register(Registration)
class RegistrationAdmin(ChangedFieldsAdmin):
    list_display = ["participant", "workshop", "status", "checked_in_at"]
    # Taken and freed with the workshop locked, so the waiting list moves up and capacity
    # holds: the facilitator's pages (register, cancel, check in) change them, not the admin.
    readonly_fields = ["status", "place", "checked_in_at"]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        # A place is taken by ``registration_create``, with the workshop locked.
        return False


@admin.register(Round)
class RoundAdmin(ChangedFieldsAdmin):
    list_display = ["workshop", "number", "seed", "repeated_pairs", "created_at"]
    # What the grouping engine was given and gave: kept to form the tables again identically.
    readonly_fields = [
        "rules",
        "seed",
        "engine_version",
        "input_hash",
        "diversity",
        "repeated_pairs",
    ]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        # Formed by ``round_form`` with the grouping engine, never typed in.
        return False
