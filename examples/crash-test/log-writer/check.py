#!/usr/bin/env python3
# crash-test checker for the log-writer target: check.py <state dir> <acked id>...
# The log is <state dir>/log, or <state dir>/wal/log (--subdir). Exits 0 when it holds every
# acknowledged record whole, and the rest is what recovery may read:
#   - without a header, a prefix of "record 1\n", "record 2\n", ... (a crash may cut the last line);
#   - with a "count <n>" header (--count-header), records 1..n whole after the header; what follows
#     them is ignored, as recovery ignores it.
# The last output line is the reason.
import os
import sys

HEADER_BYTES = 512
state_dir, acked = sys.argv[1], [int(i) for i in sys.argv[2:]]


def fail(reason, detail):
    print(detail)
    print(reason)
    sys.exit(1)


content = None
for path in (os.path.join(state_dir, 'log'), os.path.join(state_dir, 'wal', 'log')):
    if os.path.exists(path):
        with open(path, 'rb') as f:
            content = f.read()
if content is None:
    if acked:
        fail('the log is missing', f'no log file; acknowledged {" ".join(map(str, acked))}')
    sys.exit(0)

header = content.startswith(b'count ')
start = HEADER_BYTES if header else 0
count = int(content[6:content.index(b'\n')]) if header else None

# Record i lies at a fixed offset: a record is intact when its bytes are there.
records = []
offset = start
while offset < max(len(content), start + 1) or len(records) < max(acked + [count or 0]):
    data = f'record {len(records) + 1}\n'.encode()
    records.append((offset, data))
    offset += len(data)


def intact(i):
    at, data = records[i - 1]
    return content[at:at + len(data)] == data


# An acknowledged record cut short at the end of the log was torn; one that is otherwise not
# intact (or, with a header, not counted) was lost, whatever follows it: a write whose failed
# fsync left it in limbo reads as zeros.
for i in acked:
    at, data = records[i - 1]
    held = content[at:at + len(data)]
    if held != data and held != b'' and data.startswith(held):
        fail('an acknowledged record was torn', f'record {i} is acknowledged; only {held!r} of it is there')
    if not intact(i) or (count is not None and i > count):
        fail('an acknowledged record was lost', f'record {i} is acknowledged; the log holds {content[at:at + len(data)]!r} there' + ('' if count is None else f', header count {count}'))
if count is not None:
    broken = [i for i in range(1, count + 1) if not intact(i)]
    if broken:
        fail('the header counts a record the log does not hold', f'header count {count}; record {broken[0]} is not whole')
    sys.exit(0)
expected = b''.join(data for _, data in records)
if not expected.startswith(content):
    fail('the log holds bytes no record wrote', f'log starts {content[:64]!r}')
