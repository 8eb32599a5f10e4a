#!/usr/bin/env python3
"""Cuts a wlcr-proxy --record file into corpus entries of at most MAX bytes,
each ending on a chunk boundary, so libFuzzer (-max_len) sees whole sessions'
beginnings and steady states. usage: trim-recording.py FILE OUTDIR PREFIX"""
import os
import sys

MAX = 16384
src, outdir, prefix = sys.argv[1:4]
data = open(src, 'rb').read()
chunks, pos = [], 0
while pos + 4 <= len(data):
    n = data[pos + 2] | data[pos + 3] << 8
    chunks.append(data[pos:pos + 4 + n])
    pos += 4 + n
part, cur, size = 0, [], 0
for c in chunks:
    if len(c) > MAX:
        continue
    if size + len(c) > MAX:
        open(os.path.join(outdir, f'{prefix}-{part:02d}'), 'wb').write(b''.join(cur))
        part, cur, size = part + 1, [], 0
        if part >= 4:  # the beginning and a little steady state suffice
            break
    cur.append(c)
    size += len(c)
if cur and part < 4:
    open(os.path.join(outdir, f'{prefix}-{part:02d}'), 'wb').write(b''.join(cur))
