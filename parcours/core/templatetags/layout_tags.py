"""The page layout's fragments rendered once and reused (issue 18: the layout cost ~1 ms on every page).

`{% layout_fragment "name" %}…{% endlayout_fragment %}` keeps its rendered content in the process, per
language: for parts that depend on nothing else (the head's assets, the footer).

`{% layout_fragment "name" vary1 vary2… %}` keeps it in the shared cache under the name, the values
given and the language: for parts of one user (the header), whose values must then hold everything the
part shows that can change (the user's access version, read from the database at each request…).

Never cached: the request's own values. The fragment is rendered with a slot in their place (the CSRF
token, the CSP nonce, the page's address for the language form's `next`), and each request puts its
own values back into the slots, as the 115's cached places do (emergency.views)."""

import hashlib
import re

from django import template
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

CACHE_SECONDS = 3600
CSRF_SLOT = "__parcours_layout_csrf__"
NONCE_SLOT = "__parcours_layout_nonce__"
NEXT_SLOT = "__parcours_layout_next__"
SLOTS = re.compile(f"{CSRF_SLOT}|{NONCE_SLOT}|{NEXT_SLOT}")


class LayoutFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on
        self.rendered: dict[str, str] = {}  # the process's copies, per language (no vary_on)

    def render(self, context):
        language = get_language() or ""
        if self.vary_on:
            values = [str(var.resolve(context) or "") for var in self.vary_on]
            if not all(values):
                # A context without the key (a page rendered without the request's context processors):
                # rendered for itself, never kept under a key that other such pages would share.
                return self.nodelist.render(context)
            digest = hashlib.md5("\x1f".join([language, *values]).encode(), usedforsecurity=False).hexdigest()
            key = f"parcours:layout:{self.name.resolve(context)}:{digest}"
            html = cache.get(key)
            if html is None:
                html = self._render_with_slots(context)
                cache.set(key, html, CACHE_SECONDS)
        else:
            html = self.rendered.get(language)
            if html is None:
                html = self.rendered[language] = self._render_with_slots(context)
        return mark_safe(SLOTS.sub(_Filler(context), html))  # noqa: S308  (the template engine's output)  # nosec B308 B703

    def _render_with_slots(self, context) -> str:
        with context.push(csrf_token=CSRF_SLOT, CSP_NONCE=NONCE_SLOT, layout_next=NEXT_SLOT):
            return self.nodelist.render(context)


class _Filler:
    """Each slot's value for this request, computed only for the slots the fragment holds."""

    def __init__(self, context):
        self.context = context
        self.values = {}

    def __call__(self, match) -> str:
        slot = match.group(0)
        if slot not in self.values:
            self.values[slot] = self._value(slot)
        return self.values[slot]

    def _value(self, slot) -> str:
        request = self.context.get("request")
        if slot == CSRF_SLOT:
            token = self.context.get("csrf_token")
            return escape(str(token) if token is not None else get_token(request))
        if slot == NONCE_SLOT:
            return escape(str(self.context.get("CSP_NONCE", "")))
        return escape(request.get_full_path() if request is not None else "")


@register.tag
def layout_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes a name, then the values it varies on")
    nodelist = parser.parse(("endlayout_fragment",))
    parser.delete_first_token()
    return LayoutFragmentNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]]
    )
