"""The places board: emergency units free on a night, filtered by household size, composition and
territory. The free units are read at every refresh in one aggregate (`rows_of`), and what is drawn
from them is cached under them (`cached_cards`: each facility's card, the summary), so several call
handlers see the same board and a booking redraws one card; the filter fields follow the offer's
part of `places_version`. The SQL of the reads made at every refresh is compiled once per process
and arguments: `rows_of` for rows, `instances_of` for model instances (the waiting list)."""

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from parcours.core.cache import cached, timeout
from parcours.core.compiled import rows_of
from parcours.offers.choices import EMERGENCY_KINDS, AcceptedHousehold, AcceptedSex
from parcours.offers.models import Facility, Unit

from .models import NightAllocation, PlacesDeclaration


def free_base(*, night: date, territory_id: int | None):
    """Active units of active emergency facilities, offered to the 115 that night (no declaration for
    the facility, or a declaration naming the unit) and not booked.

    The night's bookings are excluded by `NOT IN` a list read once (PostgreSQL hashes it: one pass
    over the night's booked rows, then a probe per unit), not by a correlated `NOT EXISTS`: without
    statistics on these tables (as in the load test) PostgreSQL planned the latter as a nested loop
    reading every booked row of the night again for each unit: 2.0–2.9 ms of execution per read with
    87 bookings tonight, growing with them, against 0.4–0.5 ms (issue 18). `unit_id` is never NULL, so
    both say the same; with statistics both take 0.25 ms."""
    declared = PlacesDeclaration.objects.filter(facility_id=OuterRef("facility_id"), night=night)
    declared_unit = PlacesDeclaration.units.through.objects.filter(
        unit_id=OuterRef("pk"), placesdeclaration__night=night
    )
    booked = NightAllocation.objects.filter(night=night, status="booked").values("unit_id")
    units = Unit.objects.filter(active=True, facility__active=True, facility__kind__in=EMERGENCY_KINDS)
    if territory_id is not None:
        units = units.filter(facility__territory_id=territory_id)
    return units.filter(~Exists(declared) | Exists(declared_unit)).filter(~Q(pk__in=booked))


def free_units(
    *,
    night: date,
    territory_id: int | None = None,
    persons: int = 1,
    children: int = 0,
    women_only: bool = False,
):
    """Free units (see `free_base`) big enough and open to this composition. Smallest units first,
    so that a family room is not given to one person."""
    units = free_base(night=night, territory_id=territory_id).filter(capacity__gte=persons)
    if children > 0:
        units = units.filter(
            facility__accepted_household__in=[AcceptedHousehold.ANY, AcceptedHousehold.FAMILY]
        )
    elif persons == 1:
        units = units.filter(
            facility__accepted_household__in=[AcceptedHousehold.ANY, AcceptedHousehold.SINGLE]
        )
    else:
        units = units.filter(facility__accepted_household=AcceptedHousehold.ANY)
    if women_only:
        units = units.filter(facility__accepted_sex__in=[AcceptedSex.ANY, AcceptedSex.FEMALE])
    elif persons == 1 and children == 0:
        units = units.filter(facility__accepted_sex__in=[AcceptedSex.ANY, AcceptedSex.MALE])
    else:
        units = units.filter(facility__accepted_sex=AcceptedSex.ANY)
    return units.select_related("facility__commune").order_by("capacity", "facility__name", "label", "pk")


# The publics of the board's filter: who a facility takes, as its badges say (offers.Facility).
PUBLIC_FILTERS = {
    "women": Q(facility__accepted_sex__in=[AcceptedSex.ANY, AcceptedSex.FEMALE])
    & ~Q(facility__accepted_household=AcceptedHousehold.FAMILY),
    "men": Q(facility__accepted_sex__in=[AcceptedSex.ANY, AcceptedSex.MALE])
    & ~Q(facility__accepted_household=AcceptedHousehold.FAMILY),
    "families": ~Q(facility__accepted_household=AcceptedHousehold.SINGLE),
    "couples": Q(facility__couples_accepted=True),
}


def filtered_units(
    units, *, public: str = "", commune_id: int | None = None, pets: bool = False, wheelchair: bool = False
):
    """Narrow free units to what the call handler looks for: a public, a commune, pets, a wheelchair."""
    if public in PUBLIC_FILTERS:
        units = units.filter(PUBLIC_FILTERS[public])
    if commune_id:
        units = units.filter(facility__commune_id=commune_id)
    if pets:
        units = units.filter(facility__pets_accepted=True)
    if wheelchair:
        units = units.filter(facility__wheelchair_accessible=True)
    return units


