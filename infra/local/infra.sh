#!/usr/bin/env bash
# The local infrastructure: PostgreSQL, Redis and Kafka, then topics and migrations.
#   infra.sh up                 start whatever does not answer, create the database, kafka.sh up, bootstrap
#   infra.sh down [NAME...]     stop what 'up' started (NAME: kafka, postgres, redis; default: all it started)
#   infra.sh status             one line per server
# 'up' records what it started in infra/local/.run/started; 'down' never stops a server it did not
# start. With RESTOCK_STARTED_REPORT=FILE, 'up' also writes the names it started in this call to FILE
# (start.sh uses it to stop exactly those). Under CI=true a server that cannot be reached is fatal.
# Env: DATABASE_URL, REDIS_URL, KAFKA_BROKERS (exported to bootstrap), KAFKA_PORT, KAFKA_CONTROLLER_PORT,
#      KAFKA_DATA_DIR (see kafka.sh).
set -euo pipefail
# shellcheck source=infra/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck disable=SC2034 # read by log() in lib.sh
RESTOCK_LOG_TAG=infra
cd "$RESTOCK_ROOT"
mkdir -p "$RUN_DIR"

STARTED_FILE="$RUN_DIR/started"
KAFKA_SH="$LOCAL_DIR/kafka.sh"
BOOTSTRAP_TS="infra/local/src/bootstrap.ts"
WAIT_TIMEOUT=30 # s, for PostgreSQL and Redis to answer after a start

