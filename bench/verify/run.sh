#!/usr/bin/env bash
# bench/verify: one command. Builds keydesk-server (Release, build-bench/), starts it on SQLite with
# a pool of valid keys, loads GET /v1/verify with wrk (32 connections), then loads nginx answering
# `return 200 '{}'` on loopback the same way, and prints both (requests/s, p50, p99) and the ratio.
# Both servers get the same cores (SERVER_CPUS, default: all but the one wrk uses).
# Then the same against PostgreSQL: a throwaway cluster (scripts/postgres.sh), or the database
# KEYDESK_BENCH_POSTGRES names (one the benchmark may fill); KEYDESK_BENCH_POSTGRES=none skips it.
# Environment: DURATION (default 10s), KEYS (default 200), SERVER_CPUS.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
"$root/scripts/install-deps.sh" wrk nginx
BUILD_DIR=${BUILD_DIR:-build-bench} BUILD_TYPE=Release "$root/scripts/build.sh" keydesk-server >/dev/null
build_dir=${BUILD_DIR:-build-bench}
[[ $build_dir == /* ]] || build_dir=$root/$build_dir

duration=${DURATION:-10s}
pool=${KEYS:-200}
cores=$(nproc)
wrk_cpu=0
server_cpus=${SERVER_CPUS:-$( ((cores > 1)) && echo "1-$((cores - 1))" || echo 0)}
server_threads=$(( cores > 1 ? cores - 1 : 1 ))
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

# Runs wrk on its own core and prints "requests/s p50 p99" (latencies in ms).
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

keydesk_run() {
    local database=$1 label=$2 port
    port=$(free_port)
    taskset -c "$server_cpus" "$build_dir/server/keydesk-server" serve --listen "127.0.0.1:$port" \
        --database "$database" --allow-signup 2>"$work/server-$label.log" &
    pids+=($!)
    local url=http://127.0.0.1:$port
    wait_for "$url/v1/info"
    local session token org
    session=$(curl -s -X POST "$url/v1/signup" -d "{\"organization_name\":\"Bench\",\"name\":\"Bench\",\"email\":\"bench-$label-$port@example.com\",\"password\":\"correct horse battery\"}")
    token=$(jq -r .token <<<"$session")
    org=$(jq -r '.organizations[0].id' <<<"$session")
    local keys=()
    for _ in $(seq "$pool"); do
        keys+=("$(curl -s -X POST "$url/v1/organizations/$org/api-keys" -H "Authorization: Bearer $token" \
            -d '{"expiration":"never"}' | jq -r .secret)")
    done
    { echo "local keys = {"; printf '"%s",\n' "${keys[@]}"; echo "}"
      echo "local i = 0"
      echo "request = function() i = i % #keys + 1"
      echo "  return wrk.format('GET', '/v1/verify', {['x-api-key'] = keys[i], ['x-organization-id'] = '$org'}) end"
    } >"$work/verify.lua"
    read -r rps p50 p99 bad < <(load "$url/v1/verify" "$work/verify.lua")
    # Revocation still takes effect at once, and last_used_at is still recorded.
    local key_id revoked last_used
    key_id=$(curl -s "$url/v1/verify" -H "x-api-key: ${keys[0]}" -H "x-organization-id: $org" | jq -r .key_id)
    sleep 1.5
    last_used=$(curl -s "$url/v1/organizations/$org/api-keys/$key_id" -H "Authorization: Bearer $token" | jq -r .last_used_at)
    curl -s -o /dev/null -X DELETE "$url/v1/organizations/$org/api-keys/$key_id" -H "Authorization: Bearer $token"
    revoked=$(curl -s "$url/v1/verify" -H "x-api-key: ${keys[0]}" -H "x-organization-id: $org" | jq -r .code)
    echo "$label $rps $p50 $p99 $bad $revoked $last_used" >>"$work/results"
}

nginx_run() {
    local port
    port=$(free_port)
    mkdir -p "$work/nginx"
    cat >"$work/nginx/nginx.conf" <<CONF
worker_processes $server_threads;
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
    pids+=($!)
    wait_for "http://127.0.0.1:$port/"
    echo 'request = function() return wrk.format("GET", "/v1/verify") end' >"$work/nginx.lua"
    read -r rps p50 p99 bad < <(load "http://127.0.0.1:$port/v1/verify" "$work/nginx.lua")
    echo "nginx $rps $p50 $p99 $bad" >"$work/nginx-result"
}

echo "bench/verify: wrk -c32 for $duration on CPU $wrk_cpu; servers on CPU(s) $server_cpus; $pool keys" >&2
# Called directly, not in $(…): a subshell would lose the pids to stop and run the EXIT trap early.
keydesk_run "sqlite:$work/bench.db" sqlite
nginx_run
if [[ -z ${KEYDESK_BENCH_POSTGRES:-} ]]; then
    postgres_env=$("$root/scripts/postgres.sh" start)
    eval "$postgres_env"
    postgres_dir=$KEYDESK_POSTGRES_DIR
    KEYDESK_BENCH_POSTGRES=$KEYDESK_TEST_POSTGRES # the throwaway cluster's own database
fi
[[ $KEYDESK_BENCH_POSTGRES != none ]] && keydesk_run "$KEYDESK_BENCH_POSTGRES" postgresql
mapfile -t results <"$work/results"

read -r _ nginx_rps nginx_p50 nginx_p99 _ <"$work/nginx-result"
printf '\n%-34s %12s %9s %9s\n' "GET /v1/verify" "requests/s" "p50 ms" "p99 ms"
printf '%-34s %12s %9s %9s\n' "nginx return 200 '{}'" "$nginx_rps" "$nginx_p50" "$nginx_p99"
for line in "${results[@]}"; do
    read -r label rps p50 p99 bad revoked last_used <<<"$line"
    printf '%-34s %12s %9s %9s   (non-2xx: %s)\n' "keydesk-server ($label)" "$rps" "$p50" "$p99" "$bad"
    ratio=$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN { printf "%.2f", a / b }')
    met() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN { ok = (op == ">=") ? v >= t : v <= t; print ok ? "met" : "NOT MET" }'; }
    printf '  ratio keydesk/nginx %s (target ≥ 0.5: %s); p99 %s ms (target ≤ 5: %s)\n' \
        "$ratio" "$(met "$ratio" 0.5 ">=")" "$p99" "$(met "$p99" 5 "<=")"
    printf '  after the load: revoked key answers %s (want revoked_key); last_used_at %s\n' "$revoked" "$last_used"
done
