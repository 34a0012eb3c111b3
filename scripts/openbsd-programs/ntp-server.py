#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A stand-in NTP server for the openntpd scenario: answers every client
request on 127.0.0.1:123 with this machine's own clock (stratum 2), so the
offset ntpd measures is the time the reply takes, microseconds. Stops by
itself after the given number of seconds."""
import socket
import struct
import sys
import time

NTP_EPOCH = 2208988800


def ts(t):
    return struct.pack("!II", int(t) + NTP_EPOCH, int((t % 1) * (1 << 32)))


def main():
    limit = float(sys.argv[1]) if len(sys.argv) > 1 else 60
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 123))
    s.settimeout(0.5)
    end = time.monotonic() + limit
    n = 0
    while time.monotonic() < end:
        try:
            req, peer = s.recvfrom(512)
        except socket.timeout:
            continue
        rx = time.time()
        if len(req) < 48:
            continue
        li_vn_mode = (0 << 6) | (((req[0] >> 3) & 7) << 3) | 4
        head = struct.pack("!BBbb", li_vn_mode, 2, req[2], -20)
        head += struct.pack("!II", 0x100, 0x100) + b"LOCL"
        reply = head + ts(rx - 1) + req[40:48] + ts(rx) + ts(time.time())
        s.sendto(reply, peer)
        n += 1
    print(f"ntp stand-in: {min(n, 1)} or more requests answered" if n else "ntp stand-in: no request")


if __name__ == "__main__":
    main()
