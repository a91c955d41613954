#!/usr/bin/env bash
# Installs what Assay needs and is missing: PostgreSQL's server and libpq headers, pkg-config,
# and for the tests the OpenSSH client and tmux.
# Debian/Ubuntu (apt-get); uses sudo when not root. Swift itself must already be installed.
set -euo pipefail

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || need+=(postgresql)
[ -f /usr/include/postgresql/libpq-fe.h ] || need+=(libpq-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v runuser >/dev/null 2>&1 || need+=(util-linux)
# The tests of assay serve drive the real OpenSSH client (ssh, ssh-keygen, ssh-keyscan) in tmux.
command -v ssh >/dev/null 2>&1 && command -v ssh-keyscan >/dev/null 2>&1 || need+=(openssh-client)
command -v tmux >/dev/null 2>&1 || need+=(tmux)

if [ ${#need[@]} -gt 0 ]; then
    echo "installing: ${need[*]}" >&2
    if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "error: swift is not on PATH; install Swift 6.3 or later (https://www.swift.org/install/linux/) and run this again" >&2
    exit 1
fi
