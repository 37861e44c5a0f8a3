#!/usr/bin/env python3
# history.py: Benchmark 2, a history of 10,000 and 100,000 tasks: list model
# and first screen, time and peak memory, against a plain sqlite3 read of the
# same rows in the same run.
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Usage: history.py --build BUILD_ROOT [--runs 5] [--sizes 10000,100000]
                  [--before OTHER_BUILD_ROOT]

Each mode runs in a process of its own (so peak RSS is its own), the modes
alternating within each round. --before adds the view, posters and labels
modes of another build (main, say) to the same rounds, as "before-view"
and so on, on the same database. Environment: BENCH_HISTORY_RUNS,
BENCH_HISTORY_SIZES."""

import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

MODES = ("plain", "model", "service", "view", "posters", "labels")
BEFORE_MODES = ("view", "posters", "labels")


def run(prog, mode, path, env):
    if mode.startswith("before-"):
        prog, mode = prog[1], mode[len("before-"):]
    elif isinstance(prog, tuple):
        prog = prog[0]
    out = subprocess.run([prog, mode, path], env=env, check=True,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True, timeout=600).stdout
    line = [l for l in out.splitlines() if l.startswith(mode + " ")][-1]
    fields = dict(f.split("=") for f in line.split()[1:])
    res = {k: float(v) for k, v in fields.items()}
    shown = [l for l in out.splitlines() if l.startswith("poster-frames ")]
    if shown:
        extra = dict(f.split("=") for f in shown[-1].split()[1:])
        res["posters_ms"] = float(extra["ms"])
        res["posters_seen"] = float(extra["seen"])
        res["posters_shown"] = float(extra["shown"])
    return res


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_HISTORY_RUNS", 5)))
    parser.add_argument("--sizes", default=os.environ.get("BENCH_HISTORY_SIZES", "10000,100000"))
    parser.add_argument("--before", metavar="BUILD_ROOT",
                        help="another build whose view, posters and labels modes "
                             "alternate with these, for a before/after in one run")
    args = parser.parse_args()
    benchlib.ensure_display(sys.argv)

    prog = os.path.join(args.build, "bench", "history-scale")
    modes = MODES
    if args.before:
        prog = (prog, os.path.join(args.before, "bench", "history-scale"))
        modes = MODES + tuple("before-" + m for m in BEFORE_MODES)
    maker = os.path.join(args.build, "bench", "make-history")
    env = benchlib.base_env(args.build)
    env["GSK_RENDERER"] = env.get("GSK_RENDERER", "cairo")
    root = benchlib.tmpdir("bench-history-")
    env.update(benchlib.make_xdg(root))
    # Every saved task's file is a real video, so "posters" makes and shows
    # poster frames ("view" has no poster loader: the same rows without).
    video = os.path.join(root, "sample.mp4")
    shutil.copy(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                             "sample.mp4"), video)
    maker_env = dict(os.environ, BENCH_HISTORY_VIDEO=video)
    per_size = {}
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            path = os.path.join(root, "history-%d.db" % size)
            subprocess.check_call([maker, path, str(size)], env=maker_env)
            for mode in modes:        # warm the page cache once
                run(prog, mode, path, env)
            res = {m: [] for m in modes}
            for i in range(args.runs):
                order = modes if i % 2 == 0 else tuple(reversed(modes))
                for mode in order:
                    res[mode].append(run(prog, mode, path, env))
            per_size[size] = res

            print("History of %d tasks, %d alternating runs each" % (size, args.runs))
            for mode in modes:
                r = res[mode]
                print("  %-14s time %s | CPU %s | peak RSS %s | growth %s" % (
                    mode, benchlib.fmt([x["ms"] for x in r], " ms"),
                    benchlib.fmt([x["cpu_ms"] for x in r], " ms"),
                    benchlib.fmt([x["hwm_kb"] for x in r], " MB", 1 / 1024),
                    benchlib.fmt([x["hwm_kb"] - x["base_kb"] for x in r], " MB", 1 / 1024)))
            for mode in [m for m in modes if m.endswith("posters")]:
                r = res[mode]
                print("  %s every row seen shows its poster frame after %s "
                      "(%d of %d rows seen; the first run made the thumbnail)" % (
                          mode, benchlib.fmt([x["posters_ms"] for x in r], " ms"),
                          min(x["posters_shown"] for x in r), max(x["posters_seen"] for x in r)))
            for unit in ("ms", "cpu_ms"):
                plain = [x[unit] for x in res["plain"]]
                for mode in modes[1:]:
                    print("  " + benchlib.ratio_line(
                        "%s/plain %s" % (mode, "time" if unit == "ms" else "CPU time"),
                        [x[unit] for x in res[mode]], plain,
                        target=2.0 if mode in ("view", "posters") and unit == "ms" else None))
            plain_mem = [x["hwm_kb"] - x["base_kb"] for x in res["plain"]]
            for mode in modes[1:]:
                print("  " + benchlib.ratio_line(
                    "%s/plain memory growth" % mode,
                    [x["hwm_kb"] - x["base_kb"] for x in res[mode]], plain_mem))
        sizes = sorted(per_size)
        if len(sizes) > 1:
            lo, hi = sizes[0], sizes[-1]
            print("Memory from %d to %d tasks (%.0f× the rows; the screen shows the same rows):"
                  % (lo, hi, hi / lo))
            for mode in modes:
                g = lambda s: sorted(x["hwm_kb"] - x["base_kb"]
                                     for x in per_size[s][mode])[len(per_size[s][mode]) // 2]
                per_task = (g(hi) - g(lo)) * 1024 / (hi - lo)
                print("  %-8s growth %.1f MB -> %.1f MB, %.0f bytes per added task "
                      "(sub-linear: %s)" % (mode, g(lo) / 1024, g(hi) / 1024, per_task,
                                             "yes" if per_task < 100 else "NO, linear"))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
