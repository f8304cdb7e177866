"""Templates ask households.visibility whether the user may read a field, rather than deciding."""

from html import escape

from django import template
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from parcours.accounts.access import acting_user
from parcours.core.templatetags.compiled_urls import path_parts
from parcours.households import visibility
from parcours.households.display import LabelWords, household_label, household_number, remembered_label

register = template.Library()


def _readable(context, user, household):
    """`record → visibility.readable_fields(user, record, household)`, the answers for every record
    asked once per household while this template draws (visibility.readable_fields_by_record): a row
    of a list names its household and asks for two or three of its fields, of two records, each time
    through the same rules. The memo lives in the template's render context (one per template drawn,
    an `{% include %}` has its own), so nothing outlives the drawing: no write happens in it."""
    memo = context.render_context.get(_readable)
    if memo is None:
        memo = context.render_context[_readable] = {}
    key = (id(household), user.pk)

    def readable(record):
        # Asked on the first record only: a label trace_named remembered asks nothing.
        known = memo.get(key)
        if known is None or known[0] is not household:
            # The household is kept with its answers, so that its id() cannot be reused meanwhile.
            known = memo[key] = (household, visibility.readable_fields_by_record(user, household))
        return known[1][record]

    return readable


@register.simple_tag(takes_context=True)
def may_read(context, household, field, record="household"):
    """`{% may_read household "situation" as shown %}`: may the page's user read this field?"""
    request = context.get("request")
    if request is None or household is None:
        return False
    return field in _readable(context, request.user, household)(record)


def _escape(value) -> str:
    """What format_html does to each of its arguments (conditional_escape), without its lazy-string
    wrapper: the HTML of a safe string, else the text escaped."""
    html = getattr(value, "__html__", None)
    return html() if html is not None else escape(str(value))


def label_html(label) -> str:
    """A households.display label in HTML, as `{% household_name %}` draws it: the name and the
    composition, else the number and why the name is hidden, else the number. Each piece escaped as
    format_html escaped it, written without its wrappers (issue 18: the 115 board draws fifty, the
    call's search a page of them). The one drawing of a label: `_name_html`, the waiting rows and the
    rows of a call's search (emergency_tags) all use it."""
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


def _words(context):
    """The words of the labels this template draws (display.LabelWords: « Ménage n° », today for the
    children's ages, « 2 enfants »), found once per drawing rather than at each named household (issue
    18: the home page names twenty-odd). Kept in the drawing's render context: nothing outlives it."""
    words = context.render_context.get(_words)
    if words is None:
        words = context.render_context[_words] = LabelWords()
    return words


def _name_html(request, household, readable, words=None):
    """The household's name as households.display gives it to this user, in HTML (see household_name):
    `label_html`'s safe HTML, the bare number (a household without members) as text, as before.
    `words`: those of the drawing (`_words`), else found for this label."""
    label = remembered_label(request, request.user, household) or household_label(
        request.user, household, readable, words=words
    )
    if not label.name and not label.hidden_reason:
        return label.number
    return mark_safe(label_html(label))  # noqa: S308  (each piece escaped by _escape)  # nosec B308 B703


@register.simple_tag(takes_context=True)
def household_name(context, household, link=None):
    """`{% household_name household %}`: « Awa D. · F + 2 enfants » where the page's user may read the
    names (households.display), otherwise « Ménage n° 2073 » with the reason the name is hidden."""
    request = context.get("request")
    if household is None:
        return ""
    if request is None:
        return str(household)
    return _name_html(request, household, _readable(context, request.user, household), _words(context))


def reverse_in_drawing(context, viewname: str, pk) -> str:
    """`reverse(viewname, args=[pk])`, reversed once per view name and drawing of the template (the
    script prefix and the URLconf do not change while it draws): the path around a number. A row
    tag of a long list calls it per row (households' table, the 115 waiting list)."""
    around = path_around(context, viewname)
    if len(around) != 2:
        return reverse(viewname, args=[pk])
    return f"{around[0]}{int(pk)}{around[1]}"


def path_around(context, viewname: str) -> list[str]:
    """The path of `viewname` for one number, split around it (two parts; one or more when the number
    is not there once, then reverse the view for each number), once per drawing: reverse_in_drawing."""
    key = (reverse_in_drawing, viewname)
    around = context.render_context.get(key)
    if around is None:
        # Reversed once per process (compiled_urls.path_parts, as `{% url %}` is); a name that does
        # not reverse so is reversed for each number.
        around = context.render_context[key] = path_parts(viewname, 1) or [viewname]
    return around


def _detail_url(context, pk):
    return reverse_in_drawing(context, "households:detail", pk)


