"""Writes of street outreach: teams, rounds, encounters (idempotent on the phone's client_id), an
encounter turned into a 115 request, and the signalements' path with the reporter told at the end.

Each write authorizes its actor first (perms, ADR 0016), runs in one transaction and ends with its
audit row. A public signalement has no actor: the public page and API are its only doors.
"""

import datetime as dt
import secrets
import uuid
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.models import Organization, User
from parcours.core import audit, outbox, workflow
from parcours.core.errors import Conflict, Invalid, require
from parcours.emergency import services as emergency_services
from parcours.emergency.choices import Fact
from parcours.emergency.models import EmergencyRequest
from parcours.emergency.nights import current_night
from parcours.territories.models import Commune

from . import perms
from .audit_actions import OutreachAction as A
from .choices import AgeBand, ApproxSex, Given, Need, Orientation, ReportStatus, TeamKind
from .models import Encounter, OutreachTeam, Round, Signalement, SignalementEvent
from .querysets import MEMBER_ROLES, team_ids

# An encounter recorded offline is sent when the phone finds the network again: a few days late at most.
MAX_REPLAY_DAYS = 14
# A signalement is about someone seen recently: older dates are a typing slip.
MAX_REPORT_AGE_DAYS = 31
REPORT_PURPOSE = "outreach.report_told"
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


def _commune(value) -> Commune:
    if isinstance(value, Commune):
        return value
    found = Commune.objects.select_related("territory").filter(code=str(value or "").strip()).first()
    if found is None:
        raise Invalid(fields={"commune": [_("Commune inconnue : donnez son code INSEE (5 caractères).")]})
    return found


def _codes(values: Iterable[str], allowed, field: str) -> list[str]:
    values = list(dict.fromkeys(values or ()))
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise Invalid(fields={field: [_("Codes inconnus : %(c)s.") % {"c": ", ".join(unknown)}]})
    return values


# -- Teams and rounds -----------------------------------------------------------------------------


@transaction.atomic
def team_create(
    *, actor: User | None, organization: Organization, name: str, kind: str = TeamKind.MARAUDE, members=()
) -> OutreachTeam:
    """A new team of `organization`; `members` are memberships of social workers of that organisation.
    `actor=None` is the operator's command (seed-demo)."""
    team = OutreachTeam(organization=organization, name=name.strip(), kind=kind)
    if actor is not None:
        require(
            perms.can_manage_team(actor, team),
            _("Seuls le SIAO et l'administration du réseau créent les équipes."),
        )
    if kind not in TeamKind.values:
        raise Invalid(fields={"kind": [_("Type d'équipe inconnu.")]})
    if not team.name:
        raise Invalid(fields={"name": [_("Donnez un nom à l'équipe.")]})
    try:
        with transaction.atomic():
            team.save()
    except IntegrityError as exc:
        raise Conflict(_("Cette organisation a déjà une équipe de ce nom.")) from exc
    _set_members(team, members)
    audit.record_write(
        actor=actor, action=A.TEAM_CREATE, obj=team, fields=["organization", "name", "kind", "members"]
    )
    return team


def _set_members(team: OutreachTeam, members) -> None:
    members = list(members)
    wrong = [m for m in members if m.organization_id != team.organization_id or m.role not in MEMBER_ROLES]
    if wrong:
        raise Invalid(
            fields={
                "members": [
                    _("Les membres d'une équipe sont des travailleur·ses sociaux·ales de son organisation.")
                ]
            }
        )
    team.members.set(members)


@transaction.atomic
def team_set_members(*, actor: User, team: OutreachTeam, members) -> OutreachTeam:
    require(
        perms.can_manage_team(actor, team),
        _("Seuls le SIAO et l'administration du réseau composent les équipes."),
    )
    _set_members(team, members)
    audit.record_write(actor=actor, action=A.TEAM_MEMBERS, obj=team, fields=["members"])
    return team


