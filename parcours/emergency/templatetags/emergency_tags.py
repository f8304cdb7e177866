"""The 115 pages' lists drawn in Python, a row per tag (issue 18): the board's waiting list, the
households found while taking a call."""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from parcours.accounts.access import acting_user
from parcours.households.display import LabelWords, household_label, remembered_label
from parcours.households.templatetags.visibility_tags import (
    _escape,
    _readable,
    label_html,
    path_around,
    reverse_in_drawing,
)
from parcours.households.visibility import readable_fields_by_record

register = template.Library()


# The badge's colour per priority (the other priorities: grey).
_BADGE = {"P1": "text-bg-danger", "P2": "text-bg-warning"}


def _row_constants(context) -> dict:
    """What every waiting row of one drawing shares, found once per drawing (the language, the
    request, its user and the day do not change while a template draws): the words of a caller
    without a file, of an anonymous one, of a woman alone, each priority's badge (filled in as
    priorities are met), the page's request and the signed-in user itself (not the request's lazy
    proxies, through which each of the rules' reads of it went), and the words of the households'
    labels (display.LabelWords: « Ménage n° », today for the children's ages, « 2 enfants »),
    rather than gettext and the current time zone asked at every row.
    Kept in the drawing's render context, as reverse_in_drawing keeps the URL's path: nothing
    outlives the drawing."""
    constants = context.render_context.get(_row_constants)
    request = context.get("request")
    if constants is None or constants["request"] is not request:
        constants = context.render_context[_row_constants] = {
            "no_file": escape(_("sans dossier")),
            "anonymous": escape(_("Appelant·e anonyme")),
            "women_only": f" · {escape(_('femme seule ou avec enfants'))}",
            "badges": {},
            "request": request,
            "user": acting_user(request.user) if request is not None else None,
            "words": LabelWords(),
            # The request's path around its number, escaped once (an escaped number is itself).
            "url": [escape(part) for part in path_around(context, "emergency:request")],
        }
    return constants


def _badge_html(constants: dict, req) -> str:
    """The priority's badge: its colour, its label as a title, its code."""
    priority = req.priority
    badge = constants["badges"].get(priority)
    if badge is None:
        badge = constants["badges"][priority] = (
            f'<span class="badge prc-priority-{escape(str(priority).lower())}'
            f' {escape(_BADGE.get(priority, "text-bg-secondary"))}"'
            f' title="{escape(req.get_priority_display())}">{escape(priority)}</span>'
        )
    return badge


def _caller_html(context, req, constants: dict) -> str:
    """Who called, in HTML: the household's name as `{% household_name %}` draws it for the page's
    user (visibility_tags.label_html of the same label), else the name the caller gave (« sans
    dossier »), else « Appelant·e anonyme »."""
    household = req.household
    if household is not None:
        request = constants["request"]
        if request is None:
            return escape(str(household))
        user = constants["user"]
        label = remembered_label(request, user, household) or household_label(
            user, household, _readable(context, user, household), words=constants["words"]
        )
        return label_html(label)
    if req.caller_name:
        no_file = constants["no_file"]
        return f'{escape(req.caller_name)} <span class="text-body-secondary small">({no_file})</span>'
    return constants["anonymous"]


def _waiting_row(context, constants: dict, req) -> str:
    """A waiting row's HTML (see `waiting_row`)."""
    pk = int(req.pk)
    around = constants["url"]
    if len(around) == 2:
        url = f"{around[0]}{pk}{around[1]}"
    else:
        url = escape(reverse_in_drawing(context, "emergency:request", pk))
    caller = _caller_html(context, req, constants)
    women_only = constants["women_only"] if req.women_only else ""
    # Each value above is escaped (or label_html's HTML); the rest is this function's markup.
    return (
        f'<li class="list-group-item" data-request="{pk}">\n'
        '          <div class="d-flex gap-2 align-items-baseline">\n'
        f"            {_badge_html(constants, req)}\n"
        f'            <a id="req-{pk}" class="fw-semibold" href="{url}">{caller}</a>\n'
        "          </div>\n"
        '          <div class="small">\n'
        f"            {escape(req.called_label)} · <strong data-waited>{escape(req.waited)}</strong> ·\n"
        f"            {escape(req.persons_label)}{women_only}\n"
        "          </div>\n"
        "        </li>"
    )


@register.simple_tag(takes_context=True)
def waiting_row(context, req):
    """`{% waiting_row req %}`: a row of the board's waiting list, the same HTML its template drew:
    the priority's badge, who called linking to the request, then the call's time, the wait and the
    persons (board.waiting_lines put them on `req`). Fifty rows drawn by tags, lookups and a
    `{% url %}` each made a fifth of the board's CPU. Each piece is escaped once as a plain string
    (html.escape, which django.utils.html.escape calls), the words and badges that rows share are
    translated and escaped once per drawing (`_row_constants`): format_html's conditional_escape of
    a dozen pieces a row was most of the row's own CPU (issue 18)."""
    return mark_safe(_waiting_row(context, _row_constants(context), req))  # noqa: S308  # nosec B308 B703


@register.simple_tag(takes_context=True)
def waiting_rows(context, requests):
    """`{% waiting_rows waiting %}`: the board's waiting list (emergency/_board.html), each row as
    `waiting_row` draws it, between the line breaks and indents that the template's
    `{% for %}{% waiting_row %}` loop wrote around each: one tag for the list rather than the loop's
    context, lookups and tag per row (issue 18)."""
    constants = _row_constants(context)
    rows = "".join(f"\n        {_waiting_row(context, constants, req)}\n      " for req in requests)
    return mark_safe(rows)  # noqa: S308  (each row's values escaped by _waiting_row)  # nosec B308 B703


def _call_drawing(context, request):
    """What every row of one drawing of the call page shares: the signed-in user itself (not the
    request's lazy proxies, through which each of the rules' dozen reads of it went), « Choisir »
    translated and the words of the households' labels (display.LabelWords). Kept in the template's
    render context: nothing outlives the drawing."""
    shared = context.render_context.get(_call_drawing)
    if shared is None or shared[0] is not request:
        user = acting_user(request.user)
        shared = context.render_context[_call_drawing] = (
            request,
            user,
            _escape(_("Choisir")),
            LabelWords(),
        )
    return shared[1:]


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
        user, choose, words = _call_drawing(context, request)
        # The rules asked once for both records of this household (the row's label and its members),
        # as visibility_tags._readable's memo answered them, without the memo: no other tag of the
        # list asks about this household.
        fields = readable_fields_by_record(user, household)
        name = label_html(
            remembered_label(request, user, household)
            or household_label(user, household, fields.__getitem__, words=words)
        )
        person_fields = fields["person"]
        if "first_name" in person_fields:
            years = "birth_date" in person_fields
            # Escaped once for the whole list of names: html.escape replaces characters one by one,
            # and what joins the names (« , », « ␣ », « (1990) ») escapes to itself.
            members = " — " + escape(
                ", ".join(
                    f"{p.first_name} {p.last_name}"
                    # What the date filter's « Y » gives (four digits), without its lookups.
                    + (f" ({p.birth_date.year:04d})" if years and p.birth_date else "")
                    for p in household.members
                )
            )
    pk = household.pk
    # A number's HTML is its digits.
    pk_html = str(pk) if type(pk) is int else _escape(pk)
    return mark_safe(  # noqa: S308  (each value escaped by _escape or escape)  # nosec B308 B703
        f'<li><a href="?household={pk_html}">{choose} {name}</a>{members}</li>'
    )
