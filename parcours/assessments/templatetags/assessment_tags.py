"""The grid's cells, drawn in Python: a grid is about 40 items × 3 viewpoints, and an `{% include %}`
per cell (its lookup, context push and nested render) was a fifth of an assessment page's CPU."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def assessment_cell(cell, item):
    """`{% assessment_cell cell item %}`: one item as one viewpoint answered it (assessments.views._cell):
    its level for a rated item, its structured values, its comment; « Aucune version » without one."""
    if cell is None:
        return format_html('<span class="text-secondary">{}</span>\n', _("Aucune version"))
    parts = []
    if item.kind == "rated":
        parts.append(
            format_html('<span class="prc-level prc-level-{}">{}</span>', cell["level"], cell["level_label"])
        )
    parts.append("\n")
    if cell["values"]:
        parts.append(
            format_html(
                '<ul class="list-unstyled mb-1">{}</ul>',
                format_html_join("", '<li><span class="fw-semibold">{} :</span> {}</li>', cell["values"]),
            )
        )
    elif item.kind == "structured" and not cell["comment"]:
        parts.append(format_html('<span class="text-secondary">{}</span>', _("Non renseigné")))
    parts.append("\n")
    if cell["comment"]:
        parts.append(
            format_html('<div class="prc-comment">{}</div>', linebreaksbr(cell["comment"], autoescape=True))
        )
    parts.append("\n")
    return format_html_join("", "{}", ((part,) for part in parts))
