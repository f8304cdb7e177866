"""Staff pages of notifications: the SMS not delivered to the people a worker follows, and the
person's choices typed in by the worker with the person present."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.households.display import short_name
from parcours.households.services import record_reads
from parcours.portal.models import PortalAccess

from . import perms, services
from .portal import choices_of
from .querysets import failures_for


def failures(request):
    if not perms.can_see_failures(request.user):
        raise Http404
    rows = list(
        failures_for(request.user)
        .select_related("access__household", "access__person", "delivery")
        .order_by("-failed_at", "-pk")[:200]
    )
    record_reads(
        actor=request.user,
        households=list({n.access.household_id: n.access.household for n in rows}.values()),
        sections=["notifications"],
        purpose="notifications",
    )
    return render(
        request,
        "notifications/failures.html",
        {
            "rows": [{"n": n, "person": short_name(n.access.person)} for n in rows],
            "crumbs": [(_("SMS non remis"), None)],
        },
    )


@require_POST
def failure_seen(request, pk):
    notification = failures_for(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    services.failure_seen(actor=request.user, notification=notification)
    messages.success(request, _("C'est noté. Vérifiez le numéro de la personne avec elle."))
    return redirect("notifications:failures")


def access_preferences(request, pk):
    """The worker types in the person's choices, with the person present."""
    access = PortalAccess.objects.usable().select_related("household", "person").filter(pk=pk).first()
    if access is None or not perms.can_manage_preferences(request.user, access):
        raise Http404
    status = 200
    if request.method == "POST":
        try:
            services.set_preferences(
                access=access,
                enabled=request.POST.getlist("kinds"),
                actor=request.user,
                person_present=request.POST.get("person_present") == "on",
            )
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                for error in errors:
                    messages.error(request, error)
            status = 400
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Les choix de la personne sont enregistrés."))
            return redirect("notifications:access", pk=access.pk)
    record_reads(
        actor=request.user, households=[access.household], sections=["notifications"], purpose="notifications"
    )
    return render(
        request,
        "notifications/access_preferences.html",
        {
            "access": access,
            "person": short_name(access.person),
            "choices": choices_of(access),
            "crumbs": [(_("Messages par SMS"), None)],
        },
        status=status,
    )
