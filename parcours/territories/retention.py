"""The geographic reference holds no one's personal data (registry: parcours.core.retention)."""

from parcours.core.retention import register

from .models import Commune, Territory

register(Territory, not_personal={"référentiel géographique": ("code", "name", "region_code", "region_name")})
register(
    Commune,
    not_personal={
        "référentiel géographique": (
            "code",
            "name",
            "territory",
            "postal_codes",
            "population",
            "is_arrondissement",
        )
    },
)
