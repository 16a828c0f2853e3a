#!/usr/bin/env bash
# bench/startup: one command — builds Release (build-bench/) and prints both figures with their
# targets. Needs a display: uses $DISPLAY when there is one, else runs itself under xvfb-run.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
"$root/scripts/install-deps.sh"
BUILD_DIR=${BUILD_DIR:-build-bench} BUILD_TYPE=Release KEYDESK_BUILD_TESTS=ON "$root/scripts/build.sh" bench_startup keydesk >/dev/null
build_dir=${BUILD_DIR:-build-bench}
[[ $build_dir == /* ]] || build_dir=$root/$build_dir
bench=$build_dir/bench/startup/bench_startup
if [[ -n ${DISPLAY:-} ]]; then
    "$bench" 2>&1 | grep -v 'keydesk.http\|keydesk.server\|XDG_RUNTIME_DIR'
else
    xvfb-run -a -s "-screen 0 1280x800x24" "$bench" 2>&1 | grep -v 'keydesk.http\|keydesk.server\|XDG_RUNTIME_DIR'
fi
