"""Helpers shared by the scopes-run, Landlock, unveil and execpromises tests.

They drive two programs of tools/run/tests: `scopes-steps` (links libscopes:
pledge, unveil, then file and exec steps) and `run-target[-static]` (the same
steps without libscopes), each printing one line per step:
"STEP ok [VALUE]" or "STEP err ENAME". Every case is a fresh process.
No test lives here.
"""
import os
import signal
import subprocess

from conftest import NOBODY, Completed, built  # noqa: F401 (NOBODY re-exported)



class Steps(Completed):
    """What a run came to: the step lines, the exit status or the signal."""

    def __init__(self, proc, argv):
        super().__init__(proc, argv)
        self.lines = [l for l in proc.stdout.splitlines()
                      if " ok" in l or " err " in l]

    def __repr__(self):
        how = (f"killed by {signal.Signals(self.signal).name}" if self.signal
               else f"exit {self.returncode}")
        return (f"{' '.join(map(str, self.argv))}\n-> {how}\nstdout: {self.stdout!r}\n"
                f"stderr: {self.stderr.strip()[-1500:]}")


def clean_env(extra=None):
    """The test's environment without anything that would change a pledge."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SCOPES_") and k != "LD_PRELOAD"}
    env["LC_ALL"] = "C"
    if extra:
        env.update(extra)
    return env


def run(argv, env=None, prefix=(), timeout=60, cwd=None, stdin=None):
    argv = [*prefix, *map(str, argv)]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                          env=clean_env(env), cwd=cwd, stdin=stdin)
    return Steps(proc, argv)


def steps(*args, **kw):
    """scopes-steps STEP...: pledge/unveil in-process, then the steps."""
    return run([built("tools/run/tests/scopes-steps"), *args], **kw)


def target(static=False):
    return built("tools/run/tests/run-target-static" if static else "tools/run/tests/run-target")


def scopes_run(*args, **kw):
    """scopes-run ARGS... (the caller gives -p, -- and the program)."""
    return run([built("tools/run/scopes-run"), *args], **kw)


def world_tree(tmp_path):
    """d/f, d/sub/g, other/h under a world-accessible directory."""
    os.chmod(tmp_path, 0o777)
    d = tmp_path / "d"
    (d / "sub").mkdir(parents=True)
    (tmp_path / "other").mkdir()
    for p in (d / "f", d / "sub" / "g", tmp_path / "other" / "h"):
        p.write_text("x\n")
        os.chmod(p, 0o666)
    for p in (d, d / "sub", tmp_path / "other"):
        os.chmod(p, 0o777)
    return tmp_path
