"""The never-delete guarantee at the ORM depth (DESIGN.md, "Data guarantees").

PostgreSQL triggers add the same promise at the SQL depth, against DELETE and TRUNCATE;
see commons.dbtriggers and the apps' never-delete and never-truncate migrations.
"""

from django.db import models


class HardDeleteForbidden(Exception):
    """Raised by any attempt to hard-delete content that Commons keeps forever."""


class UndeletableQuerySet(models.QuerySet):
    def delete(self):
        raise HardDeleteForbidden(
            f"{self.model._meta.verbose_name_plural} are never deleted; archive or hide instead."
        )

    delete.queryset_only = True


class UndeletableModel(models.Model):
    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise HardDeleteForbidden(
            f"{self._meta.verbose_name} {self.pk} is never deleted; archive or hide it instead."
        )


def refuse_delete(sender, instance, **kwargs) -> None:
    """A pre_delete receiver guarding a kept model that Commons does not define (the User).

    A guard, not logic: Django sends pre_delete for every object a delete collects, before
    anything is deleted, so raising here stops the whole delete, cascades included. It
    raises inside Django's delete transaction: a caller that catches it must roll back.
    """
    raise HardDeleteForbidden(
        f"{sender._meta.verbose_name} {instance.pk} is never deleted; "
        "deactivate or anonymise it instead."
    )
