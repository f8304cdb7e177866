"""Response headers Django does not set itself: the Permissions-Policy of every page."""

from django.conf import settings


class PermissionsPolicyMiddleware:
    """Switches off the browser features (camera, microphone, location…) that no page uses."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "PARCOURS_PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response
