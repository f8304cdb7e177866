"""Reading, validating and publishing a grid data file (grids/*.json); a published version never changes."""

import json
import re
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from parcours.core.errors import Conflict, Invalid

from .models import AssessmentGrid, FieldType, GridItem, GridSection, ItemKind

GRIDS_DIR = Path(__file__).parent / "grids"
AFFIL_V1 = GRIDS_DIR / "affil-v1.json"

CODE_MAX_LENGTH = 10
TITLE_MAX_LENGTH = 200
FIELD_CODE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")

GRID_KEYS = {"version", "title", "source", "sections"}
SECTION_KEYS = {"code", "title", "intro", "notes", "fields", "items"}
ITEM_KEYS = {"code", "label", "kind", "fields"}
FIELD_KEYS = {"code", "label", "type", "choices"}
CHOICE_KEYS = {"code", "label"}


class GridFileError(Invalid, ValueError):
    """A grid file that cannot be published; `errors` lists every problem found, in French."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors), fields={"__all__": list(errors)})


class GridVersionConflict(GridFileError, Conflict):
    """The file's version is already published with another content."""

    code = Conflict.code
    http_status = Conflict.http_status


def read_grid_file(path: Path | str) -> dict:
    """Parse and validate a grid file; returns its normalised content (the form stored and compared)."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise GridFileError([_("Fichier de trame introuvable : %(path)s") % {"path": path}]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise GridFileError(
            [_("Fichier de trame illisible : %(path)s (%(error)s)") % {"path": path, "error": exc}]
        ) from exc
    except json.JSONDecodeError as exc:
        raise GridFileError(
            [
                _("Fichier de trame illisible : JSON invalide ligne %(line)s, colonne %(col)s (%(error)s).")
                % {"line": exc.lineno, "col": exc.colno, "error": exc.msg}
            ]
        ) from exc
    return validate_grid(raw)


def validate_grid(raw) -> dict:
    """Check a grid's content (unique codes, non-empty sections, known kinds and types) and normalise it."""
    errors: list[str] = []
    if not isinstance(raw, dict):
        raise GridFileError([_("Le fichier de trame doit contenir un objet JSON.")])
    _unknown_keys(raw, GRID_KEYS, _("Trame"), errors)
    version = raw.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        errors.append(_("Trame : « version » doit être un nombre entier supérieur ou égal à 1."))
    grid = {
        "version": version,
        "title": _text(raw, "title", _("Trame"), errors, max_length=TITLE_MAX_LENGTH),
        "source": _text(raw, "source", _("Trame"), errors),
        "sections": [],
    }
    sections = raw.get("sections")
    if not isinstance(sections, list) or not sections:
        errors.append(_("Trame : « sections » doit être une liste d'au moins une section."))
        sections = []
    section_codes: set[str] = set()
    item_codes: set[str] = set()
    field_codes: set[str] = set()
    for index, raw_section in enumerate(sections, start=1):
        where = _("Section n° %(n)s") % {"n": index}
        if not isinstance(raw_section, dict):
            errors.append(_("%(where)s : une section doit être un objet JSON.") % {"where": where})
            continue
        code = _code(raw_section, where, section_codes, errors)
        if code:
            where = _("Section %(code)s") % {"code": code}
        _unknown_keys(raw_section, SECTION_KEYS, where, errors)
        section = {
            "code": code,
            "title": _text(raw_section, "title", where, errors, max_length=TITLE_MAX_LENGTH),
            "intro": _text(raw_section, "intro", where, errors, required=False),
            "notes": _text(raw_section, "notes", where, errors, required=False),
            "fields": _fields(raw_section.get("fields", []), where, field_codes, errors),
            "items": [],
        }
        items = raw_section.get("items")
        if not isinstance(items, list) or not items:
            errors.append(_("%(where)s : la section n'a aucun élément (« items »).") % {"where": where})
            items = []
        for item_index, raw_item in enumerate(items, start=1):
            item_where = _("%(where)s, élément n° %(n)s") % {"where": where, "n": item_index}
            if not isinstance(raw_item, dict):
                errors.append(_("%(where)s : un élément doit être un objet JSON.") % {"where": item_where})
                continue
            item_code = _code(raw_item, item_where, item_codes, errors)
            if item_code:
                item_where = _("Élément %(code)s") % {"code": item_code}
            section["items"].append(_item(raw_item, item_code, item_where, field_codes, errors))
        grid["sections"].append(section)
    if errors:
        raise GridFileError(errors)
    return grid


