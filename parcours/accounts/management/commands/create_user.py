"""`parcours create-user`: a user with one membership; two-factor stays pending until first login."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from parcours.accounts import services
from parcours.accounts.models import Organization, User
from parcours.accounts.roles import Role

from .create_organization import validation_message


class Command(BaseCommand):
    help = (
        "Crée un compte rattaché à une organisation avec un rôle. Si le compte existe, ajoute le "
        "rattachement. La double authentification sera demandée à la première connexion."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--organization", required=True, type=int, help="identifiant de l'organisation")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, username, password, organization, role, email, first_name, last_name, **options):
        org = Organization.objects.filter(pk=organization).first()
        if org is None:
            raise CommandError(f"Organisation inconnue : {organization}.")
        try:
            with transaction.atomic():
                user = User.objects.filter(username=username).first()
                if user is None:
                    user = services.user_create(
                        actor=None,
                        username=username,
                        password=password,
                        email=email,
                        first_name=first_name,
                        last_name=last_name,
                    )
                services.membership_grant(actor=None, user=user, organization=org, role=role)
        except ValidationError as exc:
            raise CommandError(validation_message(exc)) from exc
        self.stdout.write(str(user.pk))
