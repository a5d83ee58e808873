#!/usr/bin/env bash
# build-aux/deps.sh — Copyright 2026 The Presso developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs the Debian 12 packages Presso needs to build, run and test, and nothing
# when they are already there (so running it twice is cheap).
set -eu

packages=(
  build-essential meson ninja-build pkg-config gettext itstool
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev
  libsqlite3-dev sqlite3 libserialport-dev
  desktop-file-utils appstream xvfb xauth
  clang libclang-rt-14-dev llvm
  dbus-x11 fonts-cantarell adwaita-icon-theme
)
[ "${PRESSO_DEPS_EXTRA:-}" ] && packages+=($PRESSO_DEPS_EXTRA)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "Presso: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