def install_grid(data: dict, *, apps=None) -> tuple[AssessmentGrid, bool]:
    """Publish validated content; (grid, created). Same content again is a no-op, other content is refused.

    `apps` is the migration registry when called from a data migration.
    """
    grid_model, section_model, item_model = _models(apps)
    with transaction.atomic():
        existing = grid_model.objects.filter(version=data["version"]).first()
        if existing is not None:
            differences = _differences(grid_content(existing), data)
            if differences:
                raise GridVersionConflict(
                    [
                        _(
                            "La version %(version)s de la trame est déjà publiée avec un autre contenu "
                            "(%(differences)s). Une version publiée ne change plus : donnez au fichier "
                            "une nouvelle version (par exemple %(next)s)."
                        )
                        % {
                            "version": data["version"],
                            "differences": ", ".join(differences),
                            "next": _next_version(grid_model),
                        }
                    ]
                )
            return existing, False
        grid = grid_model.objects.create(version=data["version"], title=data["title"], source=data["source"])
        for position, section_data in enumerate(data["sections"], start=1):
            section = section_model.objects.create(
                grid=grid,
                code=section_data["code"],
                position=position,
                title=section_data["title"],
                intro=section_data["intro"],
                notes=section_data["notes"],
                fields=section_data["fields"],
            )
            item_model.objects.bulk_create(
                item_model(
                    section=section,
                    code=item["code"],
                    position=item_position,
                    label=item["label"],
                    kind=item["kind"],
                    fields=item["fields"],
                )
                for item_position, item in enumerate(section_data["items"], start=1)
            )
    # A data migration's historical models send no signal the cache listens to (core.cache): the pages'
    # current grid (views._grid) is dropped here, now and after the commit.
    from parcours.core.cache import bump

    bump("assessment_grids")
    transaction.on_commit(lambda: bump("assessment_grids"))
    return grid, True


def load_grid(path: Path | str, *, apps=None) -> AssessmentGrid:
    """Validate the file and publish its version; loading the same file twice changes nothing."""
    grid, _created = install_grid(read_grid_file(path), apps=apps)
    return grid


def grid_content(grid) -> dict:
    """A published grid in the normalised form of `validate_grid`."""
    return {
        "version": grid.version,
        "title": grid.title,
        "source": grid.source,
        "sections": [
            {
                "code": section.code,
                "title": section.title,
                "intro": section.intro,
                "notes": section.notes,
                "fields": section.fields,
                "items": [
                    {"code": item.code, "label": item.label, "kind": item.kind, "fields": item.fields}
                    for item in section.items.order_by("position")
                ],
            }
            for section in grid.sections.order_by("position")
        ],
    }


def _models(apps):
    if apps is None:
        return AssessmentGrid, GridSection, GridItem
    return tuple(
        apps.get_model("assessments", name) for name in ("AssessmentGrid", "GridSection", "GridItem")
    )


def _next_version(grid_model) -> int:
    highest = grid_model.objects.order_by("-version").values_list("version", flat=True).first()
    return (highest or 0) + 1


def _differences(old: dict, new: dict) -> list[str]:
    """Where two contents differ, named for an operator: "titre", "section 2", "élément 2.3"…"""
    differences = [
        label for key, label in (("title", _("titre")), ("source", _("source"))) if old[key] != new[key]
    ]
    old_sections = {s["code"]: s for s in old["sections"]}
    new_sections = {s["code"]: s for s in new["sections"]}
    if list(old_sections) != list(new_sections):
        differences.append(_("liste des sections"))
    for code, section in new_sections.items():
        before = old_sections.get(code)
        if before is None:
            continue
        head = ("title", "intro", "notes", "fields")
        if any(before[key] != section[key] for key in head):
            differences.append(_("section %(code)s") % {"code": code})
        old_items = {i["code"]: i for i in before["items"]}
        new_items = {i["code"]: i for i in section["items"]}
        if list(old_items) != list(new_items):
            differences.append(_("éléments de la section %(code)s") % {"code": code})
        differences.extend(
            _("élément %(code)s") % {"code": item_code}
            for item_code, item in new_items.items()
            if item_code in old_items and old_items[item_code] != item
        )
    return differences


def _unknown_keys(obj: dict, known: set[str], where: str, errors: list[str]) -> None:
    unknown = sorted(set(obj) - known)
    if unknown:
        errors.append(
            _("%(where)s : clé(s) inconnue(s) %(keys)s (clés possibles : %(known)s).")
            % {"where": where, "keys": ", ".join(unknown), "known": ", ".join(sorted(known))}
        )


def _text(
    obj: dict, key: str, where: str, errors: list[str], *, required: bool = True, max_length: int = 0
) -> str:
    value = obj.get(key, None if required else "")
    if not isinstance(value, str):
        errors.append(_("%(where)s : « %(key)s » doit être un texte.") % {"where": where, "key": key})
        return ""
    if required and not value.strip():
        errors.append(
            _("%(where)s : « %(key)s » doit être un texte non vide.") % {"where": where, "key": key}
        )
        return ""
    value = value.strip()
    if max_length and len(value) > max_length:
        errors.append(
            _("%(where)s : « %(key)s » dépasse %(max)s caractères.")
            % {"where": where, "key": key, "max": max_length}
        )
    return value


