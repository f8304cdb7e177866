"""The 115 board's waiting list drawn cheaper (issue 18), byte for byte as before: the rows read from
the columns they show (`WAITING_FIELDS`), drawn by one tag (`waiting_rows`) with the user, today and
the time zone found once per drawing, the names by the one `label_html` of visibility_tags. Compared
with the ORM's whole rows drawn the old way (format_html, a `{% for %}` of `{% waiting_row %}`), in
each language and for the privacy cases: a file of another département (its number and why), a
protected file, a file without members, another département's handler."""

from datetime import date, timedelta

import pytest
from django.db.models.functions import Coalesce
from django.template import Template
from django.template.context import make_context
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent
from parcours.emergency import board, services
from parcours.emergency.choices import RequestStatus
from parcours.emergency.models import EmergencyRequest
from parcours.emergency.nights import current_night
from parcours.households.display import (
    HouseholdLabel,
    LabelWords,
    composition,
    household_label,
    remembered_label,
)
from parcours.households.models import Household, Person, with_people
from parcours.households.templatetags.visibility_tags import _readable, label_html, reverse_in_drawing
from parcours.offers.models import Unit
from tests.emergency.test_board_speed import places, waiting  # noqa: F401  (fixtures)
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    as_member,
    make_household,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def _format_html_label(label):
    """visibility_tags._name_html's drawing before label_html (format_html over each piece)."""
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


LABELS = [
    HouseholdLabel(number="Ménage n° 1", name="Awa <D.>", composition="F & 2 enfants"),
    HouseholdLabel(number="Ménage n° 2", name="Jo \"'", composition=""),
    HouseholdLabel(number="Ménage n° 3", hidden_reason="identité <non> partagée"),
    HouseholdLabel(number="Ménage n° <4>"),
    HouseholdLabel(number="Ménage n° 5", name=mark_safe("<b>déjà sûr</b>"), composition="H"),
]


@pytest.mark.parametrize("label", LABELS)
def test_label_html_is_format_htmls_drawing(label):
    """label_html, the one drawing of a label (household_name, the waiting rows, the call's rows), is
    what format_html drew, escaped as conditional_escape escapes a bare number."""
    old = _format_html_label(label)
    assert label_html(label) == format_html("{}", old)


def _old_caller_html(context, req):
    household = req.household
    if household is not None:
        request = context.get("request")
        if request is None:
            return str(household)
        label = remembered_label(request, request.user, household) or household_label(
            request.user, household, _readable(context, request.user, household)
        )
        return _format_html_label(label)
    if req.caller_name:
        return format_html(
            '{} <span class="text-body-secondary small">({})</span>', req.caller_name, _("sans dossier")
        )
    return _("Appelant·e anonyme")


def _old_row(context, req):
    """`waiting_row` as its template drew it, with format_html over each piece."""
    priority = req.priority
    return format_html(
        '<li class="list-group-item" data-request="{}">\n'
        '          <div class="d-flex gap-2 align-items-baseline">\n'
        '            <span class="badge prc-priority-{} {}" title="{}">{}</span>\n'
        '            <a id="req-{}" class="fw-semibold" href="{}">{}</a>\n'
        "          </div>\n"
        '          <div class="small">\n'
        "            {} · <strong data-waited>{}</strong> ·\n"
        "            {}{}\n"
        "          </div>\n"
        "        </li>",
        req.pk,
        str(priority).lower(),
        {"P1": "text-bg-danger", "P2": "text-bg-warning"}.get(priority, "text-bg-secondary"),
        req.get_priority_display(),
        priority,
        req.pk,
        reverse_in_drawing(context, "emergency:request", req.pk),
        _old_caller_html(context, req),
        req.called_label,
        req.waited,
        req.persons_label,
        format_html(" · {}", _("femme seule ou avec enfants")) if req.women_only else "",
    )


