# ruff: noqa: F811  (`world` is the fixture of test_assessments, imported)
"""The assessment form's draft saved automatically on the server, its progress counts, and the next
steps offered once a version is saved (issue 15)."""

import json

import pytest
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.assessments.forms import AssessmentForm, comment_name, level_name, value_name
from parcours.assessments.models import Assessment, AssessmentDraft, AssessmentGrid
from parcours.core import retention
from parcours.core.models import AuditEvent, AuditKind
from parcours.households.export import household_export
from parcours.orientation import services as orientation_services
from tests.assessments.test_assessments import W, rated_form_data, save, world  # noqa: F401  (the `world` fixture)

pytestmark = pytest.mark.django_db

SECRET = "Dette de loyer ancienne, plan apurement en cours."


def _urls(household, perspective="worker"):
    kwargs = {"household_id": household.pk, "perspective": perspective}
    return reverse("assessments:create", kwargs=kwargs), reverse("assessments:autosave", kwargs=kwargs)


def _autosave(client, household, version, based_on=0, perspective="worker", **fields):
    _form, url = _urls(household, perspective)
    return client.post(url, {"draft_version": str(version), "based_on": str(based_on), **fields})


def test_autosave_creates_then_updates_the_authors_draft_and_audits_names_only(world, client, login):
    worker, household = world.users[W], world.households["own"]
    login(worker)

    first = _autosave(client, household, 0, **{level_name("2.1"): "in_progress", comment_name("2.1"): SECRET})
    assert first.status_code == 200
    assert first.json()["version"] == 1 and first.json()["message"].startswith("Brouillon enregistré à ")
    draft = AssessmentDraft.objects.get()
    assert (draft.author, draft.household, draft.perspective, draft.based_on) == (
        worker,
        household,
        "worker",
        0,
    )
    assert draft.data == {level_name("2.1"): "in_progress", comment_name("2.1"): SECRET}

    second = _autosave(
        client,
        household,
        1,
        **{
            level_name("2.1"): "acquired",
            comment_name("2.1"): SECRET,
            "csrfmiddlewaretoken": "x",
            "other": "y",
        },
    )
    assert second.status_code == 200 and second.json()["version"] == 2
    draft.refresh_from_db()
    # Only the form's own fields are kept.
    assert draft.data == {level_name("2.1"): "acquired", comment_name("2.1"): SECRET}
    events = list(
        AuditEvent.objects.filter(kind=AuditKind.WRITE, action="assessments.draft.save").order_by("pk")
    )
    assert [e.fields for e in events] == [
        sorted([comment_name("2.1"), level_name("2.1")]),
        [level_name("2.1")],
    ]
    assert all(SECRET not in json.dumps(e.fields) for e in events)
    # Nothing of a draft is an assessment: no version, nothing on the shared sheet.
    assert not Assessment.objects.exists()
    liaison = client.get(reverse("assessments:liaison", args=[household.pk])).content.decode()
    assert SECRET not in liaison


def test_a_stale_draft_version_conflicts_and_changes_nothing(world, client, login):
    worker, household = world.users[W], world.households["own"]
    login(worker)
    _autosave(client, household, 0, **{comment_name("1.1"): "Premier onglet."})
    _autosave(client, household, 1, **{comment_name("1.1"): "Premier onglet, suite."})

    stale = _autosave(client, household, 1, **{comment_name("1.1"): "Second onglet, en retard."})

    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version" and stale.json()["current_version"] == 2
    assert "autre onglet" in stale.json()["message"]
    draft = AssessmentDraft.objects.get()
    assert (draft.version, draft.data) == (2, {comment_name("1.1"): "Premier onglet, suite."})
    # A tab that believes it has no draft yet does not overwrite the existing one either.
    assert _autosave(client, household, 0, **{comment_name("1.1"): "Troisième."}).status_code == 409
    assert AssessmentDraft.objects.get().version == 2


def test_bad_autosave_input_is_a_json_error_in_french(world, client, login):
    worker, household = world.users[W], world.households["own"]
    login(worker)
    _form, url = _urls(household)
    response = client.post(url, {"draft_version": "deux", "based_on": "0"})
    assert response.status_code == 400 and "rechargez la page" in response.json()["message"]
    too_long = _autosave(client, household, 0, **{comment_name("1.1"): "x" * 200_001})
    assert too_long.status_code == 400 and "trop long" in too_long.json()["message"]
    assert client.get(url).status_code == 405
    assert not AssessmentDraft.objects.exists()


