"""Security headers on every page (CSP with a nonce, HSTS, referrer policy…) and the deployment checks."""

import base64
import os
import re
import secrets
import subprocess
import sys
from collections import Counter, deque
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse

from parcours.accounts.middleware import SESSION_KEY
from parcours.accounts.models import User
from parcours.accounts.roles import Role
from parcours.demo.network import ROLE_ACCOUNTS
from tests.factories import make_household

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
LINK = re.compile(r'href="(/[^"#]*)"')
# Never followed by the crawler: logging out, switching language, the API (its own tests), files.
SKIPPED_PREFIXES = ("/static/", "/api/", "/i18n/", "/compte/deconnexion/")


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_page_is_csp_safe(url: str, response) -> None:
    """The CSP header is there with a fresh nonce, allows no inline script, and the page needs none."""
    assert response.status_code < 500, f"{url} answered {response.status_code}"
    directives = csp_directives(response)
    assert directives, f"{url}: no Content-Security-Policy header"
    header = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header, f"{url}: {header}"
    assert directives.get("object-src") == ["'none'"] and directives.get("frame-ancestors") == ["'none'"]
    assert response.headers.get("Referrer-Policy") == "same-origin"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    if response.status_code in (301, 302) or "text/html" not in response.headers.get("Content-Type", ""):
        return
    scripts = directives.get("script-src", [])
    nonces = [w for w in scripts if w.startswith("'nonce-")]
    assert len(nonces) == 1, f"{url}: script-src without a nonce: {scripts}"
    html = response.content.decode()
    nonce = nonces[0][len("'nonce-") : -1]
    for attributes, body in SCRIPT_TAG.findall(html):
        if 'type="application/json"' in attributes:
            continue
        assert "src=" in attributes and not body.strip(), f"{url}: inline script {attributes!r}"
        assert f'nonce="{nonce}"' in attributes, f"{url}: script without this response's nonce"
    assert not EVENT_HANDLER.search(html), f"{url}: inline event handler (on…=)"
    assert not STYLE_ATTRIBUTE.search(html), f"{url}: inline style attribute"


def crawl(client, start: list[str], per_route: int = 2, limit: int = 250) -> Counter:
    """Follow the site's own links from `start`, at most `per_route` pages of each URL pattern."""
    routes: Counter = Counter()
    queue, seen = deque(start), set(start)
    while queue and sum(routes.values()) < limit:
        url = queue.popleft()
        try:
            route = resolve(urlsplit(url).path).route
        except Resolver404:
            route = "<unknown>"
        if routes[route] >= per_route:
            continue
        routes[route] += 1
        response = client.get(url)
        assert_page_is_csp_safe(url, response)
        if response.status_code in (301, 302):
            target = response.headers["Location"]
            if target.startswith("/") and target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue  # an export (CSV, XLSX, ODS) or JSON: no page, no links to follow
        for link in LINK.findall(response.content.decode()):
            link = link.replace("&amp;", "&")
            if link.startswith(SKIPPED_PREFIXES) or link in seen:
                continue
            seen.add(link)
            queue.append(link)
    return routes


def test_every_page_of_every_role_carries_a_strict_csp_with_a_nonce(client, login, demo_network):
    """On the demo network, each role's reachable pages (two of each kind) and the public pages."""
    public = crawl(client, [reverse("accounts:login"), reverse("accounts:password_reset"), "/nulle-part/"])
    assert public["compte/connexion/"] >= 1
    pages = Counter()
    for role, username, _organization in ROLE_ACCOUNTS:
        user = User.objects.get(username=username)
        login(user)
        session = client.session
        session[SESSION_KEY] = user.memberships.get(role=role).pk
        session.save()
        pages += crawl(client, [reverse("core:home"), reverse("accounts:account"), "/nulle-part/"])
        client.logout()
    # The crawl really went through the domains, not only the home pages.
    prefixes = {route.split("/", 1)[0] for route in pages}
    assert {"menages", "offre", "orientation", "reseau", "compte"} <= prefixes, prefixes
    assert sum(pages.values()) >= 40
    assert pages["<unknown>"] == len(ROLE_ACCOUNTS)  # the 404 page, once per role


def test_the_two_factor_setup_page_with_its_qr_code_is_csp_safe(client, member):
    client.force_login(member())
    url = reverse("accounts:two_factor_setup")
    response = client.get(url)
    assert "<svg" in response.content.decode()
    assert_page_is_csp_safe(url, response)


def test_each_response_gets_its_own_nonce(client):
    first = csp_directives(client.get(reverse("accounts:login")))["script-src"]
    second = csp_directives(client.get(reverse("accounts:login")))["script-src"]
    assert first != second


def test_json_and_error_responses_carry_the_policy_too(client):
    assert "Content-Security-Policy" in client.get("/api/v1/openapi.json").headers
    assert "Content-Security-Policy" in client.get("/healthz").headers
    response = client.get("/nulle-part/")
    assert response.status_code in (302, 404) and "Content-Security-Policy" in response.headers


def test_https_responses_carry_hsts_and_the_permissions_policy(client):
    response = client.get(reverse("accounts:login"), secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_and_api_answers_are_never_cached_static_files_are(client, login, member, api):
    user = member(role=Role.SOCIAL_WORKER)
    household = make_household(organization=user.memberships.get().organization, referent=user)
    login(user)
    for url in ("/", f"/menages/{household.pk}/", "/menages/"):
        assert "no-store" in client.get(url).headers["Cache-Control"], url
    assert "no-store" in api(Role.SOCIAL_WORKER)("get", "/me").headers["Cache-Control"]
    static = client.get("/static/css/parcours.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_csrf_and_session_cookies_are_out_of_reach_of_scripts(client, login, member):
    login(member())
    client.get(reverse("accounts:account"))
    assert client.cookies["sessionid"]["httponly"] and client.cookies["sessionid"]["samesite"] == "Lax"
    csrf = client.get(reverse("accounts:login")).cookies.get("csrftoken")
    assert csrf is None or csrf["httponly"]


def production_env(tmp_path, **overrides) -> dict[str, str]:
    """What the operator guide tells an operator to set, and nothing about HTTPS: the defaults hold."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PARCOURS_AUDIT_KEYS": "k1:" + secrets.token_urlsafe(48),
        "PARCOURS_DOCUMENT_KEYS": "k1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "ALLOWED_HOSTS": "parcours.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://parcours.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "PARCOURS_VAR_DIR": str(tmp_path),
        "STATIC_ROOT": str(tmp_path / "static"),
        "BEHIND_TLS_PROXY": "true",
        "EMAIL_URL": "smtp+tls://parcours@smtp.example.org:587",
    }
    return env | overrides


def run_check(env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603  (our own interpreter and arguments)
        [sys.executable, "-m", "parcours", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_check(production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_production_is_weakened(tmp_path):
    result = run_check(production_env(tmp_path, SECURE_COOKIES="false", SECURE_HSTS_SECONDS="0"))
    assert result.returncode != 0
    for check in ("security.W004", "security.W012", "security.W016"):
        assert check in result.stderr + result.stdout
