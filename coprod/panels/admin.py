from django.contrib import admin

from coprod.admin_saves import ChangedFieldsAdmin
from coprod.panels.models import Draw, Panel, Volunteer

# Every admin here saves only the fields its form changed (``ChangedFieldsAdmin``): a full
# save landing while ``panel_announce`` writes the seed would write the empty seed back.


@admin.register(Panel)
class PanelAdmin(ChangedFieldsAdmin):
    list_display = ["title_fr", "size", "reserves", "algorithm", "status", "created_at"]


@admin.register(Volunteer)
class VolunteerAdmin(ChangedFieldsAdmin):
    list_display = ["pseudonym", "panel", "source", "withdrawn_at"]
    exclude = ["name", "email"]


@admin.register(Draw)
class DrawAdmin(ChangedFieldsAdmin):
    list_display = ["panel", "drawn_at", "algorithm", "engine_version", "seed"]
