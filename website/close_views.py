"""Closing one's own account ("forget me"): HTTP only; website.accounts forgets."""

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from commons.roles import can_moderate
from website import accounts
from website.forms import CloseAccountForm

# The name a closed account goes by now, kept in the signed-out session for the goodbye.
CLOSED_AS = "closed_account_as"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def close_account(request: HttpRequest) -> HttpResponse:
    """GET says what closing does; POST with the person's password closes the account,
    signs them out and says goodbye. The site's last admin cannot close theirs."""
    user = request.user
    last_admin = accounts.is_last_admin(user)
    form = CloseAccountForm(request.POST or None, request=request)
    if request.method == "POST" and not last_admin and form.is_valid():
        forgotten = accounts.anonymise_user(user=user, by=user)
        logout(request)
        request.session[CLOSED_AS] = forgotten.get_username()
        return redirect("account_closed")
    context = {
        "form": form,
        "last_admin": last_admin,
        "new_name": f"{accounts.FORGOTTEN_PREFIX}{user.pk}",
        # Roles end with the account: say which this person holds.
        "roles": _roles(user),
    }
    status = 200
    if form.lockout is not None:
        status = 429
    elif form.errors or (request.method == "POST" and last_admin):
        status = 400
    response = render(request, "website/account_close.html", context, status=status)
    if form.lockout is not None:
        response["Retry-After"] = str(form.lockout.seconds)
    return response


@require_safe
def account_closed(request: HttpRequest) -> HttpResponse:
    """The goodbye after closing an account; anyone may read it, it names nobody else."""
    return render(request, "website/account_closed.html", {"name": request.session.get(CLOSED_AS)})


def _roles(user) -> list[str]:
    """The roles closing the account ends, as the page names them."""
    if user.is_superuser:
        return ["an admin"]
    roles = ["staff in the admin"] if user.is_staff else []
    if can_moderate(user):
        roles.append("a moderator")
    return roles
