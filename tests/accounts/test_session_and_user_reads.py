"""The session row and the signed-in user are read by SQL compiled once (issue 18): the same answers as
Django's own reads, never a stale one. A session deleted or expired, a user deactivated, a password
changed elsewhere: the very next request sees it (nothing is kept between requests but the SQL)."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.backends import ModelBackend
from parcours.accounts.models import Membership, User
from parcours.accounts.roles import Role
from parcours.accounts.sessions import SessionStore
from parcours.core.compiled import by_pk, instances_of
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    return MembershipFactory(role=Role.SOCIAL_WORKER).user


def _signed_in(client, login, worker):
    login(worker)
    home = reverse("core:home")
    assert client.get(home).status_code == 200
    return home


def _sent_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_the_session_reads_as_djangos_own_store(client, login, worker):
    _signed_in(client, login, worker)
    key = client.session.session_key
    ours, django = SessionStore(session_key=key), DjangoSessionStore(session_key=key)
    assert ours.load() == django.load() and ours[SESSION_KEY] == str(worker.pk)
    assert ours.session_key == key


def test_an_unknown_or_expired_session_reads_as_empty_and_loses_its_key(client, login, worker):
    _signed_in(client, login, worker)
    key = client.session.session_key
    unknown = SessionStore(session_key="x" * 32)
    assert unknown.load() == {} and unknown.session_key is None
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(session_key=key)
    assert expired.load() == {} and expired.session_key is None


def test_a_session_deleted_elsewhere_signs_out_at_the_next_request(client, login, worker):
    home = _signed_in(client, login, worker)
    Session.objects.all().delete()  # a logout in another tab or worker, an administrator's purge
    assert _sent_to_login(client.get(home))


def test_a_user_deactivated_elsewhere_is_signed_out_at_the_next_request(client, login, worker):
    home = _signed_in(client, login, worker)
    User.objects.filter(pk=worker.pk).update(is_active=False)
    assert _sent_to_login(client.get(home))
    assert _sent_to_login(client.get(home))  # and stays so


def test_a_password_changed_elsewhere_signs_the_session_out(client, login, worker):
    home = _signed_in(client, login, worker)
    user = User.objects.get(pk=worker.pk)
    user.set_password("un autre mot de passe assez long")
    user.save()
    assert _sent_to_login(client.get(home))


def test_the_user_is_read_with_its_fields_converted_as_by_the_orm(worker):
    User.objects.filter(pk=worker.pk).update(last_login=timezone.now())
    ours, orm = by_pk(User, worker.pk), User.objects.get(pk=worker.pk)
    assert ours is not orm and ours.pk == orm.pk and not ours._state.adding
    for field in User._meta.concrete_fields:
        assert getattr(ours, field.attname) == getattr(orm, field.attname), field.name
    assert timezone.is_aware(ours.last_login) and ours.last_login == orm.last_login
    assert by_pk(User, 10**9) is None
    assert ModelBackend().get_user(worker.pk) == orm
    User.objects.filter(pk=worker.pk).update(is_active=False)
    assert ModelBackend().get_user(worker.pk) is None


def test_a_signed_in_page_reads_its_session_and_user_in_one_statement_each(client, login, worker):
    home = _signed_in(client, login, worker)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(home).status_code == 200
    sessions = [q for q in queries.captured_queries if "django_session" in q["sql"]]
    users = [q for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]]
    assert len(sessions) == 1 and len(users) == 1


def test_a_compiled_query_refuses_what_it_cannot_read():
    with pytest.raises(ValueError):  # a value the SQL does not hold would be silently ignored
        instances_of(("test_unused_value",), lambda pk: User.objects.filter(is_active=True), pk=1)
    with pytest.raises(TypeError):  # rows, not instances: rows_of's work
        instances_of(("test_values",), lambda: Membership.objects.values_list("pk"))