@transaction.atomic
def round_open(*, actor: User, team: OutreachTeam, date: dt.date, communes=(), vehicle: str = "") -> Round:
    """Plan a round of the team: a date, a zone (communes), a vehicle or none."""
    require(perms.can_open_round(actor, team), _("Seuls les membres de l'équipe organisent ses tournées."))
    communes = [_commune(c) for c in communes]
    if not communes:
        raise Invalid(fields={"communes": [_("Choisissez au moins une commune.")]})
    round_ = Round.objects.create(
        team=team, date=date, vehicle=(vehicle or "").strip()[:60], created_by=actor
    )
    round_.communes.set(communes)
    audit.record_write(
        actor=actor, action=A.ROUND_CREATE, obj=round_, fields=["team", "date", "communes", "vehicle"]
    )
    return round_


@transaction.atomic
def round_close(*, actor: User, round_: Round, summary: str = "") -> Round:
    """End a round with the team's summary (the figures come from its encounters)."""
    require(perms.can_manage_round(actor, round_), _("Seuls les membres de l'équipe closent ses tournées."))
    updated = Round.objects.filter(pk=round_.pk, closed_at__isnull=True).update(
        summary=(summary or "").strip()[:2000], closed_at=timezone.now(), updated_at=timezone.now()
    )
    if updated != 1:
        raise Conflict(_("Cette tournée est déjà close."))
    round_.refresh_from_db()
    audit.record_write(actor=actor, action=A.ROUND_CLOSE, obj=round_, fields=["summary", "closed_at"])
    return round_


def current_round(team: OutreachTeam, on: dt.date) -> Round | None:
    """The team's round of that day still open (the latest planned), if any."""
    return team.rounds.filter(date=on, closed_at__isnull=True).order_by("-pk").first()


def default_team(actor: User, on: dt.date | None = None) -> OutreachTeam | None:
    """The team an encounter goes to when none is named: the one with a round that day, else the first."""
    ids = team_ids(actor)
    if not ids:
        return None
    on = on or timezone.localdate()
    with_round = (
        Round.objects.filter(team_id__in=ids, date=on, closed_at__isnull=True).order_by("-pk").first()
    )
    return OutreachTeam.objects.get(pk=with_round.team_id if with_round else ids[0])


# -- Encounters ------------------------------------------------------------------------------------


def _check_encounter(
    *, met_at, persons: int, children: int, orientation: str, age_band: str, sex: str
) -> None:
    now = timezone.now()
    if met_at > now + dt.timedelta(minutes=10):
        raise Invalid(fields={"met_at": [_("La rencontre ne peut pas être dans le futur.")]})
    if met_at < now - dt.timedelta(days=MAX_REPLAY_DAYS):
        raise Invalid(
            fields={
                "met_at": [
                    _("Une rencontre s'enregistre au plus %(d)s jours après.") % {"d": MAX_REPLAY_DAYS}
                ]
            }
        )
    if not 1 <= persons <= 30:
        raise Invalid(fields={"persons": [_("De 1 à 30 personnes.")]})
    if not 0 <= children < persons:
        raise Invalid(fields={"children": [_("Une rencontre compte au moins un adulte.")]})
    if orientation not in Orientation.values:
        raise Invalid(fields={"orientation": [_("Orientation inconnue.")]})
    if age_band not in AgeBand.values:
        raise Invalid(fields={"age_band": [_("Tranche d'âge inconnue.")]})
    if sex not in ApproxSex.values:
        raise Invalid(fields={"sex": [_("Valeur inconnue.")]})


