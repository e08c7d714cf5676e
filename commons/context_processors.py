from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """The site name and the viewer's role, for the base layout."""
    from wiki.permissions import can_moderate

    return {"site_name": settings.SITE_NAME, "viewer_is_moderator": can_moderate(request.user)}
