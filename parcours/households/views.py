"""Household pages: list and search, opening a file, the file itself, editing, consent, access log."""

import functools
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from parcours.accounts.roles import Role
from parcours.core.errors import require
from parcours.core.forms import add_validation_errors
from parcours.core.lookup import get_visible_or_404
from parcours.core.models import AuditEvent, AuditKind
from parcours.core.pagination import compiled_page, counted_page
from parcours.core.versioning import StaleVersionError

from . import perms, services, visibility
from .display import household_label
from .export import household_export, section_titles
from .forms import (
    ConsentForm,
    HouseholdCreateForm,
    HouseholdEditForm,
    MemberFormSet,
    MoneyLineFormSet,
    PersonFormSet,
    SearchForm,
    VersionForm,
)
from .models import OPEN_SITUATIONS_ATTR, Consent, Household, Person, SituationPeriod
from .querysets import SEARCH_CANDIDATES, label_prefetch
from .timeline import household_path, may_have, path_presence

PAGE_SIZE = 25
# The household list's compiled reads (its page, its prefetches): core.pagination.compiled_page.
LIST_KEY = ("households.list",)


def _crumbs(*more):
    return [(_("Ménages"), reverse("households:list")), *more]


def _file_crumb(request, household):
    """The household's crumb: its name as this user may read it (households.display), linking to its file."""
    return (household_label(request.user, household).text, reverse("households:detail", args=[household.pk]))


def _with_relations(qs):
    return qs.select_related(
        "territory", "referent_organization", "referent", "dalo_territory"
    ).prefetch_related(
        Prefetch("people", queryset=Person.objects.order_by("pk")),
        Prefetch("situations", queryset=SituationPeriod.objects.select_related("recorded_by")),
        "money_lines",
    )


def _listed(qs):
    """The households with what a row of households/_table.html reads (its name and composition, the
    head's birth date, the current situation, the département; the consents for the visibility rules),
    and nothing of the file page (money lines, who recorded each situation, the referent). Of the
    situations, the open ones only, as a list: `current_situation` reads nothing else."""
    return qs.select_related("territory").prefetch_related(
        *label_prefetch(),
        Prefetch(
            "situations",
            queryset=SituationPeriod.objects.filter(ended_on__isnull=True),
            to_attr=OPEN_SITUATIONS_ATTR,
        ),
    )


def _files():
    """The households with what the file pages show (load one with get_visible_or_404)."""
    return _with_relations(Household.objects.all()).prefetch_related(
        Prefetch("consents", queryset=Consent.objects.select_related("organization"))
    )


def household_list(request):
    if not perms.can_list_households(request.user):
        raise Http404
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    user, membership = request.user, request.membership
    mine = not query and membership.role == Role.SOCIAL_WORKER
    if query:
        heading = _("Résultats de la recherche")
    elif mine:
        heading = _("Les ménages suivis par mon organisation")
    else:
        heading = _("Dossiers modifiés récemment")

    def listed(ids=None):
        households = Household.objects.listable_by(user)
        if query:
            households = households.filter(pk__any_of=ids)
        elif mine:
            households = households.filter(referent_organization=membership.organization)
        # the consents too: households.display names each household by their purposes
        return _listed(households.order_by("-updated_at", "-pk"))

    ids = Household.objects.search_ids(query) if query else None
    rule = Household.objects.visibility_key(user, for_search=True)
    if query and ids is None:  # nothing that can be searched: no household
        page = counted_page(Household.objects.none(), PAGE_SIZE, request.GET.get("page"))
    elif rule is None:
        page = counted_page(listed(ids), PAGE_SIZE, request.GET.get("page"), key=LIST_KEY)
    else:
        # The page's SQL is compiled once per process and visibility rule (issue 18); a search's ids
        # are one parameter of it.
        shape = (*LIST_KEY, rule, membership.role, membership.organization_id, bool(query), mine)
        values = {"ids": ids} if query else {}
        page = compiled_page(
            shape, listed, PAGE_SIZE, request.GET.get("page"), prefetch_key=LIST_KEY, **values
        )
    services.record_reads(actor=request.user, households=page, sections=["list"], purpose="list")
    return render(
        request,
        "households/list.html",
        {
            "form": form,
            "query": query,
            "page": page,
            "heading": heading,
            "too_many": bool(query) and page.paginator.count >= SEARCH_CANDIDATES,
            # Typos in names are forgiven by PostgreSQL's trigram search only (querysets.people_matching).
            "typo_tolerant": connection.vendor == "postgresql",
            "can_create": perms.can_create_household(request.user),
            "crumbs": [(_("Ménages"), None)],
        },
    )


