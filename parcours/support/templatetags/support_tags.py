"""The support pages' own menu: each entry shown to whoever may open it."""

from django import template
from django.utils.translation import gettext_lazy as _

from parcours.support import perms
from parcours.support.models import Programme

register = template.Library()


@register.inclusion_tag("support/_nav.html", takes_context=True)
def support_nav(context):
    request = context["request"]
    user = request.user
    entries = []
    if perms.can_list_measures(user):
        entries.append(("support:measures", _("Mesures d'accompagnement")))
    if perms.can_list_appointments(user):
        entries.append(("support:appointments", _("Rendez-vous")))
    if perms.can_list_alerts(user):
        entries.append(("support:alerts", _("Alertes de prévention")))
    if perms.can_view_workshops(user):
        entries.append(("support:workshops", _("Ateliers collectifs")))
    if perms.can_create_programme(user) or Programme.objects.visible_to(user).exists():
        entries.append(("support:programmes", _("Logements accompagnés")))
    if perms.can_list_measures(user) or perms.can_manage_kinds(user):
        entries.append(("support:kinds", _("Types de mesure")))
    return {"entries": entries, "current": request.resolver_match.view_name if request.resolver_match else ""}
