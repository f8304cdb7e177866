"""Reads of households that depend on who asks (design §5), in SQL, consistent with perms.access()."""

import calendar
import contextlib
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from parcours.accounts.roles import OrganizationType, Role
from parcours.core.text import fold

from .links import linked_to


def months_after(day: date, months: int) -> date:
    """The same day `months` later (earlier if negative), or that month's last day when it has no
    such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def consent_last_day(starts_on: date) -> date:
    """The last day a consent starting on `starts_on` may open anything, whatever end date it was
    given: PARCOURS_CONSENT_MAX_MONTHS after its start. Consents written in bulk (the demo, imports)
    never met the limit of consent_record, so the reads hold it too."""
    return months_after(starts_on, settings.PARCOURS_CONSENT_MAX_MONTHS)


def _earliest_start_active_on(on: date) -> date:
    """The earliest start of a consent still within its maximum duration on `on`: the inverse of
    consent_last_day (non-decreasing), exact at the ends of short months."""
    start = months_after(on, -settings.PARCOURS_CONSENT_MAX_MONTHS)
    while start > date.min and consent_last_day(start - timedelta(days=1)) >= on:
        start -= timedelta(days=1)
    while consent_last_day(start) < on:
        start += timedelta(days=1)
    return start


def label_prefetch(path: str = "") -> list:
    """What naming a household on a list reads (households.display.household_label: its people, and its
    consents for the visibility rules), for `prefetch_related` from a record that points to it
    (`label_prefetch("household__")`): two queries for the whole list instead of two per row, into
    the lists `Household.members` and `all_consents` read (models.with_people, issue 18)."""
    from .models import with_people

    return with_people(path.removesuffix("__"), consents=True)


def mark_linked(households, organization_id: int) -> None:
    """Tell each household (already read) whether a proposal or an admission links it to the
    organization, in one query for the whole list: the visibility rules of a facility or a landlord
    (perms.access) then read it instead of asking once per household."""
    from .models import Household

    households = [h for h in households if h is not None]
    linked = set(
        Household.objects.filter(pk__in=[h.pk for h in households])
        .filter(linked_to(organization_id))
        .values_list("pk", flat=True)
    )
    for household in households:
        household.linked_organizations = {
            **getattr(household, "linked_organizations", {}),
            organization_id: household.pk in linked,
        }


class ConsentQuerySet(models.QuerySet):
    def active(self, on=None):
        """Not revoked, begun, not past its end date nor its maximum duration (Consent.is_active_on)."""
        on = on or timezone.localdate()
        return self.filter(
            revoked_at__isnull=True,
            starts_on__lte=on,
            ends_on__gte=on,
            starts_on__gte=_earliest_start_active_on(on),
        )


# HouseholdQuerySet._consented_to's expressions, by (organization id, day, maximum duration): they
# name no one; the table is emptied when full (the past days' expressions are never asked again).
_CONSENTED_TO: dict[tuple, Exists] = {}
# HouseholdQuerySet._not_protected_or_named's EXISTS on the users named on a file, by user id.
_NAMED_ON: dict[int, Exists] = {}


class HouseholdQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True, merged_into__isnull=True)

    def _consented_to(self, organization_id):
        """EXISTS an active consent naming the organization: the expression is a template that each
        query resolves into its own copy, so one is built per organization and day (issue 18:
        building its queryset was a third of visible_to's cost, at every page that opens a file)."""
        from .models import Consent

        # The maximum duration too: the expression holds the earliest start it allows.
        key = (organization_id, timezone.localdate(), settings.PARCOURS_CONSENT_MAX_MONTHS)
        found = _CONSENTED_TO.get(key)
        if found is None:
            if len(_CONSENTED_TO) >= 256:
                _CONSENTED_TO.clear()
            found = _CONSENTED_TO[key] = Exists(
                Consent.objects.active(on=key[1]).filter(
                    household=OuterRef("pk"), organization_id=organization_id
                )
            )
        return found

    def visible_to(self, user, *, for_search: bool = False, include_merged: bool = False):
        """Households the user's active membership may open (full file or shared sheet).

        With `for_search`, protected households are left out unless the user is named on them:
        a search must not reveal that a protected file exists. The conditions are given to a single
        filter() (each call clones and resolves the whole query again: issue 18).
        """
        membership = getattr(user, "active_membership", None) if user.is_authenticated else None
        if membership is None:
            return self.none()
        org = membership.organization
        role = membership.role
        q = Q(pk__in=[])
        if role == Role.SOCIAL_WORKER:
            q |= Q(referent_organization_id=org.pk) | Q(referent_id=user.pk)
            q |= Q(self._consented_to(org.pk))
        elif (
            role in (Role.CALL_HANDLER, Role.SIAO_COORDINATOR) and org.type == OrganizationType.SIAO_OPERATOR
        ):
            q |= Q(territory_id=org.territory_id)
        elif role in (Role.FACILITY_MANAGER, Role.LANDLORD):
            q |= Q(self._consented_to(org.pk)) & linked_to(org.pk)
        else:
            return self.none()
        alive = (
            Q(deleted_at__isnull=True)
            if include_merged
            else Q(deleted_at__isnull=True, merged_into__isnull=True)
        )
        conditions = [alive, q]
        if for_search:
            conditions.append(self._not_protected_or_named(user))
        return self.filter(*conditions)

    def visibility_key(self, user, *, for_search: bool = False, include_merged: bool = False):
        """All that `visible_to(user, …)` depends on, for a lookup whose SQL is compiled once per key
        (core.lookup.get_visible_or_404's `compiled_as`, issue 18): the branch of the rule and its
        values — the organization, the user (referent, named on a protected file), the day and the
        consents' maximum duration that decide which consents are active. None (no compiled SQL) for
        whoever sees nothing. Any change to `visible_to` changes this too (tests/households/
        test_visibility_key.py compares both for every role)."""
        membership = getattr(user, "active_membership", None) if user.is_authenticated else None
        if membership is None:
            return None
        org, role = membership.organization, membership.role
        consents = (timezone.localdate(), settings.PARCOURS_CONSENT_MAX_MONTHS)
        if role == Role.SOCIAL_WORKER:
            rule = ("referent_or_consent", org.pk, user.pk, *consents)
        elif (
            role in (Role.CALL_HANDLER, Role.SIAO_COORDINATOR) and org.type == OrganizationType.SIAO_OPERATOR
        ):
            rule = ("territory", org.territory_id)
        elif role in (Role.FACILITY_MANAGER, Role.LANDLORD):
            rule = ("consent_and_link", org.pk, *consents)
        else:
            return None
        return (rule, include_merged, ("named", user.pk) if for_search else None)

    def _not_protected_or_named(self, user) -> Q:
        """Not protected, or the user is its referent or named on it. The EXISTS on the named users is
        a template too, one per user id (it holds nothing but that id; issue 18: a third of the cost
        of listable_by, at every list and search)."""
        named = _NAMED_ON.get(user.pk)
        if named is None:
            if len(_NAMED_ON) >= 1024:
                _NAMED_ON.clear()
            viewers = self.model.protected_viewers.through.objects
            named = _NAMED_ON[user.pk] = Exists(viewers.filter(household_id=OuterRef("pk"), user_id=user.pk))
        return Q(protected=False) | Q(referent_id=user.pk) | Q(named)

    def listable_by(self, user):
        """Households the user may find in any list, count, search, suggestion or duplicate check:
        those visible to them, without the protected files they are not named on (rule 6: a list
        must not reveal that a protected file exists). Every list of households goes through here;
        opening a file by its id stays `visible_to` (the 115 and the SIAO reach it from their work)."""
        return self.visible_to(user, for_search=True)

    def search(self, text: str):
        """Households with one person matching all that was typed (names, birth date or year)."""
        ids = self.search_ids(text)
        return self.none() if ids is None else self.filter(pk__any_of=ids)

    def search_ids(self, text: str) -> list[int] | None:
        """The ids of the households `search` filters on, sorted (None when nothing was typed that
        can be searched): a page whose SQL is compiled once takes them as one parameter."""
        terms = parse_search(text)
        if terms.empty:
            return None
        if connection.vendor == "postgresql":
            return _search_ids_sql(terms)
        from .models import Household

        # Two short steps rather than one nested query: the best-matching people first (a bounded
        # list, from the trigram or birth-date index), then their households.
        ids = set(people_matching(terms).values_list("household_id", flat=True)[:SEARCH_CANDIDATES])
        # A merged file's people still lead to the file it was merged into. The ids are filtered on as
        # one array (core.sql_lookups): the count and the page compile them again each.
        ids |= set(
            Household.objects.filter(pk__any_of=sorted(ids), merged_into__isnull=False).values_list(
                "merged_into_id", flat=True
            )
        )
        return sorted(ids)

    def duplicates_of(self, members):
        """Files that may be the same household: a person with the same folded last name and the same
        birth date or first name (members: dicts with first_name, last_name, birth_date)."""
        from .models import Person

        q = Q(pk__in=[])
        for m in members:
            last = fold(m["last_name"])
            if not last:
                continue
            same = Q(search_text__endswith=f" {last}") | Q(search_text__contains=f" {last} ")
            alike = Q(search_text__startswith=f"{fold(m['first_name'])} ")
            if m.get("birth_date"):
                alike |= Q(birth_date=m["birth_date"])
            q |= same & alike
        return self.filter(pk__in=Person.objects.filter(q).values("household_id"))


# At most this many people are considered for one search: a name alone that matches more asks
# for a second word or a date (the page says so).
SEARCH_CANDIDATES = 500

_DATE_PATTERNS = (
    re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"),  # 03/07/1984
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),  # 1984-07-03
)


