#!/usr/bin/env python3
"""A hostile Wayland client for the proxy's resource bounds. usage:
  wlhog.py connections N HOLD_S  open N connections, each asking for the registry; print how
                                 many were refused and why (a wl_display.error), hold the rest
                                 HOLD_S seconds
  wlhog.py pools N               on one connection, make N wl_shm pools (a memfd each); print
                                 the wl_display.error it gets, or 'no error' and the pools made
"""
import os
import select
import socket
import struct
import sys
import time

from wlwire import connect, msg, string


def messages(buf):
    """Complete messages in buf: [(sender, opcode, bytes)], and what is left."""
    out = []
    while len(buf) >= 8:
        sender, word = struct.unpack_from('<II', buf)
        size = word >> 16
        if size < 8 or size > len(buf):
            break
        out.append((sender, word & 0xffff, buf[:size]))
        buf = buf[size:]
    return out, buf


def error_of(m):
    obj, code, slen = struct.unpack_from('<III', m, 8)
    return 'error: object %u code %u: %s' % (obj, code, m[20:20 + slen - 1].decode())


def connections(n, hold):
    socks, refused, why = [], 0, ''
    for _ in range(n):
        try:
            s = connect()
        except OSError as e:
            refused += 1
            why = 'connect: %s' % e
            continue
        try:
            s.sendall(msg(1, 1, 2) + msg(1, 0, 3))  # get_registry(2), sync(3)
        except OSError:
            pass  # refused already: its error is still to be read
        socks.append(s)
    deadline = time.time() + 5
    pending = {s: b'' for s in socks}
    while pending and time.time() < deadline:
        ready, _, _ = select.select(list(pending), [], [], 0.2)
        for s in ready:
            try:
                data = s.recv(65536)
            except ConnectionResetError:
                data = b''
            pending[s] += data
            msgs, _ = messages(pending[s])
            errors = [error_of(m) for (snd, op, m) in msgs if snd == 1 and op == 0]
            if errors:
                refused += 1
                why = errors[0]
                del pending[s]
            elif any(snd == 3 for (snd, _, _) in msgs) or not data:
                del pending[s]
    print('refused %d of %d: %s' % (refused, n, why or 'none'), flush=True)
    time.sleep(hold)


def pools(n):
    s = connect()
    s.sendall(msg(1, 1, 2) + msg(1, 0, 3))
    buf, shm = b'', None
    while shm is None:
        data = s.recv(65536)
        if not data:
            print('closed before the globals')
            return
        buf += data
        msgs, buf = messages(buf)
        for snd, op, m in msgs:
            if snd == 2 and op == 0:
                name, slen = struct.unpack_from('<II', m, 8)
                if m[16:16 + slen - 1] == b'wl_shm':
                    shm = name
    s.sendall(msg(2, 0, shm, raw=string('wl_shm') + struct.pack('<II', 1, 4)))
    made, next_id, error = 0, 5, None
    for i in range(n):
        fd = os.memfd_create('hog')
        os.ftruncate(fd, 4096)
        try:
            socket.send_fds(s, [msg(4, 0, next_id, 4096)], [fd])
        except OSError:
            os.close(fd)
            break
        os.close(fd)
        next_id += 1
        made += 1
        if i % 200 == 199:
            # a round trip now and then: the proxy's answer, if any, is here
            s.sendall(msg(1, 0, next_id))
            done, buf = False, b''
            while not done and error is None:
                data = s.recv(65536)
                if not data:
                    break
                buf += data
                msgs, buf = messages(buf)
                for snd, op, m in msgs:
                    if snd == 1 and op == 0:
                        error = error_of(m)
                    if snd == next_id:
                        done = True
            next_id += 1
            if error or not done:
                break
    if error is None:
        s.setblocking(False)
        try:
            data = s.recv(65536)
            for snd, op, m in messages(data)[0]:
                if snd == 1 and op == 0:
                    error = error_of(m)
        except OSError:
            pass
    print(error or 'no error: %d pools' % made)


def main():
    if sys.argv[1] == 'connections':
        connections(int(sys.argv[2]), float(sys.argv[3]))
    else:
        pools(int(sys.argv[2]))


main()
