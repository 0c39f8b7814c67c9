from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest

from coprod.admin_saves import ChangedFieldsAdmin
from coprod.http import signed_in_user
from coprod.opinions import services
from coprod.opinions.models import Conversation, OpinionMapResult, Statement

# Every admin here saves only the fields its form changed (``ChangedFieldsAdmin``): a full
# save would write back columns the form does not show, such as a map's engine state, which
# the next map clears on the older ones.


@admin.register(Conversation)
class ConversationAdmin(ChangedFieldsAdmin):
    list_display = ["question_fr", "is_open", "allow_anonymous", "created_at"]


@admin.register(Statement)
class StatementAdmin(ChangedFieldsAdmin):
    list_display = ["text", "conversation", "status", "moderated_at", "is_seed", "created_at"]
    list_filter = ["status", "is_seed"]
    readonly_fields = ["moderated_by", "moderated_at"]

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: ModelForm[Any], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        # A status changed here is a person's decision too: recorded as on the moderation page,
        # so a later Polis import does not undo it.
        if change and isinstance(obj, Statement) and "status" in form.changed_data:
            services.statement_moderate(
                statement=obj, status=obj.status, by=signed_in_user(request)
            )


@admin.register(OpinionMapResult)
class OpinionMapResultAdmin(ChangedFieldsAdmin):
    list_display = ["conversation", "computed_at", "engine_version", "n_votes"]
    # A computed map, kept to audit and replay it: never edited by hand.
    readonly_fields = ["engine_version", "input_hash", "n_votes", "result", "votes_read_at"]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        # Computed by the map service, never typed in.
        return False
