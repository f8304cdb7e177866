"""Notifications' part of the right-of-access export: what the person chose, and the messages sent
(kind and date; the text is never kept)."""

from parcours.households.export import register, rows

from .models import Notification, NotificationPreference


@register("notifications", covers=(NotificationPreference, Notification))
def notifications(household, ctx):
    return {
        "preferences": rows(
            NotificationPreference.objects.filter(access__household=household).order_by("access_id", "kind"),
            ("access_id", "kind", "enabled", "changed_at"),
        ),
        "sent": rows(
            Notification.objects.filter(access__household=household).order_by("created_at", "pk"),
            ("access_id", "kind", "created_at", "failed_at"),
        ),
    }