def _table_drawing(context) -> dict:
    """What every row of one drawing of households/_table.html shares, found once per drawing (the
    language, the request, its user and the day do not change while a template draws): the signed-in
    user itself (not the request's lazy proxies), the words of the labels (display.LabelWords), the
    file's path around its number, « protégé »'s badge and « n° », each month's name and each
    situation's label as met, all escaped once. Kept in the drawing's render context, as
    reverse_in_drawing keeps the path: nothing outlives the drawing."""
    shared = context.render_context.get(_table_drawing)
    request = context.get("request")
    if shared is None or shared["request"] is not request:
        shared = context.render_context[_table_drawing] = {
            "request": request,
            "user": acting_user(request.user) if request is not None else None,
            "words": LabelWords(),
            # The path around the number, escaped once (an escaped number is itself).
            "url": [escape(part) for part in path_around(context, "households:detail")],
            "protected": f' <span class="badge text-bg-warning">{escape(_("protégé"))}</span>',
            "number": _("n° %(n)s"),
            "months": {},
            "situations": {},
        }
    return shared


def _birth_html(shared: dict, day) -> str:
    """The date filter's « j F Y » (the day, the month's name, four digits of the year), escaped,
    the month's name translated and escaped once per drawing (django.utils.dateformat's j, F, Y)."""
    months = shared["months"]
    month = months.get(day.month)
    if month is None:
        month = months[day.month] = escape(str(MONTHS[day.month]))
    return f"{day.day} {month} {day.year:04d}"


def _situation_html(shared: dict, current) -> str:
    """The current situation's label, escaped (« — » without one), found once per value and drawing."""
    if current is None:
        return "—"
    labels = shared["situations"]
    value = current.situation
    label = labels.get(value)
    if label is None:
        label = labels[value] = escape(current.get_situation_display() or "—")
    return label


def _table_row(context, shared: dict, household) -> str:
    """A row of households/_table.html: the name as household_name draws it, linking to the file,
    « protégé » for a protected household, the head's birth date and the current situation where the
    user may read them (may_read), else « — », the département and the file's number; each value
    escaped as format_html escaped it."""
    request = shared["request"]
    birth = situation = "—"
    if request is None:
        name = escape(str(household))
    else:
        user = shared["user"]
        # The rules asked once for both records of the row (its label, its birth date and situation).
        fields = visibility.readable_fields_by_record(user, household)
        label = remembered_label(request, user, household) or household_label(
            user, household, fields.__getitem__, words=shared["words"]
        )
        name = label_html(label)
        if "birth_date" in fields["person"]:
            head = household.head
            if head is not None and head.birth_date:
                birth = _birth_html(shared, head.birth_date)
        if "situation" in fields["household"]:
            situation = _situation_html(shared, household.current_situation)
    pk = household.pk
    around = shared["url"]
    url = f"{around[0]}{int(pk)}{around[1]}" if len(around) == 2 else escape(_detail_url(context, pk))
    protected = shared["protected"] if household.protected else ""
    number = escape(shared["number"] % {"n": pk})
    return (
        f'<tr>\n      <td><a href="{url}">{name}</a>{protected}</td>\n      <td>{birth}</td>\n'
        f"      <td>{situation}</td>\n      <td>{escape(household.territory.code)}</td>\n"
        f'      <td class="text-secondary">{number}</td>\n    </tr>'
    )


@register.simple_tag(takes_context=True)
def household_rows(context, households):
    """`{% household_rows households %}`: the table's rows (`_table_row`), between the line breaks and
    indents that the template's `{% for %}` loop wrote around each, a tag per row (a list draws 25 of
    them: its tags, lookups and translation blocks made half of the list's CPU, then the tag per row
    and what each found again). One tag for the list, what the rows share found once
    (`_table_drawing`, issue 18)."""
    rows, shared = [], None
    for household in households:
        shared = shared or _table_drawing(context)  # nothing to find for an empty table
        rows.append(f"\n    {_table_row(context, shared, household)}\n  ")
    return mark_safe("".join(rows))  # noqa: S308  (each row's values escaped by _table_row)  # nosec B308 B703


@register.simple_tag(takes_context=True)
def household_text(context, household):
    """`{% household_text household %}`: the same name as plain text, for an attribute. Not for a
    <title>: that is `household_ref`."""
    request = context.get("request")
    if household is None:
        return ""
    if request is None:
        return str(household)
    return household_label(request.user, household, _readable(context, request.user, household)).text


@register.simple_tag
def household_ref(household):
    """`{% household_ref household %}`: « Ménage n° 2073 », for a page's <title>, which must name
    nobody (the tab's title goes to the history, the bookmarks and a shared screen); the page's <h1>
    keeps the name."""
    return household_number(household) if household is not None else ""
