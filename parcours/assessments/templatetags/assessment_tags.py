"""The grid's cells, drawn in Python: a grid is about 40 items × 3 viewpoints, and an `{% include %}`
per cell (its lookup, context push and nested render) was a fifth of an assessment page's CPU."""

from html import escape

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from parcours.households.templatetags.visibility_tags import _escape

register = template.Library()

# An item's row heading (its code, its label through linebreaksbr) by (code, label), and a section's
# (_section_head) by its code, title and the table's shape: the same for every household, viewpoint
# and language, and a published grid is never edited (issue 18: escaping them again at every page was
# a tenth of assessment_rows). Keyed on the text itself, so a grid version with other words is drawn
# from its own words; bounded by the grids' items, cleared past HEADS_MAX all the same.
_HEADS: dict[tuple, str] = {}
HEADS_MAX = 2000


def _kept_head(key: tuple, draw) -> str:
    """`draw()`'s heading row, kept in _HEADS under `key` (its words, and the table's shape)."""
    head = _HEADS.get(key)
    if head is None:
        if len(_HEADS) >= HEADS_MAX:
            _HEADS.clear()
        head = _HEADS[key] = draw()
    return head


def _item_head(item) -> str:
    return _kept_head(
        (item.code, item.label),
        lambda: (
            f'<tr>\n<th scope="row" class="fw-normal"><span class="prc-item-code">'
            f"{conditional_escape(item.code)}</span> {linebreaksbr(item.label, autoescape=True)}</th>\n"
        ),
    )


def _section_head(section, colspan: int, anchors: bool) -> str:
    """A section's heading row, as _item_head once per process, by its words and the table's shape."""

    def draw():
        anchor = f' id="section-{_escape(section.code)}"' if anchors else ""
        return (
            f'<tbody>\n<tr class="table-light"><th scope="colgroup" colspan="{colspan}"{anchor}>'
            f"{_escape(section.code)}. « {_escape(section.title)} »</th></tr>\n"
        )

    return _kept_head((section.code, section.title, colspan, anchors), draw)


class _Drawing:
    """What every cell of one drawing shares, found once for that drawing (its language is the
    request's): the empty cell, « Non renseigné », each level's badge. Each value is escaped as
    conditional_escape escapes it, without its lazy-string wrappers (visibility_tags._escape): a
    drawing escapes some sixty values (issue 18)."""

    __slots__ = ("_empty", "_levels", "_not_filled")

    def __init__(self):
        self._empty = None
        self._not_filled = None
        self._levels = {}

    def empty(self) -> str:
        if self._empty is None:
            self._empty = f'<span class="text-secondary">{_escape(_("Aucune version"))}</span>\n'
        return self._empty

    def not_filled(self) -> str:
        if self._not_filled is None:
            self._not_filled = f'<span class="text-secondary">{_escape(_("Non renseigné"))}</span>'
        return self._not_filled

    def level(self, level, label) -> str:
        # By the level and its label as the cell gives them (views._cell: the level's own label).
        key = (level, label)
        badge = self._levels.get(key)
        if badge is None:
            badge = f'<span class="prc-level prc-level-{_escape(level)}">{_escape(label)}</span>'
            self._levels[key] = badge
        return badge

    def cell(self, cell, kind) -> str:
        if cell is None:
            return self.empty()
        html = self.level(cell["level"], cell["level_label"]) if kind == "rated" else ""
        html += "\n"
        if cell["values"]:
            items = "".join(
                f'<li><span class="fw-semibold">{_escape(label)} :</span> {_escape(text)}</li>'
                for label, text in cell["values"]
            )
            html += f'<ul class="list-unstyled mb-1">{items}</ul>'
        elif kind == "structured" and not cell["comment"]:
            html += self.not_filled()
        html += "\n"
        if cell["comment"]:
            # The linebreaksbr filter: its line breaks normalized (normalize_newlines), escaped, then
            # each line break a <br>.
            comment = str(cell["comment"]).replace("\r\n", "\n").replace("\r", "\n")
            comment = escape(comment).replace("\n", "<br>")
            html += f'<div class="prc-comment">{comment}</div>'
        return html + "\n"


@register.simple_tag
def assessment_cell(cell, item):
    """`{% assessment_cell cell item %}`: one item as one viewpoint answered it (assessments.views._cell):
    its level for a rated item, its structured values, its comment; « Aucune version » without one."""
    # Every value went through conditional_escape; the rest is _Drawing's own markup.
    return mark_safe(_Drawing().cell(cell, item.kind))  # noqa: S308  # nosec B308 B703


@register.simple_tag
def assessment_rows(rows, colspan=2, anchors=False):
    """`{% assessment_rows rows colspan=… anchors=… %}`: the grid's table body, one `<tbody>` per
    section (assessments.views._rows), each item's code and label then its cells (assessment_cell).
    Drawn in Python: the template's two nested loops over ~20 items, their lookups and the label's
    filter held a quarter of the co-evaluation page's profile (issue 18: 13–14 ms a page for 1.6 ms of
    floor; the page makes 11 % fewer Python calls so). What every cell shares (« Aucune version », the
    level badges) is drawn once per call, each section's and item's heading once per process
    (_section_head, _item_head).
    `anchors`: each section's heading carries `id="section-<code>"` (the co-evaluation page)."""
    colspan, anchors = int(colspan), bool(anchors)
    drawing = _Drawing()
    draw = drawing.cell
    parts = []
    append = parts.append
    for row in rows:
        append(_section_head(row["section"], colspan, anchors))
        for line in row["items"]:
            item = line["item"]
            kind = item.kind
            cells = "".join([f"<td>{draw(cell, kind)}</td>" for cell in line["cells"]])
            append(f"{_item_head(item)}{cells}\n</tr>\n")
        append("</tbody>\n")
    # Every value above went through conditional_escape (or linebreaksbr, which escapes first), and the
    # cells are _Drawing's own safe markup.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703
