"""How the documents are anonymised by the retention run (registry: parcours.core.retention).

Anonymising a household erases its papers: the encrypted file is deleted from the storage once the
run's transaction commits, and the row keeps only what is counted (its kind, size, format, dates
of upload), stamped deleted.
"""

from django.db import transaction
from django.utils import timezone

from parcours.core.retention import Custom, Erase, Keep, contact_source, register

from . import files
from .models import Document


def _erase_files(queryset, name):
    names = list(queryset.exclude(storage_name="").values_list("storage_name", flat=True))
    queryset.exclude(storage_name="").update(storage_name="")
    queryset.filter(deleted_at__isnull=True).update(deleted_at=timezone.now())

    def erase_all():
        for stored in names:
            files.erase(stored)

    transaction.on_commit(erase_all)


register(
    Document,
    household="household",
    personal={
        "storage_name": Custom(_erase_files, why="the file itself: erased from the storage"),
        "person": Erase(),
        "label": Erase(),
        "expires_on": Erase(),
        "sha256": Erase(),
        "uploaded_by_person": Erase(),
        "kind": Keep("type de document, codé et compté"),
    },
    not_personal={
        "the file's technical description": ("size", "content_type", "key_id"),
        "who wrote it, a worker (kept as everywhere)": ("uploaded_by",),
        "the link to the household, itself anonymised": ("household",),
    },
)

contact_source(Document, household="household", dates=("created_at",))
