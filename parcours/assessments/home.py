"""The social worker's next steps from the shared assessment (households.home registry)."""

import datetime as dt

from django.utils.translation import gettext as _

from parcours.core.compiled import rows_of
from parcours.core.home import day, pk_url
from parcours.households.home import CONSENT_WARNING_DAYS, Step, among, next_step
from parcours.households.querysets import months_after

# A household's first shared assessment is due this many days after its file is opened; an assessment
# is to be brought up to date this many months after its last version.
FIRST_ASSESSMENT_DAYS = 30
# Past this many days after the opening of the file, a missing first assessment has no date any more.
FIRST_ASSESSMENT_WINDOW_DAYS = 90
REFRESH_MONTHS = 12


@next_step
def assessment_due(user, households, today):
    """A first assessment to do, or the last one to bring up to date, on each of the user's households.
    The link is reversed and the undated step's words translated once per call, not once per household
    (issue 18: a twentieth of the home page's Python)."""
    from django.db.models import Max
    from django.utils import timezone

    if not households:
        return  # no query: the ORM's empty `any_of` matches nothing
    limit = today + dt.timedelta(days=CONSENT_WARNING_DAYS)
    first_window = today - dt.timedelta(days=FIRST_ASSESSMENT_WINDOW_DAYS)
    url = pk_url("assessments:index")
    to_do = _("aucune évaluation partagée : à faire")
    # Compiled once per process for every user and day (core.compiled): the SQL holds nothing but the ids.
    found = rows_of(
        ("home.assessment_due",),
        lambda ids: (
            among(ids).annotate(last=Max("assessments__created_at")).values_list("pk", "created_at", "last")
        ),
        ids=households,
    )
    # The time zone is asked once, not twice per household (its thread-local lookup was a third of
    # this loop for a referent of 300 households); astimezone is what timezone.localtime does.
    zone = timezone.get_current_timezone()
    for pk, created_at, last in found:
        if last is None:
            opened = created_at.astimezone(zone).date()
            due = opened + dt.timedelta(days=FIRST_ASSESSMENT_DAYS)
            if opened >= first_window:
                reason = (
                    _("première évaluation partagée à faire avant le %(d)s")
                    if due >= today
                    else _("première évaluation partagée attendue depuis le %(d)s")
                ) % {"d": day(due)}
                yield Step(household_id=pk, due=due, reason=reason, url=url(pk), late=due < today)
            else:
                # An older file without one: to do, after the steps that have a date.
                yield Step(household_id=pk, due=limit, reason=to_do, url=url(pk))
            continue
        due = months_after(last.astimezone(zone).date(), REFRESH_MONTHS)
        if due <= limit:
            yield Step(
                household_id=pk,
                due=due,
                reason=_("évaluation partagée du %(last)s à actualiser") % {"last": day(last)},
                url=url(pk),
                late=due < today,
            )
