"""The person's page to choose the messages they receive by SMS (/mon-espace/notifications/)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from parcours.portal.auth import person_required

from . import services
from .portal import choices_of


@person_required
def preferences(request):
    access = request.portal_access
    status = 200
    if request.method == "POST":
        try:
            services.set_preferences(access=access, enabled=request.POST.getlist("kinds"))
        except ValidationError:
            messages.error(request, _("Ce choix n'existe pas. Cochez les messages que vous voulez."))
            status = 400
        else:
            messages.success(request, _("C'est enregistré. Vous pouvez changer d'avis à tout moment."))
            return redirect("portal_notifications:preferences")
    return render(
        request,
        "notifications/portal_preferences.html",
        {"choices": choices_of(access), "phone": bool(access.phone)},
        status=status,
    )