def test_the_form_resumes_the_draft_and_saving_the_version_closes_it(world, client, login):
    worker, household = world.users[W], world.households["own"]
    login(worker)
    form_url, _url = _urls(household)
    _autosave(client, household, 0, **{level_name("2.1"): "needs_support", comment_name("2.1"): SECRET})

    html = client.get(form_url).content.decode()
    assert "Vous reprenez votre brouillon" in html and SECRET in html
    assert 'value="needs_support" class="form-check-input" id="id_level_2_1_2" required checked' in html
    assert 'name="draft_version" value="1"' in html
    assert "<span data-progress-answered>1</span> / 20 éléments renseignés" in html
    index = client.get(reverse("assessments:index", args=[household.pk])).content.decode()
    assert "Reprendre mon brouillon" in index

    data = rated_form_data(0, **{level_name("2.1"): "needs_support", comment_name("2.1"): SECRET})
    response = client.post(form_url, {**data, "draft_version": "1"})
    assert response.status_code == 302
    assert Assessment.objects.get().answers_by_item()["2.1"].comment == SECRET
    assert not AssessmentDraft.objects.exists()
    # A tab left open on the draft cannot bring it back after the version is saved.
    late = _autosave(client, household, 1, **{comment_name("2.1"): "Après coup."})
    assert late.status_code == 409 and late.json()["code"] == "draft_closed"
    assert not AssessmentDraft.objects.exists()


def test_a_draft_started_before_another_version_conflicts_when_saved(world, client, login):
    worker, household = world.users[W], world.households["own"]
    login(worker)
    form_url, _url = _urls(household)
    _autosave(client, household, 0, based_on=0, **{comment_name("1.1"): SECRET})
    save(world.users[Role.SIAO_COORDINATOR], household, answers=[{"item": "1.1", "level": "acquired"}])

    html = client.get(form_url).content.decode()
    assert 'name="based_on" value="0"' in html and "Une autre version de ce point de vue" in html
    response = client.post(
        form_url, {**rated_form_data(0, **{comment_name("1.1"): SECRET}), "draft_version": "1"}
    )
    assert response.status_code == 409
    assert (
        Assessment.objects.count() == 1 and AssessmentDraft.objects.get().data[comment_name("1.1")] == SECRET
    )


def test_the_draft_discarded_is_gone(world, client, login):
    worker, household = world.users[W], world.households["own"]
    login(worker)
    _autosave(client, household, 0, **{comment_name("1.1"): SECRET})
    url = reverse("assessments:draft_discard", kwargs={"household_id": household.pk, "perspective": "worker"})
    response = client.post(url)
    assert response.status_code == 302 and not AssessmentDraft.objects.exists()
    assert AuditEvent.objects.filter(action="assessments.draft.discard").count() == 1


@pytest.mark.parametrize(
    "role",
    [Role.CALL_HANDLER, Role.SIAO_COORDINATOR, Role.LANDLORD, Role.FACILITY_MANAGER, Role.OBSERVER, "other"],
)
def test_no_one_but_its_author_reads_a_draft(world, client, login, role):
    worker, household = world.users[W], world.households["own"]
    login(worker)
    _autosave(client, household, 0, **{comment_name("1.1"): SECRET})
    reader = world.other_worker if role == "other" else world.users[role]
    client.logout()
    login(reader)
    form_url, _url = _urls(household)
    pages = [
        form_url,
        reverse("assessments:index", args=[household.pk]),
        reverse("assessments:liaison", args=[household.pk]),
        reverse("households:detail", args=[household.pk]),
    ]
    for url in pages:
        assert SECRET not in client.get(url).content.decode()
    # Those who may write the worker's view get a draft of their own, never the author's.
    answer = _autosave(client, household, 1, **{comment_name("1.1"): "Écrasé ?"})
    assert answer.status_code in (403, 404, 409)
    draft = AssessmentDraft.objects.get(author=worker)
    assert (draft.version, draft.data) == (1, {comment_name("1.1"): SECRET})


def test_the_api_never_shows_a_draft(world, client, login):
    from tests.factories import api_for

    worker, household = world.users[W], world.households["own"]
    login(worker)
    _autosave(client, household, 0, **{comment_name("1.1"): SECRET})
    call = api_for(client, worker.active_membership)
    response = call("get", f"/households/{household.pk}/assessments")
    assert response.status_code == 200 and SECRET not in response.content.decode()


