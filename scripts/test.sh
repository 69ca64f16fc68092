#!/usr/bin/env bash
# Runs every test of GenreStack against real servers: installs the system packages the tests use when missing and
# apt is available (python3-sklearn for cross-checks, chromium, python3-kubernetes for the manifest schemas),
# installs the console's browser-test driver (npm ci in evaluator-service/src/test/browser, once), starts ONE local
# Kafka + S3 for the whole build (scripts/local-infra.sh), runs `mvn verify` (unit, service and end-to-end tests),
# and stops the servers again.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

need=()
/usr/bin/python3 -c 'import sklearn' 2>/dev/null || need+=(python3-sklearn)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
/usr/bin/python3 -c 'import kubernetes' 2>/dev/null || need+=(python3-kubernetes)
if [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "installing ${need[*]} (apt) ..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "missing system packages: ${need[*]} (install them with apt-get install ${need[*]})" >&2
    exit 2
  fi
fi

# the live console's browser test drives Chromium with npm's playwright-core (pinned in the package-lock.json):
# installed once into the git-ignored node_modules of evaluator-service/src/test/browser
browser=evaluator-service/src/test/browser
if [ ! -d "$browser/node_modules/playwright-core" ]; then
  if command -v npm >/dev/null 2>&1; then
    (cd "$browser" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  else
    echo "missing npm (Node.js): the console's browser test needs it (apt-get install nodejs npm)" >&2
    exit 2
  fi
fi

started=false
if ! scripts/local-infra.sh status >/dev/null 2>&1; then
  scripts/local-infra.sh start
  started=true
fi
cleanup() { if [ "$started" = true ]; then scripts/local-infra.sh stop || true; fi; }
trap cleanup EXIT INT TERM
eval "$(scripts/local-infra.sh env)"
export GENRESTACK_KAFKA_BOOTSTRAP GENRESTACK_S3_ENDPOINT GENRESTACK_S3_ACCESS_KEY GENRESTACK_S3_SECRET_KEY

mvn -B verify "$@"
