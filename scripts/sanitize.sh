#!/usr/bin/env bash
# Builds the whole project with AddressSanitizer + UndefinedBehaviorSanitizer (g++, build directory
# build-asan, -DKEYDESK_SANITIZE=ON) and runs the full ctest suite with every report fatal: any
# memory error, undefined behaviour or leak of ours fails the test that hit it. Leaks inside
# third-party libraries (Qt, fontconfig, glib) are suppressed by tests/lsan.supp, one commented
# entry each. Exits non-zero on any failure; the last line is ctest's summary.
#
#   scripts/sanitize.sh [CTEST ARGUMENTS ...]      e.g. scripts/sanitize.sh -R tst_auth
#
# Like scripts/test.sh it starts a throwaway PostgreSQL cluster (scripts/postgres.sh) for the
# PostgreSQL tests unless KEYDESK_TEST_POSTGRES names one, and stops it on exit.
# Environment: BUILD_DIR (default build-asan), BUILD_TYPE, JOBS as for scripts/build.sh;
# CTEST_PARALLEL_LEVEL; KEYDESK_TEST_POSTGRES.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

"$root/scripts/install-deps.sh"

build_dir=${BUILD_DIR:-build-asan}
[[ $build_dir == /* ]] || build_dir=$root/$build_dir
BUILD_DIR=$build_dir KEYDESK_WERROR=ON KEYDESK_BUILD_TESTS=ON "$root/scripts/build.sh" \
    -DCMAKE_CXX_COMPILER=g++ -DKEYDESK_SANITIZE=ON

# halt_on_error: the first report ends the process (the build has -fno-sanitize-recover too), so
# the test fails instead of going on. The servers that tests start as child processes inherit
# these, so their reports fail those tests as well (through the exit status they check).
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:print_stacktrace=1:strict_init_order=1:check_initialization_order=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$root/tests/lsan.supp:print_suppressions=0

if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
    export QT_QPA_PLATFORM=offscreen
fi

if [[ -z ${KEYDESK_TEST_POSTGRES:-} ]]; then
    postgres_env=$("$root/scripts/postgres.sh" start)
    eval "$postgres_env"
    trap '"$root/scripts/postgres.sh" stop "$KEYDESK_POSTGRES_DIR" >/dev/null 2>&1 || true' EXIT
fi

ctest --test-dir "$build_dir" --output-on-failure --no-tests=error "$@"