def test_the_draft_is_in_the_right_of_access_export_and_retention_deletes_it(world, client, login):
    worker, household = world.users[W], world.households["own"]
    login(worker)
    _autosave(client, household, 0, **{comment_name("1.1"): SECRET})

    exported = household_export(household, worker)
    assert exported["assessment_drafts"][0]["fields"] == {comment_name("1.1"): SECRET}
    assert exported["assessment_drafts"][0]["perspective"] == "Travailleur·se social·e"

    retention.anonymise([household.pk])
    assert not AssessmentDraft.objects.exists()


def test_progress_counts_items_answered_by_level_text_or_value(world):
    worker, household = world.users[W], world.households["own"]
    latest = save(
        worker,
        household,
        answers=[
            {"item": "1.1", "level": "acquired"},
            {"item": "2.3", "comment": "En cours de discussion."},
            {"item": "5.1", "values": {"max_rent": "650.00"}},
        ],
        section_answers={"5": {"referent_name": "Camille Martin"}},
    )
    grid = AssessmentGrid.objects.with_content().current()
    form = AssessmentForm(grid=grid, latest=Assessment.objects.with_answers().get(pk=latest.pk))
    blocks = form.layout()
    assert form.progress(blocks) == (3, 20)
    assert [(b["section"].code, b["answered"], b["total"]) for b in blocks] == [
        ("1", 1, 3),
        ("2", 1, 7),
        ("3", 0, 3),
        ("4", 0, 3),
        ("5", 1, 4),
    ]
    # A level put back to « Non évalué » with nothing written does not count.
    bound = AssessmentForm(rated_form_data(1, **{value_name("5.4", "dalo_departement"): "93"}), grid=grid)
    assert bound.progress() == (1, 20)


def test_after_saving_the_next_steps_follow_the_role(world, client, login):
    worker, household = world.users[W], world.households["own"]
    login(worker)
    form_url, _url = _urls(household)
    data = rated_form_data(0, **{value_name("5.1", "max_rent"): "640,00"})
    response = client.post(form_url, {**data, "draft_version": "0"}, follow=True)
    html = response.content.decode()
    assert "La version 1 de l&#x27;évaluation est enregistrée." in html
    assert "Et ensuite ?" in html and "Voir la fiche de liaison" in html
    create_url = reverse("orientation:create", args=[household.pk])
    assert f'href="{create_url}"' in html and "Faire une demande d&#x27;insertion" in html
    # The request's form takes the maximum rent the assessment gave (item 5.1).
    assert 'value="640.00"' in client.get(create_url).content.decode()

    # Once a request is live, the way on is that request.
    live = orientation_services.request_create(
        actor=worker, household=household, wished_kinds=["residence_sociale"], wished_territories=["93"]
    )
    html = client.get(response.redirect_chain[-1][0]).content.decode()
    assert reverse("orientation:detail", args=[live.pk]) in html and "Faire une demande" not in html

    # A landlord reads the assessment and the sheet, but opens no insertion request.
    consented = world.households["consented"]
    version = save(
        world.users[Role.LANDLORD], consented, "landlord", answers=[{"item": "3.1", "level": "acquired"}]
    )
    client.logout()
    login(world.users[Role.LANDLORD])
    html = client.get(reverse("assessments:detail", args=[consented.pk, version.pk])).content.decode()
    assert "Voir la fiche de liaison" in html and "demande d&#x27;insertion" not in html


def test_a_new_household_leads_straight_to_its_assessment(world, client, login):
    login(world.users[W])
    page = client.get(reverse("households:create")).content.decode()
    assert 'name="next" value="assessment"' in page
    data = {
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-0-first_name": "Awa",
        "members-0-last_name": "Diallo",
        "members-0-birth_date": "1990-04-02",
        "members-0-sex": "F",
        "members-0-relationship": "head",
        "territory": "93",
        "situation": "street",
        "next": "assessment",
    }
    response = client.post(reverse("households:create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response.url.endswith("/evaluations/nouvelle/worker/")
    client.logout()
    login(world.users[Role.CALL_HANDLER])
    assert 'value="assessment"' not in client.get(reverse("households:create")).content.decode()
