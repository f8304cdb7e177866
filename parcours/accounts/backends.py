"""The authentication backend: Django's ModelBackend, the signed-in user read by a query compiled once
(issue 18).

Every signed-in request loads its user by primary key (`auth.get_user` → `backend.get_user`). The ORM
built and compiled that query at each request (0.5 ms of CPU under the load test); `core.compiled`
runs the same SQL, with the same columns and converters, and the same rule after it (an inactive user
is no user). Authentication itself (passwords, permissions) is ModelBackend's, unchanged.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from parcours.core.compiled import by_pk


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        user = by_pk(model, model._meta.pk.to_python(user_id), using=model._default_manager.db)
        return user if user is not None and self.user_can_authenticate(user) else None
