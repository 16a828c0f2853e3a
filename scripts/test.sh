#!/usr/bin/env bash
# The README's "test" command: installs what is missing, builds with warnings as errors, and runs
# every test under ctest. Exits non-zero on any failure; the last line is ctest's summary.
# Needs no display: each test runs with QT_QPA_PLATFORM=offscreen (see tests/CMakeLists.txt).
# The server tests run twice, on SQLite and on PostgreSQL (the *_pg tests, tst_multiinstance):
# this starts a throwaway PostgreSQL cluster on loopback for them (scripts/postgres.sh) and stops
# it on exit. Before that plain run it runs the suite under ASan + UBSan (scripts/sanitize.sh)
# and each fuzz target for 10 s (scripts/fuzz.sh); KEYDESK_QUICK=1 skips those two.
# Environment: BUILD_DIR, BUILD_TYPE, JOBS as for scripts/build.sh; CTEST_PARALLEL_LEVEL;
# KEYDESK_TEST_POSTGRES=postgresql://USER:PASS@HOST:PORT/postgres to use an existing cluster (a
# superuser's URL: each test creates and drops a database of its own) instead of starting one.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

"$root/scripts/install-deps.sh"

build_dir=${BUILD_DIR:-build}
[[ $build_dir == /* ]] || build_dir=$root/$build_dir
# shellcheck source=scripts/sudo-user.sh
source "$root/scripts/sudo-user.sh"
rerun_as_sudo_user "$build_dir" "$root/scripts/test.sh" "$@"

KEYDESK_WERROR=ON KEYDESK_BUILD_TESTS=ON "$root/scripts/build.sh"

# Without a display nothing may try to open one (ctest sets offscreen per test as well).
if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
    export QT_QPA_PLATFORM=offscreen
fi

if [[ -z ${KEYDESK_TEST_POSTGRES:-} ]]; then
    # An assignment, not eval "$(…)", so that a failed start stops the script (set -e).
    postgres_env=$("$root/scripts/postgres.sh" start)
    eval "$postgres_env"
    # Quiet, so that ctest's summary stays the last line; the exit status stays ctest's.
    trap '"$root/scripts/postgres.sh" stop "$KEYDESK_POSTGRES_DIR" >/dev/null 2>&1 || true' EXIT
fi

# Tests start their own servers on free ports with databases of their own: two at a time is safe.
export CTEST_PARALLEL_LEVEL=${CTEST_PARALLEL_LEVEL:-$(nproc)}

# The deeper checks come first, so that the plain run's summary stays the last line: the whole
# suite again under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/), and every
# libFuzzer target for a few seconds (scripts/fuzz.sh 60 for a real run). KEYDESK_QUICK=1 skips
# both, for a developer's inner loop.
if [[ -z ${KEYDESK_QUICK:-} ]]; then
    "$root/scripts/sanitize.sh"
    "$root/scripts/fuzz.sh" "${KEYDESK_FUZZ_SECONDS:-10}"
fi

ctest --test-dir "$build_dir" --output-on-failure --no-tests=error
