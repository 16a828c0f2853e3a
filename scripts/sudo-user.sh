# shellcheck shell=bash
# Sourced by the README's commands. Under sudo only the packages need root: this re-runs the
# calling script as the user who called sudo, so that its build directory (and the local
# server's data) stay theirs, when the checkout is theirs. As root without sudo (CI) it does
# nothing.
#   rerun_as_sudo_user BUILD_DIR SCRIPT [ARGUMENTS …]
rerun_as_sudo_user() {
    local build_dir=$1 script=$2 root
    shift 2
    root=$(cd "$(dirname "$script")/.." && pwd)
    if ((EUID == 0)) && [[ -n ${SUDO_USER:-} && $SUDO_USER != root ]] \
            && [[ $(stat -c %U "$root") == "$SUDO_USER" ]] \
            && { [[ ! -e $build_dir ]] || [[ $(stat -c %U "$build_dir") == "$SUDO_USER" ]]; }; then
        exec runuser -u "$SUDO_USER" -- "$script" "$@"
    fi
}
