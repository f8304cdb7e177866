"""The 115 pages' lists drawn in Python, a row per tag (issue 18): the board's waiting list, the
households found while taking a call."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from parcours.households.templatetags.visibility_tags import _name_html, _readable, reverse_in_drawing

register = template.Library()


# The badge's colour per priority (the other priorities: grey).
_BADGE = {"P1": "text-bg-danger", "P2": "text-bg-warning"}


def _request_url(context, pk) -> str:
    return reverse_in_drawing(context, "emergency:request", pk)


def _caller_html(context, req):
    """Who called: the household's name as `{% household_name %}` draws it for the page's user, else
    the name the caller gave (« sans dossier »), else « Appelant·e anonyme »."""
    household = req.household
    if household is not None:
        request = context.get("request")
        if request is None:
            return str(household)
        return _name_html(request, household, _readable(context, request.user, household))
    if req.caller_name:
        return format_html(
            '{} <span class="text-body-secondary small">({})</span>', req.caller_name, _("sans dossier")
        )
    return _("Appelant·e anonyme")


@register.simple_tag(takes_context=True)
def waiting_row(context, req):
    """`{% waiting_row req %}`: a row of the board's waiting list (emergency/_board.html), the same
    HTML its template drew: the priority's badge, who called linking to the request, then the call's
    time, the wait and the persons (board.waiting_lines put them on `req`). Fifty rows drawn by tags,
    lookups and a `{% url %}` each made a fifth of the board's CPU."""
    priority = req.priority
    return format_html(
        '<li class="list-group-item" data-request="{}">\n'
        '          <div class="d-flex gap-2 align-items-baseline">\n'
        '            <span class="badge prc-priority-{} {}" title="{}">{}</span>\n'
        '            <a id="req-{}" class="fw-semibold" href="{}">{}</a>\n'
        "          </div>\n"
        '          <div class="small">\n'
        "            {} · <strong data-waited>{}</strong> ·\n"
        "            {}{}\n"
        "          </div>\n"
        "        </li>",
        req.pk,
        str(priority).lower(),
        _BADGE.get(priority, "text-bg-secondary"),
        req.get_priority_display(),
        priority,
        req.pk,
        _request_url(context, req.pk),
        _caller_html(context, req),
        req.called_label,
        req.waited,
        req.persons_label,
        format_html(" · {}", _("femme seule ou avec enfants")) if req.women_only else "",
    )


@register.simple_tag(takes_context=True)
def call_result_row(context, household):
    """`{% call_result_row household %}`: a household found while taking a call (emergency/call.html),
    the same HTML its template drew: « Choisir » and the name linking to the call with this household,
    then its members' names (with their birth year) as far as the user may read them. The rules are
    asked once per record of the row."""
    request = context.get("request")
    members = ""
    if request is None:
        name = str(household)
    else:
        readable = _readable(context, request.user, household)
        name = _name_html(request, household, readable)
        person_fields = readable("person")
        if "first_name" in person_fields:
            years = "birth_date" in person_fields
            members = format_html(
                " — {}",
                format_html_join(
                    ", ",
                    "{} {}{}",
                    (
                        (
                            p.first_name,
                            p.last_name,
                            # What the date filter's « Y » gives (four digits), without its lookups.
                            f" ({p.birth_date.year:04d})" if years and p.birth_date else "",
                        )
                        for p in household.members
                    ),
                ),
            )
    return format_html(
        '<li><a href="?household={}">{} {}</a>{}</li>', household.pk, _("Choisir"), name, members
    )
