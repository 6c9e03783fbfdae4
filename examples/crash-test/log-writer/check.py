#!/usr/bin/env python3
# crash-test checker for the log-writer target: check.py <state dir> <acked id>...
# Exits 0 when <state dir>/log is a whole prefix of "record 1\n", "record 2\n", ... (a crash may
# cut the last line short) holding every acknowledged record. The last output line is the reason.
import os
import sys

state_dir, acked = sys.argv[1], [int(i) for i in sys.argv[2:]]


def fail(reason, detail):
    print(detail)
    print(reason)
    sys.exit(1)


try:
    with open(os.path.join(state_dir, 'log'), 'rb') as f:
        content = f.read()
except FileNotFoundError:
    if acked:
        fail('the log is missing', f'no log file; acknowledged {" ".join(map(str, acked))}')
    sys.exit(0)

expected = b''
whole = 0
i = 1
while len(expected) < len(content):
    expected += f'record {i}\n'.encode()
    i += 1
if not expected.startswith(content):
    fail('the log holds bytes no record wrote', f'log starts {content[:64]!r}')
whole = content.count(b'\n')
missing = [i for i in acked if i > whole]
if missing:
    fail('an acknowledged record was lost', f'records 1..{whole} whole; acknowledged {missing[0]} is not')
