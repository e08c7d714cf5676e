from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def site(request: HttpRequest) -> dict[str, object]:
    """The site name and the viewer's role, for the base layout; for a signed-in viewer, how
    many of their notices are unread (the bell); for moderators, how many items wait in the
    moderation queue and why Akismet cannot help, if it cannot."""
    from commons.roles import can_moderate

    is_moderator = can_moderate(request.user)
    context: dict[str, object] = {
        "site_name": settings.SITE_NAME,
        "viewer_is_moderator": is_moderator,
    }
    if request.user.is_authenticated:
        from notifications.notices import bell_count

        # Lazy: counted once, when the header shows it (or the page's ETag counted it).
        context["unread_notices"] = SimpleLazyObject(lambda: bell_count(request))
    if is_moderator:
        from moderation.models import ModerationCase
        from moderation.services import akismet_problem

        # Lazy: counted once, when the header shows it, unless the view already counted.
        context["moderation_waiting"] = SimpleLazyObject(
            ModerationCase.objects.needs_review().count
        )
        context["akismet_problem"] = akismet_problem()
    return context
