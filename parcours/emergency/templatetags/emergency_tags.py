"""The 115 pages' lists drawn in Python, a row per tag (issue 18): the board's waiting list, the
households found while taking a call."""

from html import escape

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from parcours.households.templatetags.visibility_tags import _name_html, _readable, reverse_in_drawing

register = template.Library()


# The badge's colour per priority (the other priorities: grey).
_BADGE = {"P1": "text-bg-danger", "P2": "text-bg-warning"}


def _row_constants(context) -> dict:
    """What every waiting row of one drawing shares, translated and escaped once per drawing (the
    language does not change while a template draws): the words of a caller without a file, of an
    anonymous one, of a woman alone, and each priority's badge (filled in as priorities are met).
    Kept in the drawing's render context, as reverse_in_drawing keeps the URL's path."""
    constants = context.render_context.get(_row_constants)
    if constants is None:
        constants = context.render_context[_row_constants] = {
            "no_file": escape(_("sans dossier")),
            "anonymous": escape(_("Appelant·e anonyme")),
            "women_only": f" · {escape(_('femme seule ou avec enfants'))}",
            "badges": {},
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
    user, else the name the caller gave (« sans dossier »), else « Appelant·e anonyme »."""
    household = req.household
    if household is not None:
        request = context.get("request")
        if request is None:
            return escape(str(household))
        # _name_html's safe HTML as it is, its bare number (a household without members) escaped.
        return conditional_escape(_name_html(request, household, _readable(context, request.user, household)))
    if req.caller_name:
        no_file = constants["no_file"]
        return f'{escape(req.caller_name)} <span class="text-body-secondary small">({no_file})</span>'
    return constants["anonymous"]


@register.simple_tag(takes_context=True)
def waiting_row(context, req):
    """`{% waiting_row req %}`: a row of the board's waiting list (emergency/_board.html), the same
    HTML its template drew: the priority's badge, who called linking to the request, then the call's
    time, the wait and the persons (board.waiting_lines put them on `req`). Fifty rows drawn by tags,
    lookups and a `{% url %}` each made a fifth of the board's CPU. Each piece is escaped once as a
    plain string (html.escape, which django.utils.html.escape calls), the words and badges that
    rows share are translated and escaped once per drawing (`_row_constants`): format_html's
    conditional_escape of a dozen pieces a row was most of the row's own CPU (issue 18)."""
    constants = _row_constants(context)
    pk = int(req.pk)
    url = escape(reverse_in_drawing(context, "emergency:request", pk))
    caller = _caller_html(context, req, constants)
    women_only = constants["women_only"] if req.women_only else ""
    # Each value above is escaped (or _name_html's safe HTML); the rest is this function's markup.
    return mark_safe(  # noqa: S308  # nosec B308 B703
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
