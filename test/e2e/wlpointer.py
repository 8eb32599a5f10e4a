#!/usr/bin/python3
"""A pointer for headless sway, which has none: a zwlr_virtual_pointer_v1 that stays plugged in
while this runs. Reads commands, a line each, from the FIFO given (or stdin):
  jiggle       move one pixel right and back, every half second, until the next command
  still        stop jiggling
  quit
The pointer starts wherever sway puts it (the middle of the output), so a window filling the
output is under it. usage: wlpointer.py [FIFO]"""
import os
import select
import socket
import struct
import sys


def msg(sender, opcode, *words, raw=b''):
    body = b''.join(struct.pack('<I', w & 0xffffffff) for w in words) + raw
    return struct.pack('<II', sender, (8 + len(body)) << 16 | opcode) + body


def string(s):
    b = s.encode() + b'\0'
    return struct.pack('<I', len(b)) + b + b'\0' * (-len(b) % 4)


def globals_of(sock):
    """Reads registry globals until the sync callback (3) fires: {interface: name}."""
    found, buf = {}, b''
    while True:
        data = sock.recv(65536)
        if not data:
            sys.exit('wlpointer: the compositor closed the connection')
        buf += data
        while len(buf) >= 8:
            sender, word = struct.unpack_from('<II', buf)
            size = word >> 16
            if len(buf) < size:
                break
            m, buf = buf[:size], buf[size:]
            if sender == 2 and word & 0xffff == 0:
                name, slen = struct.unpack_from('<II', m, 8)
                found[m[16:16 + slen - 1].decode()] = name
            if sender == 3:
                return found


def main():
    path = os.environ['WAYLAND_DISPLAY']
    if not path.startswith('/'):
        path = os.path.join(os.environ['XDG_RUNTIME_DIR'], path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(msg(1, 1, 2) + msg(1, 0, 3))  # get_registry(2), sync(3)
    g = globals_of(s)
    iface = 'zwlr_virtual_pointer_manager_v1'
    if iface not in g:
        sys.exit('wlpointer: the compositor has no ' + iface)
    # bind(4), then create_virtual_pointer(seat null, 5)
    s.sendall(msg(2, 0, g[iface], raw=string(iface) + struct.pack('<II', 1, 4)) +
              msg(4, 0, 0, 5))
    src = open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin
    print('ready', flush=True)
    jiggle, step, t = False, 1, 0
    while True:
        r, _, _ = select.select([src, s], [], [], 0.5 if jiggle else None)
        if s in r and not s.recv(65536):
            sys.exit('wlpointer: the compositor closed the connection')
        if src in r:
            line = src.readline()
            if not line:  # a FIFO's writer closed: wait for the next one
                src = open(sys.argv[1]) if len(sys.argv) > 1 else sys.exit(0)
                continue
            cmd = line.strip()
            if cmd == 'quit':
                return
            jiggle = cmd == 'jiggle'
            print(cmd, flush=True)
        if jiggle:
            t += 500
            # motion(time, dx, dy) in 24.8 fixed point, then frame
            s.sendall(msg(5, 0, t, step * 256, 0) + msg(5, 4))
            step = -step


main()