@dataclass(frozen=True)
class SearchTerms:
    words: tuple[str, ...]
    dates: tuple[date, ...]
    years: tuple[int, ...]

    @property
    def empty(self) -> bool:
        return not (self.words or self.dates or self.years)


def parse_search(text: str) -> SearchTerms:
    """Split what was typed into name words (folded), full birth dates and birth years."""
    words, dates, years = [], [], []
    for raw in (text or "").split():
        for n, pattern in enumerate(_DATE_PATTERNS):
            match = pattern.match(raw)
            if match:
                parts = [int(g) for g in match.groups()]
                day, month, year = (
                    (parts[0], parts[1], parts[2]) if n == 0 else (parts[2], parts[1], parts[0])
                )
                with contextlib.suppress(ValueError):
                    dates.append(date(year, month, day))
                break
        else:
            if re.fullmatch(r"(19|20)\d{2}", raw):
                years.append(int(raw))
            else:
                words.extend(w for w in fold(raw).split() if len(w) >= 2)
    return SearchTerms(tuple(words), tuple(dates), tuple(years))


_HAS_WORDS = "string_to_array(search_text, ' ') @> %s::text[]"


def people_matching(terms: SearchTerms):
    """People matching every term, best first.

    On PostgreSQL a word that some name contains exactly is looked up exactly (GIN index on the
    words of the folded names); a word that no name contains is taken for a typo and matched by
    trigram strict word similarity (threshold in the connection options). Elsewhere (SQLite) each
    word is matched as a substring.
    """
    from .models import Person

    # No default ordering: it would join every match to its household only to sort them.
    qs = Person.objects.order_by()
    for d in terms.dates:
        qs = qs.filter(birth_date=d)
    for year in terms.years:
        qs = qs.filter(birth_date__gte=date(year, 1, 1), birth_date__lte=date(year, 12, 31))
    if not terms.words:
        return qs
    if connection.vendor != "postgresql":
        for word in terms.words:
            qs = qs.filter(search_text__contains=word)
        return qs
    known = _known_words(terms.words)
    if known:
        qs = qs.extra(where=[_HAS_WORDS], params=[known])  # noqa: S610 (constant SQL, words as parameters)  # nosec B610
    typos = [w for w in terms.words if w not in known]
    if not typos:
        return qs
    from django.contrib.postgres.search import TrigramStrictWordSimilarity

    # Strict word similarity compares whole words: "benoir" finds "benoit", while a short first
    # name does not sweep in every longer name that starts like it.
    for word in typos:
        qs = qs.filter(search_text__trigram_strict_word_similar=word)
    score = sum(TrigramStrictWordSimilarity(word, "search_text") for word in typos)
    return qs.annotate(score=score).order_by("-score", "pk")


