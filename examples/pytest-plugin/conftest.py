"""Build the example decoder (program and shared library) once per session.

A real project builds its own binaries; here the C compiler on PATH builds
decoder.c into a temporary directory, with an image file to decode.
"""
import pathlib
import shutil
import subprocess

import pytest

HERE = pathlib.Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def decoder(tmp_path_factory):
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build the example decoder")
    d = tmp_path_factory.mktemp("decoder")
    src = HERE / "decoder.c"
    subprocess.run([cc, "-O2", "-Wall", "-DDECODER_MAIN", str(src), "-o", str(d / "decoder")],
                   check=True)
    subprocess.run([cc, "-O2", "-Wall", "-shared", "-fPIC", str(src), "-o",
                    str(d / "libdecoder.so")], check=True)
    (d / "in.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    (d / "in.txt").write_bytes(b"hello, not an image\n")
    return d
