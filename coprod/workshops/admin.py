from django.contrib import admin

from coprod.workshops.models import Registration, Round, Workshop


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["title_fr", "starts_at", "capacity", "status"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["participant", "workshop", "status", "checked_in_at"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["workshop", "number", "seed", "repeated_pairs", "created_at"]
