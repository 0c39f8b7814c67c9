"""django-allauth hooks: after signing in, a person lands in their preferred language."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import translate_url


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        url = super().get_login_redirect_url(request)
        language: Any = getattr(request.user, "preferred_language", None)
        return translate_url(url, language) if language else url
