"""One way to load an object for a user: through its model's `visible_to(user)`, or not at all."""

from django.db import models

from .compiled import MAX_PK, instances_of
from .errors import NotFound


def get_visible_or_404(
    model_or_queryset, pk, user, *, message=None, compiled_as=None, **scope
) -> models.Model:
    """The object `pk` among those `user` may see (the QuerySet's `visible_to`), else NotFound: an
    object that exists but is not visible gives the same answer as one that does not exist (a 404 on
    pages, the API's not_found with `message`). Pass a queryset to choose its select_related, and
    `scope` for the keyword arguments of its `visible_to` (e.g. `include_merged=True`).

    With `compiled_as` (a name for the queryset given, the same each time: a module's constant), and
    when the model's QuerySet says what its `visible_to(user, **scope)` depends on
    (`visibility_key`), the SQL is compiled once per process for that name and that key, the id put
    in at each call (core.compiled, issue 18): building and compiling the visibility rule and the
    page's joins cost more CPU than PostgreSQL's answer. Without a key, the ORM as usual."""
    if isinstance(model_or_queryset, models.QuerySet):
        queryset = model_or_queryset
    else:
        queryset = model_or_queryset._default_manager.all()
    visibility_key = getattr(queryset, "visibility_key", None)
    shape = visibility_key(user, **scope) if compiled_as is not None and visibility_key else None
    if shape is not None:
        if not isinstance(pk, int) or not 0 < pk <= MAX_PK:
            raise NotFound(message)
        found = instances_of(
            ("visible", compiled_as, queryset.model._meta.label, shape, tuple(sorted(scope.items()))),
            lambda pk: queryset.visible_to(user, **scope).filter(pk=pk).order_by()[:1],
            # The page's prefetches are the same whoever reads: compiled once per name.
            prefetch_key=("visible", compiled_as, queryset.model._meta.label),
            pk=pk,
        )
        if not found:
            raise NotFound(message)
        return found[0]
    # One row by its key: no ORDER BY to compile (first() would add the model's ordering; issue 18).
    found = next(iter(queryset.visible_to(user, **scope).filter(pk=pk).order_by()[:1]), None)
    if found is None:
        raise NotFound(message)
    return found