def _code(obj: dict, where: str, seen: set[str], errors: list[str]) -> str:
    code = obj.get("code")
    if not isinstance(code, str) or not code.strip() or len(code.strip()) > CODE_MAX_LENGTH:
        errors.append(
            _("%(where)s : « code » doit être un texte non vide de %(max)s caractères au plus.")
            % {"where": where, "max": CODE_MAX_LENGTH}
        )
        return ""
    code = code.strip()
    if code in seen:
        errors.append(
            _("%(where)s : le code « %(code)s » est déjà utilisé.") % {"where": where, "code": code}
        )
    seen.add(code)
    return code


def _item(raw: dict, code: str, where: str, field_codes: set[str], errors: list[str]) -> dict:
    _unknown_keys(raw, ITEM_KEYS, where, errors)
    kind = raw.get("kind", ItemKind.RATED.value)
    fields = _fields(raw.get("fields", []), where, field_codes, errors)
    if kind not in ItemKind.values:
        errors.append(
            _("%(where)s : nature « %(kind)s » inconnue (natures possibles : %(known)s).")
            % {"where": where, "kind": kind, "known": ", ".join(ItemKind.values)}
        )
    elif kind == ItemKind.STRUCTURED and not fields:
        errors.append(
            _("%(where)s : un élément « structured » doit décrire ses champs (« fields »).")
            % {"where": where}
        )
    elif kind == ItemKind.RATED and fields:
        errors.append(
            _("%(where)s : un élément « rated » s'évalue par un niveau et n'a pas de champs (« fields »).")
            % {"where": where}
        )
    return {"code": code, "label": _text(raw, "label", where, errors), "kind": kind, "fields": fields}


def _fields(raw_fields, where: str, seen: set[str], errors: list[str]) -> list[dict]:
    if not isinstance(raw_fields, list):
        errors.append(_("%(where)s : « fields » doit être une liste.") % {"where": where})
        return []
    fields = []
    for index, raw in enumerate(raw_fields, start=1):
        field_where = _("%(where)s, champ n° %(n)s") % {"where": where, "n": index}
        if not isinstance(raw, dict):
            errors.append(_("%(where)s : un champ doit être un objet JSON.") % {"where": field_where})
            continue
        _unknown_keys(raw, FIELD_KEYS, field_where, errors)
        code = raw.get("code")
        if not isinstance(code, str) or not FIELD_CODE.match(code):
            errors.append(
                _(
                    "%(where)s : « code » doit commencer par une lettre minuscule, suivie de lettres "
                    "minuscules, chiffres ou « _ » (50 caractères au plus)."
                )
                % {"where": field_where}
            )
        elif code in seen:
            errors.append(
                _("%(where)s : le code de champ « %(code)s » est déjà utilisé dans la trame.")
                % {"where": field_where, "code": code}
            )
        else:
            seen.add(code)
            field_where = _("%(where)s, champ « %(code)s »") % {"where": where, "code": code}
        field = {
            "code": code,
            "label": _text(raw, "label", field_where, errors, max_length=TITLE_MAX_LENGTH),
            "type": raw.get("type"),
        }
        if field["type"] not in FieldType.values:
            errors.append(
                _("%(where)s : type « %(type)s » inconnu (types possibles : %(known)s).")
                % {"where": field_where, "type": field["type"], "known": ", ".join(FieldType.values)}
            )
        if field["type"] == FieldType.CHOICE:
            field["choices"] = _choices(raw.get("choices"), field_where, errors)
        elif "choices" in raw:
            errors.append(
                _("%(where)s : « choices » ne s'emploie qu'avec le type « choice ».") % {"where": field_where}
            )
        fields.append(field)
    return fields


def _choices(raw_choices, where: str, errors: list[str]) -> list[dict]:
    if not isinstance(raw_choices, list) or not raw_choices:
        errors.append(
            _("%(where)s : un champ « choice » doit lister ses choix (« choices »).") % {"where": where}
        )
        return []
    choices, seen = [], set()
    for index, raw in enumerate(raw_choices, start=1):
        choice_where = _("%(where)s, choix n° %(n)s") % {"where": where, "n": index}
        if not isinstance(raw, dict):
            errors.append(
                _("%(where)s : un choix doit être un objet JSON {code, label}.") % {"where": choice_where}
            )
            continue
        _unknown_keys(raw, CHOICE_KEYS, choice_where, errors)
        code = _code(raw, choice_where, seen, errors)
        choices.append({"code": code, "label": _text(raw, "label", choice_where, errors)})
    return choices
