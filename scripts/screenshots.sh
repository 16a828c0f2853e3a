#!/usr/bin/env bash
# Regenerates docs/screenshots: runs the real app (keydesk-screenshot-tour drives it through the
# help article's flow against a real keydesk-server) under Xvfb with a small window manager, so
# that the pictures show window frames as a desktop would. Usage: scripts/screenshots.sh [LANG]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
"$root/scripts/install-deps.sh" openbox # window frames in the pictures
KEYDESK_BUILD_TESTS=ON "$root/scripts/build.sh" keydesk-screenshot-tour
build_dir=${BUILD_DIR:-build}
[[ $build_dir == /* ]] || build_dir=$root/$build_dir
out=$root/docs/screenshots
mkdir -p "$out"
# shellcheck disable=SC2016 # expanded by the inner shell
xvfb-run -a -s "-screen 0 1280x800x24" bash -c 'openbox >/dev/null 2>&1 & sleep 1; "$0" "$1" "$2"; kill %1' \
    "$build_dir/tests/keydesk-screenshot-tour" "$out" "${1:-en}"
echo "screenshots: written to docs/screenshots/"
