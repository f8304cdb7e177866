"""Pages of street outreach: the team's list and rounds, an encounter recorded on a phone in a few
taps (and turned into a 115 request in one more), the signalements' triage, and the public
signalement page (no account, no script needed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, JsonResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from parcours.accounts.decorators import two_factor_exempt
from parcours.core import errors
from parcours.core.errors import DomainError
from parcours.core.lookup import get_visible_or_404
from parcours.core.offline import replay
from parcours.households import services as household_services
from parcours.households.models import Household
from parcours.households.querysets import label_prefetch
from parcours.territories.models import Commune

from . import perms, ratelimit, services
from .choices import Given, Need, ReportStatus
from .forms import EncounterForm, PublicReportForm, ReportNoteForm, RoundCloseForm, RoundForm, TriageForm
from .models import Encounter, OutreachTeam, Round, Signalement
from .querysets import siao_territory_id, team_ids

PAGE_SIZE = 30
READ_SECTIONS = ["identity", "composition"]


def _crumbs(*more):
    return [(_("Aller-vers"), reverse("outreach:index")), *more]


def _outreach_only(request) -> None:
    if not perms.can_use_outreach(request.user):
        raise Http404


def index(request):
    """The team's (or the SIAO's) encounters, newest first, and its rounds."""
    _outreach_only(request)
    encounters = (
        Encounter.objects.visible_to(request.user)
        .select_related("commune", "team", "household")
        .prefetch_related(*label_prefetch("household__"))
        .order_by("-met_at", "-pk")
    )
    page = Paginator(encounters, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [e.household for e in page if e.household_id]
    household_services.record_reads(
        actor=request.user, households=shown, sections=["list"], purpose="outreach"
    )
    today = timezone.localdate()
    rounds = (
        Round.objects.visible_to(request.user)
        .select_related("team")
        .filter(date__gte=today - timezone.timedelta(days=7))
    )
    return render(
        request,
        "outreach/index.html",
        {
            "page": page,
            "rounds": rounds.order_by("-date", "team__name")[:10],
            "is_member": perms.is_outreach_member(request.user),
            "is_siao": siao_territory_id(request.user) is not None,
            "open_reports": Signalement.objects.visible_to(request.user).open().count(),
            "crumbs": [(_("Aller-vers"), None)],
        },
    )


def _form_context(request, team, round_):
    if round_ is not None and round_.communes.exists():
        communes = round_.communes.order_by("name")
        default = communes.first()
    else:
        communes = Commune.objects.filter(territory_id=team.organization.territory_id).order_by("name")
        last = (
            Encounter.objects.filter(recorded_by=request.user)
            .order_by("-met_at")
            .values_list("commune_id", flat=True)
            .first()
        )
        default = communes.filter(pk=last).first() if last else None
    return communes, default


def _record_encounter(request, form: EncounterForm, team, round_):
    """The encounter a valid EncounterForm describes, through the service: the online form and the
    offline replay alike. Its household (a file number, never sent offline) must be one the user
    sees, else NotFound."""
    fields = dict(form.cleaned_data)
    household = fields.pop("household")
    if household:
        household = get_visible_or_404(Household, household, request.user, message=_("Ménage introuvable."))
    return services.encounter_record(
        actor=request.user, household=household or None, team=team, round_=round_, **fields
    )


def encounter_new(request):
    """An encounter in thirty seconds: commune and defaults from the team's round of the day."""
    if not perms.is_outreach_member(request.user):
        raise Http404
    team = services.default_team(request.user)
    round_ = services.current_round(team, timezone.localdate())
    communes, default = _form_context(request, team, round_)
    form = EncounterForm(request.POST or None, communes=communes, default_commune=default)
    if request.method == "POST" and form.is_valid():
        try:
            encounter, _created = _record_encounter(request, form, team, round_)
            if "to_115" in request.POST and encounter.emergency_request_id is None:
                services.encounter_to_115(actor=request.user, encounter=encounter)
                messages.success(request, _("Rencontre enregistrée et demande 115 faite pour cette nuit."))
                return redirect("outreach:encounter", pk=encounter.pk)
        except DomainError as exc:
            if isinstance(exc, errors.NotFound):
                form.add_error("household", exc.message)
            else:
                errors.add_to_form(form, exc, on_fields=True)
        else:
            messages.success(
                request,
                _("Rencontre enregistrée (%(who)s). Vous pouvez saisir la suivante.")
                % {"who": encounter.alias or _("sans nom")},
            )
            request.session["outreach_last_encounter"] = encounter.pk
            return redirect("outreach:encounter_new")
    last = request.session.get("outreach_last_encounter")
    return render(
        request,
        "outreach/encounter_form.html",
        {
            "form": form,
            "team": team,
            "round": round_,
            "last_encounter": last,
            "crumbs": _crumbs((_("Nouvelle rencontre"), None)),
        },
    )


