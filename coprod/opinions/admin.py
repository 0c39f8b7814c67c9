from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from coprod.http import signed_in_user
from coprod.opinions import services
from coprod.opinions.models import Conversation, OpinionMapResult, Statement


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["question_fr", "is_open", "allow_anonymous", "created_at"]


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["text", "conversation", "status", "moderated_at", "is_seed", "created_at"]
    list_filter = ["status", "is_seed"]
    readonly_fields = ["moderated_by", "moderated_at"]

    def save_model(
        self, request: HttpRequest, obj: Statement, form: ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        # A status changed here is a person's decision too: recorded as on the moderation page,
        # so a later Polis import does not undo it.
        if change and "status" in form.changed_data:
            services.statement_moderate(
                statement=obj, status=obj.status, by=signed_in_user(request)
            )


@admin.register(OpinionMapResult)
class OpinionMapResultAdmin(admin.ModelAdmin):
    list_display = ["conversation", "computed_at", "engine_version", "n_votes"]
