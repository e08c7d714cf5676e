"""Who exists, by name: the lookup behind @mentions (wiki.markup.ExistingNames)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.functions import Lower


def existing_user_names(names: set[str]) -> dict[str, str]:
    """Each of `names` that is an active person's user name, in any case, to that user
    name (the exact spelling first where two differ only in case). One query."""
    lowered = {name.lower() for name in names}
    if not lowered:
        return {}
    user_model = get_user_model()
    field = user_model.USERNAME_FIELD
    usernames = set(
        user_model.objects.filter(is_active=True)
        .annotate(name_lower=Lower(field))
        .filter(name_lower__in=lowered)
        .values_list(field, flat=True)
    )
    by_lower: dict[str, str] = {}
    for username in usernames:
        by_lower.setdefault(username.lower(), username)
    return {
        name: name if name in usernames else by_lower[name.lower()]
        for name in names
        if name.lower() in by_lower
    }
