"""API input refused up front, in the API's error format: a body larger than Django accepts
(DATA_UPLOAD_MAX_MEMORY_SIZE) and the NUL character (U+0000), which no database can store."""

import contextlib
import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .errors import error_body


def _nul_paths(value, path: str = ""):
    """The dotted paths of the strings (keys included) that hold a NUL character."""
    if isinstance(value, str):
        if "\x00" in value:
            yield path or "__all__"
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                yield child
            yield from _nul_paths(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, f"{path}.{index}" if path else str(index))


class RefuseNulCharacterMiddleware:
    """PostgreSQL text cannot hold U+0000 (the write would fail with a 500). The pages' forms refuse
    it already (Django's ProhibitNullCharactersValidator); this gives the API the same rule, as a
    422 in its own error format naming the fields. Being the first to read the body, it also answers
    a body over DATA_UPLOAD_MAX_MEMORY_SIZE with a JSON 413 instead of Django's HTML 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            try:
                body = request.body
            except RequestDataTooBig:
                # Django would answer its HTML 400 page (a debug page under DEBUG).
                limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
                message = _("Le corps de la requête dépasse %(mb)s Mo.") % {"mb": number_format(limit, 1)}
                return JsonResponse(error_body("too_large", message), status=413)
            fields = {key: [] for key, values in request.GET.lists() if any("\x00" in v for v in values)}
            if body and b"\\u0000" in body:
                # Not JSON: the API's own parser answers that.
                with contextlib.suppress(ValueError):
                    fields |= {path: [] for path in _nul_paths(json.loads(body))}
            if fields:
                message = _("Le caractère nul (U+0000) n'est pas accepté.")
                return JsonResponse(
                    error_body("invalid", message, {key: [message] for key in fields}), status=422
                )
        return self.get_response(request)
