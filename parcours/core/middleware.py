"""Response headers Django does not set itself: Permissions-Policy, and no caching of our pages."""

from django.conf import settings
from django.utils import timezone


class SecurityHeadersMiddleware:
    """Switches off the browser features (camera, microphone, location…) that no page uses, and
    keeps every page and API answer out of browser and proxy caches: on a computer shared by a
    team, the back button or the disk cache must not show a household's file after logging out.
    Static files keep their own long caching (set by whitenoise)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "PARCOURS_PERMISSIONS_POLICY", "")
        self.static_url = settings.STATIC_URL

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        if not request.path.startswith(self.static_url):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


REFRESHED_AT = "_parcours_refreshed_at"


class SessionRefreshMiddleware:
    """Renews a signed-in session at most once every `SESSION_REFRESH_SECONDS` instead of writing its
    row on every request (`SESSION_SAVE_EVERY_REQUEST`, ~2 ms and a database write per GET, issue 18).

    The row's expiry date moves `SESSION_COOKIE_AGE` ahead each time it is saved, so the idle timeout
    still holds, to within that interval. A request that changed the session saves it anyway and
    counts as a renewal. Placed just after SessionMiddleware, so that its decision is taken before
    the session is saved on the way out."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.interval = getattr(settings, "SESSION_REFRESH_SECONDS", 60)

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        now = timezone.now().timestamp()
        last = session.get(REFRESHED_AT, 0)
        if session.modified or now - last >= self.interval:
            session[REFRESHED_AT] = now
        return response
