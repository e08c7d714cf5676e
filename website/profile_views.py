"""Editing your own profile: HTTP only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from website.models import Profile
from website.profile_forms import ProfileForm
from website.profiles import render_about, update_profile


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    """Your display name and about text; Preview shows the text as it would be saved."""
    profile = Profile.objects.filter(user=request.user).first() or Profile(user=request.user)
    form = ProfileForm(
        request.POST or None,
        initial={"display_name": profile.display_name, "about": profile.about},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "preview" in request.POST:
                form.preview = render_about(
                    user=request.user, about=data["about"], old_about=profile.about
                )
            else:
                update_profile(
                    user=request.user, display_name=data["display_name"], about=data["about"]
                )
                messages.success(request, "Your profile is saved.")
                return redirect("contributions", username=request.user.get_username())
        except ValidationError as error:
            errors_by_field = (
                error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
            )
            for field, errors in errors_by_field.items():
                form.add_error(field if field in form.fields else None, errors)
    status = 400 if form.errors else 200
    return render(request, "website/profile_edit.html", {"form": form}, status=status)
