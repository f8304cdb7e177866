"""Reads of households that depend on who asks (design §5), in SQL, consistent with perms.access()."""

import contextlib
import re
from dataclasses import dataclass
from datetime import date

from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from parcours.accounts.roles import OrganizationType, Role
from parcours.core.text import fold

from .links import linked_to


class ConsentQuerySet(models.QuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(revoked_at__isnull=True, starts_on__lte=on, ends_on__gte=on)


class HouseholdQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True, merged_into__isnull=True)

    def _consented_to(self, organization_id):
        from .models import Consent

        return Exists(
            Consent.objects.active().filter(household=OuterRef("pk"), organization_id=organization_id)
        )

    def visible_to(self, user, *, for_search: bool = False, include_merged: bool = False):
        """Households the user's active membership may open (full file or shared sheet).

        With `for_search`, protected households are left out unless the user is named on them:
        a search must not reveal that a protected file exists.
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
        qs = self.filter(deleted_at__isnull=True) if include_merged else self.alive()
        qs = qs.filter(q)
        if for_search:
            qs = qs.filter(Q(protected=False) | Q(referent_id=user.pk) | Q(protected_viewers=user)).distinct()
        return qs

    def search(self, text: str):
        """Households with one person matching all that was typed (names, birth date or year)."""
        terms = parse_search(text)
        if terms.empty:
            return self.none()
        from .models import Household

        ids = people_matching(terms).values("household_id")
        # A merged file's people still lead to the file it was merged into.
        kept = Household.objects.filter(pk__in=ids, merged_into__isnull=False).values("merged_into_id")
        return self.filter(Q(pk__in=ids) | Q(pk__in=kept))

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


def people_matching(terms: SearchTerms):
    """People matching every term; on PostgreSQL each name word is matched by trigram word
    similarity (typo-tolerant, GIN index), elsewhere by substring."""
    from .models import Person

    qs = Person.objects.all()
    for word in terms.words:
        if connection.vendor == "postgresql":
            qs = qs.filter(search_text__trigram_word_similar=word)
        else:
            qs = qs.filter(search_text__contains=word)
    for d in terms.dates:
        qs = qs.filter(birth_date=d)
    for year in terms.years:
        qs = qs.filter(birth_date__gte=date(year, 1, 1), birth_date__lte=date(year, 12, 31))
    return qs
