"""The home panels' rows are drawn by home_tags.home_row with each value escaped as format_html escaped
it, without its wrappers (issue 18): the same HTML as the format_html drawing it replaced, for every
kind of row (a link or a block, a badge, a household's name or a label, a reason late or not, a figure),
escaped once, in French and in English."""

import pytest
from django.template import Context
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import override

from parcours.core.home import Row
from parcours.core.templatetags.home_tags import home_row

_BLOCK = '<div class="d-flex gap-2 align-items-start px-3 py-2">'
_NAMED = '\n  <span class="flex-grow-1 text-break">\n    <span class="d-block fw-semibold{}">{}</span>\n    '
_LINK = (
    '<a href="{}" class="list-group-item-action d-flex gap-2 align-items-start px-3 py-2 '
    'text-decoration-none text-body">'
)


def reference_row(row, name=""):
    """The drawing home_row replaced, through format_html (kept here as the reference)."""
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
    return mark_safe(f'<li class="list-group-item p-0 prc-home-row">{"".join(parts)}\n</li>')  # noqa: S308


HOUSEHOLD = object()  # a household: the name drawn by household_name is given beside the row

ROWS = [
    (Row(url="/menages/12/?a=1&b=<2>", household=HOUSEHOLD, reason="consentement « A & B »"), "Awa D."),
    (
        Row(url="/menages/12/", household=HOUSEHOLD, reason="en retard", late=True),
        mark_safe('<span class="household-name">Awa D.</span>'),  # noqa: S308
    ),
    (Row(url="/alerte/3/", label="Foyer <Les Lilas> — ch. 12", badge="P1 & <b>", late=True), ""),
    (Row(url="", label="Nuitées", value=12), ""),
    (Row(url="", label="Zéro", value=0, reason="<i>rien</i>", late=True), ""),
    (Row(url="", label=mark_safe("<em>déjà sûr</em>"), value="3 & 4"), ""),  # noqa: S308
    (Row(url="/x/", household=HOUSEHOLD, reason=mark_safe("<b>sûr</b>")), "Ménage n° 7 <no>"),  # noqa: S308
    (Row(url="/x/"), ""),
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(("row", "name"), ROWS)
def test_a_home_row_is_drawn_as_format_html_drew_it(language, row, name):
    with override(language):
        context = Context()
        drawn = home_row(context, row, name)
        assert drawn == reference_row(row, name)
        assert home_row(context, row, name) == drawn  # the words kept for the drawing: the same
        assert hasattr(drawn, "__html__")


OLD_LOOP = (
    "{% load visibility_tags home_tags %}"
    "{% for row in rows %}{% household_name row.household as name %}{% home_row row name %}{% endfor %}"
)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_panel_s_rows_are_drawn_as_the_template_s_loop_drew_them(role_network, language):
    """`{% home_rows %}` names each row's household as `{% household_name %}` does (the namer the
    household app registers in core.home), for a reader who may read the names and one who may not:
    the same HTML as the loop of two tags per row it replaced."""
    from django.template import Template
    from django.test import RequestFactory

    from parcours.accounts.roles import Role
    from tests.factories import make_household

    net = role_network
    named = make_household(organization=net.association, people=[("<Awa>", "Diallo", None)])
    other = make_household(organization=net.partner, people=[("Paul", "Martin", None)])
    rows = [
        Row(url="/menages/1/", household=named, reason="consentement", late=True),
        Row(url="/alerte/2/", label="Foyer <Les Lilas>", badge="P1"),
        Row(url="/menages/3/", household=other, reason="à voir"),
        Row(url="", label="Nuitées", value=3),
        Row(url="/menages/1/", household=named),
    ]
    for user in (net.users[Role.SOCIAL_WORKER], net.users[Role.OBSERVER]):
        request = RequestFactory().get("/")
        request.user = user
        with override(language):
            old = Template(OLD_LOOP).render(Context({"request": request, "rows": rows}))
            new = Template("{% load home_tags %}{% home_rows rows %}").render(
                Context({"request": request, "rows": rows})
            )
        assert new == old
        assert ("&lt;Awa&gt; D." in new) is (user == net.users[Role.SOCIAL_WORKER])


def _panels(net):
    from parcours.core.home import Panel
    from tests.factories import make_household

    named = make_household(organization=net.association, people=[("Awa", "Diallo", None)])
    rows = [Row(url="/menages/1/", household=named, reason="consentement", late=True), Row(url="", label="x")]
    many = [Row(url=f"/menages/{n}/", label=f"n° {n}") for n in range(25)]
    return [
        Panel("Mes <ménages>", "« & »", rows=rows, total=2, link_url="/menages/", link_label="Tous"),
        Panel("Vide", "Rien", empty="Aucune <alerte>", link_url="/a/?x=1&y=2", link_label="Toutes"),
        Panel("Plein", "Beaucoup", rows=many, total=1234, action_url="/new/?a=1&b=2", action_label="Créer"),
        Panel("Sans lien", "Court", rows=rows[1:], action_url="/go/", action_label="Aller <vite>"),
        Panel("Tout", "Tout", rows=many[:3], total=40, empty="jamais", link_url="/l/", link_label="Liste"),
        Panel("Nul", "", rows=[], total=0),
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_panels_are_drawn_as_the_included_template_drew_them(role_network, language, settings):
    """`{% home_panels %}` draws each panel as core/home/_panel.html did through one `{% include %}` per
    panel (kept as tests/core/home_panel_reference.html): a total or none, an action, rows with more
    to see or not, an empty list, a link, values to escape; with the figures' thousands separator too."""
    from pathlib import Path

    from django.template import Template
    from django.test import RequestFactory

    from parcours.accounts.roles import Role

    reference = Template((Path(__file__).parent / "home_panel_reference.html").read_text())
    panels = _panels(role_network)
    request = RequestFactory().get("/")
    request.user = role_network.users[Role.SOCIAL_WORKER]
    for separator in (False, True):
        settings.USE_THOUSAND_SEPARATOR = separator
        with override(language):
            old = "".join(
                reference.render(Context({"request": request, "panel": panel, "n": n}))
                for n, panel in enumerate(panels, 1)
            )
            new = Template("{% load home_tags %}{% home_panels panels %}").render(
                Context({"request": request, "panels": panels})
            )
        assert new == old
