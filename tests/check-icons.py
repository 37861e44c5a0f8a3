#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the app icons follow the GNOME icon rules: the full-colour icons
are 128x128 SVGs that render, the symbolic icon is a 16x16 SVG drawn in the
single recolourable colour #2e3436, and the development icon differs from
the stable one.

Usage: check-icons.py ICON DEVEL_ICON SYMBOLIC_ICON [RSVG_CONVERT]
"""

import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
SYMBOLIC_COLOUR = "#2e3436"


def colours(root):
    for el in root.iter():
        for attr in ("fill", "stroke", "stop-color"):
            value = el.get(attr)
            if value is not None:
                yield el.tag, attr, value
        for m in re.finditer(r"(fill|stroke|stop-color)\s*:\s*([^;]+)", el.get("style", "")):
            yield el.tag, m.group(1), m.group(2).strip()


def check(icon, devel, symbolic, rsvg):
    found = []
    for path in (icon, devel):
        root = ET.parse(path).getroot()
        if root.tag != SVG + "svg":
            found.append(f"{path}: not an SVG")
        if (root.get("width"), root.get("height"), root.get("viewBox")) != ("128", "128", "0 0 128 128"):
            found.append(f"{path}: must be a 128x128 canvas")
    with open(icon, "rb") as a, open(devel, "rb") as b:
        if a.read() == b.read():
            found.append("the development icon is the same as the stable one")

    root = ET.parse(symbolic).getroot()
    if (root.get("width"), root.get("height"), root.get("viewBox")) != ("16", "16", "0 0 16 16"):
        found.append(f"{symbolic}: must be a 16x16 canvas")
    drawn = [el for el in root.iter() if el.tag in (SVG + "path", SVG + "rect", SVG + "circle")]
    if not drawn:
        found.append(f"{symbolic}: draws nothing")
    for tag, attr, value in colours(root):
        if value.lower() not in (SYMBOLIC_COLOUR, "none"):
            found.append(f"{symbolic}: {attr}={value} on {tag}: symbolic icons use only {SYMBOLIC_COLOUR}")
    if any(el.tag in (SVG + "linearGradient", SVG + "radialGradient", SVG + "image")
           for el in root.iter()):
        found.append(f"{symbolic}: no gradients or bitmaps in a symbolic icon")

    if rsvg:
        with tempfile.TemporaryDirectory() as tmp:
            for path, size in ((icon, 128), (devel, 128), (symbolic, 16)):
                png = f"{tmp}/icon-{size}.png"
                r = subprocess.run([rsvg, "-w", str(size), "-h", str(size), path, "-o", png],
                                   capture_output=True, text=True)
                if r.returncode != 0 or r.stderr.strip():
                    found.append(f"{path}: does not render: {r.stderr.strip()}")
                    continue
                with open(png, "rb") as f:
                    if not f.read(8).startswith(b"\x89PNG"):
                        found.append(f"{path}: rendered no PNG")
    return found


def main(argv):
    if len(argv) not in (4, 5):
        print(__doc__, file=sys.stderr)
        return 2
    found = check(argv[1], argv[2], argv[3], argv[4] if len(argv) == 5 else None)
    for p in found:
        print(f"FAIL: {p}", file=sys.stderr)
    if not found:
        print("ok: icons follow the GNOME icon rules")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
