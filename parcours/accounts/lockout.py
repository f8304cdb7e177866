"""Login lockout (django-axes): per account, and per address only past a much higher limit.

A 115 call centre, or a whole association, reaches Parcours from one address: a per-address lock at
the per-account limit would let one person (or one attacker) lock all of them out. So the usual
limit, `AXES_FAILURE_LIMIT`, applies to the username and to the (username, address) pair
(`AXES_LOCKOUT_PARAMETERS`), and the address alone is locked at `PARCOURS_LOGIN_ADDRESS_FAILURE_LIMIT`
failures within the cool-off time, across all usernames: against someone spraying many accounts.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum


class AddressLimitAxesHandler(AxesDatabaseHandler):
    """The database handler of django-axes, plus a separate, higher limit for the address alone."""

    def address_failures(self, request) -> int:
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0

    def is_address_locked(self, request) -> bool:
        limit = settings.PARCOURS_LOGIN_ADDRESS_FAILURE_LIMIT
        return bool(settings.AXES_LOCK_OUT_AT_FAILURE and limit) and self.address_failures(request) >= limit

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or self.is_address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self.is_whitelisted(request, credentials) or not self.is_address_locked(request):
            return
        request.axes_locked_out = True
        request.axes_credentials = credentials
        user_locked_out.send(
            "axes",
            request=request,
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        )
