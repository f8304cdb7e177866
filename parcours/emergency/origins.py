"""Where a 115 request came from when another domain filed it (an outreach encounter): that domain
registers a provider `(user, request) → Origin | None`; the request page shows the link. The 115
never imports the domains above it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    label: str  # already translated, no personal data (« Rencontre de la maraude X, le 3 décembre »)
    url: str = ""  # empty when the reader may not open it


ORIGIN_PROVIDERS: list = []


def register(provider):
    ORIGIN_PROVIDERS.append(provider)
    return provider


def origins_of(user, request) -> list[Origin]:
    """The origins the providers find. A request taken on a 115 call was filed by the 115 itself: the
    other domains file theirs without a call (outreach.services.encounter_to_115), so they are not
    asked (issue 18: a query fewer on the page of nearly every request)."""
    if request.call_id is not None:
        return []
    found = (provider(user, request) for provider in ORIGIN_PROVIDERS)
    return [origin for origin in found if origin is not None]
