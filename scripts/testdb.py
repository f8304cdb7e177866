"""Print the PostgreSQL URL the test suite should also run on, or nothing when none is reachable.

DATABASE_URL wins when it names PostgreSQL; otherwise the local server on 127.0.0.1:5432 is tried.
The suite runs in a throwaway database that pytest-django creates and drops (test_<name>).
"""

import os
import sys

DEFAULT = "postgres://postgres@127.0.0.1:5432/parcours"


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = DEFAULT
    try:
        import psycopg

        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3):
            pass
    except Exception as exc:  # noqa: BLE001  (any failure means "no PostgreSQL here")
        print(f"PostgreSQL unreachable ({type(exc).__name__}).", file=sys.stderr)
        return 1
    print(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
