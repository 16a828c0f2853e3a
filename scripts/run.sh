#!/usr/bin/env bash
# The README's "run" command: installs what is missing, builds, and starts KeyDesk.
#
# Until the desktop app exists (issue 3) this starts the local keydesk-server, in the foreground,
# on 127.0.0.1:8787 with SQLite in your data directory and sign-up enabled.
# Environment: KEYDESK_PORT (default 8787), and BUILD_DIR, BUILD_TYPE, JOBS as for scripts/build.sh.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

"$root/scripts/install-deps.sh"

# Under sudo only the packages need root: build and run as the user who called sudo, so that the
# build directory and the database belong to them (when the checkout is theirs).
build_dir=${BUILD_DIR:-build}
[[ $build_dir == /* ]] || build_dir=$root/$build_dir
if ((EUID == 0)) && [[ -n ${SUDO_USER:-} && $SUDO_USER != root ]] \
        && [[ $(stat -c %U "$root") == "$SUDO_USER" ]] \
        && { [[ ! -e $build_dir ]] || [[ $(stat -c %U "$build_dir") == "$SUDO_USER" ]]; }; then
    exec runuser -u "$SUDO_USER" -- "$root/scripts/run.sh" "$@"
fi

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

# Runs the server until Ctrl+C (it stops cleanly on SIGINT and SIGTERM).
serve_in_foreground() {
    mkdir -p "$data_dir"
    cat <<MESSAGE

KeyDesk: the desktop app arrives with issue 3; for now this starts the local server
the app will talk to, with sign-up enabled (the README's curl walk-through uses it).

  URL:       $url   (try: curl $url/v1/info)
  Database:  $database
  Stop it:   press Ctrl+C here (or: kill the keydesk-server process)

MESSAGE
    local status=0
    "$server" serve --listen "$listen" --database "sqlite:$database" --allow-signup || status=$?
    if ((status != 0)); then
        echo "run: keydesk-server stopped with an error (exit status $status, see its message above)." >&2
        exit "$status"
    fi
    echo "run: the server has stopped. Start it again with: $0"
}

# Issue 3 (desktop app): build the `keydesk` target too, start the server in the background
# unless one answers on $url already, launch the app against $url, and stop the server when
# the app quits. Only this block changes.
build keydesk-server
check_port_free
serve_in_foreground
