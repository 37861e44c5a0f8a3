#!/bin/bash
# Installs what is missing, builds Seedance Studio and launches it.
# Without an API token (keyring or SEEDANCE_API_TOKEN) it starts in demo mode.
set -eu
cd "$(dirname "$0")/.."

bash build-aux/install-deps.sh build
[ -f _build/build.ninja ] || meson setup _build
meson compile -C _build
exec meson devenv -C _build ./src/gui/seedance-studio --demo-without-token "$@"
