#!/usr/bin/env python3
"""A compositor stand-in that lives on after closing a client: it listens at
PATH and relays every connection, bytes and fds, to the compositor at
UPSTREAM. On SIGUSR1 it closes its newest connection (both ends) and goes on
listening, as a compositor does that drops a client it has had enough of
without a protocol error (libwayland does when a client's buffer fills)."""
import os
import selectors
import signal
import socket
import sys

path, upstream = sys.argv[1], sys.argv[2]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
listener = socket.socket(socket.AF_UNIX)
listener.bind(path)
listener.listen(16)
sel = selectors.DefaultSelector()
sel.register(listener, selectors.EVENT_READ)
pairs = []  # [client, compositor], oldest first
cut = False


def on_usr1(*_):
    global cut
    cut = True


signal.signal(signal.SIGUSR1, on_usr1)


def drop(pair):
    for s in pair:
        sel.unregister(s)
        s.close()
    pairs.remove(pair)


while True:
    if cut and pairs:
        cut = False
        drop(pairs[-1])
        print("closed the newest connection", flush=True)
    try:
        events = sel.select(0.05)
    except InterruptedError:
        continue
    for key, _ in events:
        s = key.fileobj
        if s is listener:
            client, _ = listener.accept()
            comp = socket.socket(socket.AF_UNIX)
            comp.connect(upstream)
            pair = [client, comp]
            pairs.append(pair)
            sel.register(client, selectors.EVENT_READ, (pair, comp))
            sel.register(comp, selectors.EVENT_READ, (pair, client))
            continue
        pair, other = key.data
        try:
            data, fds, _, _ = socket.recv_fds(s, 65536, 28)
        except OSError:
            data, fds = b"", []
        if not data:
            drop(pair)
            continue
        socket.send_fds(other, [data], fds)
        for fd in fds:
            os.close(fd)
