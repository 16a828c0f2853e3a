#!/usr/bin/env bash
# bench/verify: one command. Builds keydesk-server and bench_verify_load (Release, build-bench/),
# then measures, and prints the raw figures followed by a table of figures against their targets:
#
#  1. GET /v1/verify under wrk (32 connections, KEYS valid keys) on SQLite, against nginx answering
#     `return 200 '{}'` with as many workers as keydesk-server has serving threads (`serve
#     --threads N`, N = the CPUs it is pinned to; a server without --threads serves on one, and
#     nginx then gets one worker). Requests/s, p50, p99 of both, and the ratio.
#  2. The same verify load while 10 successful sign-ins per second (POST /v1/sessions, scrypt)
#     arrive open-loop for the whole run: verify p99 quiet and during, and the sign-ins' count and
#     latency (bench_verify_load signins).
#  3. The verify load on PostgreSQL, against SQLite: a throwaway cluster (scripts/postgres.sh), or
#     the database KEYDESK_BENCH_POSTGRES names (one the benchmark may fill).
#  4. Revocation delay across two instances on that PostgreSQL database: KEYS keys are each
#     revoked through A while B, which has just verified it, is polled until it refuses it
#     (bench_verify_load revocation). Max, p50, p99.
# After each verify load it also checks that a revocation takes effect at once on that server and
# that last_used_at was recorded.
# CPUs: wrk and bench_verify_load run on CPU 0; keydesk-server, nginx (and both instances of 4)
# on the rest.
#
# Environment: DURATION  each wrk run, wrk syntax (default 10s; 5s for a quick look)
#              KEYS      keys in the verify pool and revoked in 4 (default 200)
#              SERVER_CPUS  taskset list for the servers (default: every CPU but 0)
#              KEYDESK_BENCH_POSTGRES  a PostgreSQL URL to use instead of a throwaway cluster;
#                        `none` skips 3 and 4
#              BUILD_DIR build directory (default build-bench)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
"$root/scripts/install-deps.sh" wrk nginx
build_dir=${BUILD_DIR:-build-bench}
BUILD_DIR=$build_dir BUILD_TYPE=Release KEYDESK_BUILD_TESTS=ON "$root/scripts/build.sh" \
    keydesk-server bench_verify_load >/dev/null
