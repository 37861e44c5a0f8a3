#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks what may include what in src/ (HACKING.md, "Layers"):

  core       core only: never a gui, cli or simulator header
  simulator  core and simulator
  gui        core and gui; the demo start-up (sd-demo.h) only in the files
             that start demo mode, the simulator's own header only in the
             screenshot scenes
  cli        core and cli; the demo start-up (sd-demo.h), never the
             simulator's own headers
  sd-simulator-test.h (fault injection) only in the simulator itself,
  sd-download-test.h (retry policy, .part names) only in the download code;
  tests and benchmarks are outside src/.

Usage: check-layers.py SRC_DIR
       check-layers.py --self-test
"""

import os
import re
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
LAYERS = ("core", "simulator", "gui", "cli")

# layer -> layers whose headers it may include
ALLOWED = {
    "core": {"core"},
    "simulator": {"core", "simulator"},
    "gui": {"core", "gui"},
    "cli": {"core", "cli"},
}
# (layer, header) -> the files of that layer that may include it; None: any
EXCEPTIONS = {
    ("gui", "sd-demo.h"): {"sd-application.c", "sd-welcome-page.c", "sd-demo-scenes.c"},
    ("gui", "sd-simulator.h"): {"sd-demo-scenes.c"},
    ("cli", "sd-demo.h"): None,
}
TEST_HOOKS = {
    "sd-simulator-test.h": {"simulator/sd-simulator.c", "simulator/sd-simulator-media.c",
                            "simulator/sd-simulator-private.h",
                            "simulator/sd-simulator-reply.c",
                            "simulator/sd-simulator-tasks.c",
                            "simulator/sd-simulator-video.c"},
    "sd-download-test.h": {"core/sd-download.c", "core/sd-download-name.c"},
}
# The simulator's headers, wherever a branch puts them.
SIMULATOR_HEADERS = ("sd-simulator.h", "sd-simulator-test.h", "sd-demo.h")


def headers_by_layer(src):
    owner = {}
    for layer in LAYERS:
        folder = os.path.join(src, layer)
        for root, _, files in os.walk(folder):
            for name in files:
                if name.endswith(".h"):
                    owner.setdefault(name, layer)
    owner.update({name: "simulator" for name in SIMULATOR_HEADERS})
    return owner


def violations(src):
    owner = headers_by_layer(src)
    found = []
    for layer in LAYERS:
        folder = os.path.join(src, layer)
        for root, _, files in os.walk(folder):
            for name in sorted(files):
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.join(root, name)
                rel = os.path.relpath(path, src)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                for header in INCLUDE.findall(text):
                    problem = check(layer, name, rel, header, owner.get(header))
                    if problem:
                        found.append("%s includes \"%s\": %s" % (rel, header, problem))
    return found


def check(layer, name, rel, header, header_layer):
    if header in TEST_HOOKS and rel not in TEST_HOOKS[header]:
        return "test hooks are for tests and benchmarks only"
    if header_layer is None or header_layer in ALLOWED[layer]:
        return None
    key = (layer, header)
    if key in EXCEPTIONS and (EXCEPTIONS[key] is None or name in EXCEPTIONS[key]):
        return None
    return "%s may not include a %s header" % (layer, header_layer)


def self_test():
    cases = {
        "core/sd-a.c": ('#include "sd-window.h"\n', True),
        "core/sd-b.c": ('#include "sd-simulator.h"\n', True),
        "core/sd-context.c": ('#include "sd-demo.h"\n', True),
        "gui/sd-window.c": ('#include "sd-simulator.h"\n', True),
        "gui/sd-composer.c": ('#include "sd-demo.h"\n', True),
        "cli/sd-cli.c": ('#include "sd-simulator-test.h"\n', True),
        "gui/sd-demo-scenes.c": ('#include "sd-demo.h"\n#include "sd-simulator.h"\n', False),
        "cli/sd-cli-submit.c": ('#include "sd-demo.h"\n#include "sd-context.h"\n', False),
        "simulator/sd-demo.c": ('#include "sd-context.h"\n', False),
    }
    headers = ["core/sd-context.h", "gui/sd-window.h", "simulator/sd-simulator.h",
               "simulator/sd-simulator-test.h", "simulator/sd-demo.h"]
    with tempfile.TemporaryDirectory() as src:
        for rel in headers:
            os.makedirs(os.path.join(src, os.path.dirname(rel)), exist_ok=True)
            open(os.path.join(src, rel), "w").close()
        for rel, (text, _) in cases.items():
            os.makedirs(os.path.join(src, os.path.dirname(rel)), exist_ok=True)
            with open(os.path.join(src, rel), "w") as f:
                f.write(text)
        found = violations(src)
    ok = True
    for rel, (_, bad) in cases.items():
        caught = any(v.startswith(rel + " ") for v in found)
        if caught != bad:
            print("self-test: %s %s" % (rel, "missed" if bad else "wrongly flagged"))
            ok = False
    return ok


def main():
    if sys.argv[1:] == ["--self-test"]:
        return 0 if self_test() else 1
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-2].strip(), file=sys.stderr)
        return 2
    found = violations(sys.argv[1])
    for line in found:
        print(line)
    if not found:
        print("layers: every include in %s is allowed" % sys.argv[1])
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
