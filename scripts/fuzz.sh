#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (AddressSanitizer + UndefinedBehaviorSanitizer,
# build directory build-fuzz) and runs each for SECONDS (default 60). Prints the executions per
# target; exits non-zero on any crash, sanitizer report, broken invariant, hang (> 10 s for one
# input) or out-of-memory.
#
#   scripts/fuzz.sh [SECONDS] [TARGET ...]      e.g. scripts/fuzz.sh 10, scripts/fuzz.sh 300 fuzz_router
#
# Targets: fuzz_endpoints fuzz_router fuzz_keyformat fuzz_strictjson (fuzz/README.md says what each
# checks). Each run starts from the committed seeds in fuzz/corpus/TARGET and keeps what it finds in
# BUILD_DIR/fuzz-corpus/TARGET (so later runs go on from there); a failing input is saved under
# BUILD_DIR/fuzz-artifacts/TARGET/ and the script prints how to replay it.
# Environment: BUILD_DIR (default build-fuzz), JOBS (compile jobs), FUZZ_ARGS (more libFuzzer options).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

seconds=${1:-60}
if [[ ! $seconds =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: scripts/fuzz.sh [SECONDS] [TARGET ...]  (SECONDS: a whole number, default 60)" >&2
    exit 2
fi
(($# > 0)) && shift
all_targets=(fuzz_endpoints fuzz_router fuzz_keyformat fuzz_strictjson)
targets=("$@")
((${#targets[@]} > 0)) || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
    [[ " ${all_targets[*]} " == *" $target "* ]] || { echo "fuzz: unknown target $target (known: ${all_targets[*]})" >&2; exit 2; }
done

# clang and its runtime libraries (libFuzzer and the sanitizers), Debian 12's LLVM 14.
"$root/scripts/install-deps.sh" clang libclang-rt-14-dev

build_dir=${BUILD_DIR:-build-fuzz}
[[ $build_dir == /* ]] || build_dir=$root/$build_dir
BUILD_DIR=$build_dir KEYDESK_WERROR=OFF KEYDESK_BUILD_TESTS=OFF "$root/scripts/build.sh" \
    -DCMAKE_CXX_COMPILER=clang++ -DKEYDESK_FUZZ=ON "${targets[@]}"

# Every report is fatal; leaks count too, except the third-party ones of tests/lsan.supp.
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:print_stacktrace=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$root/tests/lsan.supp:print_suppressions=0
export QT_LOGGING_RULES='*.debug=false'

declare -A dictionary=([fuzz_endpoints]=fuzz/json.dict [fuzz_router]=fuzz/http.dict [fuzz_strictjson]=fuzz/json.dict)
declare -A max_len=([fuzz_endpoints]=8192 [fuzz_router]=8192 [fuzz_keyformat]=256 [fuzz_strictjson]=4096)

failed=()
summary=()
for target in "${targets[@]}"; do
    corpus=$build_dir/fuzz-corpus/$target
    artifacts=$build_dir/fuzz-artifacts/$target
    log=$build_dir/fuzz-logs/$target.log
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    options=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048
             -max_len="${max_len[$target]}" -artifact_prefix="$artifacts/")
    [[ -n ${dictionary[$target]:-} ]] && options+=(-dict="$root/${dictionary[$target]}")
    # shellcheck disable=SC2206 # FUZZ_ARGS is a list of options on purpose
    [[ -n ${FUZZ_ARGS:-} ]] && options+=($FUZZ_ARGS)
    echo "fuzz: $target for ${seconds} s (log: $log)" >&2
    status=0
    # The first corpus directory collects new inputs; the committed seeds are only read.
    "$build_dir/fuzz/$target" "${options[@]}" "$corpus" "$root/fuzz/corpus/$target" >"$log" 2>&1 || status=$?

    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    [[ -n $executions ]] || executions=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
    result=ok
    if ((status != 0)) || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:|=== .* violated' "$log"; then
        result="FAILED (exit $status)"
        failed+=("$target")
        echo "fuzz: $target failed; the end of its log:" >&2
        tail -n 60 "$log" >&2
        for artifact in "$artifacts"/*; do
            [[ -f $artifact ]] && echo "fuzz: replay with: $build_dir/fuzz/$target $artifact" >&2
        done
    fi
    summary+=("$(printf '%-16s %12s executions %8s/s  %s' "$target" "${executions:-?}" "${per_second:-?}" "$result")")
done

echo "fuzz: ${seconds} s per target:"
printf 'fuzz: %s\n' "${summary[@]}"
if ((${#failed[@]} > 0)); then
    echo "fuzz: FAILED: ${failed[*]}"
    exit 1
fi
echo "fuzz: no crash, no sanitizer report, no broken invariant"
