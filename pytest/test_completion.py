"""Bash completion for the tools (completions/, installed under
share/bash-completion/completions): promise names come from scopes-run --list,
so they follow the table; after `--` the program's own completion takes over."""
import os
import pathlib
import subprocess

import pytest

from conftest import TOP, build_dir

BASH_COMPLETION = pathlib.Path("/usr/share/bash-completion/bash_completion")


def complete(tool, *words):
    """COMPREPLY for the command line `tool words...` (the last word is being typed)."""
    if not BASH_COMPLETION.exists():
        pytest.skip("bash-completion is not installed (scripts/deps.sh installs it)")
    line = " ".join([tool] + [w if w else "''" for w in words])
    script = f"""
source {BASH_COMPLETION}
source {TOP}/completions/{tool}
COMP_WORDS=({line})
COMP_CWORD={len(words)}
COMP_LINE="{tool} {' '.join(words)}"
COMP_POINT=${{#COMP_LINE}}
_{tool.replace('-', '_')}
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    env = dict(os.environ, PATH=f"{build_dir()}/tools/run:{build_dir()}/tools/trace:"
               + os.environ["PATH"])
    p = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env,
                       timeout=30)
    assert p.returncode == 0, p.stderr
    return [x for x in p.stdout.splitlines() if x]


def test_list_prints_every_promise():
    p = subprocess.run([str(build_dir() / "tools/run/scopes-run"), "--list"],
                       capture_output=True, text=True, check=True)
    names = [line.split()[0] for line in p.stdout.splitlines()]
    assert names[:3] == ["stdio", "rpath", "wpath"] and "wroute" in names and len(names) == 36
    assert "read-only opens and path metadata" in p.stdout


def test_promise_names_complete():
    assert complete("scopes-run", "-p", "rp") == ["rpath"]
    assert sorted(complete("scopes-run", "-p", "s")) == ["sendfd", "settime", "stdio"]


def test_penalty_values_complete():
    assert sorted(complete("scopes-run", "--penalty", "")) == ["errno", "kill", "log", "trap"]


def test_options_complete():
    assert "--report" in complete("scopes-run", "--r")
    assert complete("scopes-trace", "--time") == ["--timeline"]
    assert sorted(complete("scopes-trace", "-b", "")) == ["auto", "log", "notify"]


def test_trace_merge_completes_reports(tmp_path, monkeypatch):
    """--merge is offered, and after it the JSON reports of earlier runs are."""
    assert complete("scopes-trace", "--mer") == ["--merge"]
    (tmp_path / "run1.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("")
    monkeypatch.chdir(tmp_path)
    assert complete("scopes-trace", "--merge", "") == ["run1.json"]