@dataclass
class FacilityCard:
    """One facility on the board with tonight's free units: what a call handler says on the phone."""

    facility: object
    units: list = field(default_factory=list)

    @property
    def places(self) -> int:
        return sum(u.capacity for u in self.units)

    @property
    def sizes(self) -> list[tuple[int, int]]:
        """(capacity, how many free units of it), smallest first: « 3 × 1 place, 1 × 4 places »."""
        return sorted(Counter(u.capacity for u in self.units).items())


@dataclass(frozen=True)
class CardFigures:
    """What a page's context keeps of a card once it is rendered: its facility, places and sizes."""

    facility_id: int
    places: int
    sizes: tuple
    name: str = ""
    version: int = 0

    @classmethod
    def of(cls, card: FacilityCard) -> "CardFigures":
        return cls(facility_id=card.facility.pk, places=card.places, sizes=tuple(card.sizes))


def by_facility(units, *, smallest_first: bool = False) -> list[FacilityCard]:
    """Group free units by facility (one card each), in the units' order within a card. The board
    puts the facilities with most free places first; a request's page (`smallest_first`) those whose
    smallest fitting unit is smallest, so that a family room is not given to one person."""
    cards: dict[int, FacilityCard] = {}
    for unit in units:
        cards.setdefault(unit.facility_id, FacilityCard(facility=unit.facility)).units.append(unit)
    if smallest_first:
        return sorted(cards.values(), key=lambda c: (min(u.capacity for u in c.units), c.facility.name))
    return sorted(cards.values(), key=lambda c: (-c.places, c.facility.name))


# The summary line: how many free places each public could be given (a place open to everyone counts
# for each); a family or a couple needs a unit of two places or more.
PUBLIC_SUMMARY = {
    "women": (gettext_lazy("pour des femmes"), PUBLIC_FILTERS["women"]),
    "men": (gettext_lazy("pour des hommes"), PUBLIC_FILTERS["men"]),
    "families": (gettext_lazy("pour des familles"), PUBLIC_FILTERS["families"] & Q(capacity__gte=2)),
    "couples": (gettext_lazy("pour des couples"), PUBLIC_FILTERS["couples"] & Q(capacity__gte=2)),
}


def free_by_public(*, night: date, territory_id: int) -> list[dict]:
    """Tonight's free places each public could be given: the board's « 205 places libres : 150 pour
    des femmes, 120 pour des hommes, 60 pour des familles, 20 pour des couples »."""

    def sums():
        # The département's one group: an aggregate as rows, so that rows_of keeps its SQL.
        return (
            free_base(night=night, territory_id=territory_id)
            .order_by()
            .values("facility__territory_id")
            .annotate(**{key: Sum("capacity", filter=cond) for key, (_label, cond) in PUBLIC_SUMMARY.items()})
            .values_list(*PUBLIC_SUMMARY)
        )

    rows = rows_of(("by_public", night, territory_id), sums)
    totals = rows[0] if rows else [0] * len(PUBLIC_SUMMARY)
    return [
        {"group": key, "label": label, "places": places or 0}
        for (key, (label, _c)), places in zip(PUBLIC_SUMMARY.items(), totals, strict=True)
    ]


# The waiting list's words, per language: translated once per process and language rather than four
# times per row (issue 18). gettext's answer for a message and a language never changes while the
# process runs (Django loads each catalogue once); the counts are the few sizes of a household.
_WORDS: dict = {}


def _words() -> dict:
    language = get_language()
    words = _WORDS.get(language)
    if words is None:
        words = _WORDS[language] = {
            "minutes": _("depuis %(m)d min"),
            "hours": _("depuis %(h)d h %(m)02d"),
            "called": _("appel à %(t)s"),
        }
    return words


