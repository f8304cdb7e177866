"""The `parcours` console script: Django's management commands, with hyphenated names accepted."""

import os
import sys


def main(default_settings: str = "config.settings.base") -> None:
    # Production settings unless told otherwise: an operator never runs with dev settings by mistake.
    # `manage.py` and the Makefile choose the development settings explicitly.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings)
    from django.core.management import execute_from_command_line

    execute_from_command_line(command_argv(sys.argv))


def command_argv(argv: list[str]) -> list[str]:
    """`parcours create-user …` runs the `create_user` command: operators type what the docs show."""
    argv = ["parcours", *argv[1:]]
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    return argv


if __name__ == "__main__":
    main()
