"""The offer holds no one's personal data (registry: parcours.core.retention)."""

from parcours.core.retention import register

from .models import Facility, Unit, Vacancy

OFFER = "l'offre d'hébergement et de logement, sans ménage"

register(
    Facility,
    not_personal={
        OFFER: (
            "name",
            "kind",
            "organization",
            "territory",
            "commune",
            "finess",
            "siret",
            "min_age",
            "max_age",
            "accepted_sex",
            "accepted_household",
            "pets_accepted",
            "wheelchair_accessible",
            "active",
            "couples_accepted",
            "street_address",
            "postcode",
            "phone",
            "door_code",
            "opening_hours",
        )
    },
)
register(
    Unit,
    not_personal={
        OFFER: (
            "facility",
            "label",
            "capacity",
            "typology",
            "surface",
            "rent",
            "charges",
            "accessible",
            "active",
        )
    },
)
register(
    Vacancy,
    not_personal={
        OFFER: ("unit", "available_from", "declared_by", "declared_at", "status", "filled_at", "withdrawn_at")
    },
)