# postgres://user[:password]@host[:port]/database[?...]
if [[ "$DATABASE_URL" =~ ^postgres(ql)?://([^:@/]+)(:[^@]*)?@([^:/?]+)(:([0-9]+))?/([^?]+) ]]; then
  PG_USER="${BASH_REMATCH[2]}"
  PG_HOST="${BASH_REMATCH[4]}"
  PG_PORT="${BASH_REMATCH[6]:-5432}"
  PG_DB="${BASH_REMATCH[7]}"
else
  die "DATABASE_URL is not postgres://user@host[:port]/database: $DATABASE_URL"
fi
# redis://[user:password@]host[:port][/db]
if [[ "$REDIS_URL" =~ ^rediss?://([^@/]*@)?([^:/]+)(:([0-9]+))? ]]; then
  REDIS_HOST="${BASH_REMATCH[2]}"
  REDIS_PORT="${BASH_REMATCH[4]:-6379}"
else
  die "REDIS_URL is not redis://host[:port]: $REDIS_URL"
fi

is_local_host() { [[ "$1" == 127.0.0.1 || "$1" == localhost || "$1" == ::1 ]]; }

# Outside CI a missing server is a warning (the tests that need it will say so); in CI it is fatal.
unavailable() {
  if is_ci; then die "$*"; fi
  log "WARNING: $*"
}

record_started() {
  local line="$1"
  touch "$STARTED_FILE"
  grep -qxF -- "$line" "$STARTED_FILE" || echo "$line" >>"$STARTED_FILE"
  if [[ -n "${RESTOCK_STARTED_REPORT:-}" ]]; then echo "${line%% *}" >>"$RESTOCK_STARTED_REPORT"; fi
}
started_line() { [[ -f "$STARTED_FILE" ]] && grep -m1 "^$1\( \|$\)" "$STARTED_FILE"; }
forget_started() {
  [[ -f "$STARTED_FILE" ]] || return 0
  grep -v "^$1\( \|$\)" "$STARTED_FILE" >"$STARTED_FILE.tmp" || true
  mv -f "$STARTED_FILE.tmp" "$STARTED_FILE"
}

wait_for() { # seconds, description, command...
  local timeout="$1" what="$2" deadline
  shift 2
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
  log "$what answers"
}

# ---- PostgreSQL ------------------------------------------------------------------------------------

pg_answers() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; }

postgres_up() {
  command -v pg_isready >/dev/null || {
    unavailable "pg_isready not found: install PostgreSQL 15 (Debian: apt-get install postgresql postgresql-client)"
    return 0
  }
  if ! pg_answers; then
    if ! is_local_host "$PG_HOST"; then
      unavailable "PostgreSQL at $PG_HOST:$PG_PORT does not answer (not a local server, so not starting it)"
      return 0
    fi
    local cluster
    cluster="$(pg_lsclusters -h 2>/dev/null | awk -v port="$PG_PORT" '$3 == port { print $1, $2; exit }')" || true
    if [[ -z "$cluster" ]]; then
      unavailable "PostgreSQL does not answer on $PG_HOST:$PG_PORT and no local cluster uses that port (pg_lsclusters)"
      return 0
    fi
    log "starting PostgreSQL cluster $cluster ..."
    # shellcheck disable=SC2086 # "version name"
    if ! pg_ctlcluster --skip-systemctl-redirect $cluster start 8>&-; then
      unavailable "pg_ctlcluster could not start cluster $cluster (see /var/log/postgresql/)"
      return 0
    fi
    if ! wait_for "$WAIT_TIMEOUT" "PostgreSQL on $PG_HOST:$PG_PORT" pg_answers; then
      unavailable "PostgreSQL cluster $cluster started but does not answer on $PG_HOST:$PG_PORT"
      return 0
    fi
    record_started "postgres $cluster"
  else
    log "PostgreSQL answers on $PG_HOST:$PG_PORT"
  fi
  create_database
}

create_database() {
  local psql=(psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -tA)
  local exists
  exists="$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" || {
    unavailable "cannot query PostgreSQL as $PG_USER on $PG_HOST:$PG_PORT"
    return 0
  }
  if [[ "$exists" == 1 ]]; then
    return 0
  fi
  # Another process may create it between the check and here: then it exists, which is what we want.
  if "${psql[@]}" -c "CREATE DATABASE \"$PG_DB\"" 2>/dev/null ||
    [[ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" == 1 ]]; then
    log "created database $PG_DB"
  else
    unavailable "could not create database $PG_DB on $PG_HOST:$PG_PORT"
  fi
}

postgres_down() {
  local line
  line="$(started_line postgres)" || {
    log "PostgreSQL: not started by infra.sh, leaving it"
    return 0
  }
  local cluster="${line#postgres }"
  log "stopping PostgreSQL cluster $cluster ..."
  # shellcheck disable=SC2086
  pg_ctlcluster --skip-systemctl-redirect $cluster stop || log "WARNING: pg_ctlcluster stop failed"
  forget_started postgres
}

# ---- Redis -----------------------------------------------------------------------------------------

redis_answers() { [[ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

redis_up() {
  command -v redis-cli >/dev/null || {
    unavailable "redis-cli not found: install Redis 7 (Debian: apt-get install redis-server redis-tools)"
    return 0
  }
  if redis_answers; then
    log "Redis answers on $REDIS_HOST:$REDIS_PORT"
    return 0
  fi
  if ! is_local_host "$REDIS_HOST"; then
    unavailable "Redis at $REDIS_HOST:$REDIS_PORT does not answer (not a local server, so not starting it)"
    return 0
  fi
  command -v redis-server >/dev/null || {
    unavailable "Redis does not answer on $REDIS_HOST:$REDIS_PORT and redis-server is not installed (apt-get install redis-server)"
    return 0
  }
  log "starting Redis on 127.0.0.1:$REDIS_PORT ..."
  local dir=/var/lib/redis logdir=/var/log/redis
  # A non-root developer cannot write the system folders: keep Redis's files in the checkout then.
  if ! mkdir -p "$dir" "$logdir" 2>/dev/null || [[ ! -w "$dir" || ! -w "$logdir" ]]; then
    dir="$DATA_DIR/redis"
    logdir="$RUN_DIR"
    mkdir -p "$dir"
  fi
  # A cache that may be lost: no persistence.
  if ! redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$dir" --logfile "$logdir/ci.log" 8>&-; then
    unavailable "redis-server could not start (see $logdir/ci.log)"
    return 0
  fi
  if ! wait_for "$WAIT_TIMEOUT" "Redis on $REDIS_HOST:$REDIS_PORT" redis_answers; then
    unavailable "Redis started but does not answer on $REDIS_HOST:$REDIS_PORT (see $logdir/ci.log)"
    return 0
  fi
  record_started "redis $REDIS_PORT"
}

redis_down() {
  local line
  line="$(started_line redis)" || {
    log "Redis: not started by infra.sh, leaving it"
    return 0
  }
  local port="${line#redis }"
  log "stopping Redis on 127.0.0.1:$port ..."
  redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
  forget_started redis
}

# ---- Kafka -----------------------------------------------------------------------------------------

kafka_up() {
  # kafka.sh status: 0 running, 1 running but not answering yet, 3 stopped
  local status=0
  bash "$KAFKA_SH" status >/dev/null 2>&1 || status=$?
  bash "$KAFKA_SH" up 8>&- || die "Kafka did not start (infra/local/kafka.sh logs)"
  if [[ $status == 3 ]]; then record_started kafka; fi
}

kafka_down() {
  bash "$KAFKA_SH" down
  forget_started kafka
}

# ---- commands --------------------------------------------------------------------------------------

cmd_up() {
  local started=$SECONDS
  postgres_up
  redis_up
  kafka_up
  if [[ -f "$BOOTSTRAP_TS" ]]; then
    [[ -d node_modules ]] || die "node_modules is missing: run 'source infra/local/tools.sh' (or 'pnpm install') first"
    log "bootstrap: pnpm exec tsx $BOOTSTRAP_TS (topics, migrations)"
    pnpm exec tsx "$BOOTSTRAP_TS" 8>&- || die "bootstrap failed: $BOOTSTRAP_TS"
  else
    log "no $BOOTSTRAP_TS yet: topics and migrations are not created"
  fi
  log "up in $((SECONDS - started)) s: KAFKA_BROKERS=$KAFKA_BROKERS DATABASE_URL=$DATABASE_URL REDIS_URL=$REDIS_URL"
}

cmd_down() {
  local names=("$@") name
  if [[ ${#names[@]} == 0 ]]; then
    if [[ ! -s "$STARTED_FILE" ]]; then
      log "nothing was started by infra.sh up"
      return 0
    fi
    mapfile -t names < <(cut -d' ' -f1 "$STARTED_FILE")
  fi
  for name in "${names[@]}"; do
    [[ "$name" =~ ^(kafka|postgres|redis)$ ]] || die "unknown server '$name' (kafka, postgres, redis)"
  done
  # Kafka first: it takes longest, and the others do not depend on it.
  for name in kafka postgres redis; do
    [[ " ${names[*]} " == *" $name "* ]] || continue
    case "$name" in
      kafka)
        # An explicit 'down kafka' stops this checkout's broker whoever started it; otherwise only ours.
        if [[ $# -gt 0 ]] || started_line kafka >/dev/null; then kafka_down; fi
        ;;
      postgres) postgres_down ;;
      redis) redis_down ;;
    esac
  done
}

cmd_status() {
  if pg_answers; then echo "postgres: answering on $PG_HOST:$PG_PORT"; else echo "postgres: not answering on $PG_HOST:$PG_PORT"; fi
  if redis_answers; then echo "redis: answering on $REDIS_HOST:$REDIS_PORT"; else echo "redis: not answering on $REDIS_HOST:$REDIS_PORT"; fi
  bash "$KAFKA_SH" status || true
  if [[ -s "$STARTED_FILE" ]]; then echo "started by infra.sh: $(cut -d' ' -f1 "$STARTED_FILE" | tr '\n' ' ')"; fi
}

usage() {
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

cmd="${1:-}"
[[ -n "$cmd" ]] || usage
shift
exec 8>"$RUN_DIR/infra.lock"
case "$cmd" in
  up | down) flock -w 300 8 || die "another infra.sh holds ${RUN_DIR#"$RESTOCK_ROOT"/}/infra.lock" ;;
esac
case "$cmd" in
  up) cmd_up ;;
  down) cmd_down "$@" ;;
  status) cmd_status ;;
  *) usage ;;
esac
