"""`parcours create-organization`: prints the new organization's id (idempotent on name + territory)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from parcours.accounts import services
from parcours.accounts.roles import OrganizationType


def validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(f"{field} : {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = "Crée une organisation et affiche son identifiant (la retrouve si elle existe déjà)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--type", required=True, choices=OrganizationType.values)
        parser.add_argument("--territory", required=True, help="code du département, par exemple 93")
        parser.add_argument("--siret", default="")
        parser.add_argument("--finess", default="")

    def handle(self, *args, name, type, territory, siret, finess, **options):
        try:
            organization, _created = services.get_or_create_organization(
                actor=None, name=name, type=type, territory=territory, siret=siret, finess=finess
            )
        except ValidationError as exc:
            raise CommandError(validation_message(exc)) from exc
        self.stdout.write(str(organization.pk))
