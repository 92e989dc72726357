#!/usr/bin/env bash
# Makes sure the tools are there: Node >= 20, Java 17+, Maven, pnpm 10.34.8, and the workspace's
# node_modules (pnpm install --frozen-lockfile when node_modules is missing or older than pnpm-lock.yaml).
# Run it (bash infra/local/tools.sh) or source it (source infra/local/tools.sh): sourced, the PATH it
# may extend (a pnpm installed under infra/local/.cache/pnpm) carries over to the caller.
# Env: RESTOCK_SKIP_INSTALL=1 skips the pnpm install step.
#
# Sourced, it must not leave 'set -e' in an interactive shell or exit it: every step checks its own
# result and the whole runs in one function that returns non-zero on the first failure.

_restock_tools() {
  local root want_pnpm=10.34.8 tag='[tools]'
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)" || return 1
  _restock_tools_fail() { printf '%s ERROR: %s\n' "$tag" "$*" >&2; }

  # Node
  if ! command -v node >/dev/null; then
    _restock_tools_fail "node not found: install Node.js 20 (https://nodejs.org or Debian's nodejs from NodeSource)"
    return 1
  fi
  local node_version node_major
  node_version="$(node -p 'process.versions.node')" || return 1
  node_major="${node_version%%.*}"
  if ((node_major < 20)); then
    _restock_tools_fail "node $node_version is too old: Restock needs Node.js 20 or newer"
    return 1
  fi

  # Java 17+ and Maven (the local Kafka broker)
  if ! command -v java >/dev/null; then
    _restock_tools_fail "java not found: install a JDK/JRE 17+ (Debian: apt-get install openjdk-17-jre-headless)"
    return 1
  fi
  local java_version java_major
  # 'openjdk version "17.0.15" 2025-04-15' (or "1.8.0_x" for Java 8)
  java_version="$(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)"
  java_major="${java_version%%.*}"
  [[ "$java_major" == 1 ]] && java_major="$(echo "$java_version" | cut -d. -f2)"
  if ! [[ "$java_major" =~ ^[0-9]+$ ]] || ((java_major < 17)); then
    _restock_tools_fail "java ${java_version:-of unknown version} is too old: Kafka 3.9 here needs Java 17+ (Debian: apt-get install openjdk-17-jre-headless)"
    return 1
  fi
  if ! command -v mvn >/dev/null; then
    _restock_tools_fail "mvn not found: install Maven 3.8+ (Debian: apt-get install maven)"
    return 1
  fi

  # pnpm: the version package.json's packageManager names
  local local_pnpm="$root/infra/local/.cache/pnpm"
  if [[ -x "$local_pnpm/node_modules/.bin/pnpm" && ":$PATH:" != *":$local_pnpm/node_modules/.bin:"* ]]; then
    PATH="$local_pnpm/node_modules/.bin:$PATH"
  fi
  local have_pnpm
  have_pnpm="$(pnpm --version 2>/dev/null || true)"
  if [[ "$have_pnpm" != "$want_pnpm" ]]; then
    printf '%s pnpm %s wanted, found %s: npm install -g pnpm@%s\n' "$tag" "$want_pnpm" "${have_pnpm:-none}" "$want_pnpm" >&2
    if npm install -g --no-fund --no-audit "pnpm@$want_pnpm" >&2 && hash -r && [[ "$(pnpm --version 2>/dev/null)" == "$want_pnpm" ]]; then
      :
    else
      # No permission for a global install (or another pnpm comes first on PATH): a private copy.
      printf '%s installing pnpm %s under infra/local/.cache/pnpm instead\n' "$tag" "$want_pnpm" >&2
      mkdir -p "$local_pnpm" || return 1
      if ! npm install --prefix "$local_pnpm" --no-fund --no-audit --no-save "pnpm@$want_pnpm" >&2; then
        _restock_tools_fail "could not install pnpm $want_pnpm with npm"
        return 1
      fi
      PATH="$local_pnpm/node_modules/.bin:$PATH"
      hash -r
      if [[ "$(pnpm --version 2>/dev/null)" != "$want_pnpm" ]]; then
        _restock_tools_fail "pnpm $want_pnpm was installed but '$(command -v pnpm)' answers $(pnpm --version 2>/dev/null)"
        return 1
      fi
    fi
  fi
  export PATH

  # node_modules
  if [[ "${RESTOCK_SKIP_INSTALL:-}" == 1 ]]; then
    return 0
  fi
  local stamp="$root/node_modules/.modules.yaml" # pnpm rewrites it on every install
  if [[ ! -f "$stamp" || "$root/pnpm-lock.yaml" -nt "$stamp" ]]; then
    printf '%s pnpm install --frozen-lockfile --prefer-offline\n' "$tag" >&2
    local started=$SECONDS
    if ! (cd "$root" && pnpm install --frozen-lockfile --prefer-offline </dev/null >&2); then
      _restock_tools_fail "pnpm install failed (is pnpm-lock.yaml in step with the package.json files? run 'pnpm install' and commit the lockfile)"
      return 1
    fi
    printf '%s dependencies installed in %s s\n' "$tag" "$((SECONDS - started))" >&2
  fi
}

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  # sourced: leave the caller's shell options alone and hand back the status
  _restock_tools "$@" || return $?
else
  set -euo pipefail
  _restock_tools "$@" || exit $?
  printf '[tools] node %s, java %s, mvn, pnpm %s: ready\n' "$(node -p 'process.versions.node')" \
    "$(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)" "$(pnpm --version)" >&2
fi