[[ $build_dir == /* ]] || build_dir=$root/$build_dir
server_bin=$build_dir/server/keydesk-server
load_tool=$build_dir/bench/verify/bench_verify_load

duration=${DURATION:-10s}
pool=${KEYS:-200}
signin_rate=10
password='correct horse battery'
cores=$(nproc)
wrk_cpu=0
case $cores in 1) default_cpus=0 ;; 2) default_cpus=1 ;; *) default_cpus=1-$((cores - 1)) ;; esac
server_cpus=${SERVER_CPUS:-$default_cpus}

# wrk's duration in whole seconds (it takes 10, 10s, 2m, 1h), for the sign-in load to cover it.
duration_seconds() {
    local value=${1%[smh]} unit=${1##*[0-9]}
    case $unit in m) echo $((value * 60)) ;; h) echo $((value * 3600)) ;; *) echo "$value" ;; esac
}
# Number of CPUs in a taskset list such as 1-3,5.
cpu_count() {
    local count=0 part parts
    IFS=, read -ra parts <<<"$1"
    for part in "${parts[@]}"; do
        if [[ $part == *-* ]]; then count=$((count + ${part#*-} - ${part%-*} + 1)); else count=$((count + 1)); fi
    done
    echo "$count"
}

# As many serving threads as CPUs the server is pinned to, and nginx workers to match. Captured
# first, not piped into grep -q: under pipefail an early grep exit could fail the pipeline.
server_help=$("$server_bin" serve --help 2>&1 || true)
if [[ $server_help == *--threads* ]]; then
    workers=$(cpu_count "$server_cpus")
    thread_args=(--threads "$workers")
else
    workers=1
    thread_args=()
fi

work=$(mktemp -d)
pids=()
postgres_dir=
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [[ -n $postgres_dir ]] && "$root/scripts/postgres.sh" stop "$postgres_dir" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "bench/verify: $1 did not answer" >&2; exit 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
# field NAME LINE: the value of NAME=… in a bench_verify_load line.
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

# Starts keydesk-server on the server CPUs; sets $port and $url. Called directly, not in $(…): a
# subshell would lose the pid to stop.
start_server() {
    local database=$1 label=$2
    port=$(free_port)
    url=http://127.0.0.1:$port
    taskset -c "$server_cpus" "$server_bin" serve --listen "127.0.0.1:$port" "${thread_args[@]}" \
        --database "$database" --allow-signup 2>"$work/server-$label.log" &
    pids+=($!)
    server_pid=$!
    wait_for "$url/v1/info"
}
stop_server() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# Signs up a fresh organization on $url; sets $email, $token, $org.
sign_up() {
    local session
    email="bench-$1-$port-$RANDOM$RANDOM@example.com"
    session=$(curl -s -X POST "$url/v1/signup" -H 'Content-Type: application/json' \
        -d "{\"organization_name\":\"Bench\",\"name\":\"Bench\",\"email\":\"$email\",\"password\":\"$password\"}")
    token=$(jq -r .token <<<"$session")
    org=$(jq -r '.organizations[0].id' <<<"$session")
}

# Runs wrk on its own core and prints "requests/s p50 p99 non-2xx" (latencies in ms).
load() {
    local url=$1 script=$2
    taskset -c "$wrk_cpu" wrk -t1 -c32 -d"$duration" --latency -s "$script" "$url" >"$work/wrk.txt"
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /Requests\/sec/ { rps = $2 }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        /Non-2xx/ { bad = $NF }
        END { printf "%.0f %.2f %.2f %s\n", rps, p50, p99, (bad == "" ? 0 : bad) }' "$work/wrk.txt"
}

# Figures 1-3: a server with a pool of keys under wrk; on SQLite also under the sign-in load (2).
# Appends "label rps p50 p99 non-2xx revoked last_used" to $work/results.
keydesk_run() {
    local database=$1 label=$2
    start_server "$database" "$label"
    sign_up "$label"
    local keys=()
    for _ in $(seq "$pool"); do
        keys+=("$(curl -s -X POST "$url/v1/organizations/$org/api-keys" -H "Authorization: Bearer $token" \
            -H 'Content-Type: application/json' -d '{"expiration":"never"}' | jq -r .secret)")
    done
    { echo "local keys = {"; printf '"%s",\n' "${keys[@]}"; echo "}"
      echo "local i = 0"
      echo "request = function() i = i % #keys + 1"
      echo "  return wrk.format('GET', '/v1/verify', {['x-api-key'] = keys[i], ['x-organization-id'] = '$org'}) end"
    } >"$work/verify.lua"
    local rps p50 p99 bad
    read -r rps p50 p99 bad < <(load "$url/v1/verify" "$work/verify.lua")
    if [[ $label == sqlite ]]; then
        # Sign-ins start half a second before wrk and end half a second after it, so that they
        # run for the whole wrk duration.
        taskset -c "$wrk_cpu" "$load_tool" signins --port "$port" --email "$email" --password "$password" \
            --rate "$signin_rate" --seconds $(($(duration_seconds "$duration") + 1)) >"$work/signins.txt" &
        local signins_pid=$!
        pids+=("$signins_pid")
        sleep 0.5
        load "$url/v1/verify" "$work/verify.lua" >"$work/during.txt"
        wait "$signins_pid" || echo "signins failed" >"$work/signins.txt"
    fi
    # Revocation still takes effect at once, and last_used_at is still recorded.
    local key_id revoked last_used
    key_id=$(curl -s "$url/v1/verify" -H "x-api-key: ${keys[0]}" -H "x-organization-id: $org" | jq -r .key_id)
    sleep 1.5
    last_used=$(curl -s "$url/v1/organizations/$org/api-keys/$key_id" -H "Authorization: Bearer $token" | jq -r .last_used_at)
    curl -s -o /dev/null -X DELETE "$url/v1/organizations/$org/api-keys/$key_id" -H "Authorization: Bearer $token"
    revoked=$(curl -s "$url/v1/verify" -H "x-api-key: ${keys[0]}" -H "x-organization-id: $org" | jq -r .code)
    echo "$label $rps $p50 $p99 $bad $revoked $last_used" >>"$work/results"
    stop_server "$server_pid"
}

nginx_run() {
    local port
    port=$(free_port)
    mkdir -p "$work/nginx"
    cat >"$work/nginx/nginx.conf" <<CONF
worker_processes $workers;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
    uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
    server { listen 127.0.0.1:$port; location / { default_type application/json; return 200 '{}'; } }
}
CONF
    taskset -c "$server_cpus" nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' &
    local nginx_pid=$!
    pids+=("$nginx_pid")
    wait_for "http://127.0.0.1:$port/"
    echo 'request = function() return wrk.format("GET", "/v1/verify") end' >"$work/nginx.lua"
    load "http://127.0.0.1:$port/v1/verify" "$work/nginx.lua" >"$work/nginx-result"
    stop_server "$nginx_pid"
}

# Figure 4: two instances on one PostgreSQL database.
revocation_run() {
    local database=$1 port_a pid_a
    start_server "$database" revocation-a
    port_a=$port pid_a=$server_pid
    sign_up revocation
    start_server "$database" revocation-b
    taskset -c "$wrk_cpu" "$load_tool" revocation --port-a "$port_a" --port-b "$port" \
        --token "$token" --org "$org" --keys "$pool" >"$work/revocation.txt" \
        || echo "revocation failed" >"$work/revocation.txt"
    stop_server "$server_pid"
    stop_server "$pid_a"
}

echo "bench/verify: wrk -c32 for $duration on CPU $wrk_cpu; servers on CPU(s) $server_cpus;" \
    "$workers serving thread(s)$([[ ${#thread_args[@]} -eq 0 ]] && echo ' (this keydesk-server has no --threads)') and nginx worker(s); $pool keys" >&2
keydesk_run "sqlite:$work/bench.db" sqlite
nginx_run
if [[ -z ${KEYDESK_BENCH_POSTGRES:-} ]]; then
    postgres_env=$("$root/scripts/postgres.sh" start)
    eval "$postgres_env"
    postgres_dir=$KEYDESK_POSTGRES_DIR
    KEYDESK_BENCH_POSTGRES=$KEYDESK_TEST_POSTGRES # the throwaway cluster's own database
fi
if [[ $KEYDESK_BENCH_POSTGRES != none ]]; then
    keydesk_run "$KEYDESK_BENCH_POSTGRES" postgresql
    revocation_run "$KEYDESK_BENCH_POSTGRES"
fi

# Raw figures.
read -r nginx_rps nginx_p50 nginx_p99 _ <"$work/nginx-result"
declare -A rps p99
printf '\n%-44s %12s %9s %9s\n' "GET /v1/verify, wrk -c32 $duration" "requests/s" "p50 ms" "p99 ms"
printf '%-44s %12s %9s %9s\n' "nginx return 200 '{}' ($workers worker(s))" "$nginx_rps" "$nginx_p50" "$nginx_p99"
while read -r label r p50 p bad revoked last_used; do
    rps[$label]=$r p99[$label]=$p
    printf '%-44s %12s %9s %9s   (non-2xx: %s)\n' "keydesk-server ($label)" "$r" "$p50" "$p" "$bad"
    if [[ $label == sqlite ]]; then
        read -r during_rps during_p50 during_p99 during_bad <"$work/during.txt"
        printf '%-44s %12s %9s %9s   (non-2xx: %s)\n' "keydesk-server (sqlite) + $signin_rate sign-ins/s" \
            "$during_rps" "$during_p50" "$during_p99" "$during_bad"
    fi
    printf '  after the load: revoked key answers %s (want revoked_key); last_used_at %s\n' "$revoked" "$last_used"
done <"$work/results"
signins=$(cat "$work/signins.txt")
if [[ $signins == signins\ * ]]; then
    printf '\nsign-ins during that load (open-loop, %s/s): %s sent, %s completed (201), %s failed (%s); p50 %s ms, p99 %s ms, max %s ms (each from its scheduled instant; sent at most %s ms late)\n' \
        "$signin_rate" "$(field sent "$signins")" "$(field completed "$signins")" "$(field failed "$signins")" \
        "$(field failures "$signins")" "$(field p50_ms "$signins")" "$(field p99_ms "$signins")" \
        "$(field max_ms "$signins")" "$(field max_send_late_ms "$signins")"
else
    printf '\nsign-ins during that load: %s\n' "$signins"
fi
printf 'verify p99 quiet %s ms, during sign-ins %s ms\n' "${p99[sqlite]}" "$during_p99"
revocation=$( [[ -f $work/revocation.txt ]] && cat "$work/revocation.txt" || echo "skipped")
if [[ $revocation == revocation\ * ]]; then
    printf 'revocation A -> B (PostgreSQL, two instances): %s of %s keys measured, max %s ms, p50 %s ms, p99 %s ms (%s refused at the first poll, %s still accepted after 1 s; %s polls)\n' \
        "$(field measured "$revocation")" "$(field keys "$revocation")" "$(field max_ms "$revocation")" \
        "$(field p50_ms "$revocation")" "$(field p99_ms "$revocation")" \
        "$(field refused_at_first_poll "$revocation")" "$(field timeouts "$revocation")" "$(field polls "$revocation")"
else
    printf 'revocation A -> B (PostgreSQL, two instances): %s\n' "$revocation"
fi

# The table. row FIGURE VALUE TARGET: TARGET is ">= N" or "<= N" (a unit after N is shown but not
# compared); a VALUE that is not a number is NOT met (or "skipped").
row() {
    local verdict
    if [[ $2 == skipped ]]; then
        verdict=
    else
        verdict=$(awk -v v="$2" -v t="$3" 'BEGIN {
            split(t, parts, " "); limit = parts[2] + 0
            if (v !~ /^[0-9.]+/) { print "NOT met"; exit }
            ok = (parts[1] == ">=") ? (v + 0 >= limit) : (v + 0 <= limit)
            print ok ? "met" : "NOT met" }')
    fi
    printf '%-44s %-12s %-11s %s\n' "$1" "$2" "$3" "$verdict"
}
signins_sent=$(field sent "$signins")
signins_completed=$(field completed "$signins")
printf '\n%-44s %-12s %-11s %s\n' figure value target ""
verify_ratio=$(ratio "${rps[sqlite]}" "$nginx_rps")
row "verify / nginx ($workers worker(s) each)" "$verify_ratio" ">= 0.5"
row "verify / nginx, project goal" "$verify_ratio" ">= 0.8"
row "verify p99 quiet (SQLite)" "${p99[sqlite]} ms" "<= 5 ms"
row "verify p99 during sign-ins / quiet" "$(ratio "$during_p99" "${p99[sqlite]}")" "<= 3"
row "verify p99 during sign-ins" "$during_p99 ms" "<= 10 ms"
# Every sign-in sent must have succeeded, else the load was not the one described.
row "sign-ins completed ($signin_rate/s open-loop)" "${signins_completed:-0}/${signins_sent:-?}" \
    ">= ${signins_sent:-1}"
if [[ -n ${rps[postgresql]:-} ]]; then
    row "verify PostgreSQL / SQLite" "$(ratio "${rps[postgresql]}" "${rps[sqlite]}")" ">= 0.8"
else
    row "verify PostgreSQL / SQLite" skipped ">= 0.8"
fi
if [[ $revocation == revocation\ * ]]; then
    revocation_max="$(field max_ms "$revocation") ms"
    (($(field timeouts "$revocation") > 0)) && revocation_max="> $revocation_max"
    row "revocation delay A -> B, max ($(field measured "$revocation") keys)" "$revocation_max" "<= 50 ms"
else
    row "revocation delay A -> B, max" "$revocation" "<= 50 ms"
fi