def encounter_detail(request, pk):
    encounter = get_visible_or_404(
        Encounter.objects.select_related(
            "commune", "team", "round", "household", "emergency_request", "recorded_by"
        ),
        pk,
        request.user,
    )
    if encounter.household is not None:
        household_services.record_read(
            actor=request.user, household=encounter.household, sections=READ_SECTIONS, purpose="outreach"
        )
    needs, given = dict(Need.choices), dict(Given.choices)
    return render(
        request,
        "outreach/encounter.html",
        {
            "e": encounter,
            "needs": [needs.get(c, c) for c in encounter.needs],
            "given": [given.get(c, c) for c in encounter.given],
            "can_115": perms.can_request_115(request.user, encounter),
            "crumbs": _crumbs(
                (
                    _("Rencontre du %(d)s")
                    % {"d": timezone.localtime(encounter.met_at).strftime("%d/%m %H:%M")},
                    None,
                )
            ),
        },
    )


@require_POST
def encounter_115(request, pk):
    encounter = get_visible_or_404(Encounter.objects.select_related("household"), pk, request.user)
    try:
        services.encounter_to_115(actor=request.user, encounter=encounter)
    except DomainError as exc:
        errors.show(request, exc)
    else:
        messages.success(
            request,
            _("Demande 115 faite pour cette nuit, avec la composition et la vulnérabilité de la rencontre."),
        )
    return redirect("outreach:encounter", pk=encounter.pk)


def round_new(request):
    if not perms.is_outreach_member(request.user):
        raise Http404
    team = OutreachTeam.objects.filter(pk__in=team_ids(request.user)).select_related("organization")
    team = team.filter(pk=request.GET.get("team") or 0).first() or team.first()
    communes = Commune.objects.filter(territory_id=team.organization.territory_id).order_by("name")
    form = RoundForm(request.POST or None, communes=communes, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_open(actor=request.user, team=team, **form.cleaned_data)
        except DomainError as exc:
            errors.add_to_form(form, exc)
        else:
            messages.success(request, _("Tournée prévue."))
            return redirect("outreach:round", pk=round_.pk)
    return render(
        request,
        "outreach/round_form.html",
        {"form": form, "team": team, "crumbs": _crumbs((_("Nouvelle tournée"), None))},
    )


def round_summary(round_) -> dict:
    """The figures of a round, from its encounters (no name)."""
    encounters = round_.encounters.all()
    figures = encounters.aggregate(
        encounters=Count("pk"),
        persons=Sum("persons"),
        children=Sum("children"),
        known=Count("household", distinct=True),
        to_115=Count("pk", filter=Q(emergency_request__isnull=False)),
        follow_up=Count("pk", filter=Q(follow_up=True)),
    )
    need_counts, given_counts = {}, {}
    for needs, given in encounters.values_list("needs", "given"):
        for code in needs:
            need_counts[code] = need_counts.get(code, 0) + 1
        for code in given:
            given_counts[code] = given_counts.get(code, 0) + 1
    figures["needs"] = [(label, need_counts[c]) for c, label in Need.choices if c in need_counts]
    figures["given"] = [(label, given_counts[c]) for c, label in Given.choices if c in given_counts]
    return figures


def round_detail(request, pk):
    round_ = get_visible_or_404(Round.objects.select_related("team"), pk, request.user)
    form = RoundCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_close(actor=request.user, round_=round_, summary=form.cleaned_data["summary"])
        except DomainError as exc:
            errors.show(request, exc)
        else:
            messages.success(request, _("Tournée close."))
        return redirect("outreach:round", pk=round_.pk)
    return render(
        request,
        "outreach/round.html",
        {
            "round": round_,
            "communes": round_.communes.order_by("name"),
            "figures": round_summary(round_),
            "reports": round_.reports.select_related("commune"),
            "form": form
            if perms.can_manage_round(request.user, round_) and round_.closed_at is None
            else None,
            "crumbs": _crumbs((str(round_), None)),
        },
    )


def reports(request):
    _outreach_only(request)
    status = request.GET.get("status", "")
    qs = Signalement.objects.visible_to(request.user).select_related("commune", "team", "round")
    if status in ReportStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-created_at"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "outreach/reports.html",
        {
            "page": page,
            "status": status,
            "statuses": ReportStatus.choices,
            "query": f"status={status}" if status else "",
            "crumbs": _crumbs((_("Signalements"), None)),
        },
    )


REPORT_ACTIONS = ("triage", "assign", "handle", "close")


