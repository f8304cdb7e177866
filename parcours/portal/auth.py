"""Who is signed in to "Mon espace": a person's access kept in the session, never a staff login.

A person's session holds one key, `SESSION_KEY`, the id of their `PortalAccess`. It is checked on
every request (`current_access`): an access revoked, or a file closed or anonymised, ends the session
at once. Staff pages stay behind Django's LoginRequiredMiddleware (a person has no `User`), so a
person's session reaches none of them; portal pages are `person_required`.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.utils import timezone

from .models import PortalAccess

SESSION_KEY = "portal_access_id"
SEEN_KEY = "portal_seen_at"


def idle_seconds() -> int:
    """A person's session ends after `PORTAL_IDLE_MINUTES` (15) without a page: often a shared phone."""
    return int(getattr(settings, "PORTAL_IDLE_MINUTES", 15)) * 60


def current_access(request) -> PortalAccess | None:
    """The signed-in person's usable access, or None (and the stale key dropped)."""
    access_id = request.session.get(SESSION_KEY)
    if access_id is None:
        return None
    now = timezone.now().timestamp()
    seen = request.session.get(SEEN_KEY)
    if seen is not None and now - seen > idle_seconds():
        request.session.flush()
        return None
    access = (
        PortalAccess.objects.usable()
        .select_related("household", "person", "organization")
        .filter(pk=access_id)
        .first()
    )
    if access is None:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SEEN_KEY] = now
    return access


def sign_in(request, access: PortalAccess) -> None:
    """Start a person's session: any staff login in this browser ends, the session key changes."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        logout(request)
    request.session.cycle_key()
    request.session[SESSION_KEY] = access.pk
    request.session[SEEN_KEY] = timezone.now().timestamp()
    PortalAccess.objects.filter(pk=access.pk).update(last_sign_in_at=timezone.now())


def sign_out(request) -> None:
    request.session.flush()


def person_required(view):
    """A portal page: reachable only by a signed-in person (`request.portal_access` set)."""

    @login_not_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        access = current_access(request)
        if access is None:
            return redirect("portal:sign_in")
        request.portal_access = access
        return view(request, *args, **kwargs)

    return wrapper
