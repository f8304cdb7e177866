"""The 115's new call made cheaper (issue 18), same behaviour: the households found drawn as before
byte for byte (on the demo data, for every role), CallForm's fields copied as Django's deep copy
copies them, and a call saved with the same statements, rows and audit rows."""

import copy

import pytest
from django.template import Context
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from parcours.accounts.models import Membership, User
from parcours.accounts.roles import Role
from parcours.core.errors import Forbidden
from parcours.core.models import AuditEvent
from parcours.demo.network import ROLE_ACCOUNTS
from parcours.emergency import forms as emergency_forms
from parcours.emergency import services
from parcours.emergency.audit_actions import EmergencyAction
from parcours.emergency.forms import CallForm
from parcours.emergency.models import EmergencyCall, EmergencyRequest
from parcours.emergency.nights import current_night
from parcours.emergency.templatetags.emergency_tags import call_result_row
from parcours.households.audit_actions import HouseholdAction
from parcours.households.models import Household, Person, SituationPeriod, with_people
from parcours.households.templatetags.visibility_tags import _name_html, _readable
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    as_member,
    make_household,
)

pytestmark = pytest.mark.django_db


def _format_html_row(context, household):
    """`call_result_row` as it was drawn with format_html (before issue 18's plain escaping)."""
    request = context.get("request")
    members = ""
    if request is None:
        name = str(household)
    else:
        readable = _readable(context, request.user, household)
        name = _name_html(request, household, readable)
        person_fields = readable("person")
        if "first_name" in person_fields:
            years = "birth_date" in person_fields
            members = format_html(
                " — {}",
                format_html_join(
                    ", ",
                    "{} {}{}",
                    (
                        (
                            p.first_name,
                            p.last_name,
                            f" ({p.birth_date.year:04d})" if years and p.birth_date else "",
                        )
                        for p in household.members
                    ),
                ),
            )
    return format_html(
        '<li><a href="?household={}">{} {}</a>{}</li>', household.pk, _("Choisir"), name, members
    )


def _drawn(row, request, households):
    context = Context({"request": request})
    return "".join(row(context, h) for h in households)


