#!/usr/bin/env bash
# Installs what piiguard needs on a fresh Debian machine, idempotently:
#   - Debian packages for building (libssl-dev, zlib, libsasl2 for rdkafka; python3 for the
#     deployment-file checks)
# Safe to run repeatedly: each step is skipped when its result is already present.
# The broker is installed separately by scripts/install-broker.sh.
set -euo pipefail

need_apt=()
for pkg in libssl-dev zlib1g-dev libsasl2-dev pkg-config make gcc g++ python3; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "install-deps: apt-get install ${need_apt[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

