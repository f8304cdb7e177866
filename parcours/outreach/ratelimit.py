"""The public signalement's rate limit, shared by its page and its API: django-ninja's cache-based
throttle (the project's cache, CACHE_URL in production with several workers), per client address and
for the whole service, so that a flood from one address or from many is answered 429.

The client's address is read as the login lockout reads it (PARCOURS_PROXY_COUNT reverse proxies in
front, docs/configuration.md) and only a hash of it is kept in the cache."""

import hashlib

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.throttling import SimpleRateThrottle

from parcours.api.errors import ApiError


def client_address(request) -> str:
    proxies = settings.PARCOURS_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "")


class _ReportThrottle(SimpleRateThrottle):
    scope = "outreach_report"
    cache_format = "outreach_report_%(ident)s"

    def __init__(self, rate: str, per_address: bool):
        self.per_address = per_address
        super().__init__(rate)

    def get_cache_key(self, request):
        if not self.per_address:
            return self.cache_format % {"ident": "all"}
        digest = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
        return self.cache_format % {"ident": digest}


def allowed(request) -> bool:
    """Count this signalement; False past the limits (per address, then for everyone)."""
    throttles = (
        _ReportThrottle(settings.PARCOURS_REPORT_RATE, per_address=True),
        _ReportThrottle(settings.PARCOURS_REPORT_RATE_TOTAL, per_address=False),
    )
    return all(throttle.allow_request(request) for throttle in throttles)


def message() -> str:
    return _("Trop de signalements envoyés d'ici en peu de temps : réessayez plus tard, ou appelez le 115.")


def check(request) -> None:
    """The API's door: 429 in the API's error format past the limit."""
    if not allowed(request):
        raise ApiError(429, "rate_limited", message())
