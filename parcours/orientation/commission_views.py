"""Commission pages: the sessions of the département, one session's agenda in sections (new requests,
vacancies to fill, proposals answered) each paginated and reloaded on its own with htmx, a decision
recorded in place (the line and the counts come back, no page reload; a full POST without
JavaScript), and the minutes as a printable document."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts.perms import active_membership
from parcours.core import errors
from parcours.core.forms import add_validation_errors
from parcours.core.versioning import StaleVersionError
from parcours.households import visibility
from parcours.households.display import household_label
from parcours.households.models import with_people
from parcours.households.services import record_reads
from parcours.offers.choices import FacilityKind

from . import commissions, perms
from .choices import LineDecision, LineKind
from .forms import CloseForm, CommissionForm, LineDecisionForm
from .models import Commission, CommissionLine, Proposal
from .proposal_views import _proposable_requests
from .services import TransitionConflict

PAGE_SIZE = 15
# The households offered on a vacancy line: the validated requests that wish this kind of offer and
# département, longest waiting first (all of them when none does); the select stays short.
SHORTLIST = 25
SECTIONS = {"requests": LineKind.REQUEST, "vacancies": LineKind.VACANCY, "answered": None}


def _crumbs(*more):
    return [(_("Commissions d'orientation"), reverse("orientation:commissions")), *more]


def _territory_id(request):
    if not perms.can_manage_commissions(request.user):
        raise Http404
    return active_membership(request.user).organization.territory_id


def _get(request, pk) -> Commission:
    found = (
        Commission.objects.select_related("territory")
        .filter(pk=pk, territory_id=_territory_id(request))
        .first()
    )
    if found is None:
        raise Http404
    return found


def commission_list(request):
    territory_id = _territory_id(request)
    form = CommissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = commissions.commission_create(
                actor=request.user,
                territory=active_membership(request.user).organization.territory,
                held_on=form.cleaned_data["held_on"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("La séance est créée : préparez son ordre du jour."))
            return redirect("orientation:commission", pk=created.pk)
    sessions = Commission.objects.filter(territory_id=territory_id).order_by("-held_on", "-pk")[:50]
    return render(
        request,
        "orientation/commission_list.html",
        {"form": form, "sessions": sessions, "crumbs": [(_("Commissions d'orientation"), None)]},
        status=400 if form.errors else 200,
    )


# The agenda's sections -------------------------------------------------------------------------


def _lines(commission, kind):
    """The lines of one section with everything a line shows, in a fixed number of queries."""
    lines = commission.lines.filter(kind=kind).select_related("decided_by").order_by("position", "pk")
    if kind == LineKind.REQUEST:
        return lines.select_related("request__household", "request__matching_facts").prefetch_related(
            *with_people("request__household")
        )
    return (
        lines.select_related(
            "vacancy__unit__facility__territory", "proposal__request__household", "proposal__vacancy"
        )
        .prefetch_related(*with_people("proposal__request__household"))
        .annotate(held=Exists(Proposal.objects.linking().filter(vacancy_id=OuterRef("vacancy_id"))))
    )


class _Shortlist:
    """The validated requests of the département, labelled once, and each vacancy's short list."""

    def __init__(self, user):
        self.user = user
        self._pool = None
        self._labels = {}

    @property
    def pool(self):
        if self._pool is None:
            self._pool = list(_proposable_requests(self.user))
        return self._pool

    def label(self, r) -> str:
        if r.pk not in self._labels:
            since = r.seniority_date or (r.submitted_at.date() if r.submitted_at else None)
            text = household_label(self.user, r.household).text
            if since:
                text += " — " + _("en attente depuis le %(d)s") % {"d": since.strftime("%d/%m/%Y")}
            self._labels[r.pk] = text
        return self._labels[r.pk]

    def choices(self, vacancy):
        facility = vacancy.unit.facility
        fitting = [
            r
            for r in self.pool
            if (not r.wished_kinds or facility.kind in r.wished_kinds)
            and (not r.wished_territories or facility.territory.code in r.wished_territories)
        ]
        return [
            ("", _("Choisir un ménage")),
            *((r.pk, self.label(r)) for r in (fitting or self.pool)[:SHORTLIST]),
        ]


