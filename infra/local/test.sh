#!/usr/bin/env bash
# What `npm test` (and CI) runs: tools, infrastructure, then typecheck, lint, tests; stops at the first
# failure and exits with its code. Extra arguments go to vitest: `npm test -- packages/units`.
# Kafka started here is stopped at the end (also on failure or Ctrl-C); a broker that was already
# running stays. PostgreSQL and Redis are left running (infra.sh down stops them if infra.sh started them).
set -euo pipefail
# shellcheck source=infra/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck disable=SC2034 # read by log() in lib.sh
RESTOCK_LOG_TAG='test'
cd "$RESTOCK_ROOT"

T0=$SECONDS
KAFKA_WAS_RUNNING=unknown

finish() {
  local rc=$?
  trap '' INT TERM # a second Ctrl-C must not cut the broker's controlled shutdown short
  # Also when Ctrl-C came while the broker was still starting (kafka.sh down is a no-op when stopped).
  if [[ "$KAFKA_WAS_RUNNING" == no ]]; then
    bash "$LOCAL_DIR/infra.sh" down kafka || log "WARNING: could not stop Kafka ('infra/local/kafka.sh down')"
  fi
  if ((rc == 0)); then
    log "all green in $((SECONDS - T0)) s"
  else
    log "FAILED (exit $rc) after $((SECONDS - T0)) s"
  fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step() { # name, command...
  local name="$1" started=$SECONDS rc=0
  shift
  log "---- $name: $*"
  "$@" || rc=$?
  if ((rc != 0)); then
    log "---- $name FAILED (exit $rc, $((SECONDS - started)) s)"
    exit "$rc"
  fi
  log "---- $name ok ($((SECONDS - started)) s)"
}

# shellcheck source=infra/local/tools.sh
source "$LOCAL_DIR/tools.sh"

kafka_status=0 # kafka.sh status: 3 = stopped
bash "$LOCAL_DIR/kafka.sh" status >/dev/null 2>&1 || kafka_status=$?
if ((kafka_status == 3)); then KAFKA_WAS_RUNNING=no; else KAFKA_WAS_RUNNING=yes; fi
step infra bash "$LOCAL_DIR/infra.sh" up

step typecheck pnpm -r --workspace-concurrency=2 typecheck
step lint pnpm exec biome check .

# vitest fails on an empty run, which is right when a filter matches nothing; only while the
# workspace has no test file at all is an empty run the expected outcome.
vitest_args=(run --config infra/test/vitest.config.ts)
if [[ -z "$(find packages services infra test-e2e -name node_modules -prune -o -name '*.test.ts' -print -quit 2>/dev/null)" ]]; then
  log "no *.test.ts in the workspace yet: --passWithNoTests"
  vitest_args+=(--passWithNoTests)
fi
step test pnpm exec vitest "${vitest_args[@]}" "$@"