def _as(user, membership):
    user.active_membership = membership
    return user


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_call_rows_are_drawn_as_before_on_the_demo_for_every_role(
    demo_network, login, client, rf, language
):
    """The households the demo's call handler finds, drawn for each demo account in each of its
    memberships (names shown, hidden with the reason, no membership at all) and without a request:
    byte for byte what format_html drew, and the page holds these very rows."""
    from django.utils import translation

    handler = User.objects.get(username="ecoutant")
    login(handler)
    last_names = Person.objects.values_list("last_name", flat=True).order_by("last_name").distinct()
    pages = 0
    with translation.override(language):
        for last_name in list(last_names)[:8]:
            response = client.get(reverse("emergency:call"), {"q": last_name}, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200
            results = response.context["results"]
            if not results:
                continue
            pages += 1
            body = response.content.decode()
            ours = _drawn(call_result_row, response.wsgi_request, results)
            assert ours == _drawn(_format_html_row, response.wsgi_request, results)
            assert ours in body.replace("\n    ", "")
            for _role, username, _org in ROLE_ACCOUNTS:
                user = User.objects.get(username=username)
                for membership in [*Membership.objects.filter(user=user), None]:
                    request = rf.get("/")
                    request.user = _as(user, membership)
                    old = _drawn(_format_html_row, request, results)
                    assert _drawn(call_result_row, request, results) == old, (username, membership)
            assert _drawn(call_result_row, None, results) == _drawn(_format_html_row, None, results)
    assert pages >= 3


def test_a_row_escapes_what_it_draws(demo_network, rf):
    """Names with markup, the household's label (name and composition) and the hidden reason:
    escaped as format_html escaped them."""
    household = (
        Household.objects.filter(deleted_at__isnull=True)
        .prefetch_related(*with_people())
        .order_by("pk")
        .first()
    )
    head = household.members[0]
    head.first_name, head.last_name = "<b>Awa</b> & \"co'", "D<i>"
    # Not saved: the row draws what it is given.
    handler = User.objects.get(username="ecoutant")
    request = rf.get("/")
    request.user = _as(handler, Membership.objects.filter(user=handler).first())
    ours = _drawn(call_result_row, request, [household])
    assert ours == _drawn(_format_html_row, request, [household])
    assert "&lt;b&gt;Awa&lt;/b&gt; &amp; &quot;co&#x27;" in ours and "<b>" not in ours


# --- CallForm: its fields copied as copy.deepcopy copies them --------------------------------------


def _same_copy(fast, deep, original):
    assert type(fast) is type(deep)
    assert vars(fast).keys() == vars(deep).keys()
    for name, value in vars(deep).items():
        if name == "widget":
            continue
        assert getattr(fast, name) == value, name
        if isinstance(value, list | dict):  # its own copy, as the deep copy's
            assert getattr(fast, name) is not getattr(original, name), name
    assert type(fast.widget) is type(deep.widget)
    assert vars(fast.widget) == vars(deep.widget)
    assert fast.widget is not original.widget and fast.widget.attrs is not original.widget.attrs
    if hasattr(deep.widget, "choices"):
        assert fast.widget.choices is not original.widget.choices


def test_the_call_forms_fields_are_copied_as_deepcopy_copies_them():
    fields = CallForm.base_fields
    assert isinstance(fields, emergency_forms._Fields)
    copied = copy.deepcopy(fields)
    assert type(copied) is dict and list(copied) == list(fields)
    for name, field in fields.items():
        assert emergency_forms._copier(field) is not copy.deepcopy, name  # all known kinds
        _same_copy(copied[name], copy.deepcopy(dict(fields))[name], field)
    # One form's change stays its own.
    form = CallForm()
    form.fields["outcome"].widget.attrs["data-x"] = "1"
    form.fields["facts"].choices = [("a", "b")]
    again = CallForm()
    assert "data-x" not in again.fields["outcome"].widget.attrs
    assert again.fields["facts"].choices == CallForm.base_fields["facts"].choices != [("a", "b")]


def test_fields_the_copier_does_not_know_are_deep_copied():
    from django import forms

    nested = forms.ChoiceField(choices=[("g", [("a", "A"), ("b", "B")])])
    assert emergency_forms._copier(nested) is copy.deepcopy  # optgroups: lists in the choices
    assert emergency_forms._copier(forms.SplitDateTimeField()) is copy.deepcopy  # MultiValueField
    # A choice widget on a field without choices of its own: its choices copied as Django copies them.
    field = forms.CharField(widget=forms.Select(choices=[("a", "A")]))
    deep, fast = copy.deepcopy(field), emergency_forms._copier(field)(field)
    assert fast.widget.choices == deep.widget.choices and fast.widget.choices is not field.widget.choices


def test_the_call_form_renders_and_validates_as_with_django_s_own_copy():
    """The form with the fast copy and the same form with a plain dict of base fields (Django's
    deep copy): the same HTML, unbound and bound with errors, the same cleaned data."""

    class Plain(CallForm):
        pass

    Plain.base_fields = dict(CallForm.base_fields)
    night = current_night().isoformat()
    for data in (
        None,
        {"outcome": "request", "night": night, "flash_first_name": "A", "facts": ["nope"]},
        {"outcome": "request", "night": night, "persons": "2", "children": "1", "facts": ["pregnancy"]},
    ):
        ours, django_s = CallForm(data, initial={"household": 3}), Plain(data, initial={"household": 3})
        assert ours.is_valid() == django_s.is_valid()
        assert ours.errors == django_s.errors
        assert getattr(ours, "cleaned_data", None) == getattr(django_s, "cleaned_data", None)
        for name in ours.fields:
            assert str(ours[name]) == str(django_s[name]), name
            assert ours[name].as_field_group() == django_s[name].as_field_group(), name


# --- the call saved: the same statements, rows and audit rows --------------------------------------


def test_a_new_persons_call_is_saved_in_ten_statements_with_its_audit_rows(
    demo_network, login, client, django_assert_num_queries
):
    """The bench's « 115 new call: save »: an évaluation flash, the call and tonight's request, in one
    transaction; the session, the user, the savepoint, five INSERTs, one INSERT of the three audit
    rows and the savepoint's release."""
    handler = User.objects.get(username="ecoutant")
    login(handler)
    data = {
        "outcome": "request",
        "flash_first_name": "Banc",
        "flash_last_name": "Essai Vitesse",
        "flash_sex": "X",
        "night": current_night().isoformat(),
        "persons": "1",
        "children": "0",
    }
    # A first call: the session and the second factor settled, the département's row cached.
    assert client.post(reverse("emergency:call"), {**data, "flash_last_name": "Premier"}).status_code == 302
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with django_assert_num_queries(10):
        response = client.post(reverse("emergency:call"), data)
    assert response.status_code == 302
    request = EmergencyRequest.objects.select_related("call", "household").latest("pk")
    assert response["Location"] == reverse("emergency:request", args=[request.pk])
    household = request.household
    assert [(p.first_name, p.last_name, p.sex, p.relationship) for p in household.members] == [
        ("Banc", "Essai Vitesse", "X", "head")
    ]
    assert household.referent_organization_id == handler.memberships.get().organization_id
    assert SituationPeriod.objects.filter(household=household, situation="street").count() == 1
    assert request.call.household_id == household.pk and request.call.handler_id == handler.pk
    assert (request.night, request.persons, request.children) == (current_night(), 1, 0)
    assert EmergencyCall.objects.filter(household=household).count() == 1
    events = AuditEvent.objects.filter(pk__gt=last_event).order_by("pk")
    assert [(e.action, e.object_id, e.actor_id) for e in events] == [
        (HouseholdAction.HOUSEHOLD_CREATE, str(household.pk), handler.pk),
        (EmergencyAction.CALL_RECORD, str(request.call_id), handler.pk),
        (EmergencyAction.REQUEST_CREATE, str(request.pk), handler.pk),
    ]


# --- the rules of call_take, unchanged: asked of the user behind the request's lazy proxies ---------


def test_acting_user_is_the_user_behind_the_lazy_proxies(rf):
    from django.utils.functional import SimpleLazyObject

    user = User(username="x")
    evaluated = []
    wrapped = SimpleLazyObject(lambda: SimpleLazyObject(lambda: evaluated.append(1) or user))
    assert services.acting_user(wrapped) is user and evaluated == [1]
    assert services.acting_user(user) is user and services.acting_user(None) is None


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.CALL_HANDLER, Role.SIAO_COORDINATOR)])
def test_call_take_still_refuses_whoever_is_not_on_the_115_team(role):
    from django.utils.functional import SimpleLazyObject

    t93 = TerritoryFactory(code="93")
    organization = OrganizationFactory(siao=role == Role.NETWORK_ADMIN, territory=t93)
    actor = as_member(MembershipFactory(role=role, organization=organization))
    for who in (actor, SimpleLazyObject(lambda: actor)):
        with pytest.raises(Forbidden) as refused:
            services.call_take(actor=who, night=current_night(), persons=1)
        assert str(refused.value.message) == "Le 115 est réservé aux écoutant·es et à la coordination SIAO."
    assert not EmergencyCall.objects.exists() and not Household.objects.exists()


def test_call_take_still_refuses_a_household_the_handler_may_not_edit():
    t93, t75 = TerritoryFactory(code="93"), TerritoryFactory(code="75")
    handler = as_member(
        MembershipFactory(role=Role.CALL_HANDLER, organization=OrganizationFactory(siao=True, territory=t93))
    )
    elsewhere = make_household(organization=OrganizationFactory(territory=t75), territory="75")
    with pytest.raises(Forbidden) as refused:
        services.call_take(actor=handler, household=elsewhere, night=current_night())
    assert str(refused.value.message) == "Votre rôle ne permet pas de faire une demande pour ce ménage."
    assert not EmergencyCall.objects.exists()
    call, request = services.call_take(
        actor=handler, flash=services.FlashData("Awa", "Diallo"), night=current_night(), persons=1
    )
    assert request.household.territory == t93 and call.household_id == request.household_id