def _prepare(request, commission, lines, *, bound=None, shortlist=None):
    """Each line with what it shows (names, wishes, priority where the role may read them) and its
    decision form while it is undecided and the session open: [(line, form)]."""
    user = request.user
    shortlist = shortlist or _Shortlist(user)
    proposable = _proposable_requests(user)  # built once: each form only needs it to validate
    # The line's URLs, reversed once per page rather than five times per line.
    decide = reverse("orientation:line_decide", args=[commission.pk, 0]).replace("/0/", "/{}/")
    remove = reverse("orientation:line_remove", args=[commission.pk, 0]).replace("/0/", "/{}/")
    detail = reverse("orientation:detail", args=[0]).replace("/0/", "/{}/")
    rows = []
    for line in lines:
        line.decide_url, line.remove_url = decide.format(line.pk), remove.format(line.pk)
        if line.request_id:
            line.request_url = detail.format(line.request_id)
        if line.kind == LineKind.REQUEST:
            household = line.request.household
            line.facts_shown = "vulnerability" in visibility.readable_fields(user, "request", household)
            line.wished_kind_labels = [
                FacilityKind(k).label if k in FacilityKind.values else k for k in line.request.wished_kinds
            ]
        else:
            made = line.made_proposal
            if made is not None:
                made.vacancy = line.vacancy
            # Which request took a vacancy is where that household will live: masked if protected.
            line.made_hidden = made is not None and not perms.can_see_proposed_place(user, made)
        form = None
        if not line.decision and not commission.is_closed:
            form = (bound or {}).get(line.pk) or LineDecisionForm(
                line=line,
                requests=proposable if line.kind == LineKind.VACANCY else None,
                prefix=f"l{line.pk}",
            )
            # No decision chosen in advance: « Enregistrer » on an untouched line records nothing.
            form.fields["decision"].choices = [("", "—"), *form.fields["decision"].choices]
            if line.kind == LineKind.VACANCY:
                if getattr(line, "held", False):
                    # A proposal is in progress on the vacancy (made elsewhere): no second one.
                    form.fields["decision"].choices = [
                        c for c in form.fields["decision"].choices if c[0] != LineDecision.PROPOSE
                    ]
                    form.fields.pop("request", None)
                elif "request" in form.fields:
                    form.fields["request"].choices = shortlist.choices(line.vacancy)
        rows.append((line, form))
    return rows


def _households(rows):
    out = []
    for line, _form in rows:
        if line.kind == LineKind.REQUEST:
            out.append(line.request.household)
        elif line.made_proposal is not None and not line.made_hidden:
            out.append(line.made_proposal.request.household)
    return out


def _page_param(request, name):
    if request.GET.get("section") == name:
        return request.GET.get("page")
    return request.GET.get(name)


def _section(request, commission, name, *, counts, bound=None, shortlist=None, page_number=None):
    """One section of the agenda: its title, counts, page of rows and pagination."""
    titles = {
        "requests": _("Nouvelles demandes"),
        "vacancies": _("Vacances à pourvoir"),
        "answered": _("Propositions répondues"),
    }
    section = {"name": name, "title": titles[name]}
    if name == "answered":
        source = commissions.answered_proposals(commission, request.user)
        page = Paginator(source, PAGE_SIZE).get_page(page_number or _page_param(request, name))
        proposals = list(page.object_list)
        for proposal in proposals:
            proposal.place_shown = perms.can_see_proposed_place(request.user, proposal)
        section.update(
            page=page,
            rows=proposals,
            total=page.paginator.count,
            since=commissions.answered_since(commission),
            households=[p.request.household for p in proposals],
        )
    else:
        kind = SECTIONS[name]
        page = Paginator(_lines(commission, kind), PAGE_SIZE).get_page(
            page_number or _page_param(request, name)
        )
        rows = _prepare(request, commission, page.object_list, bound=bound, shortlist=shortlist)
        total, decided = counts[kind]
        section.update(page=page, rows=rows, total=total, left=total - decided, households=_households(rows))
    # Links keep the other sections' pages (without JavaScript the whole page reloads).
    others = {
        other: _page_param(request, other)
        for other in SECTIONS
        if other != name and _page_param(request, other) not in (None, "", "1")
    }
    section["keep"] = "".join(f"&{k}={v}" for k, v in others.items() if str(v).isdigit())
    return section


