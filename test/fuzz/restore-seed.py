#!/usr/bin/env python3
"""A seed of the restore target (test/fuzz/fuzz_restore.c): the beginning of a
wlcr-proxy --record file, at most MAX bytes ending on a chunk boundary, then
the separator and a script: the compositor's first serial and the app's clock
offset, every global of the app's at another name, one global it never saw,
no ops before the dump nor during the replay, and ops after it drawn from a
random generator seeded with SEED (every byte string is a valid script).
usage: restore-seed.py RECORDING MAX SEED OUT"""
import random
import struct
import sys

src, limit, seed, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
data = open(src, 'rb').read()
pos = 0
while pos + 4 <= len(data):
    n = data[pos + 2] | data[pos + 3] << 8
    if pos + 4 + n > limit:
        break
    pos += 4 + n
rng = random.Random(seed)


def ops(n):
    return bytes(rng.randrange(256) for _ in range(n))


FLAG_CLOCK = 2
script = bytes([FLAG_CLOCK])
script += struct.pack('<Ii', 7, -86_400_123)  # serials below the app's; a day behind
script += bytes([0])  # no plan: every global at a name of its own
script += bytes([1, 9, 1, 200])  # one global more (the 10th interface, v1, name 200)
script += bytes([0])  # nothing unread
before, during, after = b'', b'', ops(200)
script += struct.pack('<H', len(before)) + before
script += struct.pack('<H', len(during)) + during
script += after
open(out, 'wb').write(data[:pos] + b'WLCR-RESTORE' + script)
