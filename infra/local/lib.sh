# shellcheck shell=bash disable=SC2034
# Shared by the infra/local scripts (sourced, never run). Finds the repo root from this file's own
# location, names the git-ignored folders, and sets the local connection defaults.

RESTOCK_ORIG_PWD="${RESTOCK_ORIG_PWD:-$PWD}"
RESTOCK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
LOCAL_DIR="$RESTOCK_ROOT/infra/local"
CACHE_DIR="$LOCAL_DIR/.cache"
DATA_DIR="$LOCAL_DIR/.data"
RUN_DIR="$LOCAL_DIR/.run"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/restock}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"

# A relative KAFKA_DATA_DIR is taken relative to where the user ran the script, not the repo root.
if [[ -n "${KAFKA_DATA_DIR:-}" ]]; then
  KAFKA_DATA_DIR="$(cd "$RESTOCK_ORIG_PWD" && realpath -m -- "$KAFKA_DATA_DIR")"
else
  KAFKA_DATA_DIR="$DATA_DIR/kafka"
fi
export KAFKA_DATA_DIR

log() { printf '%s %s\n' "[${RESTOCK_LOG_TAG:-infra}]" "$*" >&2; }
die() {
  printf '%s ERROR: %s\n' "[${RESTOCK_LOG_TAG:-infra}]" "$*" >&2
  exit 1
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Who listens on port $1, for error messages ("" when ss cannot tell).
port_owner() { ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n 1; }

is_ci() { [[ "${CI:-}" == "true" || "${CI:-}" == "1" ]]; }
