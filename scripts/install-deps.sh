#!/usr/bin/env bash
# Installs the Debian 12 packages KeyDesk needs to build, test and run, if any is missing.
# Arguments name more packages that one script needs besides (openbox, wrk, nginx …).
# Silent when everything is there already; runs apt-get as root, or through sudo otherwise.
set -euo pipefail

packages=(
    # toolchain
    build-essential g++ cmake ninja-build pkg-config
    # Qt 6.4 (qt6-httpserver-dev needs qt6-websockets-dev although it does not depend on it)
    qt6-base-dev qt6-httpserver-dev qt6-websockets-dev
    qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    libqt6sql6-sqlite libqt6sql6-psql qtkeychain-qt6-dev
    # SVG icons (image format and icon engine plugins)
    libqt6svg6
    # Qt's own translations (standard buttons in German and other languages)
    qt6-translations-l10n
    # other libraries
    libssl-dev zlib1g-dev libgl-dev libxkbcommon-dev
    # headless widget tests and screenshots
    fonts-dejavu-core xvfb xauth
    # the PostgreSQL tests' throwaway cluster (scripts/postgres.sh runs initdb and pg_ctl)
    postgresql
    # fuzzing (scripts/fuzz.sh): clang with libFuzzer and the sanitizer runtimes
    clang libclang-rt-14-dev
    # what the scripts and the README's walk-through use
    curl jq ca-certificates
)
packages+=("$@")

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    echo "install-deps: this script needs Debian 12 (dpkg and apt-get). Install these packages" >&2
    echo "or their equivalents by hand: ${packages[*]}" >&2
    exit 1
fi

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null || true)
    [[ $status == ii* ]] || missing+=("$package")
done
((${#missing[@]} == 0)) && exit 0

if ((EUID == 0)); then
    as_root=(env)
elif command -v sudo >/dev/null; then
    as_root=(sudo env)
else
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "install-deps: run this as root (or install sudo) so that they can be installed." >&2
    exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2
apt=("${as_root[@]}" DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300)
"${apt[@]}" -qq update
"${apt[@]}" -y -q install --no-install-recommends "${missing[@]}"