def _orm_waiting(territory_id, night):
    """The waiting list as the ORM reads it, whole rows and whole people (before WAITING_FIELDS)."""
    rows = list(
        EmergencyRequest.objects.filter(territory_id=territory_id, night=night, status=RequestStatus.OPEN)
        .select_related("household")
        .prefetch_related(*with_people("household"))
        .annotate(called_at=Coalesce("call__received_at", "created_at"))
        .by_urgency()[:50]
    )
    now = timezone.now()
    for req in rows:
        board.waiting_lines(req, now)
    rows.sort(key=lambda r: (r.priority, r.called_at, r.pk))
    return rows


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_board_draws_the_whole_rows_old_drawing_byte_for_byte(places, waiting, login, client, language):  # noqa: F811
    """The board's waiting list, read from the columns it shows and drawn by waiting_rows, is the
    list of the ORM's whole rows drawn row by row with format_html, between the `{% for %}` loop's
    line breaks: names, a file of another département (its number and why), a protected file (its
    name: the 115 of its département reads it), a file without members (its bare number)."""
    listed = _orm_waiting(places["territory_id"], waiting)
    protected = [r.household for r in listed if r.household_id and r.household.members][-1]
    Household.objects.filter(pk=protected.pk).update(protected=True)
    login(places["handler"])
    with translation.override(language):
        response = client.get(reverse("emergency:board"), HTTP_ACCEPT_LANGUAGE=language)
        body = response.content.decode()
        request = response.wsgi_request
        rows = _orm_waiting(places["territory_id"], waiting)
        context = make_context({"request": request}, request)
        drawn = {req.household_id: _old_row(context, req) for req in rows}
        old = "".join(f"\n        {_old_row(context, req)}\n      " for req in rows)
    assert [r.pk for r in response.context["waiting"]] == [r.pk for r in rows]
    assert len(rows) == 50
    assert f'<ol class="list-group mb-3" data-waiting>\n      {old}\n      </ol>' in body
    assert f'data-request="{rows[0].pk}"' in body
    assert '<span class="household-name">' in drawn[protected.pk]
    moved = Household.objects.get(territory__code="75")
    assert f'{moved.pk} <span class="text-body-secondary small">(' in old


def _old_board_source():
    """emergency/_board.html as it was before issue 18's third pass: its `{% for %}{% waiting_row %}`
    loop, its free places' sentence and places per kind drawn at each refresh."""
    source = get_template("emergency/_board.html").template.source
    new = (
        "      {% if waiting %}{% waiting_rows waiting %}{% else %}\n"
        '        <li class="list-group-item">{% translate "Aucune demande en attente." %}</li>\n'
        "      {% endif %}\n"
    )
    old = (
        "      {% for req in waiting %}\n"
        "        {% waiting_row req %}\n"
        "      {% empty %}\n"
        '        <li class="list-group-item">{% translate "Aucune demande en attente." %}</li>\n'
        "      {% endfor %}\n"
    )
    assert new in source
    source = source.replace(new, old)
    # The free places' sentence and the places per kind, as the board's template drew them before
    # _board_free.html and _board_kinds.html were drawn with the free places and kept with them.
    drawn = {
        "    {{ free_html }}{# emergency/_board_free.html, drawn with the free places it says"
        " (views._board_context) #}\n": (
            '    <p class="fs-5 mb-1" data-free-summary>\n'
            "      <strong>{% blocktranslate count n=free_places %}{{ n }} place libre{% plural %}"
            "{{ n }} places libres{% endblocktranslate %}</strong>{% if free_places %} : "
            '{% for row in by_public %}<span data-public="{{ row.group }}">{{ row.places }} '
            "{{ row.label }}</span>{% if not forloop.last %}, {% endif %}{% endfor %}{% endif %}\n"
            "    </p>\n"
            '    {% if free_places %}<p class="small text-secondary mb-1">{% translate "Une place '
            "ouverte à tous compte pour chaque public ; familles et couples : chambres de deux places "
            'ou plus." %}</p>{% endif %}\n'
        ),
        "      {{ kinds_html }}{# emergency/_board_kinds.html, likewise #}\n": (
            '      {% for row in summary %}<div><dt class="d-inline fw-normal">{{ row.label }} :</dt> '
            '<dd class="d-inline">{% blocktranslate count n=row.places %}{{ n }} place{% plural %}'
            "{{ n }} places{% endblocktranslate %}</dd></div>{% endfor %}\n"
        ),
    }
    for now, before in drawn.items():
        assert now in source
        source = source.replace(now, before)
    return source


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("empty", [False, True])
def test_the_board_draws_what_its_template_drew(places, waiting, login, client, empty, language):  # noqa: F811
    """The board's fragment (waiting_rows, the free places' HTML kept with them) is the fragment its
    template drew before, byte for byte, with fifty callers and with none (« Aucune demande en
    attente. »), in each language, the places free or not."""
    if empty:
        EmergencyRequest.objects.update(status=RequestStatus.CANCELLED)
        Unit.objects.update(active=False)
    login(places["handler"])
    with translation.override(language):
        response = client.get(reverse("emergency:board"), headers={"HX-Request": "true"})
        request = response.wsgi_request
        flat = next(c for c in response.context if "tonight" in c).flatten()
        new = get_template("emergency/_board.html").render(flat, request)
        old = Template(_old_board_source()).render(make_context(flat, request))
    assert new == old == response.content.decode()
    assert ("data-public=" in new) is not empty and (flat["free_places"] == 0) is empty
    assert ("place" in flat["kinds_html"]) is not empty