@transaction.atomic
def encounter_record(
    *,
    actor: User,
    client_id: uuid.UUID | str | None = None,
    commune,
    met_at: dt.datetime | None = None,
    place: str = "",
    household=None,
    alias: str = "",
    age_band: str = "",
    sex: str = "",
    persons: int = 1,
    children: int = 0,
    needs: Iterable[str] = (),
    given: Iterable[str] = (),
    facts: Iterable[str] = (),
    orientation: str = Orientation.NONE,
    follow_up: bool = False,
    note: str = "",
    team: OutreachTeam | None = None,
    round_: Round | None = None,
) -> tuple[Encounter, bool]:
    """Record an encounter for the actor's team; returns (encounter, created). The same `client_id`
    sent again (an offline replay, a retry, two sends at the same instant) gives back the stored
    encounter and writes nothing: the unique constraint decides, whatever the concurrency."""
    require(
        perms.can_record_encounter(actor),
        _("Seuls les membres d'une équipe d'aller-vers enregistrent des rencontres."),
    )
    try:
        client_id = uuid.UUID(str(client_id)) if client_id else uuid.uuid4()
    except ValueError as exc:
        raise Invalid(fields={"client_id": [_("Identifiant client invalide (un UUID).")]}) from exc
    existing = _replayed(actor, client_id)
    if existing is not None:
        return existing, False
    met_at = met_at or timezone.now()
    if timezone.is_naive(met_at):
        met_at = timezone.make_aware(met_at)
    # Checked first: a date far out of range is refused before any local time is computed.
    _check_encounter(
        met_at=met_at, persons=persons, children=children, orientation=orientation, age_band=age_band, sex=sex
    )
    if round_ is not None:
        team = round_.team
    team = team or default_team(actor, timezone.localdate(met_at))
    require(perms.can_record_encounter(actor, team), _("Vous n'êtes pas membre de cette équipe."))
    if household is not None:
        require(
            perms.can_link_household(actor, household),
            _("Vous ne pouvez pas ouvrir le dossier de ce ménage."),
        )
    commune = _commune(commune)
    encounter = Encounter(
        client_id=client_id,
        team=team,
        round=round_ or current_round(team, timezone.localdate(met_at)),
        met_at=met_at,
        commune=commune,
        territory_id=commune.territory_id,
        place=(place or "").strip()[:120],
        household=household,
        alias=(alias or "").strip()[:60],
        age_band=age_band,
        sex=sex,
        persons=persons,
        children=children,
        needs=_codes(needs, Need.values, "needs"),
        given=_codes(given, Given.values, "given"),
        facts=_codes(facts, Fact.values, "facts"),
        orientation=orientation,
        follow_up=bool(follow_up),
        note=(note or "").strip()[:1000],
        recorded_by=actor,
    )
    try:
        with transaction.atomic():
            encounter.save()
    except IntegrityError:
        # Sent twice at the same instant: the other copy committed first, this one is the same.
        existing = _replayed(actor, client_id)
        if existing is None:
            raise
        return existing, False
    audit.record_write(
        actor=actor,
        action=A.ENCOUNTER_RECORD,
        obj=encounter,
        fields=[
            "client_id", "team", "round", "met_at", "commune", "place", "household", "alias", "age_band",
            "sex", "persons", "children", "needs", "given", "facts", "orientation", "follow_up",
            *(["note"] if encounter.note else []),
        ],
    )  # fmt: skip
    return encounter, True


def _replayed(actor: User, client_id: uuid.UUID) -> Encounter | None:
    existing = Encounter.objects.select_related("commune", "team").filter(client_id=client_id).first()
    if existing is not None and not perms.can_view_encounter(actor, existing):
        # A client id of another team's encounter: refused without saying whose it is.
        raise Conflict(_("Cet identifiant client est déjà utilisé : générez-en un nouveau."))
    return existing


@transaction.atomic
def encounter_to_115(*, actor: User, encounter: Encounter) -> EmergencyRequest:
    """Turn the encounter into a 115 request for tonight, with its composition and vulnerability
    facts (nothing retyped), through the 115's own service; each then points to the other."""
    require(perms.can_view_encounter(actor, encounter), _("Cette rencontre n'est pas celle de votre équipe."))
    locked = (
        Encounter.objects.select_for_update(of=("self",))
        .select_related("household", "territory")
        .get(pk=encounter.pk)
    )
    if locked.emergency_request_id is not None:
        raise Conflict(
            _("Cette rencontre a déjà sa demande 115."),
            fields={"emergency_request": [str(locked.emergency_request_id)]},
        )
    require(
        perms.can_request_115(actor, locked),
        _("Votre rôle ne permet pas de faire une demande 115 pour ce ménage."),
    )
    request = emergency_services.request_create(
        actor=actor,
        night=current_night(),
        household=locked.household,
        persons=locked.persons,
        children=locked.children,
        facts=locked.facts,
        caller_name="" if locked.household_id else locked.alias,
        territory=locked.territory,
    )
    Encounter.objects.filter(pk=locked.pk).update(
        emergency_request=request, orientation=Orientation.EMERGENCY_115, updated_at=timezone.now()
    )
    encounter.refresh_from_db()
    audit.record_write(
        actor=actor, action=A.ENCOUNTER_TO_115, obj=encounter, fields=["emergency_request", "orientation"]
    )
    return request


