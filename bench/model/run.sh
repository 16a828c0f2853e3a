#!/usr/bin/env bash
# bench/model: one command — builds Release (build-bench/) and prints each figure with its target.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
"$root/scripts/install-deps.sh"
BUILD_DIR=${BUILD_DIR:-build-bench} BUILD_TYPE=Release KEYDESK_BUILD_TESTS=ON "$root/scripts/build.sh" bench_model >/dev/null
build_dir=${BUILD_DIR:-build-bench}
[[ $build_dir == /* ]] || build_dir=$root/$build_dir
QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen} "$build_dir/bench/model/bench_model" -silent 2>&1 | grep -v '^QWARN\|propagateSizeHints'
