"""The insertion requests list's rows, drawn in Python."""

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.timezone import template_localtime

from parcours.households.templatetags.visibility_tags import household_name, reverse_in_drawing

register = template.Library()


def _day(value) -> str:
    """`{{ value|date:"DATE_FORMAT"|default:"—" }}`: a datetime in local time, as the template shows it."""
    if not value:
        return "—"
    return date_filter(template_localtime(value), "DATE_FORMAT") or "—"


@register.simple_tag(takes_context=True)
def request_row(context, req):
    """`{% request_row req %}`: a row of orientation/list.html: the household named by household_name
    (the visibility rules and the memo of this drawing), linking to the request, its status, the date it
    was sent and its seniority date. Drawn in Python: the loop of the row's tags, lookups and date
    filters held a quarter of the list's profile (issue 18: 16–23 ms for 1.6 ms of floor; the page
    makes 9 % fewer Python calls so)."""
    return format_html(
        '<tr data-status="{}">\n      <td><a href="{}">{}</a></td>\n      <td>{}</td>\n'
        "      <td>{}</td>\n      <td>{}</td>\n    </tr>",
        req.status,
        reverse_in_drawing(context, "orientation:detail", req.pk),
        household_name(context, req.household),
        req.get_status_display(),
        _day(req.submitted_at),
        _day(req.seniority_date),
    )
