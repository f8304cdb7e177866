"""The home page's rows (core.home.Row), drawn in Python."""

from html import escape

from django import template
from django.template.base import render_value_in_context
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

_BLOCK = '<div class="d-flex gap-2 align-items-start px-3 py-2">'
_LINK = (
    '<a href="{}" class="list-group-item-action d-flex gap-2 align-items-start px-3 py-2 '
    'text-decoration-none text-body">'
)


def _html(value) -> str:
    """What format_html does to each of its arguments (conditional_escape), without its lazy-string
    wrapper: the HTML of a safe string, else the text escaped."""
    html = getattr(value, "__html__", None)
    return html() if html is not None else escape(str(value))


def _late(context) -> str:
    """« En retard : » in its <strong>, translated once per drawing of the panel (its render context):
    the language does not change while a template draws."""
    late = context.render_context.get(_late)
    if late is None:
        late = context.render_context[_late] = f"<strong>{_html(_('En retard :'))}</strong> "
    return late


def _in_all(context) -> str:
    """« en tout », translated once per drawing of the page (its render context), as `_late`."""
    words = context.render_context.get(_in_all)
    if words is None:
        words = context.render_context[_in_all] = render_value_in_context(_("en tout"), context)
    return words


@register.simple_tag(takes_context=True, name="home_panels")
def home_panels_html(context, panels):
    """`{% home_panels panels %}`: the panels of a home page (core.home.Panel), numbered from 1, each as
    the template core/home/_panel.html drew it through one `{% include %}` per panel (issue 18: the
    includes were a sixth of the social worker's page); the template is kept as
    tests/core/home_panel_reference.html, which tests/core/test_home_rows.py compares with this
    drawing. Each value goes through render_value_in_context, as `{{ }}` renders it (localized,
    escaped)."""
    return mark_safe("".join(_panel_html(context, panel, n) for n, panel in enumerate(panels, 1)))  # noqa: S308  # nosec B308 B703


def _panel_html(context, panel, n) -> str:
    def text(value):
        return render_value_in_context(value, context)

    number = text(n)
    total = ""
    if panel.total:
        total = (
            ' <span class="badge text-bg-secondary fs-6 fw-normal"><span class="visually-hidden">(</span>'
            f'{text(panel.total)}<span class="visually-hidden"> {_in_all(context)})</span></span>'
        )
    action = ""
    if panel.action_url:
        action = (
            f'<p><a class="btn btn-primary btn-sm" href="{text(panel.action_url)}">'
            f"{text(panel.action_label)}</a></p>"
        )
    more = panel.more
    if panel.rows:
        more_label = f'<p class="small text-secondary mb-2">{text(panel.more_label)}</p>' if more else ""
        body = (
            f'\n    <ul class="list-group mb-2">\n      {home_rows(context, panel.rows)}\n    </ul>\n'
            f"    {more_label}\n    "
        )
    else:
        body = f'\n    <p class="mb-2 fst-italic">{text(panel.empty)}</p>\n    '
    link = ""
    if panel.link_url:
        link = (
            f'<p class="mb-0"><a href="{text(panel.link_url)}">{text(panel.link_label)}'
            f"{f' ({text(panel.total)})' if more else ''}</a></p>"
        )
    return (
        f'\n<section class="col-lg-6 prc-panel" aria-labelledby="panel-{number}">\n'
        '  <div class="card"><div class="card-body">\n'
        f'    <h2 id="panel-{number}" class="d-flex flex-wrap align-items-baseline gap-2">{text(panel.title)}'
        f"{total}</h2>\n"
        f'    <p class="text-secondary">{text(panel.description)}</p>\n'
        f"    {action}\n"
        f"    {body}\n"
        f"    {link}\n"
        "  </div></div>\n"
        "</section>\n"
    )


@register.simple_tag(takes_context=True)
def home_rows(context, rows):
    """`{% home_rows panel.rows %}`: the rows of a home panel (core/home.html), each drawn by
    home_row with its household named by the namer the household app registers (core.home.
    household_namer: its household_name tag, which applies the visibility rules). One tag for the
    list rather than two per row and the loop's (issue 18: a twentieth of the page's calls)."""
    from parcours.core.home import name_household

    drawn = [
        home_row(context, row, "" if row.household is None else name_household(context, row.household))
        for row in rows
    ]
    return mark_safe("".join(drawn))  # noqa: S308  (each row is home_row's safe HTML)  # nosec B308 B703


@register.simple_tag(takes_context=True)
def home_row(context, row, name=""):
    """`{% household_name row.household as name %}{% home_row row name %}`: one row of a home panel
    (core/home.html): its link, its badge, what it names (the household as household_name draws
    it for this user, else the row's label), why it is on the list (« En retard : » first when late)
    and its figure. Drawn in Python rather than by the template's conditions and lookups (issue 18: the
    social worker's panels drew in 3.8 ms, 3.4 ms so, measured in-process on the bench data), each value
    escaped as format_html escaped it but without its wrappers (a sixth of the page's Python calls
    went to format_html's). The kernel does not know households: the template gives the name already
    drawn."""
    url = row.url
    parts = [_LINK.format(_html(url)) if url else _BLOCK, "\n  "]
    if row.badge:
        parts.append(f'<span class="badge text-bg-dark mt-1">{_html(row.badge)}</span>')
    named = _html(name if row.household is not None else row.label)
    emphasis = " text-primary text-decoration-underline" if url else ""
    parts.append(
        f'\n  <span class="flex-grow-1 text-break">\n    <span class="d-block fw-semibold{emphasis}">'
        f"{named}</span>\n    "
    )
    if row.reason:
        if row.late:
            parts.append(f'<span class="d-block small text-danger-emphasis">{_late(context)}')
        else:
            parts.append('<span class="d-block small text-body-secondary">')
        parts.append(f"{_html(row.reason)}</span>")
    parts.append("\n  </span>\n  ")
    if row.value != "":
        parts.append(f'<span class="fw-bold fs-5 text-end">{_html(row.value)}</span>')
    parts.append("\n</a>" if url else "\n</div>")
    # Each value above is escaped (_html); the rest is this function's own markup.
    return mark_safe(f'<li class="list-group-item p-0 prc-home-row">{"".join(parts)}\n</li>')  # noqa: S308  # nosec B308 B703
