from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from coprod.accounts.models import Consent, Membership, Organisation, Profile, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "preferred_language", "is_staff", "is_active"]
    search_fields = ["email", "display_name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "display_name", "preferred_language")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "kind", "territory"]
    list_filter = ["kind"]
    search_fields = ["name_fr", "name_en"]
    inlines = [MembershipInline]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["user", "scope", "text_version", "given_at", "withdrawn_at"]
    list_filter = ["scope"]


admin.site.register(Profile)
