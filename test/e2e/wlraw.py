#!/usr/bin/env python3
"""A deliberately broken Wayland client: connects to WAYLAND_DISPLAY, sends the messages of
one bad-input case, and prints the wl_display.error it gets back (or "no error"), then
whether the connection was closed. usage: wlraw.py CASE"""
import struct
import sys

from wlwire import connect, msg, string


REGISTRY = msg(1, 1, 2)                       # wl_display.get_registry(2)
SYNC = msg(1, 0, 3)                           # wl_display.sync(3): the registry is in
CASES = {
    'bad-size': [struct.pack('<II', 1, (6 << 16) | 0)],
    'unknown-object': [msg(77, 0)],
    'opcode-out-of-range': [msg(1, 9)],
    # wl_registry.bind with a string length pointing past the message
    'string-overrun': [REGISTRY, msg(2, 0, 1, 400, raw=b'wl_c')],
    'string-without-nul': [REGISTRY, msg(2, 0, 1, raw=struct.pack('<I', 4) + b'wl_c' +
                                         struct.pack('<II', 1, 4))],
    'title-overrun': None,                    # built below: need bound globals
    'missing-fd': None,
    'new-id-skips-slots': [msg(1, 1, 9)],
}


def bind(name_word, iface, version, new_id):
    return msg(2, 0, name_word, raw=string(iface) + struct.pack('<II', version, new_id))


def globals_of(sock):
    """Reads registry globals until the sync callback fires: {interface: name}."""
    found, buf = {}, b''
    while True:
        data = sock.recv(65536)
        if not data:
            return found
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
    case = sys.argv[1]
    s = connect()
    if case in ('title-overrun', 'missing-fd'):
        s.sendall(REGISTRY + SYNC)
        g = globals_of(s)
        if case == 'missing-fd':
            # wl_shm.create_pool(5, fd, 4096) without the fd
            out = bind(g['wl_shm'], 'wl_shm', 1, 4) + msg(4, 0, 5, 4096)
        else:
            # a real toplevel (surface 6, xdg_surface 7, toplevel 8) whose
            # set_title string claims 1000 bytes in a 16-byte message
            out = (bind(g['wl_compositor'], 'wl_compositor', 4, 4) +
                   bind(g['xdg_wm_base'], 'xdg_wm_base', 2, 5) +
                   msg(4, 0, 6) + msg(5, 2, 7, 6) + msg(7, 1, 8) +
                   msg(8, 2, 1000, raw=b'abcd'))
        s.sendall(out)
    else:
        s.sendall(b''.join(CASES[case]))
    buf = b''
    while True:
        try:
            data = s.recv(65536)
        except ConnectionResetError:
            break
        if not data:
            break
        buf += data
    error = 'no error'
    while len(buf) >= 8:
        sender, word = struct.unpack_from('<II', buf)
        size = word >> 16
        if size < 8 or size > len(buf):
            break
        if sender == 1 and word & 0xffff == 0:
            obj, code, slen = struct.unpack_from('<III', buf, 8)
            error = 'error: object %u code %u: %s' % (obj, code, buf[20:20 + slen - 1].decode())
        buf = buf[size:]
    print(error)
    print('closed')


main()