def test_another_departments_handler_reads_its_own_list(places, waiting, login, client):  # noqa: F811
    """The waiting list's SQL is kept per département (its key): the handler of the 75 reads its own
    callers, none of the 93's, and their names are not traced as read by them."""
    t75 = TerritoryFactory(code="75")
    siao75 = OrganizationFactory(name="SIAO 75", siao=True, territory=t75)
    handler75 = as_member(MembershipFactory(role=Role.CALL_HANDLER, organization=siao75))
    login(places["handler"])
    client.get(reverse("emergency:board"))
    own = services.request_create(actor=handler75, night=current_night(), persons=1, caller_name="Zoé 75")
    login(handler75)
    response = client.get(reverse("emergency:board"))
    assert [r.pk for r in response.context["waiting"]] == [own.pk]
    assert "Zoé 75" in response.content.decode()
    assert not AuditEvent.objects.filter(actor=handler75, purpose="emergency_board").exists()


def test_the_named_households_are_traced_as_before(places, waiting, login, client):  # noqa: F811
    """Naming the callers is an audited read of each household on the list (named or not, as
    before), once a night per user, whatever columns the list reads."""
    login(places["handler"])
    response = client.get(reverse("emergency:board"))
    shown = {r.household_id for r in response.context["waiting"] if r.household_id}
    traced = AuditEvent.objects.filter(actor=places["handler"], action="read", purpose="emergency_board")
    assert {int(e.object_id) for e in traced} == shown
    count = traced.count()
    client.get(reverse("emergency:board"), headers={"HX-Request": "true"})
    assert traced.count() == count


def test_the_board_reads_no_deferred_column(places, waiting, login, client, django_assert_num_queries):  # noqa: F811
    """Drawing the list asks nothing of a column it did not read (a deferred field would be one query
    per row): the same queries with fifty callers as with one."""
    login(places["handler"])
    client.get(reverse("emergency:board"), headers={"HX-Request": "true"})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as full:
        client.get(reverse("emergency:board"), headers={"HX-Request": "true"})
    first = EmergencyRequest.objects.filter(status=RequestStatus.OPEN).order_by("pk").first()
    EmergencyRequest.objects.exclude(pk=first.pk).update(status=RequestStatus.CANCELLED)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("emergency:board"), headers={"HX-Request": "true"})
    assert len(full.captured_queries) == len(one.captured_queries)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_labels_with_a_lists_words_are_those_found_per_label(role_network, language):
    """display.LabelWords, found once for a list (the 115 board's rows, a call's search), gives each
    household the label found for it alone, for every role (names or the number and why), every
    composition (adults by sex or « adulte », children by count, someone who left), in each language;
    and a day given counts the children's ages on that day."""
    organization = role_network.association
    households = [
        make_household(organization=organization, people=[("Awa", "Diallo", date(1990, 1, 2))]),
        make_household(
            organization=organization,
            people=[("Inès", "R", date(1988, 3, 4)), ("Léo", "R", date(2020, 6, 7)), ("Noé", "R", None)],
        ),
        make_household(
            organization=organization,
            people=[
                ("Jo", "<b>", None),
                ("Sam", "", date(1970, 1, 1), "partner"),
                ("Kid", "K", date(2019, 1, 1)),
            ],
        ),
        make_household(organization=organization, people=[("Seul", "S", date(1980, 1, 1))]),
    ]
    Person.objects.filter(household=households[0]).update(sex="F")
    Person.objects.filter(household=households[2], first_name="Sam").update(sex="M")
    Person.objects.filter(household=households[3]).update(left_on=date(2024, 1, 1))
    fresh = list(Household.objects.filter(pk__in=[h.pk for h in households]).prefetch_related(*with_people()))
    with translation.override(language):
        for user in [*role_network.users.values(), role_network.other_worker]:
            words = LabelWords()
            for household in fresh:
                assert household_label(user, household, words=words) == household_label(user, household)
        words = LabelWords()
        for household in fresh:
            assert composition(household.members, words=words) == composition(household.members)
        later = timezone.localdate() + timedelta(days=365 * 20)
        for household in fresh:
            assert composition(household.members, words=LabelWords(later)) == composition(
                household.members, later
            )
    assert any(household_label(u, fresh[1]).name for u in role_network.users.values())
    assert any(household_label(u, fresh[1]).hidden_reason for u in role_network.users.values())
