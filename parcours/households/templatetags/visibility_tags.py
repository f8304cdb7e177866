"""Templates ask households.visibility whether the user may read a field, rather than deciding."""

from django import template

from parcours.households import visibility

register = template.Library()


@register.simple_tag(takes_context=True)
def may_read(context, household, field, record="household"):
    """`{% may_read household "situation" as shown %}`: may the page's user read this field?"""
    request = context.get("request")
    if request is None or household is None:
        return False
    return visibility.may_read(request.user, record, field, household)
