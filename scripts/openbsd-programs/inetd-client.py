#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The client side of the openbsd-inetd scenario (scripts/openbsd-programs/
inetd.sh): talks to each service of inetd.conf on 127.0.0.1 and prints what
it got, with the clock-dependent answers reduced to whether they are right."""
import re
import socket
import struct
import sys
import time

HOST = "127.0.0.1"


def tcp(port, send=b"", shut=True, want=65536):
    s = socket.create_connection((HOST, port), timeout=5)
    if send:
        s.sendall(send)
    if shut:
        s.shutdown(socket.SHUT_WR)
    data = b""
    try:
        while len(data) < want:
            b = s.recv(65536)
            if not b:
                break
            data += b
    except socket.timeout:
        data += b"<timeout>"
    s.close()
    return data[:want]


def udp(port, send=b"x"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1)
    s.sendto(send, (HOST, port))
    try:
        data = s.recv(65536)
    except socket.timeout:
        data = b"<timeout>"
    s.close()
    return data


def daytime_ok(b):
    # "Sun Dec  6 19:36:02 2026\r\n": within a minute of now
    try:
        t = time.mktime(time.strptime(b.decode().strip(), "%a %b %d %H:%M:%S %Y"))
    except ValueError:
        return f"bad daytime {b!r}"
    return "daytime ok" if abs(t - time.time()) < 60 else f"daytime off {b!r}"


def time_ok(b):
    if len(b) != 4:
        return f"bad time {b!r}"
    t = struct.unpack("!I", b)[0] - 2208988800
    return "time ok" if abs(t - time.time()) < 60 else f"time off by {t - time.time():.0f}"


def main():
    msg = b"".join(b"line %d of the echo test\n" % i for i in range(200))
    r = tcp(7, msg)
    print("tcp echo:", "ok" if r == msg else f"mismatch {len(r)} bytes")
    if sys.argv[1:] == ["echo"]:
        return 0
    print("tcp daytime:", daytime_ok(tcp(13)))
    print("tcp time:", time_ok(tcp(37)))
    r = tcp(19, shut=False, want=4096)
    print("tcp chargen:", len(r), "bytes, first line", r.split(b"\r\n")[0].decode())
    print("tcp discard:", repr(tcp(9, b"into the void\n")))
    # inetd's dg_badinput() drops datagrams from loopback addresses (no
    # reply loops): the parent receives and drops it, both builds time out
    print("udp echo from loopback:", udp(7, b"ping over udp"))
    # external services: programs inetd forks and executes
    print("tcp 7001 (/bin/echo as nobody):", tcp(7001))
    print("tcp 7002 (/bin/cat as root):", tcp(7002, b"cat says hello\n"))
    r = tcp(7004)
    print("tcp 7004 (/usr/bin/id as nobody):", re.sub(rb"groups=.*", b"groups=...", r))
    # a burst of connections, concurrent
    socks = [socket.create_connection((HOST, 7), timeout=5) for _ in range(20)]
    for i, s in enumerate(socks):
        s.sendall(b"burst %d\n" % i)
    got = [s.recv(100) for s in socks]
    for s in socks:
        s.close()
    print("tcp echo burst:", sum(g == b"burst %d\n" % i for i, g in enumerate(got)), "of 20")


if __name__ == "__main__":
    sys.exit(main())
