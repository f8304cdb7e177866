"""API v1 of support and prevention: measures, their actions, goals and closing, prevention alerts,
programme reports (api-v1.md, « Support and prevention »). Each module adds its endpoints to the one
`router`; they are imported in the order of the contract, which is the order of the schema."""

# isort: off
from . import measures, alerts, programmes  # noqa: F401 (importing a module registers its endpoints)

# isort: on
from ._common import router

__all__ = ["router"]
