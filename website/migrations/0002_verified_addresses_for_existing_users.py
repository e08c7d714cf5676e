"""Every existing account with an e-mail address gets it as allauth's verified primary
address: before allauth only administrators could set one, so it is taken as verified,
and notices can be mailed to it. An address two accounts share goes to the older one."""

from django.conf import settings
from django.db import migrations


def add_addresses(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    EmailAddress = apps.get_model("account", "EmailAddress")
    taken = {email.lower() for email in EmailAddress.objects.values_list("email", flat=True)}
    with_address = set(EmailAddress.objects.values_list("user_id", flat=True))
    rows = []
    for pk, email in User.objects.exclude(email="").order_by("pk").values_list("pk", "email"):
        email = email.strip().lower()
        if not email or email in taken or pk in with_address:
            continue
        taken.add(email)
        rows.append(EmailAddress(user_id=pk, email=email, verified=True, primary=True))
    EmailAddress.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("account", "0009_emailaddress_unique_primary_email"),
        ("website", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(add_addresses, migrations.RunPython.noop)]
