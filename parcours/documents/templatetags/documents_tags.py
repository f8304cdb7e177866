"""`{% documents_button household %}`: the link to the household's documents, for whoever may see them."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from parcours.documents import perms

register = template.Library()


@register.simple_tag(takes_context=True)
def documents_button(context, household):
    request = context.get("request")
    if request is None or not perms.can_view_documents(request.user, household):
        return ""
    return format_html(
        '<a class="btn btn-outline-secondary" href="{}">{}</a>',
        reverse("documents:list", args=[household.pk]),
        _("Documents"),
    )
