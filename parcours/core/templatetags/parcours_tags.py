"""Template helpers every screen shares: French elision, breadcrumbs that never lead to a refusal."""

from django import template
from django.urls import Resolver404, resolve

from parcours.core import menu
from parcours.core.text import de as de_phrase

register = template.Library()


@register.filter
def de(name) -> str:
    """`{{ "résidence"}} {{ town|de }}`: « de Bobigny », « d'Aubervilliers », « d'Hôtel-Dieu »."""
    return de_phrase(name)


@register.simple_tag(takes_context=True)
def crumb_links(context, crumbs):
    """The breadcrumbs with a link only where the page's user may open it: a list a role cannot see
    (the menu registry knows who sees each list) is shown as plain text, never as a link to a 404."""
    request = context.get("request")
    user = getattr(request, "user", None)
    shown = []
    for label, url in crumbs or ():
        if url and user is not None and not _may_open(user, url):
            url = None
        shown.append((label, url))
    return shown


def _may_open(user, url: str) -> bool:
    try:
        match = resolve(url.split("?", 1)[0])
    except Resolver404:
        return False
    return menu.may_open(user, match.view_name)
