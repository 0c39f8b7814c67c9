from django.contrib import admin

from coprod.opinions.models import Conversation, OpinionMapResult, Statement


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["question_fr", "is_open", "allow_anonymous", "created_at"]


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["text", "conversation", "status", "is_seed", "created_at"]
    list_filter = ["status", "is_seed"]


@admin.register(OpinionMapResult)
class OpinionMapResultAdmin(admin.ModelAdmin):
    list_display = ["conversation", "computed_at", "engine_version", "n_votes"]
