"""The 115 pages' lists drawn in Python, a row per tag (issue 18): the board's waiting list, the
households found while taking a call."""

from html import escape as _html_escape

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from parcours.emergency.services import acting_user
from parcours.households.display import household_label, remembered_label
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


def _escape(value) -> str:
    """What format_html does to each of its arguments (conditional_escape), without its lazy-string
    wrapper: the HTML of a safe string, else the text escaped. The rows of a call's search draw a
    dozen values each; format_html's wrappers were half of their drawing (issue 18)."""
    html = getattr(value, "__html__", None)
    return html() if html is not None else _html_escape(str(value))


def _label_html(label) -> str:
    """A households.display label in HTML, as visibility_tags' `{% household_name %}` draws it (the
    name and the composition, else the number and why the name is hidden, else the number)."""
    if label.name:
        if label.composition:
            return (
                f'<span class="household-name">{_escape(label.name)}</span> '
                f'<span class="text-body-secondary">· {_escape(label.composition)}</span>'
            )
        return f'<span class="household-name">{_escape(label.name)}</span>'
    if label.hidden_reason:
        return (
            f'{_escape(label.number)} <span class="text-body-secondary small">'
            f"({_escape(label.hidden_reason)})</span>"
        )
    return _escape(label.number)


def _call_drawing(context, request):
    """What every row of one drawing of the call page shares: the signed-in user itself (not the
    request's lazy proxies, through which each of the rules' dozen reads of it went) and « Choisir »
    translated. Kept in the template's render context: nothing outlives the drawing."""
    shared = context.render_context.get(_call_drawing)
    if shared is None or shared[0] is not request:
        user = acting_user(request.user)
        shared = context.render_context[_call_drawing] = (request, user, _escape(_("Choisir")))
    return shared[1], shared[2]


@register.simple_tag(takes_context=True)
def call_result_row(context, household):
    """`{% call_result_row household %}`: a household found while taking a call (emergency/call.html),
    the same HTML its template drew: « Choisir » and the name linking to the call with this household,
    then its members' names (with their birth year) as far as the user may read them. The rules are
    asked once per record of the row; the name is the label households.display gives this user (as
    `{% household_name %}` draws it), the row written with plain escaping rather than format_html
    (tests/emergency/test_call_speed.py compares both, byte for byte)."""
    request = context.get("request")
    members = ""
    if request is None:
        name, choose = _escape(str(household)), _escape(_("Choisir"))
    else:
        user, choose = _call_drawing(context, request)
        readable = _readable(context, user, household)
        name = _label_html(
            remembered_label(request, user, household) or household_label(user, household, readable)
        )
        person_fields = readable("person")
        if "first_name" in person_fields:
            years = "birth_date" in person_fields
            members = " — " + ", ".join(
                f"{_escape(p.first_name)} {_escape(p.last_name)}"
                # What the date filter's « Y » gives (four digits), without its lookups.
                + (f" ({p.birth_date.year:04d})" if years and p.birth_date else "")
                for p in household.members
            )
    return mark_safe(  # noqa: S308  (each value escaped by _escape)  # nosec B308 B703
        f'<li><a href="?household={_escape(household.pk)}">{choose} {name}</a>{members}</li>'
    )
