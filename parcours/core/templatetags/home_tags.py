"""The home page's rows (core.home.Row), drawn in Python."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

_BLOCK = '<div class="d-flex gap-2 align-items-start px-3 py-2">'
_NAMED = '\n  <span class="flex-grow-1 text-break">\n    <span class="d-block fw-semibold{}">{}</span>\n    '
_LINK = (
    '<a href="{}" class="list-group-item-action d-flex gap-2 align-items-start px-3 py-2 '
    'text-decoration-none text-body">'
)


@register.simple_tag
def home_row(row, name=""):
    """`{% household_name row.household as name %}{% home_row row name %}`: one row of a home panel
    (core/home/_panel.html): its link, its badge, what it names (the household as household_name draws
    it for this user, else the row's label), why it is on the list (« En retard : » first when late)
    and its figure. Drawn in Python rather than by the template's conditions and lookups (issue 18: the
    social worker's panels drew in 3.8 ms, 3.4 ms so, measured in-process on the bench data). The
    kernel does not know households: the template gives the name already drawn."""
    parts = [format_html(_LINK, row.url) if row.url else _BLOCK]
    parts.append("\n  ")
    if row.badge:
        parts.append(format_html('<span class="badge text-bg-dark mt-1">{}</span>', row.badge))
    parts.append(
        format_html(
            _NAMED,
            " text-primary text-decoration-underline" if row.url else "",
            name if row.household is not None else row.label,
        )
    )
    if row.reason:
        parts.append(
            format_html(
                '<span class="d-block small {}">{}{}</span>',
                "text-danger-emphasis" if row.late else "text-body-secondary",
                format_html("<strong>{}</strong> ", _("En retard :")) if row.late else "",
                row.reason,
            )
        )
    parts.append("\n  </span>\n  ")
    if row.value != "":
        parts.append(format_html('<span class="fw-bold fs-5 text-end">{}</span>', row.value))
    parts.append("\n</a>" if row.url else "\n</div>")
    # Each value above went through format_html (escaped); the rest is this function's own markup.
    return mark_safe(f'<li class="list-group-item p-0 prc-home-row">{"".join(parts)}\n</li>')  # noqa: S308  # nosec B308 B703
