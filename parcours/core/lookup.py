"""One way to load an object for a user: through its model's `visible_to(user)`, or not at all."""

from django.db import models

from .errors import NotFound


def get_visible_or_404(model_or_queryset, pk, user, *, message=None, **scope) -> models.Model:
    """The object `pk` among those `user` may see (the QuerySet's `visible_to`), else NotFound: an
    object that exists but is not visible gives the same answer as one that does not exist (a 404 on
    pages, the API's not_found with `message`). Pass a queryset to choose its select_related, and
    `scope` for the keyword arguments of its `visible_to` (e.g. `include_merged=True`)."""
    if isinstance(model_or_queryset, models.QuerySet):
        queryset = model_or_queryset
    else:
        queryset = model_or_queryset._default_manager.all()
    # One row by its key: no ORDER BY to compile (first() would add the model's ordering; issue 18).
    found = next(iter(queryset.visible_to(user, **scope).filter(pk=pk).order_by()[:1]), None)
    if found is None:
        raise NotFound(message)
    return found
