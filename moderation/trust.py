"""Trust levels, one for the wiki and the discussion alike.

Level 0 (new) is every anonymous writer and every account that has not yet earned more:
at most MODERATION_NEW_MAX_LINKS external links and MODERATION_NEW_MAX_IMAGES images (none)
added per edit or comment (check_new_writer_limits). Level 1 (member) is earned after
MODERATION_MEMBER_CONTRIBUTIONS accepted contributions and MODERATION_MEMBER_DAYS days
since joining; level 2 (trusted, published without waiting) after
MODERATION_TRUSTED_CONTRIBUTIONS and MODERATION_TRUSTED_DAYS. A moderator's TrustSetting
replaces the earned level, up or down; staff and moderators are always trusted.

Apps register how to count users' published contributions; moderation knows no models.
A counter takes many users at once, so a page that shows many authors (the queue) pays
one query per counter, plus one for roles and manual levels, not queries per author.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from commons.roles import can_moderate, require_moderator
from moderation import log
from moderation.models import LogAction, TargetKind, TrustLevel, TrustSetting
from moderation.trust_limits import added_images, added_links

# User ids -> each one's published count (users with none may be left out), in one query.
ContributionCounter = Callable[[Collection[int]], Mapping[int, int]]
_counters: list[ContributionCounter] = []


def register_contribution_counter(counter: ContributionCounter) -> None:
    """Called from an app's AppConfig.ready() with a function: user ids -> published counts."""
    if counter not in _counters:
        _counters.append(counter)


def accepted_contributions(user_ids: Collection[int]) -> dict[int, int]:
    """Each user's published contributions in every app: one query per registered counter."""
    totals = dict.fromkeys(user_ids, 0)
    if not totals:
        return totals
    for counter in _counters:
        for pk, count in counter(list(totals)).items():
            totals[pk] += count
    return totals


def earned_level(*, accepted: int, joined: datetime, now: datetime | None = None) -> TrustLevel:
    """The level an account's record earns: contributions accepted, and days since joining."""
    age = (now or timezone.now()) - joined
    if accepted >= settings.MODERATION_TRUSTED_CONTRIBUTIONS and age >= timedelta(
        days=settings.MODERATION_TRUSTED_DAYS
    ):
        return TrustLevel.TRUSTED
    if accepted >= settings.MODERATION_MEMBER_CONTRIBUTIONS and age >= timedelta(
        days=settings.MODERATION_MEMBER_DAYS
    ):
        return TrustLevel.MEMBER
    return TrustLevel.NEW


def _too_young_to_earn(joined: datetime) -> bool:
    days = min(settings.MODERATION_MEMBER_DAYS, settings.MODERATION_TRUSTED_DAYS)
    return timezone.now() - joined < timedelta(days=days)


def _manual_level(setting: TrustSetting | None) -> TrustLevel | None:
    """The level set by hand; None when none was, or it was taken back (level None)."""
    if setting is None or setting.level is None:
        return None
    return TrustLevel(setting.level)


def level_of(user) -> TrustLevel:
    """One account's level (anonymous writers: NEW), by the rule of the module docstring."""
    if user is None or not user.is_authenticated:
        return TrustLevel.NEW
    if user.is_staff or can_moderate(user):
        return TrustLevel.TRUSTED
    setting = TrustSetting.objects.filter(user=user.pk).first()
    manual = _manual_level(setting)
    if manual is not None:
        return manual
    if _too_young_to_earn(user.date_joined):
        return TrustLevel.NEW
    accepted = sum(counter([user.pk]).get(user.pk, 0) for counter in _counters)
    return earned_level(accepted=accepted, joined=user.date_joined)


def is_trusted(user) -> bool:
    """Published without waiting: level TRUSTED (staff and moderators included)."""
    return level_of(user) >= TrustLevel.TRUSTED


@dataclass(frozen=True)
class Standing:
    """What moderators see of an author beside their content, and everyone on their page."""

    level: TrustLevel
    joined: datetime
    accepted: int  # published contributions, edits and comments together
    manual: bool = False  # the level was set by a moderator
    role: str = ""  # "staff member" or "moderator": trusted by their role

    @property
    def trusted(self) -> bool:
        return self.level >= TrustLevel.TRUSTED

    @property
    def level_name(self) -> str:
        return self.level.label

    @property
    def source(self) -> str:
        """How the level came about, in words."""
        if self.role:
            return f"as a {self.role}"
        return "set by a moderator" if self.manual else "earned"


