"""Response headers Django does not set itself: Permissions-Policy, and no caching of our pages."""

from django.conf import settings


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
