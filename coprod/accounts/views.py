"""A person's own pages: account, consent and profile, data export, account deletion."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from coprod.accounts import services
from coprod.accounts.forms import AccountForm, ConsentForm, DeleteAccountForm, ProfileForm
from coprod.accounts.models import ConsentScope, Profile
from coprod.http import INVALID, AuthenticatedRequest


@login_required
def account(request: AuthenticatedRequest) -> HttpResponse:
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "accounts/account.html", {"form": form}, status=INVALID)
        form.save()
        messages.success(request, _("Your account is saved."))
        return redirect("accounts:account")
    return render(request, "accounts/account.html", {"form": form})


@login_required
def privacy(request: AuthenticatedRequest) -> HttpResponse:
    """Consent to equity statistics and the optional profile, on one page."""
    consent = services.active_consent(request.user, ConsentScope.EQUITY_STATS)
    profile = Profile.objects.filter(user=request.user).first()
    initial = {name: getattr(profile, name) for name in services.PROFILE_FIELDS} if profile else {}
    consent_form = ConsentForm(request.POST or None, initial={"equity_stats": consent is not None})
    profile_form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and consent_form.is_valid() and profile_form.is_valid():
        if consent_form.cleaned_data["equity_stats"]:
            services.consent_give(
                user=request.user, scope=ConsentScope.EQUITY_STATS, language=get_language()
            )
            services.profile_save(user=request.user, data=profile_form.cleaned_data)
            messages.success(request, _("Your consent and your profile are saved."))
        else:
            services.consent_withdraw(user=request.user, scope=ConsentScope.EQUITY_STATS)
            messages.success(request, _("No consent is recorded: your profile is erased."))
        return redirect("accounts:privacy")
    context = {"consent": consent, "consent_form": consent_form, "profile_form": profile_form}
    status = INVALID if request.method == "POST" else 200
    return render(request, "accounts/privacy.html", context, status=status)


@login_required
def export(request: AuthenticatedRequest) -> HttpResponse:
    data = services.account_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="coprod-my-data.json"'
    return response


@login_required
def delete(request: AuthenticatedRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=request.user)
        logout(request)
        messages.success(
            request, _("Your account is deleted. Your contributions stay, without your name.")
        )
        return redirect("processes:home")
    status = INVALID if form.is_bound else 200
    return render(request, "accounts/delete.html", {"form": form}, status=status)
