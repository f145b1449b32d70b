#!/usr/bin/env bash
# Installs the Debian peers the benchmarks and system tests compare against (nginx, wrk), plus any
# extra packages named as arguments. Idempotent: a package already installed is left alone, and
# `apt-get update` runs only when something is actually missing.
#   scripts/install-system-deps.sh                 # nginx wrk
#   scripts/install-system-deps.sh redis-server    # nginx wrk redis-server
set -euo pipefail

packages=(nginx wrk "$@")
missing=()
for pkg in "${packages[@]}"; do
  if dpkg -s "$pkg" >/dev/null 2>&1; then
    echo "install-system-deps: $pkg already installed"
  else
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-system-deps: nothing to do"
  exit 0
fi

# Root in containers and CI VMs has no sudo; a normal user needs it.
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "install-system-deps: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-system-deps: apt-get update"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
echo "install-system-deps: installing ${missing[*]}"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
for pkg in "${missing[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || { echo "install-system-deps: $pkg still missing after install" >&2; exit 1; }
  echo "install-system-deps: installed $pkg"
done
