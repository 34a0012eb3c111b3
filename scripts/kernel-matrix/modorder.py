#!/usr/bin/env python3
"""Print the modules a guest's init must insmod, dependencies first.

Usage: modorder.py MODULES_DIR MODULE...
Prints "name path" lines. A kernel .deb ships no modules.dep (depmod runs at
install time, and the kernels here are never installed), so the dependencies
come from each module's own .modinfo section (depends=...).
"""
import os
import re
import sys


def main(argv):
    root, wanted = argv[1], argv[2:]
    paths = {}
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".ko"):
                paths[f[:-3].replace("-", "_")] = os.path.join(d, f)

    def deps(m):
        with open(paths[m], "rb") as f:
            found = re.search(rb"depends=([^\0]*)\0", f.read())
        if not found:
            return []
        return [x.replace("-", "_") for x in found.group(1).decode().split(",") if x]

    order = []

    def visit(m, stack=()):
        if m in order:
            return
        if m not in paths:
            sys.exit(f"modorder: no module {m} under {root} (built in, or missing?)")
        if m in stack:
            sys.exit(f"modorder: dependency loop at {m}")
        for d in deps(m):
            visit(d, stack + (m,))
        order.append(m)

    for m in wanted:
        visit(m)
    for m in order:
        print(m, paths[m])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
