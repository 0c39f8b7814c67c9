from django.contrib import admin

from coprod.panels.models import Draw, Panel, Volunteer


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ["title_fr", "size", "reserves", "algorithm", "status", "created_at"]


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ["pseudonym", "panel", "source", "withdrawn_at"]
    exclude = ["name", "email"]


@admin.register(Draw)
class DrawAdmin(admin.ModelAdmin):
    list_display = ["panel", "drawn_at", "algorithm", "engine_version", "seed"]
