#!/usr/bin/env bash
# Configures and builds KeyDesk with CMake and Ninja.
#
#   scripts/build.sh [-DVAR=VALUE ...] [TARGET ...]
#
# -D arguments go to the configure step, anything else names targets to build (default: all).
# Environment:
#   BUILD_DIR            build directory, relative to the repository root or absolute (default: build)
#   BUILD_TYPE           CMake build type (default: RelWithDebInfo)
#   KEYDESK_WERROR       ON or OFF: compiler warnings as errors (default: keep the cached value, else OFF)
#   KEYDESK_BUILD_TESTS  ON or OFF: build the Qt Test executables (default: keep the cached value, else ON)
#   JOBS                 parallel compile jobs (default: the number of cores)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir=${BUILD_DIR:-build}

configure_args=(-S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}")
# A build directory keeps the generator it was first configured with.
[[ -f $build_dir/CMakeCache.txt ]] || configure_args+=(-G Ninja)
[[ -n ${KEYDESK_WERROR:-} ]] && configure_args+=(-DKEYDESK_WERROR="$KEYDESK_WERROR")
[[ -n ${KEYDESK_BUILD_TESTS:-} ]] && configure_args+=(-DKEYDESK_BUILD_TESTS="$KEYDESK_BUILD_TESTS")

targets=()
for argument in "$@"; do
    if [[ $argument == -D* ]]; then
        configure_args+=("$argument")
    else
        targets+=(--target "$argument")
    fi
done

if ! cmake "${configure_args[@]}"; then
    echo "build: configuring failed (see CMake's messages above)" >&2
    exit 1
fi

if ! cmake --build "$build_dir" --parallel "${JOBS:-$(nproc)}" "${targets[@]}"; then
    echo "build: the build failed (see the compiler messages above)" >&2
    exit 1
fi
