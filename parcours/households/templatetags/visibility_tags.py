"""Templates ask households.visibility whether the user may read a field, rather than deciding."""

from html import escape

from django import template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from parcours.households import visibility

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
    from parcours.households.display import LabelWords

    words = context.render_context.get(_words)
    if words is None:
        words = context.render_context[_words] = LabelWords()
    return words


def _name_html(request, household, readable, words=None):
    """The household's name as households.display gives it to this user, in HTML (see household_name):
    `label_html`'s safe HTML, the bare number (a household without members) as text, as before.
    `words`: those of the drawing (`_words`), else found for this label."""
    from parcours.households.display import household_label, remembered_label

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


def _nothing(record):
    return frozenset()


_SOME_PK = 918273645


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
        some = reverse(viewname, args=[_SOME_PK])
        around = context.render_context[key] = some.split(str(_SOME_PK))
    return around


def _detail_url(context, pk):
    return reverse_in_drawing(context, "households:detail", pk)


@register.simple_tag(takes_context=True)
def household_row(context, household):
    """`{% household_row household %}`: a row of households/_table.html, drawn in Python (a list draws
    25 of them, and the template's tags, lookups and translation block made half of the list's CPU):
    the name as household_name draws it, linking to the file, « protégé » for a protected household,
    the head's birth date and the current situation where the user may read them (may_read), else « — »,
    the département and the file's number. The rules are asked once per record of the row."""
    request = context.get("request")
    if request is None:
        readable, name = _nothing, str(household)
    else:
        readable = _readable(context, request.user, household)
        name = _name_html(request, household, readable)
    birth = situation = "—"
    if "birth_date" in readable("person"):
        head = household.head
        if head is not None and head.birth_date:
            birth = date_filter(head.birth_date, "j F Y")
    if "situation" in readable("household"):
        current = household.current_situation
        situation = (current.get_situation_display() if current is not None else "") or "—"
    return format_html(
        '<tr>\n      <td><a href="{}">{}</a>{}</td>\n      <td>{}</td>\n      <td>{}</td>\n'
        '      <td>{}</td>\n      <td class="text-secondary">{}</td>\n    </tr>',
        _detail_url(context, household.pk),
        name,
        format_html(' <span class="badge text-bg-warning">{}</span>', _("protégé"))
        if household.protected
        else "",
        birth,
        situation,
        household.territory.code,
        _("n° %(n)s") % {"n": household.pk},
    )


@register.simple_tag(takes_context=True)
def household_text(context, household):
    """`{% household_text household %}`: the same name as plain text, for an attribute. Not for a
    <title>: that is `household_ref`."""
    from parcours.households.display import household_label

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
    from parcours.households.display import household_number

    return household_number(household) if household is not None else ""
