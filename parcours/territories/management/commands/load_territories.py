"""`parcours load-territories`: départements and communes of the chosen regions from the COG."""

import tarfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.territories import cog


class Command(BaseCommand):
    help = (
        "Charge les départements et communes (COG) des régions demandées (Île-de-France par défaut) "
        "depuis l'instantané livré, ou depuis le paquet npm @etalab/decoupage-administratif (--package)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--regions", default=cog.ILE_DE_FRANCE, help="codes région COG, séparés par des virgules"
        )
        parser.add_argument("--package", type=Path, help="archive .tgz ou dossier du paquet npm")
        parser.add_argument(
            "--refresh-snapshot", action="store_true", help="réécrit l'instantané livré depuis --package"
        )

    def handle(self, *args, regions, package, refresh_snapshot, **options):
        try:
            snapshot = cog.read_package(package) if package else cog.read_snapshot()
        except (OSError, KeyError, ValueError, tarfile.TarError) as exc:
            raise CommandError(f"Source COG illisible : {exc}") from exc
        if refresh_snapshot:
            if not package:
                raise CommandError("--refresh-snapshot demande --package.")
            cog.write_snapshot(snapshot)
            self.stdout.write(f"Instantané réécrit depuis {snapshot['source']}.")
        try:
            report = cog.load(snapshot, regions={r.strip() for r in regions.split(",") if r.strip()})
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{report.territories} départements et {report.communes} communes chargés ({report.source})."
        )
