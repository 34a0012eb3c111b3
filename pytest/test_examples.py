"""The example programs of examples/, run as a user would run them.

Each run is a fresh process. Outcomes are exact: the thumbnail's pixels, the
refusal message for each crafted image, the signal that ends an overstepping
program, the lines a server prints.
"""
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import zlib

import pytest

from conftest import build_dir, built, run_probe

IMAGES = ["quadrants", "gray", "alpha", "palette", "deep", "interlaced"]
# The quadrants picture (pngmake.c): red, green / blue, white; the gray
# variant uses four gray levels in the same places.
QUAD_RGB = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)]
QUAD_GRAY = [(v, v, v) for v in (0, 85, 170, 255)]

# What the decoder says about each crafted file (the last line of stderr).
BAD = {
    "truncated": "Read Error",
    "badcrc": "IDAT: CRC error",
    "badzlib": "IDAT: invalid window size (libpng)",
    "notpng": "not a PNG file",
    "bomb": "16000x16000 pixels is more than this decoder accepts (16777216)",
}


def image(name):
    return built(f"examples/images/{name}.png")


def run(argv, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("timeout", 60)
    env = dict(os.environ)
    env.pop("SCOPES_PENALTY", None)
    env.update(kw.pop("env", {}))
    return subprocess.run([str(a) for a in argv], env=env, **kw)


def thumb(*args, **kw):
    return run([built("examples/pngthumb"), *args], **kw)


def read_ppm(data):
    magic, w, h, maxval, pixels = data.split(maxsplit=4)
    assert (magic, maxval) == (b"P6", b"255")
    w, h = int(w), int(h)
    assert len(pixels) == w * h * 3
    return w, h, [tuple(pixels[i:i + 3]) for i in range(0, len(pixels), 3)]


def read_png_rgb8(data):
    """A small PNG reader for what pngthumb writes: 8-bit RGB, not
    interlaced. Checks every chunk's CRC; returns (w, h, pixels)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        crc = int.from_bytes(data[pos + 8 + n:pos + 12 + n], "big")
        assert zlib.crc32(kind + body) == crc, kind
        if kind == b"IHDR":
            ihdr = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h = int.from_bytes(ihdr[0:4], "big"), int.from_bytes(ihdr[4:8], "big")
    assert ihdr[8:13] == bytes([8, 2, 0, 0, 0]), "8-bit RGB, not interlaced"
    raw, stride, prev, rows = zlib.decompress(idat), w * 3, bytes(w * 3), []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xff
            elif f == 2:
                line[i] = (line[i] + b) & 0xff
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xff
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 0xff
            else:
                assert f == 0, f"filter {f}"
        rows.append(bytes(line))
        prev = line
    flat = b"".join(rows)
    return w, h, [tuple(flat[i:i + 3]) for i in range(0, len(flat), 3)]


def quadrant_pixels(w, h, colours):
    return [colours[(y >= h // 2) * 2 + (x >= w // 2)] for y in range(h) for x in range(w)]


# ------------------------------------------------------------------ decoder

@pytest.mark.parametrize("name", IMAGES)
def test_decoder_thumbnail_ppm(name, tmp_path):
    out = tmp_path / "t.ppm"
    p = thumb("-f", "ppm", image(name), out)
    assert p.returncode == 0, p.stderr
    assert p.stdout.decode() == f"{image(name)}: 256x128 -> {out}: 64x32\n"
    assert p.stderr == b""
    w, h, px = read_ppm(out.read_bytes())
    assert (w, h) == (64, 32)
    assert px == quadrant_pixels(64, 32, QUAD_GRAY if name == "gray" else QUAD_RGB)


@pytest.mark.parametrize("name", ["quadrants", "palette", "interlaced"])
def test_decoder_thumbnail_png(name, tmp_path):
    """The PNG output decodes (by an independent reader) to the same picture."""
    out = tmp_path / "t.png"
    p = thumb("-s", "16", image(name), out)
    assert p.returncode == 0, p.stderr
    w, h, px = read_png_rgb8(out.read_bytes())
    assert (w, h) == (16, 8)
    assert px == quadrant_pixels(16, 8, QUAD_RGB)


def test_decoder_odd_sizes(tmp_path):
    """200x75 does not divide evenly: the size keeps the aspect ratio and the
    corners keep their colours."""
    out = tmp_path / "t.ppm"
    p = thumb("-f", "ppm", image("odd"), out)
    assert p.returncode == 0, p.stderr
    w, h, px = read_ppm(out.read_bytes())
    assert (w, h) == (64, 24)
    assert [px[0], px[w - 1], px[(h - 1) * w], px[-1]] == QUAD_RGB


def test_decoder_never_enlarges(tmp_path):
    out = tmp_path / "t.ppm"
    p = thumb("-f", "ppm", image("tiny"), out)
    assert p.returncode == 0, p.stderr
    # one pixel: x >= w / 2 and y >= h / 2 hold at (0, 0), the white quadrant
    assert read_ppm(out.read_bytes()) == (1, 1, [(255, 255, 255)])


@pytest.mark.parametrize("name", sorted(BAD))
def test_decoder_refuses_bad_images_cleanly(name, tmp_path):
    """Hostile input is refused with a message, under the pledge, without a
    crash: exit 1, not a signal, and no output left behind."""
    out = tmp_path / "t.png"
    p = thumb(image(name), out)
    last = p.stderr.decode().splitlines()[-1]
    assert (p.returncode, last) == (1, f"pngthumb: {image(name)}: {BAD[name]}"), p.stderr
    assert p.stdout == b""
    assert out.stat().st_size == 0


def test_decoder_overstep_is_killed(tmp_path):
    """After pledge("stdio") the open of /etc/passwd is a violation: SIGSYS,
    before anything is decoded or written."""
    out = tmp_path / "t.png"
    p = thumb("--overstep", image("quadrants"), out)
    assert p.returncode == -signal.SIGSYS, p.stderr
    assert b"opened /etc/passwd" not in p.stderr
    assert out.stat().st_size == 0


def test_decoder_overstep_with_errno_penalty(tmp_path):
    """SCOPES_PENALTY=errno (diagnosis): the open fails with EPERM, the
    library says the penalty was changed, and the decoder goes on."""
    out = tmp_path / "t.png"
    p = thumb("--overstep", image("quadrants"), out, env={"SCOPES_PENALTY": "errno"})
    assert p.returncode == 0, p.stderr
    assert p.stderr.decode().splitlines() == [
        "scopes: SCOPES_PENALTY=errno: pledge penalty changed from the program's choice",
        "pngthumb: overstep: open /etc/passwd: Operation not permitted",
    ]


def sigsys_built():
    return any((build_dir() / "sigsys-handler").glob("libscopes-sigsys.so*"))


def test_decoder_overstep_report(tmp_path):
    """-r: the reporter names the call and the promise it needed."""
    out = tmp_path / "t.png"
    p = thumb("-r", "--overstep", image("quadrants"), out)
    err = p.stderr.decode()
    if not sigsys_built():
        assert (p.returncode, err) == (
            2, "pngthumb: built without libscopes-sigsys; -r is not available\n")
        return
    lines = err.splitlines()
    assert p.returncode == -signal.SIGSYS, err
    # the best alternative first; path-scoped ones follow as (or "..." under ...)
    assert lines[0].startswith('scopes: violation: openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC)'
                               ' needs promise "rpath"'), lines[0]
    assert lines[1] == 'scopes: promises held: "stdio"'
    assert any(" in overstep" in l for l in lines[2:]), err


def test_decoder_unprivileged():
    """Pledging needs no privilege: the decoder as nobody."""
    d = pathlib.Path(tempfile.mkdtemp(prefix="scopes-example-"))
    try:
        os.chmod(d, 0o777)
        out = d / "t.ppm"
        p = run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                 built("examples/pngthumb"), "-f", "ppm", image("quadrants"), out])
        assert p.returncode == 0, p.stderr
        assert read_ppm(out.read_bytes())[2] == quadrant_pixels(64, 32, QUAD_RGB)
    finally:
        shutil.rmtree(d)


# ------------------------------------------- network client and fork server

class Echod:
    """echod on 127.0.0.1, serving n connections; reports how workers ended."""

    def __init__(self, n):
        self.proc = subprocess.Popen([str(built("examples/echod")), "-n", str(n), "-t", "20"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = self.proc.stdout.readline()
        assert first.startswith("listening on 127.0.0.1 port "), first
        self.port = int(first.split()[-1])

    def finish(self):
        out, err = self.proc.communicate(timeout=30)
        return self.proc.returncode, out, err


def fetch(*args):
    return run([built("examples/netfetch"), *args], text=True)


def test_netfetch_and_echod_workers():
    """Two workers under the compiled "stdio" filter: one answers, one
    oversteps and is killed; the server reports both and exits."""
    srv = Echod(2)
    p = fetch("127.0.0.1", srv.port, "hello world")
    assert (p.returncode, p.stdout) == (0, "HELLO WORLD\n"), p.stderr
    assert p.stderr == f"netfetch: connected to 127.0.0.1 port {srv.port}\n"
    p = fetch("127.0.0.1", srv.port, "passwd")
    assert (p.returncode, p.stdout) == (0, ""), p.stderr  # the worker died before answering
    assert srv.finish() == (0, "worker 1: exit 0\nworker 2: killed by SIGSYS\n", "")


def test_netfetch_overstep_after_narrowing():
    """Resolving again after narrowing to "stdio inet" is a violation."""
    srv = Echod(1)
    p = fetch("--overstep", "127.0.0.1", srv.port, "x")
    assert p.returncode == -signal.SIGSYS, p.stderr
    assert "resolved again" not in p.stderr
    fetch("127.0.0.1", srv.port, "done")
    assert srv.finish()[0] == 0


def test_netfetch_resolves_a_name_under_dns():
    """"localhost" needs the resolver's files: the dns promise grants them
    only where Landlock scopes them. Whatever the library's state, the
    outcome must agree with what the probe sees for the same promise."""
    dns_opens = run_probe("open-r", "/etc/hosts", promises="stdio dns")
    srv = Echod(1)
    p = fetch("localhost", srv.port, "by name")
    if dns_opens.kind == "ok":
        assert (p.returncode, p.stdout) == (0, "BY NAME\n"), p.stderr
        assert srv.finish() == (0, "worker 1: exit 0\n", "")
    else:
        # fail closed: without enforcement, dns grants none of its opens
        assert dns_opens.killed_by_sigsys, dns_opens.describe()
        assert p.returncode == -signal.SIGSYS, p.stderr
        fetch("127.0.0.1", srv.port, "done")
        assert srv.finish()[0] == 0


def test_echod_bounded_by_its_timeout():
    """A server nobody talks to ends by its alarm (a stdio call), not hangs."""
    p = run([built("examples/echod"), "-n", "1", "-t", "1"], text=True, timeout=10)
    assert p.returncode == -signal.SIGALRM
    assert p.stdout.startswith("listening on 127.0.0.1 port ")


# ------------------------------------------------------- OpenBSD-style code

def test_obsdcat_source_has_no_linux_code():
    src = (pathlib.Path(__file__).resolve().parent.parent / "examples/openbsd/obsdcat.c").read_text()
    code = src[src.index("#include"):]  # after the comment that explains the build
    assert "scopes" not in code and "linux" not in code.lower()
    assert "pledge(" in code and "unveil(" in code


def test_obsdcat_unveils_one_directory(tmp_path):
    d = tmp_path / "dir"
    d.mkdir()
    (d / "a").write_text("inside\n")
    (tmp_path / "outside").write_text("secret\n")
    p = run([built("examples/obsdcat"), d, d / "a", tmp_path / "outside"], text=True)
    if p.stderr == f"obsdcat: unveil {d}: Function not implemented\n":
        pytest.xfail("scopes_unveil answers ENOSYS: the Landlock layer is not in yet")
    assert (p.returncode, p.stdout) == (1, "inside\n"), p.stderr
    assert p.stderr == f"obsdcat: {tmp_path / 'outside'}: Permission denied\n"


def test_obsdcat_pledge_holds(tmp_path):
    """With everything in the unveiled directory, it works."""
    d = tmp_path / "dir"
    d.mkdir()
    (d / "a").write_text("one\n")
    (d / "b").write_text("two\n")
    p = run([built("examples/obsdcat"), d, d / "a", d / "b"], text=True)
    if p.stderr == f"obsdcat: unveil {d}: Function not implemented\n":
        pytest.xfail("scopes_unveil answers ENOSYS: the Landlock layer is not in yet")
    assert (p.returncode, p.stdout, p.stderr) == (0, "one\ntwo\n", "")
