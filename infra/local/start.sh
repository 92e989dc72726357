#!/usr/bin/env bash
# What `npm start` runs: tools, infrastructure, then every service that has a "start" script, each
# in its own process group with its output prefixed by [service]. Ctrl-C (or SIGTERM) stops the
# services (SIGTERM to each group, SIGKILL after SERVICE_STOP_TIMEOUT), then the servers this call
# started, and leaves nothing running. A service may declare its door in its package.json:
#   "restock": { "port": 8081, "door": "devices: POST /v1/reports" }
# Env: SERVICE_STOP_TIMEOUT (20 s), and those of infra.sh and kafka.sh.
set -euo pipefail
# shellcheck source=infra/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck disable=SC2034 # read by log() in lib.sh
RESTOCK_LOG_TAG='start'
cd "$RESTOCK_ROOT"
mkdir -p "$RUN_DIR"

STOP_TIMEOUT="${SERVICE_STOP_TIMEOUT:-20}" # s
STARTED_REPORT="$RUN_DIR/start.$$.started"
declare -A SERVICE_OF_PID=() # pid (= process group id) -> service folder name
IDLE_PID=""
STOPPING=0

# ---- shutdown --------------------------------------------------------------------------------------

stop_services() {
  local pid
  ((${#SERVICE_OF_PID[@]} > 0)) || return 0
  log "stopping ${#SERVICE_OF_PID[@]} service(s): ${SERVICE_OF_PID[*]}"
  for pid in "${!SERVICE_OF_PID[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  local deadline=$((SECONDS + STOP_TIMEOUT)) alive
  while :; do
    alive=()
    for pid in "${!SERVICE_OF_PID[@]}"; do
      if kill -0 -- "-$pid" 2>/dev/null; then alive+=("$pid"); fi
    done
    ((${#alive[@]} > 0)) || break
    if ((SECONDS >= deadline)); then
      for pid in "${alive[@]}"; do
        log "[${SERVICE_OF_PID[$pid]}] still running after ${STOP_TIMEOUT}s: SIGKILL"
        kill -KILL -- "-$pid" 2>/dev/null || true
      done
      sleep 0.5
      break
    fi
    sleep 0.25
  done
  for pid in "${!SERVICE_OF_PID[@]}"; do wait "$pid" 2>/dev/null || true; done
}

shutdown() {
  ((STOPPING == 0)) || return 0
  STOPPING=1
  trap '' INT TERM # a second Ctrl-C must not cut the shutdown short
  if [[ -n "$IDLE_PID" ]]; then kill "$IDLE_PID" 2>/dev/null || true; fi
  stop_services
  if [[ -s "$STARTED_REPORT" ]]; then
    # shellcheck disable=SC2046 # one name per line
    bash "$LOCAL_DIR/infra.sh" down $(sort -u "$STARTED_REPORT") || log "WARNING: infra.sh down failed"
  else
    log "leaving the servers running: this call did not start them"
  fi
  rm -f "$STARTED_REPORT"
  local pid left=()
  for pid in "${!SERVICE_OF_PID[@]}"; do
    if kill -0 -- "-$pid" 2>/dev/null; then left+=("${SERVICE_OF_PID[$pid]} (group $pid)"); fi
  done
  if ((${#left[@]} > 0)); then log "WARNING: still running: ${left[*]}"; else log "everything it started is stopped"; fi
}

on_signal() {
  printf '\n' >&2
  log "$1: shutting down"
  shutdown
  trap - "$1" EXIT
  kill "-$1" $$ # die of the signal, so whoever ran us knows
}
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
trap 'rc=$?; shutdown; exit $rc' EXIT

# ---- infrastructure --------------------------------------------------------------------------------

# shellcheck source=infra/local/tools.sh
source "$LOCAL_DIR/tools.sh"
: >"$STARTED_REPORT"
RESTOCK_STARTED_REPORT="$STARTED_REPORT" bash "$LOCAL_DIR/infra.sh" up

# ---- services --------------------------------------------------------------------------------------

# One line per services/*/package.json: folder, package name, has a start script (1/0), port, door.
# Development secrets: generated once per checkout into the git-ignored run folder, never committed.
DEV_ENV="$RUN_DIR/dev.env"
if [[ ! -s "$DEV_ENV" ]]; then
  (
    umask 077
    node -e '
      const { randomBytes } = require("node:crypto");
      const r = (n) => randomBytes(n).toString("base64url");
      console.log(`AUTH_HMAC_SECRET=${r(32)}`);
      console.log(`DRS_TOKEN_ENCRYPTION_KEY=${randomBytes(32).toString("base64")}`);
    ' >"$DEV_ENV"
  )
  log "generated development secrets in $DEV_ENV"
fi
set -a
# shellcheck disable=SC1090
source "$DEV_ENV"
set +a
# The bridge accepts the simulator's signed deliveries (http, its own certificate) only when told to.
export SNS_ALLOWED_TOPIC_ARNS="${SNS_ALLOWED_TOPIC_ARNS:-arn:aws:sns:us-east-1:000000000000:restock-drs-sim}"
export SNS_INSECURE_ORIGINS="${SNS_INSECURE_ORIGINS:-http://127.0.0.1:8090}"
export SNS_ALLOW_INSECURE_ORIGINS="${SNS_ALLOW_INSECURE_ORIGINS:-true}"

list_services() {
  local manifest
  for manifest in services/*/package.json; do
    [[ -f "$manifest" ]] || continue
    node -e '
      const fs = require("node:fs");
      const path = require("node:path");
      const file = process.argv[1];
      const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
      const door = pkg.restock ?? {};
      const clean = (v) => String(v ?? "").replace(/[\t\n]/g, " ");
      console.log([path.basename(path.dirname(file)), pkg.name ?? "", pkg.scripts?.start ? 1 : 0,
        clean(door.port), clean(door.door)].join("\x1f"));
    ' "$manifest" || die "cannot read $manifest"
  done
}

doors=() # "name<TAB>address<TAB>what"
doors+=("Kafka"$'\t'"$KAFKA_BROKERS"$'\t'"topics (infra/local/kafka.sh logs)")
doors+=("PostgreSQL"$'\t'"$DATABASE_URL"$'\t'"projections")
doors+=("Redis"$'\t'"$REDIS_URL"$'\t'"cache, de-duplication, SSE fan-out")

# Fields are split on the unit separator: tabs are whitespace to `read`, and an empty port would vanish.
while IFS=$'\x1f' read -r dir name has_start port door; do
  if [[ "$has_start" != 1 ]]; then
    log "services/$dir has no start script: skipped"
    continue
  fi
  # Own session and process group (pid = group id), so one signal reaches pnpm, node and sed alike and
  # a Ctrl-C in the terminal reaches only this script, which stops things in order. sed ignores
  # SIGTERM so it passes on the service's last lines and ends when the service's output closes.
  # shellcheck disable=SC2016 # expanded by the inner bash
  setsid bash -c 'pnpm --filter "$1" start 2>&1 | (trap "" TERM INT; exec sed -u "s|^|[$2] |")' \
    _ "$name" "$dir" </dev/null &
  SERVICE_OF_PID[$!]="$dir"
  if [[ -n "$port" ]]; then
    doors+=("$dir"$'\t'"http://127.0.0.1:$port"$'\t'"$door")
  else
    doors+=("$dir"$'\t'"-"$'\t'"$door")
  fi
done < <(list_services)

{
  printf '\n%-22s %-48s %s\n' "door" "address" "what"
  for line in "${doors[@]}"; do
    IFS=$'\t' read -r name address what <<<"$line"
    printf '%-22s %-48s %s\n' "$name" "$address" "$what"
  done
  printf '\n'
} >&2

if ((${#SERVICE_OF_PID[@]} == 0)); then
  log "no services yet (no services/*/package.json with a \"start\" script): the infrastructure stays up; Ctrl-C stops it"
  while :; do
    sleep 3600 &
    IDLE_PID=$!
    wait "$IDLE_PID" || true
  done
fi

if operator_token=$(pnpm exec tsx infra/local/src/dev-token.ts operator 2>/dev/null) &&
  customer_token=$(pnpm exec tsx infra/local/src/dev-token.ts customer demo-customer 2>/dev/null); then
  {
    printf 'development tokens (12 h; signed with the secret in %s):\n' "$DEV_ENV"
    printf '  export OPERATOR_TOKEN=%s\n' "$operator_token"
    printf '  export CUSTOMER_TOKEN=%s\n\n' "$customer_token"
  } >&2
fi
log "${#SERVICE_OF_PID[@]} service(s) running; Ctrl-C stops everything"
while ((${#SERVICE_OF_PID[@]} > 0)); do
  finished=""
  rc=0
  wait -n -p finished "${!SERVICE_OF_PID[@]}" || rc=$?
  [[ -n "$finished" ]] || continue
  log "[${SERVICE_OF_PID[$finished]}] exited (code $rc)"
  # Its group may still hold a straggler (a grandchild that outlived pnpm): end it too.
  kill -TERM -- "-$finished" 2>/dev/null || true
  unset "SERVICE_OF_PID[$finished]"
done
log "every service has exited"
exit 1
