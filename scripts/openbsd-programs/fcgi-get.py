#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""fcgi-get.py SOCKET PATH [QUERY]: one FastCGI GET (the responder role) over
a Unix socket, as a web server in front of bgplgd(8) would send it; prints
the response (headers and body) and exits 0 once the server ends the request
(1 if it closes without an END_REQUEST). Bounded: 20 s."""
import socket
import struct
import sys

VERSION, BEGIN, END, PARAMS, STDIN, STDOUT, STDERR = 1, 1, 3, 4, 5, 6, 7


def record(rtype, content, rid=1):
    return struct.pack("!BBHHBx", VERSION, rtype, rid, len(content), 0) + content


def pair(name, value):
    n, v = name.encode(), value.encode()
    return bytes([len(n)]) + bytes([len(v)]) + n + v


def main():
    sock, path = sys.argv[1], sys.argv[2]
    query = sys.argv[3] if len(sys.argv) > 3 else ""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(20)
    s.connect(sock)
    params = b"".join(pair(k, v) for k, v in (
        ("REQUEST_METHOD", "GET"), ("PATH_INFO", path), ("QUERY_STRING", query),
        ("SCRIPT_NAME", ""), ("SERVER_PROTOCOL", "HTTP/1.1")))
    s.sendall(record(BEGIN, struct.pack("!HB5x", 1, 0)) + record(PARAMS, params) +
              record(PARAMS, b"") + record(STDIN, b""))
    buf, out, err = b"", b"", b""
    while True:
        while len(buf) >= 8:
            _, rtype, _, clen, plen = struct.unpack("!BBHHBx", buf[:8])
            if len(buf) < 8 + clen + plen:
                break
            content = buf[8:8 + clen]
            buf = buf[8 + clen + plen:]
            if rtype == STDOUT:
                out += content
            elif rtype == STDERR:
                err += content
            elif rtype == END:
                sys.stdout.write(out.decode(errors="replace"))
                if err:
                    # the executed program's stderr (a violation report, in
                    # the stage's diagnosis run): kept whole in a file
                    with open("fcgi-stderr.txt", "a") as f:
                        f.write(err.decode(errors="replace"))
                    print("stderr: %d lines" % err.count(b"\n"))
                return 0
        data = s.recv(65536)
        if not data:
            sys.stdout.write(out.decode(errors="replace"))
            print("fcgi-get: closed without END_REQUEST")
            return 1
        buf += data


if __name__ == "__main__":
    sys.exit(main())