def _known_words(words) -> list[str]:
    """The words (in their order) that some person's folded name holds exactly, in one statement for
    all of them (PostgreSQL; issue 18: one `.exists()` per word built and compiled a query each, 1.5 %
    of the app's CPU under load). A word typed twice is listed twice, as before."""
    if not words:
        return []
    from .models import Person

    table = connection.ops.quote_name(Person._meta.db_table)
    sql = (
        "SELECT w FROM unnest(%s::text[]) AS w WHERE EXISTS "  # noqa: S608  # nosec B608
        f"(SELECT 1 FROM {table} WHERE string_to_array(search_text, ' ') @> ARRAY[w])"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [sorted(set(words))])
        found = {row[0] for row in cursor.fetchall()}
    return [w for w in words if w in found]


# The SQL of `_search_ids_sql`, per shape of the terms (number of dates and years, whether a word is
# known, number of typos): SQL text only, never a word, a date or a row.
_SEARCH_SQL: dict[tuple, str] = {}


def _search_sql(dates: int, years: int, known: bool, typos: int) -> str:
    """What `people_matching(terms).values_list("household_id")[:SEARCH_CANDIDATES]` compiles to, then
    the files those people's files were merged into, in one statement: the parameters are the dates,
    each year's first and last day, the known words (one array), the typos (each twice when they are
    also scored: filter first, then the score)."""
    from .models import Household, Person

    quote = connection.ops.quote_name
    person, household = quote(Person._meta.db_table), quote(Household._meta.db_table)
    birth = f"{person}.{quote('birth_date')}"
    where = [f"{birth} = %s"] * dates + [f"{birth} >= %s AND {birth} <= %s"] * years
    if known:
        where.append(f"({_HAS_WORDS})")
    where += [f"{person}.{quote('search_text')} %%>> %s"] * typos
    order = ""
    if typos:
        score = " + ".join(["0"] + [f"STRICT_WORD_SIMILARITY(%s, {person}.{quote('search_text')})"] * typos)
        order = f" ORDER BY ({score}) DESC, {person}.{quote('id')} ASC"
    condition = f" WHERE ({' AND '.join(where)})" if where else ""
    return (
        f"WITH found AS (SELECT {person}.{quote('household_id')} AS id FROM {person}"  # noqa: S608  # nosec B608
        f"{condition}{order} LIMIT {SEARCH_CANDIDATES}) "
        "SELECT id FROM found UNION "
        f"SELECT {quote('merged_into_id')} FROM {household} "
        f"WHERE {quote('merged_into_id')} IS NOT NULL AND {quote('id')} IN (SELECT id FROM found) "
        "ORDER BY 1"
    )


