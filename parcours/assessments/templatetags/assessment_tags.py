"""The grid's cells, drawn in Python: a grid is about 40 items × 3 viewpoints, and an `{% include %}`
per cell (its lookup, context push and nested render) was a fifth of an assessment page's CPU."""

from django import template
from django.template.defaultfilters import linebreaksbr
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


@register.simple_tag
def assessment_rows(rows, colspan=2, anchors=False):
    """`{% assessment_rows rows colspan=… anchors=… %}`: the grid's table body, one `<tbody>` per
    section (assessments.views._rows), each item's code and label then its cells (assessment_cell).
    Drawn in Python: the template's two nested loops over ~20 items, their lookups and the label's
    filter held a quarter of the co-evaluation page's profile (issue 18: 13–14 ms a page for 1.6 ms of
    floor; the page makes 11 % fewer Python calls so).
    `anchors`: each section's heading carries `id="section-<code>"` (the co-evaluation page)."""
    esc = conditional_escape
    parts = []
    for row in rows:
        section = row["section"]
        anchor = f' id="section-{esc(section.code)}"' if anchors else ""
        parts.append(
            f'<tbody>\n<tr class="table-light"><th scope="colgroup" colspan="{int(colspan)}"{anchor}>'
            f"{esc(section.code)}. « {esc(section.title)} »</th></tr>\n"
        )
        for line in row["items"]:
            item = line["item"]
            cells = "".join(f"<td>{assessment_cell(cell, item)}</td>" for cell in line["cells"])
            parts.append(
                f'<tr>\n<th scope="row" class="fw-normal"><span class="prc-item-code">{esc(item.code)}</span>'
                f" {linebreaksbr(item.label, autoescape=True)}</th>\n{cells}\n</tr>\n"
            )
        parts.append("</tbody>\n")
    # Every value above went through conditional_escape (or linebreaksbr, which escapes first), and the
    # cells are assessment_cell's own safe markup.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703
