"""Every naughty string is saved and read back byte for byte (only \\r\\n becomes \\n)."""

import json

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import CORPORA, contributor
from wiki import services
from wiki.models import Revision

pytestmark = pytest.mark.django_db


def naughty_strings():
    return json.loads((CORPORA / "naughty-strings" / "blns.json").read_text(encoding="utf-8"))


def test_every_naughty_string_round_trips_as_article_text(user):
    strings = naughty_strings()
    assert len(strings) > 500
    saved = 0
    for index, text in enumerate(strings):
        source = f"{text}\n" if text.strip() else f"(blank {index})\n{text}"
        try:
            result = services.save_edit(
                slug=f"naughty-{index}",
                title=f"Naughty {index}",
                source=source,
                base_number=None,
                contributor=contributor(user),
            )
        except ValidationError as error:
            assert "\x00" in source, (text, error)
            continue
        stored = Revision.objects.get(pk=result.revision.pk)
        assert stored.source == source.replace("\r\n", "\n"), repr(text)
        saved += 1
    assert saved >= len(strings) - 2


def test_naughty_titles_either_save_exactly_or_get_a_reason(user):
    for index, text in enumerate(naughty_strings()):
        title = " ".join(text.split())[:200]
        try:
            result = services.save_edit(
                slug=f"t-{index}",
                title=text,
                source="text\n",
                base_number=None,
                contributor=contributor(user),
            )
        except ValidationError as error:
            assert error.messages, repr(text)
            continue
        assert Revision.objects.get(pk=result.revision.pk).title == title


def test_naughty_text_through_the_edit_form_comes_back_exactly(client, user, settings):
    settings.EDITS_RATE_LIMIT = "1000/60"
    client.force_login(user)
    sample = [s for s in naughty_strings() if s.strip() and "\x00" not in s][::7]
    for index, text in enumerate(sample):
        response = client.post(
            f"/wiki/form-{index}/edit/", {"title": f"Form {index}", "source": text}
        )
        assert response.status_code == 302, (text, response.status_code)
        revision = Revision.objects.get(article__slug=f"form-{index}")
        assert revision.source == text.replace("\r\n", "\n")
        edit_page = client.get(f"/wiki/form-{index}/edit/")
        assert edit_page.status_code == 200
