#!/usr/bin/env python3
# crash-test checker for the log-writer target: check.py <state dir> <acked id>...
# Exits 0 when <state dir>/log holds every acknowledged record whole, and is a prefix of
# "record 1\n", "record 2\n", ... (a crash may cut the last line short). The last output line is
# the reason.
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

# Record i lies at a fixed offset: a record is intact when its bytes are there. An acknowledged
# record that is not intact was lost (or zeroed: a write whose failed fsync left it in limbo), whatever
# follows it; only then are the bytes of the records nobody was promised checked.
records = []
offset = 0
while offset < max(len(content), 1) or len(records) < max(acked, default=0):
    data = f'record {len(records) + 1}\n'.encode()
    records.append((offset, data))
    offset += len(data)
for i in acked:
    at, data = records[i - 1]
    if content[at:at + len(data)] != data:
        fail('an acknowledged record was lost', f'record {i} is acknowledged; the log holds {content[at:at + len(data)]!r} there')
expected = b''.join(data for _, data in records)
if not expected.startswith(content):
    fail('the log holds bytes no record wrote', f'log starts {content[:64]!r}')