def search_statement(terms: SearchTerms) -> tuple[tuple, str, list]:
    """The ids of `HouseholdQuerySet.search_ids` on PostgreSQL as one statement: (its shape, its SQL,
    its parameters), the known words found first in one statement. The SQL is the same for every
    search of the same shape (the 115 call page compiles its results' query once per shape around
    it); the words and dates are parameters, never part of it."""
    known = _known_words(terms.words)
    typos = [w for w in terms.words if w not in known]
    shape = (len(terms.dates), len(terms.years), bool(known), len(typos))
    sql = _SEARCH_SQL.get(shape)
    if sql is None:
        if len(_SEARCH_SQL) >= 256:
            _SEARCH_SQL.clear()
        sql = _SEARCH_SQL[shape] = _search_sql(*shape)
    params: list = [*terms.dates]
    for year in terms.years:
        params += [date(year, 1, 1), date(year, 12, 31)]
    if known:
        params.append(known)
    params += typos
    if typos:
        params += typos
    return shape, sql, params


def _search_ids_sql(terms: SearchTerms) -> list[int]:
    """`HouseholdQuerySet.search_ids` on PostgreSQL: two statements whose SQL is built once per shape
    of the terms (issue 18: the ORM built, compiled and ran one query per word, the people's query,
    then the merged files' query with the people's ids as a parameter, at every search)."""
    _shape, sql, params = search_statement(terms)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
