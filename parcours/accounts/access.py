"""The memberships and the verified second-factor device every page reads, from the cache (issue 18),
never stale.

Each request needs the user's active memberships (the header's switcher, every permission rule). They
are cached under a key that holds `User.access_version`, a counter on the user's row — a row that the
authentication middleware reads at every request anyway. Every change to a membership (grant,
approval, revocation, deletion) or to an organization (deactivated, renamed, moved to another
territory) bumps the counter of the users concerned in the same transaction: the next request of
those users, in any worker process and whatever the cache backend (local memory or Redis), reads a
new key and so the database. A stale entry is never read again; it expires on its own.

The same holds for the device that verified the session (django_otp's `otp_device`, see
`middleware.CachedOTPMiddleware`): every change to one of a user's devices (created, confirmed or not,
a code verified, deleted — through a model's save or delete, a queryset's delete, a service) bumps the
user's counter. Only a confirmed device of this user is cached, without its secret (the fields that
decide verification only; the others are read from the database if ever asked for).
"""

from contextlib import suppress

from django.core.cache import cache
from django.db.models import F
from django.db.models.signals import post_delete, post_save

TIMEOUT = 3600


def _key(user) -> str:
    return f"parcours:memberships:{user.pk}:{user.access_version}"


def active_memberships(user) -> list:
    """The user's active memberships in active organizations, organization loaded (as
    `User.active_memberships()`), from the cache when the user's access has not changed since."""
    key = _key(user)
    memberships = cache.get(key)
    if memberships is None:
        # With the organization's territory: the 115's services and many rules read it.
        memberships = list(user.active_memberships().select_related("organization__territory"))
        for membership in memberships:
            # The related manager attached the user object: not cached with the entry (set back below).
            membership._state.fields_cache.pop("user", None)
        cache.set(key, memberships, TIMEOUT)
    for membership in memberships:
        membership.user = user
    return memberships


# What `user.otp_device` holds from the cache: enough to decide that the session is verified. A deferred
# field (the TOTP secret, the replay and throttling counters) is read from the database when accessed.
DEVICE_FIELDS = ("id", "user_id", "name", "confirmed")


def _device_key(user, persistent_id: str) -> str:
    return f"parcours:otp_device:{user.pk}:{user.access_version}:{persistent_id}"


def verified_device(user, persistent_id: str):
    """The confirmed device of `user` named by the session's `persistent_id` (django_otp's
    "<app_label>.<model_name>/<pk>"), or None: from the cache while the user's access has not changed."""
    from django_otp.models import Device

    key = _device_key(user, persistent_id)
    device = cache.get(key)
    if device is not None:
        return device
    device = None
    with suppress(ValueError, LookupError):
        # django_otp's own parsing (Device.from_persistent_id): a model that is no device gives None.
        devices = Device._filter_persistent_id(persistent_id)
        if devices is not None:
            device = devices.only(*DEVICE_FIELDS).first()
    if device is not None and device.user_id == user.pk and device.confirmed:
        cache.set(key, device, TIMEOUT)
    return device


def bump(user_ids) -> None:
    """The users' access changed: their cached memberships are no longer read."""
    from .models import User

    ids = {pk for pk in user_ids if pk is not None}
    if ids:
        User.objects.filter(pk__in=ids).update(access_version=F("access_version") + 1)


def _membership_changed(sender, instance, **kwargs):
    bump([instance.user_id])


def _organization_changed(sender, instance, **kwargs):
    from .models import Membership

    bump(Membership.objects.filter(organization_id=instance.pk).values_list("user_id", flat=True))


def _device_changed(sender, instance, **kwargs):
    bump([instance.user_id])


def connect() -> None:
    from django.apps import apps
    from django_otp.models import Device

    from .models import Membership, Organization

    # Every concrete device model installed (TOTP, static recovery codes, any other plugin).
    for model in apps.get_models():
        if issubclass(model, Device):
            for signal in (post_save, post_delete):
                signal.connect(
                    _device_changed, sender=model, dispatch_uid=f"access_device_{model._meta.label}_{signal}"
                )

    for signal in (post_save, post_delete):
        signal.connect(_membership_changed, sender=Membership, dispatch_uid=f"access_membership_{signal}")
    post_save.connect(_organization_changed, sender=Organization, dispatch_uid="access_organization")


def acting_user(user):
    """The user itself behind a request's `user`: the session's user, wrapped lazily by Django's
    authentication and again by django-otp. Each read of the proxies' attributes goes through both;
    a page reads the user's membership and id dozens of times (issue 18). ActiveMembershipMiddleware
    puts the user itself on the request once it is known."""
    from django.utils.functional import LazyObject, empty

    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user
