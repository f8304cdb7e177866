#!/usr/bin/env bash
# The whole suite on SQLite and, when PostgreSQL answers, on PostgreSQL at the same time: the two runs
# are independent (an in-memory SQLite database, a throwaway PostgreSQL one), so each takes one of the
# machine's cores and the wall time is about that of the longer run instead of their sum.
# Each line is prefixed with its database; a run's failures are printed again at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE=config.settings.test
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT

run() {  # run NAME [ENV=VALUE…]: pytest with the given environment, output prefixed and kept
  local name=$1
  shift
  env "$@" "$BIN/pytest" -p no:cacheprovider 2>&1 | tee "$LOGS/$name.log" | sed -u "s/^/[$name] /"
  return "${PIPESTATUS[0]}"
}

if PG_URL=$("$BIN/python" scripts/testdb.py); then
  echo "== SQLite et PostgreSQL ($PG_URL, base de test jetable), en parallèle"
  run sqlite -u DATABASE_URL &
  sqlite=$!
  run postgresql "DATABASE_URL=$PG_URL" &
  postgresql=$!
  wait "$sqlite"
  sqlite_status=$?
  wait "$postgresql"
  postgresql_status=$?
  for name in sqlite postgresql; do
    echo "== $name : $(grep -E '^=+ .*(passed|failed|error).* in ' "$LOGS/$name.log" | tail -n 1)"
    # A browser test replayed once (tests/e2e only, ADR 0006) is said, even when the run passed.
    grep -E '^RERUN ' "$LOGS/$name.log" | sed "s/^/[$name] rejoué une fois : /" || true
  done
  if [ "$sqlite_status" -ne 0 ] || [ "$postgresql_status" -ne 0 ]; then
    for name in sqlite postgresql; do
      sed -n '/short test summary info/,$p' "$LOGS/$name.log" | sed "s/^/[$name] /"
    done
    exit 1
  fi
else
  if [ -n "${CI:-}" ]; then
    echo "PostgreSQL est requis en CI." >&2
    exit 1
  fi
  echo "== PostgreSQL injoignable : suite jouée sur SQLite seulement."
  run sqlite -u DATABASE_URL
fi
