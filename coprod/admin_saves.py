"""The admin writes only what its form changed, so it never undoes a vote's counter update.

``ModelAdmin.save_model`` calls ``obj.save()``, which writes every column with the values the
admin read when the POST arrived. A vote, a skip or a background task that updates a counter
(``F()`` or a conditional UPDATE) between that read and the write is then overwritten: a lost
count. Saving only the changed columns leaves every other column to whoever else writes it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest


def changed_columns(obj: models.Model, form: ModelForm[Any]) -> list[str]:
    """The concrete, editable fields the form changed, plus ``auto_now`` stamps when any did.

    Many-to-many fields are left out: ``save_related`` writes them. An ``auto_now`` field is
    written only when named in ``update_fields``, so it is named when something changed.
    """
    columns = {
        field.name: field
        for field in obj._meta.concrete_fields
        if not field.primary_key and (field.editable or getattr(field, "auto_now", False))
    }
    changed = [name for name in form.changed_data if name in columns and columns[name].editable]
    if not changed:
        return []
    stamps = [name for name, field in columns.items() if getattr(field, "auto_now", False)]
    return changed + stamps


class ChangedFieldsAdmin(admin.ModelAdmin):
    """A model admin whose change form saves only the fields the form changed.

    An addition is a full save (there is nothing to overwrite yet). Fields that votes and tasks
    write should also be in ``readonly_fields``: shown, never posted.
    """

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: ModelForm[Any], change: bool
    ) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        columns = changed_columns(obj, form)
        if columns:
            obj.save(update_fields=columns)
