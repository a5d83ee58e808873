#!/usr/bin/env bash
# build-aux/check-po.sh — Copyright 2026 The Presso developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Fails when a translation in po/ lags the sources: extracts the messages of every file in
# po/POTFILES.in afresh, merges each po/LANG.po with them and reports any message that is
# untranslated or fuzzy, and any file of POTFILES.in that does not exist.
set -eu
src=${1:-$(dirname "$0")/..}
cd "$src/po"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

while read -r f; do
  case $f in ''|'#'*) continue ;; esac
  [ -f "../$f" ] || { echo "POTFILES.in names a missing file: $f"; exit 1; }
done < POTFILES.in

xgettext --directory=.. --files-from=POTFILES.in --output="$tmp/presso.pot" \
  --from-code=UTF-8 --add-comments --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
  --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 \
  --keyword=g_dpgettext2:2c,3 --package-name=presso --force-po 2>"$tmp/xgettext.log" || {
  cat "$tmp/xgettext.log"; exit 1; }

status=0
for lang in $(grep -v '^#' LINGUAS); do
  msgmerge --quiet --no-fuzzy-matching "$lang.po" "$tmp/presso.pot" -o "$tmp/$lang.po"
  [ -f "$tmp/$lang.po" ] || cp "$lang.po" "$tmp/$lang.po"
  untranslated=$(msgattrib --untranslated --no-obsolete "$tmp/$lang.po" | grep -c '^msgid ' || true)
  fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$lang.po" | grep -c '^msgid ' || true)
  # msgattrib prints the header entry too (msgid ""), when there is anything else to print.
  [ "$untranslated" -gt 0 ] && untranslated=$((untranslated - 1))
  [ "$fuzzy" -gt 0 ] && fuzzy=$((fuzzy - 1))
  total=$(grep -c '^msgid ' "$tmp/presso.pot" || true)
  echo "$lang: $((total - 1)) messages, $untranslated untranslated, $fuzzy fuzzy"
  if [ "$untranslated" -gt 0 ]; then
    msgattrib --untranslated --no-obsolete "$tmp/$lang.po" | grep -A1 '^msgid ' | grep -v '^--' | head -40
    status=1
  fi
  if [ "$fuzzy" -gt 0 ]; then
    msgattrib --only-fuzzy --no-obsolete "$lang.po" | head -40
    status=1
  fi
  msgfmt --check -o /dev/null "$lang.po" || status=1
done
exit $status
