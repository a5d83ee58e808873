#!/usr/bin/env python3
# build-aux/count-tests.py — Copyright 2026 The Presso developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Counts individual test cases from meson's testlog.json files: each TAP "ok"/"not ok" line of
# a TAP test, or the test's own result for the others.  A TAP test that crashed or timed out
# counts as one more failure, even if every case it printed passed.  Prints the failures and a
# last line "N passed, N failed[, N skipped]"; exits 1 when anything failed.
import json
import re
import sys

passed = failed = skipped = 0
failures = []
args = sys.argv[1:]
files = []
while args:
    a = args.pop(0)
    if a == '--pass':
        passed += 1
        args.pop(0)
    elif a == '--fail':
        failed += 1
        failures.append(args.pop(0))
    else:
        files.append(a)

tap_line = re.compile(r'^(not ok|ok)\b(.*)$')
for path in files:
    try:
        lines = open(path, encoding='utf-8', errors='replace').read().splitlines()
    except OSError as e:
        print(f'count-tests: {path}: {e}', file=sys.stderr)
        failed += 1
        failures.append(path)
        continue
    for line in lines:
        if not line.strip():
            continue
        t = json.loads(line)
        name = t.get('name', '?')
        result = t.get('result', 'ERROR')
        out = t.get('stdout') or ''
        cases = [m for m in (tap_line.match(l) for l in out.splitlines()) if m]
        if t.get('protocol') == 'tap' or cases:
            p = f = s = 0
            for m in cases:
                rest = m.group(2)
                if '# SKIP' in rest.upper():
                    s += 1
                elif m.group(1) == 'ok' or '# TODO' in rest.upper():
                    p += 1
                else:
                    f += 1
                    failures.append(f'{name}:{rest.strip()}')
            if result not in ('OK', 'SKIP', 'EXPECTEDFAIL') and f == 0:
                f += 1
                failures.append(f'{name} ({result})')
            passed += p
            failed += f
            skipped += s
        elif result == 'SKIP':
            skipped += 1
        elif result in ('OK', 'EXPECTEDFAIL'):
            passed += 1
        else:
            failed += 1
            failures.append(f'{name} ({result})')

for f in failures:
    print(f'FAILED: {f}')
line = f'{passed} passed, {failed} failed'
if skipped:
    line += f', {skipped} skipped'
print(line)
sys.exit(1 if failed else 0)
