#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: initdb + pg_ctl into a temporary directory, on a
# free loopback port, with a random password for the `postgres` superuser.
#
#   eval "$(scripts/postgres.sh start)"   # exports KEYDESK_TEST_POSTGRES and KEYDESK_POSTGRES_DIR
#   scripts/postgres.sh stop [DIR]        # stops the cluster in DIR (default $KEYDESK_POSTGRES_DIR)
#                                         # and deletes DIR
#
# `start` prints only the two `export` lines on standard output (progress goes to standard
# error). KEYDESK_TEST_POSTGRES is the admin URL, postgresql://postgres:PASSWORD@127.0.0.1:PORT/postgres;
# the tests create and drop a database of their own through it.
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` system user
# (the Debian `postgresql` package creates it) through runuser; anyone else runs it as themselves.
set -euo pipefail

die() {
    echo "postgres.sh: $*" >&2
    exit 1
}

# The newest installed server (Debian keeps each major version under /usr/lib/postgresql/N/bin).
bin_dir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -z $dir ]]; then
        dir=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
        [[ -x $dir/initdb ]] || die "no PostgreSQL server found (Debian: apt-get install postgresql)"
    fi
    echo "$dir"
}

# Runs a PostgreSQL program as the cluster's owner, from a directory that owner can read (initdb
# and pg_ctl complain when they cannot stat the current directory).
as_owner() {
    if ((EUID == 0)); then
        (cd "$state_dir" && runuser -u postgres -- "$@")
    else
        (cd "$state_dir" && "$@")
    fi
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
    local bin password port attempt
    bin=$(bin_dir)
    if ((EUID == 0)) && ! id postgres >/dev/null 2>&1; then
        die "running as root needs the 'postgres' system user (Debian: apt-get install postgresql)"
    fi
    state_dir=$(mktemp -d "${TMPDIR:-/tmp}/keydesk-postgres.XXXXXX")
    chmod 700 "$state_dir"
    ((EUID == 0)) && chown postgres: "$state_dir"
    password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    printf '%s\n' "$password" >"$state_dir/password"
    ((EUID == 0)) && chown postgres: "$state_dir/password"

    # C collation and UTF-8: the same byte order and text handling on every machine. fsync=off:
    # the cluster is thrown away after the run, so durability against power loss buys nothing.
    as_owner "$bin/initdb" -D "$state_dir/data" -U postgres --pwfile="$state_dir/password" \
        -A scram-sha-256 -E UTF8 --locale=C --no-sync >"$state_dir/initdb.log" 2>&1 \
        || { cat "$state_dir/initdb.log" >&2; rm -rf "$state_dir"; die "initdb failed"; }
    rm -f "$state_dir/password"

    # Another process may take the port between the check and pg_ctl: try a few.
    for attempt in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 40000))
        port_in_use "$port" && continue
        if as_owner "$bin/pg_ctl" -D "$state_dir/data" -l "$state_dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $state_dir -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null 2>&1; then
            echo "postgres.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $state_dir" >&2
            echo "export KEYDESK_TEST_POSTGRES=postgresql://postgres:$password@127.0.0.1:$port/postgres"
            echo "export KEYDESK_POSTGRES_DIR=$state_dir"
            return 0
        fi
        echo "postgres.sh: could not start on port $port (attempt $attempt), trying another" >&2
    done
    tail -n 20 "$state_dir/server.log" >&2 || true
    rm -rf "$state_dir"
    die "PostgreSQL did not start (its log is above)"
}

stop() {
    state_dir=${1:-${KEYDESK_POSTGRES_DIR:-}}
    [[ -n $state_dir ]] || die "stop: which cluster? Pass its directory or set KEYDESK_POSTGRES_DIR"
    [[ -d $state_dir/data ]] || die "stop: no cluster in $state_dir"
    # Immediate: nothing in a throwaway cluster is worth a clean checkpoint.
    as_owner "$(bin_dir)/pg_ctl" -D "$state_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$state_dir"
}

case ${1:-} in
start) start ;;
stop) stop "${2:-}" ;;
*)
    echo "usage: $0 start | stop [DIR]" >&2
    exit 2
    ;;
esac