def household_create(request):
    if not perms.can_create_household(request.user):
        raise Http404
    membership = request.membership
    form = HouseholdCreateForm(
        request.POST or None, initial={"territory": membership.organization.territory.code}
    )
    members = MemberFormSet(
        request.POST or None, prefix="members", initial=None if request.POST else [{"relationship": "head"}]
    )
    duplicates = []
    if request.method == "POST" and form.is_valid() and members.is_valid():
        people = [m for m in members.cleaned_data if m]
        duplicates = list(
            _with_relations(Household.objects.listable_by(request.user).duplicates_of(people))[:10]
        )
        if duplicates and not form.cleaned_data["confirm_new"]:
            services.record_reads(
                actor=request.user, households=duplicates, sections=["list"], purpose="duplicates"
            )
        else:
            data = form.cleaned_data
            try:
                household = services.household_create(
                    actor=request.user,
                    members=[services.MemberData(**m) for m in people],
                    territory=data["territory"].code,
                    situation=data["situation"],
                    situation_since=data["situation_since"],
                    protected=data["protected"],
                    monthly_resources=data["monthly_resources"],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Le dossier n° %(n)s est ouvert.") % {"n": household.pk})
                if request.POST.get("next") == "assessment" and perms.can_edit_household(
                    request.user, household
                ):
                    # Straight on to the shared assessment, the usual next step (issue 15).
                    return redirect("assessments:create", household_id=household.pk, perspective="worker")
                return redirect("households:detail", pk=household.pk)
    invalid = request.method == "POST" and (form.errors or members.total_error_count())
    return render(
        request,
        "households/create.html",
        {
            "form": form,
            "members": members,
            "duplicates": duplicates,
            "offer_assessment": membership.role in (Role.SOCIAL_WORKER, Role.SIAO_COORDINATOR),
            "crumbs": _crumbs((_("Nouveau dossier"), None)),
        },
        status=400 if invalid else 200,
    )


@functools.cache
def _detail_files():
    """The file page's households: in the same query, whether other files were merged into this one
    and which domains of the path have records for it, so that the page asks nothing of those that
    have none. Built once (its lookup's SQL is compiled once per process and visibility rule)."""
    merged = Household.objects.filter(merged_into=OuterRef("pk"), deleted_at__isnull=True)
    return _files().annotate(has_merged_files=Exists(merged), **path_presence())


def household_detail(request, pk):
    household = get_visible_or_404(
        _detail_files(), pk, request.user, include_merged=True, compiled_as="households.detail"
    )
    return _render_detail(request, household)


def _render_detail(request, household, *, consent_form=None, status=200):
    """The household's page; `consent_form` bound and invalid re-opens the consent form with what was
    typed and its errors (issue 15: an error used to collapse the form and lose the input)."""
    sections = perms.sections_for(request.user, household)
    fields = visibility.readable_fields(request.user, "household", household)
    full = perms.can_edit_household(request.user, household)
    merged_files = (
        list(_listed(Household.objects.filter(merged_into=household, deleted_at__isnull=True)))
        if full and getattr(household, "has_merged_files", True)
        else []
    )
    services.record_read(actor=request.user, household=household, sections=sections, purpose="file")
    may_add_consent = perms.can_manage_consents(request.user, household)
    path = household_path(request.user, household) if "situation" in sections else []
    situations = sorted(household.situations.all(), key=lambda p: (p.started_on, p.pk), reverse=True)
    return render(
        request,
        "households/detail.html",
        {
            "household": household,
            "sections": sections,
            "fields": fields,
            "full": full,
            "situations": situations,
            "situations_html": _situations_html(situations) if "situation" in sections else "",
            "members_html": _members_html(household.members),
            "consents": list(household.consents.all()) if "consents" in sections else [],
            # The blank form is drawn from its cached fields (consent_fields): no form to build for it
            # (issue 18: building one copied its fields and the organizations' queryset at every page).
            "consent_form": consent_form or may_add_consent,
            "consent_fields": _blank_consent_fields() if may_add_consent and consent_form is None else "",
            "consent_open": consent_form is not None,
            "can_view_access_log": perms.can_view_access_log(request.user, household),
            "can_delete": perms.can_delete_household(request.user, household),
            "merged_files": merged_files,
            "path": path,
            "path_html": _path_html(path),
            # No query for a household without any request (known from the query that loaded it).
            "insertion_requests": list(household.insertion_requests.all())
            if "situation" in sections and may_have(household, "orientation.InsertionRequest", "household")
            else [],
            "crumbs": _crumbs((household_label(request.user, household).text, None)),
        },
        status=status,
    )


def _path_html(path) -> str:
    """The steps of the household's path as households/detail.html drew them, one `<li>` each, in
    Python: the loop's lookups, the two date filters and the escaping of each step were most of the
    page's template for a household with a long path (issue 18). Byte for byte the template's output
    (tests/households/test_household_path_html.py): each value escaped, each moment in local time,
    in ISO form (`date:'c'`) and in the language's DATETIME_FORMAT."""
    from django.utils import dateformat, formats
    from django.utils.html import conditional_escape as esc
    from django.utils.safestring import mark_safe
    from django.utils.timezone import template_localtime

    shown = formats.get_format("DATETIME_FORMAT")
    parts = []
    for step in path:
        at = template_localtime(step.at)
        label = esc(step.label)
        link = f'<a href="{esc(step.url)}">{label}</a>' if step.url else label
        actor = f' <span class="small text-secondary">— {esc(step.actor)}</span>' if step.actor else ""
        parts.append(
            f'\n    <li class="prc-path-step prc-path-{esc(step.domain)} border-start border-3 ps-3 pb-2">'
            f'\n      <time datetime="{esc(at.isoformat())}" class="small text-secondary d-block">'
            f"{esc(dateformat.format(at, shown))}</time>\n      {link}{actor}\n    </li>\n  "
        )
    # Every value above went through conditional_escape; the rest is this function's own markup.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


def _members_html(members) -> str:
    """The composition table's rows as households/detail.html drew them (name, relationship, birth
    date, age, sex), in Python for the same reason as `_path_html`; byte for byte the template's."""
    from django.utils import formats
    from django.utils.html import conditional_escape as esc
    from django.utils.safestring import mark_safe

    shown = formats.get_format("DATE_FORMAT")
    parts = []
    for person in members:
        born = _date(person.birth_date, shown) or "—"
        age = person.age
        parts.append(
            f"\n      <tr><td>{esc(person.first_name)} {esc(person.last_name)}</td>"
            f"<td>{esc(person.get_relationship_display())}</td>\n        <td>{esc(born)}</td>"
            f"<td>{esc('—' if age is None else formats.localize(age))}</td>"
            f"<td>{esc(person.get_sex_display())}</td></tr>\n    "
        )
    # Every value above went through conditional_escape; the rest is this function's own markup.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


def _situations_html(situations) -> str:
    """The housing situations' rows as households/detail.html drew them, in Python (see `_path_html`):
    the situation, its first day, its last day or « en cours »; byte for byte the template's."""
    from django.utils import formats
    from django.utils.html import conditional_escape as esc
    from django.utils.safestring import mark_safe

    shown = formats.get_format("DATE_FORMAT")
    ongoing = _("en cours")
    parts = [
        f"<tr><td>{esc(period.get_situation_display())}</td><td>{esc(_date(period.started_on, shown))}</td>"
        f"<td>{esc(_date(period.ended_on, shown) or ongoing)}</td></tr>"
        for period in situations
    ]
    # Every value above went through conditional_escape; the rest is this function's own markup.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


def _date(day, shown: str) -> str:
    """The `date` filter for a day: "" for none, else the day in the format `shown` (the language's)."""
    from django.utils import dateformat

    return "" if day in (None, "") else dateformat.format(day, shown)


def _blank_consent_fields() -> str:
    """The fields of the blank consent form, the same for everyone (every active organization, the
    purposes, today's dates): rendered once a day per language and kept until an organization changes
    (issue 18: the select of organizations was a fifth of the household page's CPU)."""
    from django.template.loader import render_to_string
    from django.utils import timezone, translation
    from django.utils.safestring import mark_safe

    from parcours.core.cache import cached

    key = f"{translation.get_language()}:{timezone.localdate().isoformat()}"
    template = "households/_consent_fields.html"
    html = cached("consent_form", key, lambda: render_to_string(template, {"form": ConsentForm()}))
    # Our own template's output, escaped when it was rendered.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703


def household_edit(request, pk):
    household = _editable(request, pk)
    whereabouts = perms.can_see_whereabouts(request.user, household)
    situation = household.current_situation
    initial = {
        "version": household.version,
        "territory": household.territory.code,
        "situation": situation.situation if situation else "",
        "dalo_territory": household.dalo_territory.code if household.dalo_territory else None,
        **{f: getattr(household, f) for f in services.EDITABLE_FIELDS},
    }
    if whereabouts:
        initial["protected_viewers"] = list(household.protected_viewers.all())
    form = HouseholdEditForm(
        request.POST or None, initial=initial, can_see_whereabouts=whereabouts, household=household
    )
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {}
        for name in form.changed_data:
            if name == "version":
                continue
            value = data[name]
            if name in ("territory", "dalo_territory"):
                value = value.code if value else ""
            changes[name] = value if value is not None or name not in ("dalo_decision",) else ""
        try:
            services.household_update(
                actor=request.user, household=household, version=data["version"], **changes
            )
        except StaleVersionError:
            conflict = True
            form.add_error(
                None,
                _(
                    "Quelqu'un a modifié ce dossier pendant que vous le modifiiez. "
                    "Vos changements ne sont pas enregistrés : rouvrez le dossier pour repartir "
                    "de la version actuelle."
                ),
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Le dossier est mis à jour."))
            return redirect("households:detail", pk=household.pk)
    services.record_read(
        actor=request.user, household=household, sections=["identifiers", "situation"], purpose="edit"
    )
    crumbs = _crumbs(
        _file_crumb(request, household),
        (_("Modifier"), None),
    )
    return render(
        request,
        "households/edit.html",
        {"household": household, "form": form, "crumbs": crumbs},
        status=409 if conflict else (400 if form.errors else 200),
    )


def consent_add(request, pk):
    """POST records a consent; a refused one shows the household's page again with the form open, what
    was typed and the French error. GET (a reloaded or shared URL) leads to the consents' section."""
    household = get_visible_or_404(_files(), pk, request.user)
    if request.method != "POST":
        return redirect(reverse("households:detail", args=[household.pk]) + "#consentements")
    # The service refuses too; checked here first so that a refused reader never gets the form back.
    require(
        perms.can_manage_consents(request.user, household),
        _("Le consentement est recueilli par l'organisation qui suit le ménage."),
    )
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            services.consent_record(actor=request.user, household=household, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Le consentement est enregistré."))
            return redirect(reverse("households:detail", args=[household.pk]) + "#consentements")
    household = get_visible_or_404(_files(), pk, request.user)  # re-read: the consents as they stand
    return _render_detail(request, household, consent_form=form, status=400)


@require_POST
def consent_revoke(request, pk, consent_id):
    household = get_visible_or_404(_files(), pk, request.user)
    consent = get_object_or_404(Consent, pk=consent_id, household=household)
    services.consent_revoke(actor=request.user, consent=consent)
    messages.success(request, _("Le consentement est retiré : le partage s'arrête dès maintenant."))
    return redirect(reverse("households:detail", args=[household.pk]) + "#consentements")


def access_log(request, pk):
    household = get_visible_or_404(_files(), pk, request.user)
    if not perms.can_view_access_log(request.user, household):
        raise Http404
    events = Paginator(
        AuditEvent.objects.for_object("households.household", household.pk)
        .filter(kind=AuditKind.READ)
        .select_related("actor")
        .order_by("-id"),
        50,
    ).get_page(request.GET.get("page"))
    from parcours.accounts.models import Organization

    names = dict(
        Organization.objects.filter(pk__in={e.organization_id for e in events}).values_list("pk", "name")
    )
    services.record_read(
        actor=request.user, household=household, sections=["access_log"], purpose="access_log"
    )
    crumbs = _crumbs(
        _file_crumb(request, household),
        (_("Qui a consulté ce dossier"), None),
    )
    return render(
        request,
        "households/access_log.html",
        {"household": household, "events": events, "organization_names": names, "crumbs": crumbs},
    )


def export(request, pk):
    """Everything held about the household, for the person's right of access (RGPD art. 15)."""
    household = get_visible_or_404(_files(), pk, request.user, include_merged=True)
    if not perms.can_view_access_log(request.user, household):
        raise Http404
    data = household_export(household, request.user)
    services.record_read(
        actor=request.user, household=household, sections=["export"], purpose="right_of_access"
    )
    if request.GET.get("format") == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2, default=str), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="dossier-{household.pk}.json"'
        return response
    crumbs = _crumbs(
        _file_crumb(request, household),
        (_("Tout ce que nous détenons"), None),
    )
    titles = section_titles()
    sections = [(name, titles.get(name, name), value) for name, value in data.items()]
    return render(
        request, "households/export.html", {"household": household, "sections": sections, "crumbs": crumbs}
    )


def merge(request, pk):
    household = _editable(request, pk)
    candidates = []
    if request.method == "POST":
        duplicate_id = request.POST.get("duplicate", "")
        duplicate = (
            # Only a file the user could find: merging by id must not reach a protected file.
            Household.objects.listable_by(request.user).filter(pk=duplicate_id).first()
            if duplicate_id.isdigit()
            else None
        )
        if duplicate is None or not perms.can_edit_household(request.user, duplicate):
            raise Http404
        try:
            services.household_merge(actor=request.user, keep=household, duplicate=duplicate)
        except (ValidationError, StaleVersionError):
            messages.error(
                request, _("La fusion n'a pas pu être faite : un des dossiers a changé entre-temps.")
            )
        else:
            messages.success(
                request, _("Le dossier n° %(d)s est fusionné dans celui-ci.") % {"d": duplicate.pk}
            )
        return redirect("households:detail", pk=household.pk)
    people = [
        {"first_name": p.first_name, "last_name": p.last_name, "birth_date": p.birth_date}
        for p in household.members
    ]
    candidates = [
        h
        for h in _with_relations(
            Household.objects.listable_by(request.user).duplicates_of(people).exclude(pk=household.pk)
        )[:20]
        if perms.can_edit_household(request.user, h)
    ]
    services.record_read(
        actor=request.user, household=household, sections=["identity", "composition"], purpose="merge"
    )
    services.record_reads(actor=request.user, households=candidates, sections=["list"], purpose="duplicates")
    crumbs = _crumbs(
        _file_crumb(request, household),
        (_("Fusionner un doublon"), None),
    )
    return render(
        request, "households/merge.html", {"household": household, "candidates": candidates, "crumbs": crumbs}
    )


@require_POST
def split(request, pk):
    household = get_visible_or_404(_files(), pk, request.user, include_merged=True)
    if household.merged_into_id is None:
        raise Http404
    keep_id = household.merged_into_id
    services.household_split(actor=request.user, merged=household)
    messages.success(request, _("La fusion est annulée : les deux dossiers sont de nouveau distincts."))
    return redirect("households:detail", pk=keep_id)


_CONFLICT = _lazy(
    "Quelqu'un a modifié ce dossier pendant que vous le modifiiez. Vos changements ne sont pas "
    "enregistrés : rouvrez le dossier pour repartir de la version actuelle."
)


def _editable(request, pk) -> Household:
    """A page that edits the whole file is not shown to who only sees the shared sheet (a 404, as
    before); the service it calls authorizes the write itself (ADR 0016)."""
    household = get_visible_or_404(_files(), pk, request.user)
    if not perms.can_edit_household(request.user, household):
        raise Http404
    return household


def _formset_page(request, household, formset, *, template, title, rows, save, done, sections):
    """A page that edits a list of rows of the file (people, resources) against the version read."""
    version_form = VersionForm(request.POST or None, initial={"version": household.version})
    conflict = False
    if request.method == "POST" and version_form.is_valid() and formset.is_valid():
        try:
            save(
                actor=request.user,
                household=household,
                version=version_form.cleaned_data["version"],
                **{rows: formset.cleaned_rows()},
            )
        except StaleVersionError:
            conflict = True
            messages.error(request, _CONFLICT)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done)
            return redirect("households:detail", pk=household.pk)
    services.record_read(actor=request.user, household=household, sections=sections, purpose="edit")
    crumbs = _crumbs(
        _file_crumb(request, household),
        (title, None),
    )
    return render(
        request,
        template,
        {"household": household, "version_form": version_form, "formset": formset, "crumbs": crumbs},
        status=409 if conflict else (400 if request.method == "POST" else 200),
    )


def composition_edit(request, pk):
    household = _editable(request, pk)
    initial = [
        {f: getattr(p, f) for f in ("id", "first_name", "last_name", "birth_date", "sex", "relationship")}
        for p in household.members
    ]
    return _formset_page(
        request,
        household,
        PersonFormSet(request.POST or None, prefix="members", initial=initial),
        template="households/composition.html",
        title=_("Composition"),
        rows="members",
        save=services.composition_update,
        done=_("La composition du ménage est mise à jour."),
        sections=["composition"],
    )


def money_edit(request, pk):
    household = _editable(request, pk)
    initial = [
        {"kind": f"{'r' if m.is_resource else 'c'}:{m.kind}", "monthly_amount": m.monthly_amount}
        for m in household.money_lines.all()
    ]
    return _formset_page(
        request,
        household,
        MoneyLineFormSet(request.POST or None, prefix="money", initial=initial),
        template="households/money.html",
        title=_("Ressources et charges"),
        rows="lines",
        save=services.money_lines_update,
        done=_("Les ressources et charges sont mises à jour."),
        sections=["resources"],
    )


def delete(request, pk):
    household = _editable(request, pk)
    if not perms.can_delete_household(request.user, household):
        raise Http404
    version_form = VersionForm(request.POST or None, initial={"version": household.version})
    if request.method == "POST" and version_form.is_valid():
        try:
            services.household_delete(
                actor=request.user, household=household, version=version_form.cleaned_data["version"]
            )
        except StaleVersionError:
            messages.error(request, _CONFLICT)
            return redirect("households:detail", pk=household.pk)
        messages.success(request, _("Le dossier n° %(n)s est supprimé.") % {"n": household.pk})
        return redirect("households:list")
    services.record_read(actor=request.user, household=household, sections=["identity"], purpose="delete")
    crumbs = _crumbs(
        _file_crumb(request, household),
        (_("Supprimer"), None),
    )
    return render(
        request,
        "households/delete.html",
        {"household": household, "version_form": version_form, "crumbs": crumbs},
    )
