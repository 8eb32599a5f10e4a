#!/usr/bin/python3
"""What headless sway's seat lacks, for the tests: a pointer (zwlr_virtual_pointer_v1) and an
input method (zwp_input_method_v2), plugged in while this runs. Each time a text input activates
the input method, it commits the string "im-N" (N counting activations) to it. Reads commands
from stdin, a line each:
  jiggle       move the pointer 8 pixels right and back, every half second
  still        stop jiggling
  move X Y     put the pointer at X, Y of an 800x600 output
  click N      press and release button N (272 left, 273 right) where the pointer is
  quit
usage: WAYLAND_DISPLAY=... wlseat.py"""
import select
import struct
import sys

from wlwire import connect, msg, string

# object ids on our connection
DISPLAY, REGISTRY, SYNC, SEAT, POINTERS, POINTER, IMS, IM = 1, 2, 3, 4, 5, 6, 7, 8


def bind(name, iface, version, new_id):
    return msg(REGISTRY, 0, name, raw=string(iface) + struct.pack('<II', version, new_id))


class Events:
    """Splits what the compositor sends into (sender, opcode, body)."""

    def __init__(self, sock):
        self.sock, self.buf = sock, b''

    def read(self):
        data = self.sock.recv(65536)
        if not data:
            sys.exit('wlseat: the compositor closed the connection')
        self.buf += data
        while len(self.buf) >= 8:
            sender, word = struct.unpack_from('<II', self.buf)
            size = word >> 16
            if len(self.buf) < size:
                break
            body, self.buf = self.buf[8:size], self.buf[size:]
            yield sender, word & 0xffff, body


def main():
    s = connect()
    events = Events(s)
    s.sendall(msg(DISPLAY, 1, REGISTRY) + msg(DISPLAY, 0, SYNC))
    names, synced = {}, False
    while not synced:
        for sender, opcode, body in events.read():
            if sender == REGISTRY and opcode == 0:
                name, slen = struct.unpack_from('<II', body)
                names[body[8:8 + slen - 1].decode()] = name
            synced |= sender == SYNC
    for iface in ('wl_seat', 'zwlr_virtual_pointer_manager_v1', 'zwp_input_method_manager_v2'):
        if iface not in names:
            sys.exit('wlseat: the compositor has no ' + iface)
    s.sendall(bind(names['wl_seat'], 'wl_seat', 1, SEAT) +
              bind(names['zwlr_virtual_pointer_manager_v1'], 'zwlr_virtual_pointer_manager_v1',
                   1, POINTERS) +
              msg(POINTERS, 0, 0, POINTER) +  # create_virtual_pointer(null seat)
              bind(names['zwp_input_method_manager_v2'], 'zwp_input_method_manager_v2', 1, IMS) +
              msg(IMS, 0, SEAT, IM))  # get_input_method(seat)
    print('ready', flush=True)
    jiggle, step, t = False, 1, 0
    dones, activations, active = 0, 0, False
    while True:
        r, _, _ = select.select([sys.stdin, s], [], [], 0.5 if jiggle else None)
        if s in r:
            for sender, opcode, body in events.read():
                if sender == DISPLAY and opcode == 0:
                    sys.exit('wlseat: protocol error %r' % body)
                if sender != IM:
                    continue
                if opcode == 0:  # activate: takes effect with the next done
                    active = True
                elif opcode == 1:  # deactivate
                    active = False
                elif opcode == 5:  # done
                    dones += 1
                    if active:
                        active = False
                        activations += 1
                        text = 'im-%d' % activations
                        # commit_string, then commit(serial: the dones seen)
                        s.sendall(msg(IM, 0, raw=string(text)) + msg(IM, 3, dones))
                        print('committed', text, flush=True)
                elif opcode == 6:
                    sys.exit('wlseat: the input method is unavailable (another one runs)')
        if sys.stdin in r:
            cmd = sys.stdin.readline().strip()
            if cmd in ('quit', ''):
                return
            if cmd.startswith('move '):
                t += 10
                x, y = (int(v) for v in cmd.split()[1:3])
                # motion_absolute(time, x, y, x_extent, y_extent), frame
                s.sendall(msg(POINTER, 1, t, x, y, 800, 600) + msg(POINTER, 4))
            elif cmd.startswith('click '):
                t += 10
                button = int(cmd.split()[1])
                # button(time, button, pressed), frame; then released
                s.sendall(msg(POINTER, 2, t, button, 1) + msg(POINTER, 4) +
                          msg(POINTER, 2, t + 50, button, 0) + msg(POINTER, 4))
                t += 50
            else:
                jiggle = cmd == 'jiggle'
            print(cmd, flush=True)
        if jiggle:
            t += 500
            # motion(time, dx, dy) in 24.8 fixed point, then frame
            s.sendall(msg(POINTER, 0, t, step * 256 * 8, 0) + msg(POINTER, 4))
            step = -step


main()
