#!/usr/bin/env bash
# Runs the whole test suite: lint, then pytest with a throwaway local PostgreSQL
# server on 127.0.0.1 so the PostgreSQL path is proven, not assumed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

$BIN/ruff check .
$BIN/ruff format --check .

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
PGDATA=""
cleanup() {
	if [ -n "$PGDATA" ] && [ -d "$PGDATA" ]; then
		runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1 || true
		rm -rf "$PGDATA"
	fi
}
trap cleanup EXIT
if [ -n "$PGBIN" ] && id postgres >/dev/null 2>&1; then
	PGDATA=$(mktemp -d /tmp/pokja-pg.XXXXXX)
	chown postgres "$PGDATA"
	PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres >/dev/null
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/log" -w \
		-o "-c listen_addresses=127.0.0.1 -c port=$PGPORT -c unix_socket_directories=$PGDATA" start >/dev/null
	export POKJA_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/postgres"
	echo "PostgreSQL for tests on 127.0.0.1:$PGPORT"
fi

$BIN/pytest "$@"
