"""`parcours document-key [ID]`: print a new document key entry for PARCOURS_DOCUMENT_KEYS."""

from django.core.management.base import BaseCommand

from parcours.documents.crypto import new_key


class Command(BaseCommand):
    help = (
        "Affiche une nouvelle clé de chiffrement des documents (id:clé) à mettre dans PARCOURS_DOCUMENT_KEYS."
    )

    def add_arguments(self, parser):
        parser.add_argument("key_id", nargs="?", default="k1")

    def handle(self, *args, key_id, **options):
        self.stdout.write(f"{key_id}:{new_key()}")
