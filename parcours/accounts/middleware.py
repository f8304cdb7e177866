"""Request-wide access: the active membership, and the second factor for roles that read named persons."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from parcours.core import audit

from . import access
from .perms import has_second_factor, needs_two_factor

SESSION_KEY = "parcours_membership_id"


class ActiveMembershipMiddleware:
    """Attach the membership the user is working under (chosen in the header) to the request and user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        user = request.user
        if user.is_authenticated:
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
