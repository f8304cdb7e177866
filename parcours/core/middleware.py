"""Response headers Django does not set itself: Permissions-Policy, and no caching of our pages."""

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
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


class CachedCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy's text built once per process instead of at every
    response (issue 18: `build_policy` deep-copies the settings' directives twice per response, 1.6 %
    of the app's CPU under load), the request's nonce put in its place. A response that carries its
    own policy (django-csp's decorators), a report-only policy or DEBUG's error pages go through
    django-csp itself."""

    OWN_POLICY = ("_csp_config", "_csp_update", "_csp_replace")
    OWN_POLICY += tuple(f"{name}_ro" for name in OWN_POLICY)
    SLOT = "parcours-nonce-slot"

    def __init__(self, get_response):
        super().__init__(get_response)
        self.report_only = bool(getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None))
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        self.excluded = tuple(policy.get("EXCLUDE_URL_PREFIXES") or ())
        self.policies = {}

    def process_response(self, request, response):
        own = any(hasattr(response, name) for name in self.OWN_POLICY)
        if own or self.report_only or (settings.DEBUG and response.status_code in (500, 404)):
            return super().process_response(request, response)
        nonce = getattr(request, "_csp_nonce", None)
        policy = self.policies.get(nonce is not None)
        if policy is None:
            policy = build_policy(nonce=None if nonce is None else self.SLOT)
            self.policies[nonce is not None] = policy
        wanted = policy and not getattr(response, "_csp_exempt", False)
        if wanted and HEADER not in response and not request.path_info.startswith(self.excluded):
            response[HEADER] = policy if nonce is None else policy.replace(self.SLOT, nonce)
        if nonce is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
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


class FriendlyErrorsMiddleware:
    """A form's address opened with GET (a POST-only view) answers a French page instead of Django's
    blank 405, whatever the settings.

    With DEBUG on (the local demo), Django answers a missing page or a crash with its technical page,
    in English, listing the URLs and the settings. With PARCOURS_FRIENDLY_ERRORS on (config/settings/dev.py)
    the user sees our French 400/404/500 pages instead, as in production; the crash is still logged
    with its traceback by Django. PARCOURS_FRIENDLY_ERRORS=false brings the technical pages back for
    debugging. Without DEBUG, Django uses our handlers already (config/urls.py) and this does nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and _is_blank_page(request, response):
            # A form's address opened by hand (a reload, a bookmark): a French page, never a blank one.
            from django.shortcuts import render

            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        if (
            response.status_code in (400, 404, 500)
            and settings.DEBUG
            and getattr(settings, "PARCOURS_FRIENDLY_ERRORS", False)
            and response.get("Content-Type", "").startswith("text/html")
            and _is_technical(response)
        ):
            from . import views

            handler = {400: views.bad_request, 404: views.page_not_found, 500: views.server_error}
            return handler[response.status_code](request)
        return response


def _is_blank_page(request, response) -> bool:
    """Django's empty 405 answer to a page of ours (not the API's, which answers JSON)."""
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith("/api/")
        and not getattr(response, "streaming", False)
        and not response.content
    )


def _is_technical(response) -> bool:
    """Django's technical pages (debug.py's templates), not a page of ours answered with that status."""
    content = getattr(response, "content", b"")
    return b'<meta name="robots" content="NONE,NOARCHIVE">' in content
