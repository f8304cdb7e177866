"""The support router and what its endpoints share (error responses, paging)."""

from ninja import Field, Router, Schema

from parcours.api.schemas import ErrorOut


class SupportRouter(Router):
    """Keeps the operation ids of the published schema (`parcours_support_api_<endpoint>`), which
    django-ninja would otherwise derive from each endpoint's module since the split into modules."""

    def add_api_operation(self, path, methods, view_func, *, operation_id=None, **options):
        operation_id = operation_id or f"parcours_support_api_{view_func.__name__}"
        return super().add_api_operation(path, methods, view_func, operation_id=operation_id, **options)


router = SupportRouter(tags=["accompagnement et prévention"])

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PageIn(Schema):
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


def _value(v):
    return str(v.value if hasattr(v, "value") else v)
