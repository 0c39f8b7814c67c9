"""Organisers' content in both languages: one field per language, read in the active one.

A model declares ``title_fr`` and ``title_en`` and ``title = Bilingual("title")``;
``obj.title`` then gives the text in the visitor's language, or the other one when that
translation is missing, so a page is never blank because a translation is late.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import get_language

LANGUAGE_SUFFIXES = ("fr", "en")


def active_suffix() -> str:
    """``fr`` or ``en`` for the active language (``fr-ca`` counts as ``fr``)."""
    return "en" if (get_language() or "fr").startswith("en") else "fr"


class Bilingual:
    """A read-only descriptor choosing ``<name>_fr`` or ``<name>_en`` by active language."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: models.Model | None, owner: type) -> Any:
        if instance is None:
            return self
        first = active_suffix()
        second = "en" if first == "fr" else "fr"
        return getattr(instance, f"{self.name}_{first}") or getattr(
            instance, f"{self.name}_{second}"
        )


def bilingual_fields(instance: models.Model, name: str) -> dict[str, str]:
    """Both language versions of a field, for exports."""
    return {suffix: getattr(instance, f"{name}_{suffix}") for suffix in LANGUAGE_SUFFIXES}
