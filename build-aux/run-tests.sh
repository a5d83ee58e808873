#!/usr/bin/env bash
# build-aux/run-tests.sh — Copyright 2026 The Presso developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs what is missing, builds Presso and runs the whole test suite:
#   1. every test (hw, base, gui) in _build, the GTK ones on a real window under Xvfb;
#   2. the non-GTK units again under AddressSanitizer + UndefinedBehaviorSanitizer (_build-asan);
#   3. the protocol decoder's libFuzzer target for a bounded time (_build-fuzz).
# Ends with "N passed, N failed" counted from the individual test cases, and exits non-zero
# when anything failed.
set -u
cd "$(dirname "$0")/.."
bash build-aux/deps.sh || exit 1

status=0
logs=()

step () { echo; echo "=== $* ==="; }

step "build"
[ -f _build/build.ninja ] || meson setup _build || exit 1
meson compile -C _build || exit 1

step "tests"
xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" \
  meson test -C _build --print-errorlogs --num-processes 2 || status=1
logs+=(_build/meson-logs/testlog.json)

step "sanitizers (non-GTK units)"
[ -f _build-asan/build.ninja ] || meson setup _build-asan -Dgui=false --buildtype=debug \
  -Db_sanitize=address,undefined -Db_lundef=false || exit 1
meson compile -C _build-asan || exit 1
meson test -C _build-asan --print-errorlogs --num-processes 2 --suite hw --suite base || status=1
logs+=(_build-asan/meson-logs/testlog.json)

extra=()
if [ -x build-aux/fuzz.sh ]; then
  step "fuzzing"
  if build-aux/fuzz.sh; then extra+=(--pass fuzz); else extra+=(--fail fuzz); status=1; fi
fi

step "summary"
python3 build-aux/count-tests.py "${extra[@]}" "${logs[@]}" || status=1
exit $status