# -- Signalements ------------------------------------------------------------------------------------


def _new_reference() -> str:
    return "S-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def _clean_contact(contact: str) -> str:
    contact = (contact or "").strip()
    if not contact:
        return ""
    if "@" in contact:
        if (
            len(contact) > 120
            or " " in contact
            or contact.startswith("@")
            or "." not in contact.split("@")[-1]
        ):
            raise Invalid(fields={"contact": [_("Cette adresse e-mail n'est pas valable.")]})
        return contact
    phone = "".join(ch for ch in contact if ch.isdigit() or ch == "+")
    if not 8 <= len(phone.lstrip("+")) <= 15:
        raise Invalid(fields={"contact": [_("Donnez un numéro de téléphone ou une adresse e-mail.")]})
    return phone


@transaction.atomic
def report_receive(
    *, commune, place: str, seen_at: dt.datetime, description: str, contact: str = ""
) -> Signalement:
    """A signalement from the public page or API (no account): stored, counted, for the SIAO to triage."""
    commune = _commune(commune)
    place = (place or "").strip()
    description = (description or "").strip()
    fields = {}
    if not place:
        fields["place"] = [_("Dites où : une rue, un lieu, un repère.")]
    if len(place) > 120:
        fields["place"] = [_("120 caractères au plus.")]
    if not description:
        fields["description"] = [_("Dites ce que vous avez vu.")]
    if len(description) > 2000:
        fields["description"] = [_("2 000 caractères au plus.")]
    if timezone.is_naive(seen_at):
        seen_at = timezone.make_aware(seen_at)
    if seen_at > timezone.now() + dt.timedelta(minutes=10):
        fields["seen_at"] = [_("La date ne peut pas être dans le futur.")]
    elif seen_at < timezone.now() - dt.timedelta(days=MAX_REPORT_AGE_DAYS):
        fields["seen_at"] = [
            _("Ce signalement est trop ancien : appelez le 115 si la personne est encore là.")
        ]
    if fields:
        raise Invalid(fields=fields)
    report = Signalement(
        commune=commune,
        territory_id=commune.territory_id,
        place=place,
        seen_at=seen_at,
        description=description,
        contact=_clean_contact(contact),
    )
    for _attempt in range(5):
        report.reference = _new_reference()
        try:
            with transaction.atomic():
                report.save()
            break
        except IntegrityError:
            report.pk = None
    else:  # pragma: no cover  (32^6 references)
        raise Conflict(_("Réessayez dans un instant."))
    workflow.created(report, actor=None)
    audit.record_write(
        actor=None,
        action=A.REPORT_RECEIVE,
        obj=report,
        fields=["commune", "place", "seen_at", "description", "contact"],
    )
    return report


def _refuse_unless_siao(actor, report) -> None:
    require(perms.can_triage_reports(actor, report), _("Le SIAO du département oriente les signalements."))


@transaction.atomic
def report_triage(
    *, actor: User, report: Signalement, team: OutreachTeam, round_: Round | None = None, note: str = ""
) -> Signalement:
    """The SIAO gives the signalement to a team (and to one of its rounds when chosen)."""
    _refuse_unless_siao(actor, report)
    if not team.active or team.organization.territory_id != report.territory_id:
        raise Invalid(fields={"team": [_("Choisissez une équipe active du département.")]})
    moved = workflow.transition(
        report, ReportStatus.TRIAGED, actor=actor, action=A.REPORT_TRIAGE, note=note, team=team
    )
    report = moved.obj
    if round_ is not None:
        report = report_assign(actor=actor, report=report, round_=round_)
    return report