def standings(users: Iterable) -> dict[int, Standing]:
    """Each account's standing by id, by the rule of level_of, for many accounts at once:
    one query for roles and manual levels and one per counter, whatever their number
    (None skipped)."""
    people = {user.pk: user for user in users if user is not None}
    if not people:
        return {}
    in_group = Group.objects.filter(
        name=settings.WIKI_MODERATORS_GROUP, user=OuterRef("pk")
    ).values("pk")
    rows = (
        get_user_model()
        .objects.filter(pk__in=list(people))
        .annotate(moderates=Exists(in_group))
        .values_list("pk", "moderates", "trust_setting__level")
    )
    moderators, manual = set(), {}
    for pk, moderates, level in rows:
        if moderates:
            moderators.add(pk)
        if level is not None:
            manual[pk] = TrustLevel(level)
    accepted = accepted_contributions(people)
    now = timezone.now()
    found = {}
    for pk, user in people.items():
        role = (
            "staff member"
            if user.is_staff
            else "moderator"
            if user.is_superuser or pk in moderators
            else ""
        )
        if role:
            level = TrustLevel.TRUSTED
        else:
            level = manual.get(pk)
            if level is None:
                level = earned_level(accepted=accepted[pk], joined=user.date_joined, now=now)
        found[pk] = Standing(
            level=level,
            joined=user.date_joined,
            accepted=accepted[pk],
            manual=not role and pk in manual,
            role=role,
        )
    return found


def standing_of(user) -> Standing:
    """One account's standing (its page shows it): a fixed number of queries."""
    return standings([user])[user.pk]


def manual_setting(user) -> TrustSetting | None:
    """The level a moderator set by hand for `user`, with who set it; None when earned."""
    setting = TrustSetting.objects.select_related("set_by").filter(user=user.pk).first()
    return setting if _manual_level(setting) is not None else None


@dataclass(frozen=True)
class LevelRules:
    """What the levels mean, from the settings, in the words pages show."""

    new_max_links: int
    member_contributions: int
    member_days: int
    trusted_contributions: int
    trusted_days: int


def level_rules() -> LevelRules:
    return LevelRules(
        new_max_links=settings.MODERATION_NEW_MAX_LINKS,
        member_contributions=settings.MODERATION_MEMBER_CONTRIBUTIONS,
        member_days=settings.MODERATION_MEMBER_DAYS,
        trusted_contributions=settings.MODERATION_TRUSTED_CONTRIBUTIONS,
        trusted_days=settings.MODERATION_TRUSTED_DAYS,
    )


@transaction.atomic
def set_level(*, user, level: TrustLevel | None, by, reason: str = "") -> TrustSetting:
    """A moderator sets `user`'s level by hand (None: back to the earned level); logged."""
    require_moderator(by)
    setting = TrustSetting.objects.select_for_update().filter(user=user).first()
    if setting is None:
        setting = TrustSetting(user=user, level=None)
    if level is None:
        if _manual_level(setting) is None:
            return setting  # nothing was set: nothing to take back
        setting.level = None  # the row stays; the earned level applies again
        done = "back to the earned level"
    else:
        setting.level = TrustLevel(level)
        done = f"level {setting.level} ({setting.level.label})"
    setting.set_by = by
    setting.set_at = timezone.now()
    setting.reason = reason.strip()[:500]
    setting.save()
    username = user.get_username()
    log.record(
        LogAction.SET_TRUST,
        actor=by,
        target=log.Target(
            TargetKind.USER, user.pk, username, reverse("contributions", args=[username])
        ),
        reason=f"{done}: {setting.reason}" if setting.reason else done,
    )
    return setting


# Level 0's limits


def check_new_writer_limits(
    user, new_text: str, old_text: str = "", *, field: str | None = None
) -> None:
    """Refuse (ValidationError, on `field` when given) a level-0 writer's text that adds
    more than MODERATION_NEW_MAX_LINKS distinct external links or MODERATION_NEW_MAX_IMAGES
    images (none, by default) to `old_text`. Linear in the texts' length; the level is
    read (queries) only when the text is over a limit."""
    links = added_links(new_text, old_text)
    images = added_images(new_text, old_text)
    if (
        len(links) <= settings.MODERATION_NEW_MAX_LINKS
        and len(images) <= settings.MODERATION_NEW_MAX_IMAGES
    ):
        return
    if level_of(user) > TrustLevel.NEW:
        return
    message = _limit_message(user, links=len(links), images=len(images))
    raise ValidationError({field: message} if field else message)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _limit_message(user, *, links: int, images: int) -> str:
    most = settings.MODERATION_NEW_MAX_LINKS
    rise = (
        f"after {_plural(settings.MODERATION_MEMBER_CONTRIBUTIONS, 'accepted contribution')}"
        f" and {_plural(settings.MODERATION_MEMBER_DAYS, 'day')} since joining, or when a "
        "moderator raises it."
    )
    if user is None or not user.is_authenticated:
        who = "Writers without an account"
        rise = f"Sign up: an account rises {rise}"
    else:
        who = "New accounts"
        rise = f"Your account rises {rise}"
    most_images = settings.MODERATION_NEW_MAX_IMAGES
    if images > most_images:
        what = (
            f"{who} cannot add images"
            if not most_images
            else f"{who} can add at most {_plural(most_images, 'image')} at a time"
        )
        what += f" (this text adds {_plural(images, 'image')})"
    else:
        what = (
            f"{who} can add at most {_plural(most, 'external link')} at a time "
            f"(this text adds {links})"
        )
    return f"{what}: a limit that keeps spam away. Nothing was saved; your text is kept. {rise}"