def _trace(request, sections):
    households = {h.pk: h for s in sections for h in s["households"]}
    record_reads(
        actor=request.user, households=list(households.values()), sections=["list"], purpose="orientation"
    )


def _counts_context(commission, user, *, answered=True):
    counts = commissions.section_counts(commission)
    (r_total, r_decided), (v_total, v_decided) = counts[LineKind.REQUEST], counts[LineKind.VACANCY]
    return counts, {
        "requests": {"name": "requests", "total": r_total, "left": r_total - r_decided},
        "vacancies": {"name": "vacancies", "total": v_total, "left": v_total - v_decided},
        "undecided": r_total - r_decided + v_total - v_decided,
        "answered": commissions.answered_proposals(commission, user).count() if answered else None,
    }


def commission_detail(request, pk, bound=None, status=200):
    commission = _get(request, pk)
    wanted = request.GET.get("section")
    alone = request.htmx and wanted in SECTIONS
    counts, summary = _counts_context(commission, request.user, answered=not alone)
    if alone:
        # One section, its page changed: reloaded alone.
        section = _section(request, commission, wanted, counts=counts)
        _trace(request, [section])
        return render(
            request,
            "orientation/commission_section.html",
            {"commission": commission, "s": section, "summary": summary, "focus_section": True},
        )
    shortlist = _Shortlist(request.user)
    sections = [
        _section(request, commission, name, counts=counts, bound=bound, shortlist=shortlist)
        for name in SECTIONS
    ]
    _trace(request, sections)
    return render(
        request,
        "orientation/commission_detail.html",
        {
            "commission": commission,
            "sections": sections,
            "summary": summary,
            "candidate_counts": commissions.candidate_counts(commission)
            if not commission.is_closed
            else (0, 0),
            "close_form": CloseForm(initial={"version": commission.version}),
            "crumbs": _crumbs((str(commission), None)),
        },
        status=status,
    )


def _page_of(line) -> int:
    """The page of its section a line is on (to come back to it after a full POST)."""
    before = (
        CommissionLine.objects.filter(commission_id=line.commission_id, kind=line.kind)
        .filter(position__lt=line.position)
        .count()
        + CommissionLine.objects.filter(
            commission_id=line.commission_id, kind=line.kind, position=line.position, pk__lt=line.pk
        ).count()
    )
    return before // PAGE_SIZE + 1


def _section_name(kind) -> str:
    return "requests" if kind == LineKind.REQUEST else "vacancies"


def _back_to(commission, line):
    name = _section_name(line.kind)
    return (
        reverse("orientation:commission", args=[commission.pk]) + f"?{name}={_page_of(line)}#line-{line.pk}"
    )


def _line_answer(request, commission, line_id, kind, *, bound=None, message="", error=""):
    """What htmx gets after a decision or a removal: the line as it is now (nothing if it left the
    agenda), the section counts out of band and the message for the live region."""
    lines = list(_lines(commission, kind).filter(pk=line_id))
    rows = _prepare(request, commission, lines, bound=bound) if lines else []
    _counts, summary = _counts_context(commission, request.user)
    if rows:
        record_reads(
            actor=request.user, households=_households(rows), sections=["list"], purpose="orientation"
        )
    return render(
        request,
        "orientation/commission_line_answer.html",
        {
            "commission": commission,
            "row": rows[0] if rows else None,
            "summary": summary,
            "message": message,
            "error": error,
            "focus": True,
        },
    )


def _handle(request, pk, run, success):
    try:
        run()
    except (commissions.CommissionConflict, TransitionConflict) as exc:
        errors.show(request, exc)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, success)
    return redirect("orientation:commission", pk=pk)


