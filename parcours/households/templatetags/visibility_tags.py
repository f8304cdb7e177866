"""Templates ask households.visibility whether the user may read a field, rather than deciding."""

from django import template

from parcours.households import visibility

register = template.Library()


def _readable(context, user, household):
    """`record → visibility.readable_fields(user, record, household)`, each answer kept while this
    template draws: a row of a list names its household and asks for two or three of its fields, each
    time through the same rules. The memo lives in the template's render context (one per template
    drawn, an `{% include %}` has its own), so nothing outlives the drawing: no write happens in it."""
    memo = context.render_context.get(_readable)
    if memo is None:
        memo = context.render_context[_readable] = {}

    def readable(record):
        key = (id(household), record, user.pk)
        known = memo.get(key)
        if known is None or known[0] is not household:
            # The household is kept with its answer, so that its id() cannot be reused meanwhile.
            known = memo[key] = (household, visibility.readable_fields(user, record, household))
        return known[1]

    return readable


@register.simple_tag(takes_context=True)
def may_read(context, household, field, record="household"):
    """`{% may_read household "situation" as shown %}`: may the page's user read this field?"""
    request = context.get("request")
    if request is None or household is None:
        return False
    return field in _readable(context, request.user, household)(record)


@register.simple_tag(takes_context=True)
def household_name(context, household, link=None):
    """`{% household_name household %}`: « Awa D. · F + 2 enfants » where the page's user may read the
    names (households.display), otherwise « Ménage n° 2073 » with the reason the name is hidden."""
    from django.utils.html import format_html

    from parcours.households.display import household_label, remembered_label

    request = context.get("request")
    if household is None:
        return ""
    if request is None:
        return str(household)
    label = remembered_label(request, request.user, household) or household_label(
        request.user, household, _readable(context, request.user, household)
    )
    if label.name:
        if label.composition:
            return format_html(
                '<span class="household-name">{}</span> <span class="text-body-secondary">· {}</span>',
                label.name,
                label.composition,
            )
        return format_html('<span class="household-name">{}</span>', label.name)
    if label.hidden_reason:
        return format_html(
            '{} <span class="text-body-secondary small">({})</span>', label.number, label.hidden_reason
        )
    return label.number


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
