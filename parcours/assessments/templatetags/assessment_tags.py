"""The grid's cells, drawn in Python: a grid is about 40 items × 3 viewpoints, and an `{% include %}`
per cell (its lookup, context push and nested render) was a fifth of an assessment page's CPU."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def assessment_cell(cell, item):
    """`{% assessment_cell cell item %}`: one item as one viewpoint answered it (assessments.views._cell):
    its level for a rated item, its structured values, its comment; « Aucune version » without one."""
    esc = conditional_escape
    if cell is None:
        html = f'<span class="text-secondary">{esc(_("Aucune version"))}</span>\n'
    else:
        html = ""
        if item.kind == "rated":
            html += (
                f'<span class="prc-level prc-level-{esc(cell["level"])}">{esc(cell["level_label"])}</span>'
            )
        html += "\n"
        if cell["values"]:
            items = "".join(
                f'<li><span class="fw-semibold">{esc(label)} :</span> {esc(text)}</li>'
                for label, text in cell["values"]
            )
            html += f'<ul class="list-unstyled mb-1">{items}</ul>'
        elif item.kind == "structured" and not cell["comment"]:
            html += f'<span class="text-secondary">{esc(_("Non renseigné"))}</span>'
        html += "\n"
        if cell["comment"]:
            # The linebreaksbr filter: escaped, then each line break a <br>.
            comment = esc(normalize_newlines(cell["comment"])).replace("\n", "<br>")
            html += f'<div class="prc-comment">{comment}</div>'
        html += "\n"
    # Every value above went through conditional_escape; the rest is this function's own markup.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703
