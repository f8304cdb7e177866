"""Reading the COG as shipped by @etalab/decoupage-administratif, and loading it into the database."""

import gzip
import io
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import Commune, Territory

SNAPSHOT = Path(__file__).parent / "data" / "cog-snapshot.json.gz"
ILE_DE_FRANCE = "11"
KEPT_COMMUNE_TYPES = {"commune-actuelle", "arrondissement-municipal"}


@dataclass(frozen=True)
class LoadReport:
    territories: int
    communes: int
    source: str


def read_package(path: Path) -> dict:
    """Build a snapshot from the npm package (its .tgz or its unpacked folder)."""

    def from_tar(tar: tarfile.TarFile, name: str):
        member = tar.extractfile(f"package/{name}")
        if member is None:
            raise FileNotFoundError(name)
        return json.load(io.TextIOWrapper(member, encoding="utf-8"))

    if path.is_dir():
        root = path / "package" if (path / "package").is_dir() else path

        def load(name):
            return json.loads((root / name).read_text(encoding="utf-8"))

        raw = {
            n: load(n)
            for n in ("package.json", "data/regions.json", "data/departements.json", "data/communes.json")
        }
    else:
        with tarfile.open(path, "r:gz") as tar:
            raw = {
                n: from_tar(tar, n)
                for n in ("package.json", "data/regions.json", "data/departements.json", "data/communes.json")
            }
    return {
        "source": f"{raw['package.json']['name']}@{raw['package.json']['version']}",
        "regions": [{"code": r["code"], "name": r["nom"]} for r in raw["data/regions.json"]],
        "departements": [
            {"code": d["code"], "name": d["nom"], "region": d["region"]}
            for d in raw["data/departements.json"]
        ],
        "communes": [
            {
                "code": c["code"],
                "name": c["nom"],
                "departement": c["departement"],
                "region": c["region"],
                "postal_codes": c.get("codesPostaux", []),
                "population": c.get("population"),
                "arrondissement": c["type"] == "arrondissement-municipal",
            }
            for c in raw["data/communes.json"]
            if c.get("type") in KEPT_COMMUNE_TYPES and c.get("departement")
        ],
    }


def write_snapshot(snapshot: dict, path: Path = SNAPSHOT) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as fh:
        json.dump(snapshot, fh, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def read_snapshot(path: Path = SNAPSHOT) -> dict:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


@transaction.atomic
def load(snapshot: dict, *, regions: set[str]) -> LoadReport:
    """Insert or update the départements and communes of `regions`; nothing is deleted."""
    region_names = {r["code"]: r["name"] for r in snapshot["regions"]}
    unknown = regions - region_names.keys()
    if unknown:
        raise ValueError(f"Unknown region code(s): {', '.join(sorted(unknown))}")
    territories = {}
    for d in snapshot["departements"]:
        if d["region"] not in regions:
            continue
        territory, _ = Territory.objects.update_or_create(
            code=d["code"],
            defaults={
                "name": d["name"],
                "region_code": d["region"],
                "region_name": region_names[d["region"]],
            },
        )
        territories[d["code"]] = territory
    existing = {c.code: c for c in Commune.objects.filter(territory__in=territories.values())}
    to_create, to_update = [], []
    for c in snapshot["communes"]:
        if c["departement"] not in territories:
            continue
        values = {
            "name": c["name"],
            "territory": territories[c["departement"]],
            "postal_codes": c["postal_codes"],
            "population": c["population"],
            "is_arrondissement": c["arrondissement"],
        }
        if c["code"] in existing:
            commune = existing[c["code"]]
            for key, value in values.items():
                setattr(commune, key, value)
            to_update.append(commune)
        else:
            to_create.append(Commune(code=c["code"], **values))
    Commune.objects.bulk_create(to_create, batch_size=1000)
    Commune.objects.bulk_update(
        to_update, ["name", "territory", "postal_codes", "population", "is_arrondissement"], batch_size=1000
    )
    return LoadReport(len(territories), len(to_create) + len(to_update), snapshot["source"])
