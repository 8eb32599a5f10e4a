"""The Wayland wire for the tests' hand-written clients (wlraw.py, wlseat.py, wlhog.py):
messages and strings encoded as libwayland does, and the socket WAYLAND_DISPLAY names."""
import os
import socket
import struct


def msg(sender, opcode, *words, raw=b''):
    # negative words (fixed-point coordinates) as their two's complement
    body = b''.join(struct.pack('<I', w & 0xffffffff) for w in words) + raw
    return struct.pack('<II', sender, (8 + len(body)) << 16 | opcode) + body


def string(s):
    b = s.encode() + b'\0'
    return struct.pack('<I', len(b)) + b + b'\0' * (-len(b) % 4)


def connect():
    path = os.environ['WAYLAND_DISPLAY']
    if not path.startswith('/'):
        path = os.path.join(os.environ['XDG_RUNTIME_DIR'], path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s
