#!/usr/bin/env bash
# The README's "run" command: installs what is missing, builds, and starts KeyDesk.
#
# Starts a local keydesk-server on 127.0.0.1:8787 (SQLite in your data directory, sign-up
# enabled) unless one runs there already, opens the desktop app pointed at it, and stops the
# server when the app quits. Arguments go to the app (e.g. --lang de).
# Environment: KEYDESK_PORT (default 8787), and BUILD_DIR, BUILD_TYPE, JOBS as for scripts/build.sh.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

"$root/scripts/install-deps.sh"

build_dir=${BUILD_DIR:-build}
[[ $build_dir == /* ]] || build_dir=$root/$build_dir
# shellcheck source=scripts/sudo-user.sh
source "$root/scripts/sudo-user.sh"
rerun_as_sudo_user "$build_dir" "$root/scripts/run.sh" "$@"

port=${KEYDESK_PORT:-8787}
listen=127.0.0.1:$port
url=http://$listen
data_dir=${XDG_DATA_HOME:-$HOME/.local/share}/keydesk-server
database=$data_dir/keydesk.db
server=$build_dir/server/keydesk-server

build() {
    if ! "$root/scripts/build.sh" "$@"; then
        echo >&2
        echo "run: the build failed, so nothing was started; the messages above say why." >&2
        exit 1
    fi
}

# Exits with a clear message when something already listens on the port.
check_port_free() {
    local info
    info=$(curl -s --max-time 3 "$url/v1/info" 2>/dev/null || true)
    if [[ $(jq -r '.name? // empty' <<<"$info" 2>/dev/null) == KeyDesk ]]; then
        echo "run: a KeyDesk server already runs at $url, so there is nothing to start." >&2
        echo "run: to restart it with this build, stop it first (Ctrl+C in its terminal)." >&2
        exit 1
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "run: port $port on 127.0.0.1 is busy: another program listens there." >&2
        echo "run: stop that program, or pick another port: KEYDESK_PORT=8788 $0" >&2
        exit 1
    fi
}

# Starts the server in the background and waits until it answers; it stops when this script ends.
start_server() {
    mkdir -p "$data_dir"
    "$server" serve --listen "$listen" --database "sqlite:$database" --allow-signup \
        >"$data_dir/server.log" 2>&1 &
    server_pid=$!
    trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true' EXIT
    for _ in $(seq 50); do
        if curl -s --max-time 1 "$url/v1/info" >/dev/null 2>&1; then
            return
        fi
        if ! kill -0 "$server_pid" 2>/dev/null; then
            echo "run: keydesk-server did not start; its log ($data_dir/server.log) says:" >&2
            cat "$data_dir/server.log" >&2
            exit 1
        fi
        sleep 0.2
    done
    echo "run: keydesk-server did not answer at $url within 10 seconds (log: $data_dir/server.log)." >&2
    exit 1
}

build keydesk-server keydesk

if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
    cat >&2 <<MESSAGE
run: this machine has no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so the KeyDesk
window cannot open here. Everything is built. To run it on a virtual display instead:

    xvfb-run -a -s "-screen 0 1280x800x24" $0

(that is how the screenshots in docs/screenshots are taken; scripts/screenshots.sh does it all).
MESSAGE
    exit 1
fi

info=$(curl -s --max-time 3 "$url/v1/info" 2>/dev/null || true)
if [[ $(jq -r '.name? // empty' <<<"$info" 2>/dev/null) == KeyDesk ]]; then
    echo "run: using the KeyDesk server that already runs at $url."
else
    check_port_free
    start_server
    cat <<MESSAGE
KeyDesk: a local server runs at $url (SQLite: $database, sign-up enabled, loopback only).
Opening the app: click "Create organization…" to sign up, then Configuration → your name →
Account → Organization API Keys → + New API key. The server stops when you quit the app.
MESSAGE
fi

"$build_dir/app/keydesk" --server "$url" "$@"
