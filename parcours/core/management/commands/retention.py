"""`parcours retention [--wet-run]`: anonymise the households without contact for too long."""

from parcours.core.commands import DryRunCommand
from parcours.core.retention import retention_months, run_retention


class Command(DryRunCommand):
    help = (
        "Anonymise les ménages sans contact depuis PARCOURS_RETENTION_MONTHS mois (24 par défaut) : noms "
        "remplacés, dates de naissance réduites à l'année, coordonnées et textes libres retirés ; les "
        "chiffres de l'observatoire ne changent pas. Jamais un ménage avec une demande, une mesure ou "
        "une admission en cours."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--months", type=int, default=None, help="durée sans contact, en mois")

    def run(self, *, wet: bool, months=None, **options) -> dict[str, int]:
        months = retention_months() if months is None else months
        if months < 1:
            from django.core.management.base import CommandError

            raise CommandError("La durée de conservation compte au moins un mois.")
        found = run_retention(wet=wet, months=months)
        self.stdout.write(f"Sans contact depuis le {found.limit:%d/%m/%Y} ({months} mois)")
        label = "ménages anonymisés" if wet else "ménages à anonymiser"
        return {
            label: len(found.due),
            "ménages gardés (demande, mesure ou admission en cours)": len(found.kept_alive),
            "déjà anonymisés auparavant": found.already,
        }