@require_POST
def commission_prepare(request, pk):
    commission = _get(request, pk)
    return _handle(
        request,
        pk,
        lambda: commissions.agenda_prepare(actor=request.user, commission=commission),
        _("L'ordre du jour est préparé : retirez ce que la séance n'examinera pas."),
    )


@require_POST
def line_remove(request, pk, line_id):
    commission = _get(request, pk)
    line = CommissionLine.objects.filter(pk=line_id, commission=commission).first()
    if line is None:
        raise Http404
    if not request.htmx:
        return _handle(
            request,
            pk,
            lambda: commissions.line_remove(actor=request.user, line=line),
            _("La ligne est retirée de l'ordre du jour."),
        )
    try:
        commissions.line_remove(actor=request.user, line=line)
    except (commissions.CommissionConflict, TransitionConflict) as exc:
        return _line_answer(request, commission, line.pk, line.kind, error=errors.page_message(exc))
    except PermissionDenied:
        raise Http404 from None
    return _line_answer(
        request, commission, line.pk, line.kind, message=_("La ligne est retirée de l'ordre du jour.")
    )


@require_POST
def line_decide(request, pk, line_id):
    commission = _get(request, pk)
    line = (
        CommissionLine.objects.select_related("request__household", "vacancy__unit__facility")
        .filter(pk=line_id, commission=commission)
        .first()
    )
    if line is None:
        raise Http404
    form = LineDecisionForm(
        request.POST, line=line, requests=_proposable_requests(request.user), prefix=f"l{line.pk}"
    )
    conflict = ""
    if form.is_valid():
        try:
            commissions.line_decide(
                actor=request.user,
                line=line,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                request_for_vacancy=form.cleaned_data.get("request"),
            )
        except (commissions.CommissionConflict, TransitionConflict) as exc:
            errors.add_to_form(form, exc)
            conflict = errors.page_message(exc)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            if request.htmx:
                return _line_answer(
                    request, commission, line.pk, line.kind, message=_("La décision est enregistrée.")
                )
            messages.success(request, _("La décision est enregistrée."))
            return redirect(_back_to(commission, line))
    if request.htmx:
        # Shown in place (htmx swaps 2xx answers only): the line with its form and what to fix.
        return _line_answer(
            request,
            commission,
            line.pk,
            line.kind,
            bound={line.pk: form},
            # What to fix is in the line itself (focused); a conflict also goes above the agenda,
            # since the line may come back decided by someone else, without its form.
            message=_("La décision n'est pas enregistrée : corrigez la ligne."),
            error=conflict,
        )
    request.GET = request.GET.copy()
    request.GET[_section_name(line.kind)] = str(_page_of(line))
    return commission_detail(request, pk, bound={line.pk: form}, status=400)


@require_POST
def commission_close(request, pk):
    commission = _get(request, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        commissions.commission_close(
            actor=request.user, commission=commission, version=form.cleaned_data["version"]
        )
    except StaleVersionError:
        messages.error(
            request, _("La séance a été modifiée entre-temps : relisez les décisions avant de la clore.")
        )
        return redirect("orientation:commission", pk=pk)
    except commissions.CommissionConflict as exc:
        errors.show(request, exc)
        return redirect("orientation:commission", pk=pk)
    messages.success(request, _("La séance est close ; les référents sont prévenus des décisions."))
    return redirect("orientation:minutes", pk=pk)


def commission_minutes(request, pk):
    """The minutes as a document (printable, A4): numbers and compositions, never names."""
    commission = _get(request, pk)
    request_rows, vacancy_rows = commissions.minutes_rows(commission)
    return render(
        request,
        "orientation/commission_minutes.html",
        {
            "commission": commission,
            "request_rows": request_rows,
            "vacancy_rows": vacancy_rows,
            "decided": (
                sum(1 for r in request_rows if r["decided"]),
                sum(1 for r in vacancy_rows if r["decided"]),
            ),
            "crumbs": _crumbs(
                (str(commission), reverse("orientation:commission", args=[pk])), (_("Compte rendu"), None)
            ),
        },
    )
