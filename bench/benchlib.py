# benchlib.py: shared helpers of the benchmark harnesses
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Statistics, temporary XDG trees and an X server for the benchmarks."""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile


def summary(values):
    """(min, median, max) of a list of numbers."""
    return min(values), statistics.median(values), max(values)


def fmt(values, unit="", scale=1.0, digits=1):
    lo, med, hi = summary(values)
    f = "{:.%df}" % digits
    return "min %s / median %s / max %s%s" % (
        f.format(lo * scale), f.format(med * scale), f.format(hi * scale), unit)


def ratio_line(name, values, refs, target=None, higher_is_better=False):
    """A line comparing @values with @refs measured in the same run: the ratio
    of medians, and min / median / max of the pairwise ratios (runs alternate,
    so pair i ran next to reference i)."""
    pairs = [v / r for v, r in zip(values, refs) if r]
    med = statistics.median(values) / statistics.median(refs)
    line = "%s: ratio of medians %.2f× (pairwise min %.2f / median %.2f / max %.2f)" % (
        name, med, *summary(pairs))
    if target is not None:
        met = med >= target if higher_is_better else med <= target
        line += " — target %s %.2f×: %s" % (
            "≥" if higher_is_better else "≤", target, "MET" if met else "MISSED")
    return line


def make_xdg(root):
    """A fresh set of XDG folders under @root; returns the environment."""
    env = {}
    for name in ("DATA", "CONFIG", "CACHE", "STATE"):
        path = os.path.join(root, name.lower())
        os.makedirs(path, exist_ok=True)
        env["XDG_%s_HOME" % name] = path
    runtime = os.path.join(root, "runtime")
    os.makedirs(runtime, mode=0o700, exist_ok=True)
    env["XDG_RUNTIME_DIR"] = runtime
    return env


def base_env(build_root):
    env = dict(os.environ)
    env.update({
        "GSETTINGS_BACKEND": "memory",
        "GSETTINGS_SCHEMA_DIR": os.path.join(build_root, "data"),
        "NO_AT_BRIDGE": "1",
        "GTK_A11Y": "none",
    })
    return env


def ensure_display(argv):
    """Re-runs this script under one Xvfb (and one D-Bus session) for all its
    runs unless a display is already there. Returns only inside it."""
    if os.environ.get("DISPLAY") or os.environ.get("BENCH_NO_XVFB"):
        return
    if shutil.which("xvfb-run") is None:
        sys.exit("xvfb-run is needed (apt-get install xvfb xauth)")
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24"]
    if shutil.which("dbus-run-session"):
        cmd += ["dbus-run-session", "--"]
    cmd += [sys.executable] + argv
    sys.exit(subprocess.call(cmd))


def tmpdir(prefix):
    return tempfile.mkdtemp(prefix=prefix, dir=os.environ.get("BENCH_TMPDIR"))
