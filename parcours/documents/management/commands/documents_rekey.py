"""`parcours documents-rekey`: encrypt again under the first key of PARCOURS_DOCUMENT_KEYS every
document still encrypted with an older one (key rotation, docs/documents.md)."""

from parcours.core.commands import DryRunCommand
from parcours.documents import crypto, services
from parcours.documents.models import Document


class Command(DryRunCommand):
    help = (
        "Rechiffre avec la clé courante les documents chiffrés avec une ancienne clé. "
        "Simulation par défaut ; --wet-run rechiffre."
    )

    def run(self, *, wet: bool, **options) -> dict[str, int]:
        current = crypto.keyring().current_id
        old = Document.objects.alive().exclude(key_id=current).exclude(storage_name="")
        counts = {"documents sous une ancienne clé": old.count(), "rechiffrés": 0, "illisibles": 0}
        if not wet:
            return counts
        for document in old.iterator():
            try:
                counts["rechiffrés"] += services.rekey(document=document)
            except crypto.DecryptionError:
                counts["illisibles"] += 1
        return counts
