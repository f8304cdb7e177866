"""The English catalogue covers every French message of the code and templates (English is offered)."""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR) / "parcours"
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "_lazy", "pgettext", "ngettext"}
TRANSLATE_TAG = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1""")
BLOCK_TAG = re.compile(
    r"{%\s*blocktranslate(?P<args>[^%]*)%}(?P<body>.*?)(?:{%\s*plural\s*%}.*?)?{%\s*endblocktranslate\s*%}",
    re.S,
)
VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")


def _catalogue():
    from babel.messages.pofile import read_po

    with (ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po").open("rb") as fh:
        return read_po(fh)


def _python_messages():
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in GETTEXT_NAMES
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                yield node.args[0].value, path


def _template_messages():
    for path in ROOT.rglob("templates/**/*"):
        if path.suffix not in {".html", ".txt"}:
            continue
        text = path.read_text(encoding="utf-8")
        for match in TRANSLATE_TAG.finditer(text):
            yield match.group(2), path
        for match in BLOCK_TAG.finditer(text):
            body = match.group("body")
            if "trimmed" in match.group("args"):
                body = " ".join(body.split())
            yield VARIABLE.sub(r"%(\1)s", body), path


def test_every_message_is_in_the_english_catalogue():
    catalogue = _catalogue()
    missing = sorted(
        {
            f"{path.relative_to(ROOT)}: {msg}"
            for msg, path in (*_python_messages(), *_template_messages())
            if msg.strip() and msg not in catalogue
        }
    )
    assert missing == [], "Run `make makemessages` and translate:\n" + "\n".join(missing)


def test_every_catalogue_entry_is_translated():
    missing = [
        m.id
        for m in _catalogue()
        if m.id and (m.fuzzy or not (m.string if isinstance(m.string, str) else all(m.string)))
    ]
    assert missing == []