def report_detail(request, pk):
    report = get_visible_or_404(
        Signalement.objects.select_related("commune", "team", "round"), pk, request.user
    )
    user = request.user
    teams = OutreachTeam.objects.filter(active=True, organization__territory_id=report.territory_id)
    rounds = Round.objects.filter(closed_at__isnull=True, date__gte=timezone.localdate()).select_related(
        "team"
    )
    rounds = rounds.filter(team=report.team) if report.team_id else rounds.filter(team__in=teams)
    triage = TriageForm(
        teams=teams, rounds=rounds, data=request.POST if request.POST.get("action") == "triage" else None
    )
    note = ReportNoteForm(
        request.POST if request.POST.get("action") in ("handle", "close", "assign") else None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "triage" and triage.is_valid():
                data = triage.cleaned_data
                services.report_triage(
                    actor=user, report=report, team=data["team"], round_=data["round"], note=data["note"]
                )
            elif action == "assign":
                round_ = rounds.filter(pk=request.POST.get("round") or 0).first()
                if round_ is None:
                    raise errors.Invalid(_("Choisissez une tournée."))
                services.report_assign(actor=user, report=report, round_=round_)
            elif action == "handle" and note.is_valid():
                services.report_handle(actor=user, report=report, note=note.cleaned_data["note"])
            elif action == "close" and note.is_valid():
                services.report_close(actor=user, report=report, note=note.cleaned_data["note"])
            elif action not in REPORT_ACTIONS:
                raise errors.Invalid(_("Action inconnue."))
            else:
                raise errors.Invalid(_("Vérifiez le formulaire."))
        except DomainError as exc:
            errors.show(request, exc)
        else:
            messages.success(request, _("Signalement mis à jour."))
        return redirect("outreach:report", pk=report.pk)
    open_ = report.status in (ReportStatus.RECEIVED, ReportStatus.TRIAGED, ReportStatus.ASSIGNED)
    return render(
        request,
        "outreach/report.html",
        {
            "report": report,
            "events": report.events.select_related("actor"),
            "triage": triage
            if open_ and report.status == ReportStatus.RECEIVED and perms.can_triage_reports(user, report)
            else None,
            "rounds": rounds if report.status == ReportStatus.TRIAGED else None,
            "can_handle": open_
            and report.status != ReportStatus.RECEIVED
            and perms.can_handle_report(user, report),
            "can_close": open_ and perms.can_triage_reports(user, report),
            "crumbs": _crumbs((_("Signalements"), reverse("outreach:reports")), (report.reference, None)),
        },
    )


@login_not_required
@two_factor_exempt
@never_cache
def report_public(request):
    """The public signalement: no account, no script, no third party; a honeypot and a rate limit."""
    form = PublicReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_robot:
            # Answer as if it were received: a robot learns nothing, nothing is stored.
            return render(request, "outreach/public_done.html", {"reference": None})
        if not ratelimit.allowed(request):
            form.add_error(None, ratelimit.message())
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                report = services.report_receive(
                    commune=data["commune"],
                    place=data["place"],
                    seen_at=data["seen_at"],
                    description=data["description"],
                    contact=data["contact"],
                )
            except DomainError as exc:
                errors.add_to_form(form, exc, on_fields=True)
                status = 400
            else:
                return render(request, "outreach/public_done.html", {"reference": report.reference})
        else:
            status = 400
    return render(request, "outreach/public.html", {"form": form}, status=status)


# Working without network (docs/continuite.md): the encounters a phone noted offline wait in its
# queue (js/offline/queue.js) and come back here, each once (client_id), through encounter_record.


def offline_token(request):
    """What the phone's queue asks before sending: the server answers, the session holds, the token."""
    if not perms.is_outreach_member(request.user):
        raise Http404
    response = JsonResponse({"csrf": get_token(request), "user": request.user.pk})
    response["Cache-Control"] = "no-store"
    return response


def _as_form_data(record: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in record.items():
        if key == "household":
            continue  # never chosen offline: no file (let alone a protected one) is kept on a phone
        for item in value if isinstance(value, list) else [value]:
            data.appendlist(key, "" if item is None else str(item))
    return data


@require_POST
def offline_replay(request):
    """Replay the encounters a phone noted offline (core.offline.replay): each one through the same
    form and service as online. The same client_id again gives back the stored encounter and
    overwrites nothing (« already »)."""
    if not perms.is_outreach_member(request.user):
        raise Http404
    team = services.default_team(request.user)
    return replay(request, lambda record: _replay_encounter(request, team, record))


def _replay_encounter(request, team, record: dict) -> dict:
    met_at = record.get("met_at") or record.get("noted_at")
    round_ = services.current_round(team, timezone.localdate()) if team else None
    communes, default = _form_context(request, team, round_)
    form = EncounterForm(
        _as_form_data({**record, "met_at": met_at}), communes=communes, default_commune=default
    )
    if not form.is_valid():
        problems = " ".join(m for ms in form.errors.values() for m in ms)
        return {"status": "refused", "message": _("Rencontre incomplète : %(e)s") % {"e": problems}}
    try:
        encounter, created = _record_encounter(request, form, team, round_)
    except DomainError as exc:
        return {"status": "refused", "message": exc.message}
    status, message = "recorded", _("Rencontre enregistrée.")
    if not created:
        status = "already"
        message = _("Déjà reçue : la rencontre du serveur est gardée telle quelle, rien n'est écrasé.")
    elif record.get("to_115") and encounter.emergency_request_id is None:
        try:
            services.encounter_to_115(actor=request.user, encounter=encounter)
            message = _("Rencontre enregistrée et demande 115 faite pour cette nuit.")
        except DomainError as exc:
            message = _("Rencontre enregistrée ; demande 115 non faite : %(e)s") % {"e": exc.message}
    return {"status": status, "message": message, "url": reverse("outreach:encounter", args=[encounter.pk])}
