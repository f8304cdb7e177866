"""The Content-Security-Policy header (core.middleware.CachedCSPMiddleware, issue 18) is django-csp's
own, word for word, with this request's nonce when the page used one and without it otherwise; a new
nonce at every request; a response with a policy of its own still goes through django-csp."""

from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from parcours.core.middleware import CachedCSPMiddleware


def _view(uses_nonce: bool, **attributes):
    def view(request):
        response = HttpResponse(f"<script nonce='{request.csp_nonce}'></script>" if uses_nonce else "ok")
        for name, value in attributes.items():
            setattr(response, name, value)
        return response

    return view


def _headers(middleware_class, view):
    request = RequestFactory().get("/")
    middleware = middleware_class(view)
    middleware.process_request(request)
    response = middleware.process_response(request, view(request))
    return response.get("Content-Security-Policy"), getattr(request, "_csp_nonce", None), response


def test_the_header_is_django_csp_s_with_this_request_s_nonce():
    for uses_nonce in (True, False):
        ours, nonce, response = _headers(CachedCSPMiddleware, _view(uses_nonce))
        theirs, their_nonce, _ = _headers(CSPMiddleware, _view(uses_nonce))
        if uses_nonce:
            assert nonce and nonce in ours and nonce in response.content.decode()
            assert ours.replace(nonce, "N") == theirs.replace(their_nonce, "N")
            assert "parcours-nonce-slot" not in ours
        else:
            assert nonce is None and ours == theirs and "nonce-" not in ours


def test_a_new_nonce_at_every_request():
    seen = {_headers(CachedCSPMiddleware, _view(True))[1] for _ in range(5)}
    assert len(seen) == 5


def test_a_response_with_its_own_policy_goes_through_django_csp():
    own = {"_csp_update": {"img-src": ["https://example.org"]}}
    ours, _, _ = _headers(CachedCSPMiddleware, _view(False, **own))
    assert "https://example.org" in ours
    exempt, _, _ = _headers(CachedCSPMiddleware, _view(False, _csp_exempt=True))
    assert exempt is None
