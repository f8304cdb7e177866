"""Territories from the Code officiel géographique, never typed by hand."""

import json
import tarfile
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parcours.territories import cog
from parcours.territories.models import Commune, Territory

pytestmark = pytest.mark.django_db

ILE_DE_FRANCE = {"75", "77", "78", "91", "92", "93", "94", "95"}


def test_ile_de_france_is_loaded_by_default():
    out = StringIO()
    call_command("load_territories", stdout=out)
    assert set(Territory.objects.values_list("code", flat=True)) == ILE_DE_FRANCE
    seine_saint_denis = Territory.objects.get(code="93")
    assert seine_saint_denis.name == "Seine-Saint-Denis" and seine_saint_denis.region_name == "Île-de-France"
    # 39 communes since Saint-Denis and Pierrefitte-sur-Seine merged (1 January 2025).
    assert seine_saint_denis.communes.filter(is_arrondissement=False).count() == 39
    assert not Commune.objects.filter(code="93059").exists()  # Pierrefitte-sur-Seine, merged
    assert Commune.objects.get(code="93008").name == "Bobigny"
    assert Commune.objects.filter(territory__code="75", is_arrondissement=True).count() == 20
    assert "93300" in Commune.objects.get(code="93001").postal_codes
    assert "@etalab/decoupage-administratif@" in out.getvalue()


def test_loading_twice_changes_nothing_and_other_regions_can_be_added():
    call_command("load_territories", stdout=StringIO())
    count = Commune.objects.count()
    call_command("load_territories", stdout=StringIO())
    assert Commune.objects.count() == count
    call_command("load_territories", "--regions", "11,93", stdout=StringIO())
    assert Territory.objects.filter(code="13", region_name="Provence-Alpes-Côte d'Azur").exists()
    assert Commune.objects.get(code="13055").name == "Marseille"


def test_unknown_region_is_refused():
    with pytest.raises(CommandError, match="Unknown region code"):
        call_command("load_territories", "--regions", "99", stdout=StringIO())
    assert not Territory.objects.exists()


def _package(tmp_path):
    """A miniature npm package with the same layout as @etalab/decoupage-administratif."""
    files = {
        "package/package.json": {"name": "@etalab/decoupage-administratif", "version": "9.9.9"},
        "package/data/regions.json": [{"code": "11", "nom": "Île-de-France"}],
        "package/data/departements.json": [{"code": "93", "nom": "Seine-Saint-Denis", "region": "11"}],
        "package/data/communes.json": [
            {
                "code": "93008",
                "nom": "Bobigny",
                "departement": "93",
                "region": "11",
                "type": "commune-actuelle",
                "codesPostaux": ["93000"],
                "population": 1,
            },
            {
                "code": "93999",
                "nom": "Ancienne",
                "departement": "93",
                "region": "11",
                "type": "commune-deleguee",
            },
        ],
    }
    path = tmp_path / "pkg.tgz"
    with tarfile.open(path, "w:gz") as tar:
        for name, content in files.items():
            data = json.dumps(content).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, BytesIO(data))
    return path


def test_refresh_from_a_new_package_release(tmp_path):
    snapshot = cog.read_package(_package(tmp_path))
    assert snapshot["source"] == "@etalab/decoupage-administratif@9.9.9"
    # Delegated communes are not current communes: left out.
    assert [c["code"] for c in snapshot["communes"]] == ["93008"]
    report = cog.load(snapshot, regions={"11"})
    assert (report.territories, report.communes) == (1, 1)


def test_unreadable_package_gives_a_clear_error(tmp_path):
    bad = tmp_path / "bad.tgz"
    bad.write_bytes(b"not a tarball")
    with pytest.raises(CommandError, match="Source COG illisible"):
        call_command("load_territories", "--package", str(bad), stdout=StringIO())
