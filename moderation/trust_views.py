"""A moderator sets someone's trust level by hand, from that person's page. HTTP only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from moderation.forms import TrustLevelForm
from moderation.trust import set_level, standing_of
from moderation.views import moderators_only


@require_POST
@moderators_only
def set_trust(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(get_user_model(), username=username)
    form = TrustLevelForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"Nothing changed: {error}")
        return redirect("contributions", username=person.get_username())
    level = form.chosen_level()
    set_level(user=person, level=level, by=request.user, reason=form.cleaned_data["reason"])
    standing = standing_of(person)
    how = "by hand" if level is not None else "as earned"
    messages.success(
        request,
        f"{person.get_username()} is now at level {standing.level} ({standing.level_name}), {how}.",
    )
    return redirect("contributions", username=person.get_username())
