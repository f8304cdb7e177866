"""The OpenAPI document says every error an operation can answer, in the format of api-v1.md.

The error handlers (errors.py) apply to every endpoint: a missing or bad token (401), input that
does not fit the schema (422), an unknown or hidden record (404). Each operation declares its own
business errors; the ones every operation shares are added here, so that a client — and the
fuzzer — can trust the document.
"""

from http import HTTPStatus

ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}


def _shared_errors(operation: dict, path: str) -> list[int]:
    statuses = []
    if operation.get("security"):
        statuses.append(401)
    if "{" in path:
        statuses.append(404)
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.append(422)
    return statuses


def document_shared_errors(api) -> None:
    """Wrap `api.get_openapi_schema` so that each operation lists the shared error responses."""
    build = api.get_openapi_schema

    def get_openapi_schema(*args, **kwargs):
        schema = build(*args, **kwargs)
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                # ninja keys the statuses by int: "401" beside 401 would be a duplicate key in JSON.
                declared = {str(status) for status in responses}
                for status in _shared_errors(operation, path):
                    if str(status) not in declared:
                        responses[status] = {"description": HTTPStatus(status).phrase, "content": ERROR}
        return schema

    api.get_openapi_schema = get_openapi_schema