def waited(since: datetime, now: datetime, words: dict | None = None) -> str:
    """« depuis 2 h 10 », « depuis 35 min »: how long a caller has been waiting."""
    words = words or _words()
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return words["minutes"] % {"m": minutes}
    return words["hours"] % {"h": minutes // 60, "m": minutes % 60}


def _persons_label(words: dict, persons: int, children: int) -> str:
    """« 3 personnes dont 2 enfants », once per language and composition."""
    key = ("persons", persons, children)
    label = words.get(key)
    if label is None:
        label = ngettext("%(n)s personne", "%(n)s personnes", persons) % {"n": persons}
        if children:
            label += " " + ngettext("dont %(n)s enfant", "dont %(n)s enfants", children) % {"n": children}
        if len(words) < 512:
            words[key] = label
    return label


def waiting_lines(req, now: datetime, words: dict | None = None, tz=None) -> None:
    """What the board's waiting list says of a caller besides the name, put on `req` (`called_at`
    annotated): « appel à 21:40 », « depuis 35 min », « 3 personnes dont 2 enfants ». The template's
    own messages (the same msgids), built here once per row rather than by three blocktranslate
    tags per row, their translations looked up once per language (`_words`, issue 18: the 50 rows'
    lines cost 2.0 ms of CPU, 7,200 Python calls). `words` and `tz` (the current time zone), when
    given, are those of the whole list (`waiting_lines_of`)."""
    words = words or _words()
    req.waited = waited(req.called_at, now, words)
    # « H:i » (time_format's own string, not a locale's format) is strftime's %H:%M, without
    # time_format's lookups of formats and localization at every row.
    req.called_label = words["called"] % {"t": timezone.localtime(req.called_at, tz).strftime("%H:%M")}
    req.persons_label = _persons_label(words, req.persons, req.children)


def waiting_lines_of(requests, now: datetime) -> None:
    """`waiting_lines` for each request of the board's list, the words and the time zone looked up
    once for the list rather than at each row (issue 18)."""
    words, tz = _words(), timezone.get_current_timezone()
    for req in requests:
        waiting_lines(req, now, words, tz)


def free_summary(*, night: date, territory_id: int) -> list[dict]:
    """Free units and places tonight per kind of emergency offer (for the home panel and the board)."""
    rows = rows_of(
        ("summary", night, territory_id),
        lambda: (
            free_base(night=night, territory_id=territory_id)
            .values("facility__kind")
            .annotate(units=Count("pk"), places=Sum("capacity"))
            .order_by("facility__kind")
            .values_list("facility__kind", "units", "places")
        ),
    )
    return [{"kind": kind, "units": units, "places": places or 0} for kind, units, places in rows]


def card_rows(units):
    """The free `units` as the board's cards need them: one row per facility and size, no model
    instance (`free_card_figures`)."""
    return (
        units.order_by()
        .values_list("facility_id", "facility__name", "facility__version", "capacity")
        .annotate(count=Count("pk"))
    )


def free_card_figures(rows) -> list[CardFigures]:
    """The board's cards as figures, from `card_rows`: most free places first, then by name. What a
    card shows besides them is its facility's, known by the facility's version (`cached_cards`)."""
    grouped: dict[int, dict] = {}
    for facility_id, name, version, capacity, count in rows:
        card = grouped.setdefault(facility_id, {"name": name, "version": version, "sizes": []})
        card["sizes"].append((capacity, count))
    cards = [
        CardFigures(
            facility_id=pk,
            places=sum(capacity * count for capacity, count in card["sizes"]),
            sizes=tuple(sorted(card["sizes"])),
            name=card["name"],
            version=card["version"],
        )
        for pk, card in grouped.items()
    ]
    return sorted(cards, key=lambda c: (-c.places, c.name, c.facility_id))


@dataclass(frozen=True)
class FreeUnit:
    """What a request's page shows of a free unit: its label and size."""

    pk: int
    label: str
    capacity: int


@dataclass(frozen=True)
class GroupFigures:
    """A facility's free units fitting a request, as a request's page lists them (`free_groups`)."""

    facility_id: int
    name: str
    version: int
    units: tuple


def group_rows(units):
    """The free `units` fitting a request as a request's page needs them: plain rows (`free_groups`)."""
    return units.values_list("facility_id", "facility__name", "facility__version", "pk", "label", "capacity")


def free_groups(rows) -> list[GroupFigures]:
    """The free units of `group_rows` grouped by facility, in `free_units`' order within a group;
    the facilities whose smallest unit is smallest first, so that a family room is not given to one
    person (as `by_facility(smallest_first=True)`)."""
    grouped: dict[int, tuple] = {}
    for facility_id, name, version, pk, label, capacity in rows:
        grouped.setdefault(facility_id, (name, version, []))[2].append(FreeUnit(pk, label, capacity))
    groups = [GroupFigures(pk, name, version, tuple(found)) for pk, (name, version, found) in grouped.items()]
    return sorted(groups, key=lambda g: (min(u.capacity for u in g.units), g.name, g.facility_id))


def cached_cards(kind: str, cards: list, key_of, render_missing) -> list[str]:
    """Each card's HTML (a board's facility, a request's group of places; or any value drawn from
    the offer alone) from the cache, one entry per card rather than per page (issue 18): a booking
    changes one facility's free units, so one card is rendered again, not the whole list.
    `key_of(card)` must hold everything the value depends on (the facility's version, its free
    units, who sees the door code) — never a named person; `render_missing(cards)` renders those
    not found, in their order."""
    language = get_language()
    digests = (hashlib.sha256(repr((key_of(card), language)).encode()).hexdigest() for card in cards)
    keys = [f"parcours:{kind}:{digest}" for digest in digests]
    found = cache.get_many(keys) if keys else {}
    missing = [i for i, key in enumerate(keys) if key not in found]
    if missing:
        rendered = render_missing([cards[i] for i in missing])
        fresh = {keys[i]: html for i, html in zip(missing, rendered, strict=True)}
        cache.set_many(fresh, timeout())
        found.update(fresh)
    return [found[key] for key in keys]


def facilities_of(ids) -> dict:
    """The facilities of the cards to render, with what their cards show (the commune's postcodes)."""
    return Facility.objects.select_related("commune").in_bulk(ids)


# Columns of `places_version` that depend on the offer alone (the emergency facilities and units):
# what does not change with bookings and declarations (the board's filter fields).
OFFER_COLUMNS = 4


def places_version(night: date) -> tuple:
    """What the free places of `night` depend on, read in one query, for a cache key (issue 18): the
    nights booked that night (every row counted, the booked ones and the last id: a booking only ever
    adds a row, an end only ever turns a booked row into an ended one, so any change moves one of them;
    the last id also tells a booking rolled back then another one made apart),
    the facilities' declarations for that night and the units they name (rows and ids: a declaration
    replaced drops some rows and adds new ids), and the emergency facilities and their units (rows and
    the sum of their versions, which every edit through offers.services increases: the last
    `OFFER_COLUMNS`, for what depends on the offer only). Every département's at once: a change
    anywhere gives every board a new key, never a stale one."""
    allocation = NightAllocation._meta.db_table
    declaration = PlacesDeclaration._meta.db_table
    declared = PlacesDeclaration.units.through._meta.db_table
    facility = Facility._meta.db_table
    unit = Unit._meta.db_table
    kinds = ", ".join(["%s"] * len(EMERGENCY_KINDS))
    day = connection.ops.adapt_datefield_value(night)
    booked = "SUM(CASE WHEN status = %s THEN 1 ELSE 0 END)"
    # Table names from the models, values as parameters.
    sql = (
        "SELECT * FROM"  # noqa: S608  # nosec B608
        f" (SELECT COUNT(*), {booked}, MAX(id) FROM {allocation} WHERE night = %s) a,"
        f" (SELECT COUNT(*), SUM(id), MAX(declared_at) FROM {declaration} WHERE night = %s) d,"
        f" (SELECT COUNT(*), SUM(du.id) FROM {declared} du JOIN {declaration} d2"
        " ON d2.id = du.placesdeclaration_id WHERE d2.night = %s) du,"
        f" (SELECT COUNT(*), SUM(version) FROM {facility} WHERE kind IN ({kinds})) f,"
        f" (SELECT COUNT(*), SUM(u.version) FROM {unit} u JOIN {facility} f2 ON f2.id = u.facility_id"
        f" WHERE f2.kind IN ({kinds})) u"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ["booked", day, day, day, *EMERGENCY_KINDS, *EMERGENCY_KINDS])
        return tuple(str(v) for v in cursor.fetchone())


def cached_places(night: date, key: tuple, compute, version: tuple | None = None):
    """`compute()`'s answer about the places of `night`, shared by every call handler asking the same
    (`key`: département, filters, language…), kept while `places_version` is unchanged. Only the offer
    goes here (facilities, units, counts), never a named person."""
    version = places_version(night) if version is None else version
    digest = hashlib.sha256(repr((night, key, get_language(), version)).encode()).hexdigest()
    return cached("emergency_places", digest, compute)
