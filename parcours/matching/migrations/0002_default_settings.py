"""The network's starting configuration: every rule for every kind of offer, the kinds that charge no
rent (emergency and CHRS-type shelters) without the cost rule, and the default ranking weights.
Values are written out here (not imported) so that this migration stays what it was."""

from django.db import migrations

TYPOLOGY_TABLE = {
    "bed": [1, 1, 1],
    "room": [1, 1, 2],
    "T1": [1, 1, 2],
    "T2": [1, 2, 3],
    "T3": [2, 4, 5],
    "T4": [3, 5, 6],
    "T5": [4, 6, 8],
    "T6": [5, 8, 10],
}

GLOBAL = {
    "kind": {},
    "territory": {},
    "capacity": {"table": TYPOLOGY_TABLE, "overcrowding_threshold": 0},
    "cost": {
        "max_effort_rate": 0.30,
        "min_daily_residual": 10.0,
        "benefit_rent_ceilings": [335, 405, 455, 520, 585, 650],
        "benefit_charges_base": 58.0,
        "benefit_charges_per_person": 13.0,
        "benefit_min_participation": 38.0,
        "benefit_participation_rate": 0.12,
    },
    "age": {},
    "sex": {},
    "composition": {"family_needs_child": False},
    "pets": {},
    "accessibility": {},
    "parking": {},
    "pending_proposal": {"allow_concurrent_proposals": False},
}

# Shelters where the household pays a participation set on its resources, not a rent.
NO_RENT_KINDS = ("chu", "hotel", "halte_nuit", "chrs", "chs")

WEIGHTS = {
    "seniority": "10",
    "vulnerability": "20",
    "dalo": "30",
    "syplo": "15",
    "territory_preference": "5",
    "typology_fit": "10",
    "manual_priority": "1",
}


def seed(apps, schema_editor):
    RuleSetting = apps.get_model("matching", "RuleSetting")
    RankingWeight = apps.get_model("matching", "RankingWeight")
    RuleSetting.objects.bulk_create(
        [RuleSetting(rule=code, kind="", enabled=True, parameters=params) for code, params in GLOBAL.items()]
        + [RuleSetting(rule="cost", kind=kind, enabled=False, parameters={}) for kind in NO_RENT_KINDS]
    )
    RankingWeight.objects.bulk_create([RankingWeight(term=t, weight=w) for t, w in WEIGHTS.items()])


def unseed(apps, schema_editor):
    apps.get_model("matching", "RuleSetting").objects.all().delete()
    apps.get_model("matching", "RankingWeight").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
