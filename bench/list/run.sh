#!/usr/bin/env bash
# bench/list: one command — builds Release (build-bench/) and prints the figures with their targets,
# on SQLite, and on PostgreSQL too when KEYDESK_BENCH_POSTGRES names a database URL.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
"$root/scripts/install-deps.sh"
BUILD_DIR=${BUILD_DIR:-build-bench} BUILD_TYPE=Release KEYDESK_BUILD_TESTS=ON "$root/scripts/build.sh" bench_list >/dev/null
build_dir=${BUILD_DIR:-build-bench}
[[ $build_dir == /* ]] || build_dir=$root/$build_dir
"$build_dir/bench/list/bench_list" 2>&1 | grep -v 'keydesk\.'
if [[ -n ${KEYDESK_BENCH_POSTGRES:-} ]]; then
    echo; echo "PostgreSQL:"
    "$build_dir/bench/list/bench_list" "$KEYDESK_BENCH_POSTGRES" 2>&1 | grep -v 'keydesk\.'
fi