@transaction.atomic
def report_assign(*, actor: User, report: Signalement, round_: Round, note: str = "") -> Signalement:
    """Put the signalement on one of its team's rounds (the SIAO, or the team itself)."""
    require(
        perms.can_triage_reports(actor, report) or perms.can_manage_round(actor, round_),
        _("Le SIAO ou l'équipe inscrit un signalement à une tournée."),
    )
    if round_.team_id != report.team_id:
        raise Invalid(
            fields={"round": [_("Choisissez une tournée de l'équipe à qui le signalement est confié.")]}
        )
    if round_.closed_at is not None:
        raise Invalid(fields={"round": [_("Cette tournée est close.")]})
    return workflow.transition(
        report, ReportStatus.ASSIGNED, actor=actor, action=A.REPORT_ASSIGN, note=note, round=round_
    ).obj


def _tell_reporter(report: Signalement, text: str) -> dict:
    """Tell the reporter, if they left a contact, then forget the contact (it served its purpose)."""
    if not report.contact:
        return {}
    if "@" in report.contact:
        outbox.send_email(
            to=[report.contact],
            subject=_("Votre signalement %(ref)s") % {"ref": report.reference},
            body=text,
            purpose=REPORT_PURPOSE,
        )
    else:
        outbox.send_sms(to=report.contact, text=text, purpose=REPORT_PURPOSE, ref=report.pk)
    return {"contact": "", "reporter_told_at": timezone.now()}


@transaction.atomic
def report_handle(
    *, actor: User, report: Signalement, note: str = "", encounter: Encounter | None = None
) -> Signalement:
    """The team went: the signalement is handled; the reporter is told if they left a contact."""
    require(
        perms.can_handle_report(actor, report),
        _("Seule l'équipe à qui il est confié, ou le SIAO, traite ce signalement."),
    )
    text = _(
        "Parcours — signalement %(ref)s : une équipe d'aller-vers s'est rendue sur place. "
        "Merci de votre vigilance."
    ) % {"ref": report.reference}
    return workflow.transition(
        report,
        ReportStatus.HANDLED,
        actor=actor,
        action=A.REPORT_HANDLE,
        note=note,
        audit_fields=["status", "encounter", "contact", "reporter_told_at"],
        prepare=lambda locked: {"encounter": encounter, **_tell_reporter(locked, text)},
    ).obj


@transaction.atomic
def report_close(*, actor: User, report: Signalement, note: str = "") -> Signalement:
    """The SIAO closes a signalement without a visit (a duplicate, out of territory…), saying why."""
    _refuse_unless_siao(actor, report)
    if not (note or "").strip():
        raise Invalid(fields={"note": [_("Dites pourquoi le signalement est clos.")]})
    text = _(
        "Parcours — signalement %(ref)s : il a été étudié par le SIAO et clos. Merci de votre vigilance."
    ) % {"ref": report.reference}
    return workflow.transition(
        report,
        ReportStatus.CLOSED,
        actor=actor,
        action=A.REPORT_CLOSE,
        note=note,
        audit_fields=["status", "contact", "reporter_told_at"],
        prepare=lambda locked: _tell_reporter(locked, text),
    ).obj


# -- Retention of what no household file carries ------------------------------------------------------


def purge(*, wet: bool, today: dt.date | None = None) -> tuple[int, int]:
    """Erase the free texts of encounters without a file and of signalements older than
    PARCOURS_OUTREACH_RETENTION_MONTHS (met, or received); codes, counts and dates stay for the
    observatory. Encounters with a file follow their household (the retention run)."""
    from django.conf import settings

    from parcours.core.retention import REDACTED, limit_date

    limit = limit_date(today, settings.PARCOURS_OUTREACH_RETENTION_MONTHS)
    encounters = Encounter.objects.filter(household__isnull=True, met_at__lt=limit).exclude(
        alias="", place="", note=""
    )
    reports = Signalement.objects.filter(created_at__lt=limit).exclude(description=REDACTED)
    counts = (encounters.count(), reports.count())
    if wet:
        with transaction.atomic():
            encounters.update(alias="", place="", note="", updated_at=timezone.now())
            reports.update(place=REDACTED, description=REDACTED, contact="", updated_at=timezone.now())
            SignalementEvent.objects.filter(signalement__created_at__lt=limit).update(note="")
            audit.record_write(
                actor=None, action=A.PURGE, fields=["alias", "place", "note", "description", "contact"]
            )
    return counts
