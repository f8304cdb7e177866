"""The sections of "Mon espace", filled by the domains (the registry pattern of docs/architecture.md).

A domain app adds what the person sees of it in its own `portal.py`, imported by its AppConfig.ready():

    @sections.register(key="documents", title=_("Mes papiers"), template="documents/portal_section.html",
                       order=50)
    def documents_section(access):
        return {"documents": ...}   # the section template reads it as `data` (data.documents)

`api` (optional) returns the JSON list the person's `GET /api/v1/portal/me` shows under `key`.
`export` (optional, `api` by default) returns what the person's own copy of their file (« Télécharger
mes données », portal/export.py) holds under `key`: the same things as the page, without its limits
(every appointment, every request), never more.
Each function receives the person's `PortalAccess` and must only return what that person may see:
their household, never another person's protected data, a worker's notes, scores or refusal reasons.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    template: str
    order: int
    context: Callable
    api: Callable | None = None
    export: Callable | None = None

    def copy(self, access):
        """What the person's own download holds of this section (None: nothing)."""
        build = self.export or self.api
        return build(access) if build is not None else None


_SECTIONS: dict[str, Section] = {}


def register(
    *,
    key: str,
    title,
    template: str,
    order: int = 100,
    api: Callable | None = None,
    export: Callable | None = None,
):
    def decorator(context: Callable) -> Callable:
        _SECTIONS[key] = Section(
            key=key, title=title, template=template, order=order, context=context, api=api, export=export
        )
        return context

    return decorator


def all_sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def render_data(access) -> list[tuple[Section, dict]]:
    """Each section with its context for this person, in order."""
    return [(section, section.context(access)) for section in all_sections()]


def api_data(access) -> dict:
    """`{key: [...]}` for the sections that publish in the person's API."""
    return {s.key: s.api(access) for s in all_sections() if s.api is not None}


def copy_data(access) -> dict:
    """`{key: ...}` of every section that has something for the person's own copy."""
    data = {}
    for section in all_sections():
        value = section.copy(access)
        if value is not None:
            data[section.key] = value
    return data


# Pages a domain adds under /mon-espace/ (a person_required view), e.g. the person's view of the
# co-evaluation from assessments/portal.py: (route, view, name), mounted by portal/urls.py.
_PAGES: list[tuple[str, Callable, str]] = []


def page(route: str, name: str):
    def decorator(view: Callable) -> Callable:
        _PAGES.append((route, view, name))
        return view

    return decorator


def pages() -> list[tuple[str, Callable, str]]:
    return list(_PAGES)
