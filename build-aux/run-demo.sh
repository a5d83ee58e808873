#!/usr/bin/env bash
# build-aux/run-demo.sh — Copyright 2026 The Presso developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs what is missing, builds Presso in _build and starts it on the demo clinic.
# Extra arguments go to presso (e.g. --database PATH instead of the demo).
set -eu
cd "$(dirname "$0")/.."
bash build-aux/deps.sh
[ -f _build/build.ninja ] || meson setup _build
meson compile -C _build
export GSETTINGS_SCHEMA_DIR="$PWD/_build/data"
export PRESSO_SOURCE_DATADIR="$PWD/data"
if [ $# -eq 0 ]; then set -- --demo; fi
exec _build/app/presso "$@"
