"""`parcours create-token`: prints a bearer token for one user's membership, on its own line."""

from django.core.management.base import BaseCommand, CommandError

from parcours.accounts import services
from parcours.accounts.models import Membership
from parcours.accounts.roles import Role


class Command(BaseCommand):
    help = "Crée un jeton d'API lié à un compte et à l'un de ses rattachements, et l'affiche une seule fois."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--organization", required=True, type=int)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--name", default="ligne de commande")
        parser.add_argument("--days", type=int, default=None, help="durée de validité en jours")

    def handle(self, *args, username, organization, role, name, days, **options):
        membership = (
            Membership.objects.select_related("user")
            .filter(user__username=username, organization_id=organization, role=role, active=True)
            .first()
        )
        if membership is None:
            raise CommandError(
                f"Aucun rattachement actif pour {username} dans l'organisation {organization} "
                f"avec le rôle {role}."
            )
        if days is not None and days < 1:
            raise CommandError("--days doit être un nombre entier positif.")
        _token, key = services.token_create(actor=None, membership=membership, name=name, days=days)
        self.stdout.write(key)
