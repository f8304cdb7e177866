"""Request-wide access: the active membership, and the second factor for roles that read named persons."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from parcours.core import audit

from . import access
from .perms import has_second_factor, needs_two_factor

SESSION_KEY = "parcours_membership_id"


class CachedOTPMiddleware(OTPMiddleware):
    """django_otp's middleware, the verified device from the cache (issue 18): `user.otp_device` is set
    as django_otp sets it (only a confirmed device of this user; an unknown or foreign id leaves the
    session unverified and drops the id), but the device is read from the database only when the user's
    `access_version` (on the user's row, read at every request) has changed since it was cached: every
    change to a user's devices bumps it (accounts.access), so that no process accepts a device deleted
    or unconfirmed elsewhere beyond the request in flight. The async path is django_otp's, uncached."""

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            device = (
                access.verified_device(user, self._normalize_persistent_id(persistent_id))
                if persistent_id
                else None
            )
            user.otp_device = self._finalize_device(request, user, device)
        return user


class ActiveMembershipMiddleware:
    """Attach the membership the user is working under (chosen in the header) to the request and user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        user = request.user
        if user.is_authenticated:
            # The user itself from here on: every later read skips the two lazy wrappers (issue 18).
            user = request.user = access.acting_user(user)
            memberships = access.active_memberships(user)
            chosen = request.session.get(SESSION_KEY)
            # Until the user picks one in the header, the first membership they were given.
            default = min(memberships, key=lambda m: m.pk) if memberships else None
            membership = next((m for m in memberships if m.pk == chosen), default)
            request.membership = membership
            request.memberships = memberships
            user.active_membership = membership
        token = audit.current_channel.set("web")
        try:
            return self.get_response(request)
        finally:
            audit.current_channel.reset(token)


class TwoFactorRequiredMiddleware:
    """Roles that read named persons reach no page before a TOTP code (or recovery code) is verified;
    nor does anyone who has set up a second factor, whatever their role."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or getattr(view_func, "two_factor_exempt", False):
            return None
        if settings.PARCOURS_TWO_FACTOR_RELAXED and settings.DEBUG:
            return None
        if user.is_verified():
            return None
        has_factor = has_second_factor(user)
        if not has_factor and not needs_two_factor(user):
            return None
        target = reverse("accounts:two_factor_verify" if has_factor else "accounts:two_factor_setup")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
