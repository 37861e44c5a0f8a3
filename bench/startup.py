#!/usr/bin/env python3
# startup.py: Benchmark 1, the app's start-up against a minimal libadwaita
# window, both to their first painted frame, alternately, under one Xvfb.
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Usage: startup.py --build BUILD_ROOT [--runs 10] [--tasks 10000] [--demo]

The app starts with a history of --tasks finished tasks (made by
bench/make-history through the store) and SEEDANCE_API_TOKEN=sk_bench,
SEEDANCE_API_BASE=http://127.0.0.1:9, so nothing real is contacted.
Two times per run: "wall", from spawning the process to reading its
"first-frame" line (measured here, µs precision), and "self", the process's
own figure (its age from /proc/self/stat, 10 ms granularity)."""

import argparse
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402


def run_once(cmd, env, timeout=120):
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    wall = selfreport = None
    deadline = start + timeout
    for line in proc.stdout:
        if line.startswith("first-frame "):
            wall = time.monotonic() - start
            selfreport = int(line.split()[1]) / 1e6
            break
        if time.monotonic() > deadline:
            break
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if wall is None:
        raise SystemExit("%s printed no first-frame line (exit %s)" % (cmd[0], proc.returncode))
    return wall, selfreport


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_STARTUP_RUNS", 10)))
    parser.add_argument("--tasks", type=int, default=int(os.environ.get("BENCH_STARTUP_TASKS", 10000)))
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--renderer", default=os.environ.get("GSK_RENDERER", "cairo"))
    args = parser.parse_args()
    benchlib.ensure_display(sys.argv)

    app = os.path.join(args.build, "src", "gui", "seedance-studio")
    minimal = os.path.join(args.build, "bench", "minimal-window")
    maker = os.path.join(args.build, "bench", "make-history")
    root = benchlib.tmpdir("bench-startup-")
    try:
        env = benchlib.base_env(args.build)
        env["GSK_RENDERER"] = args.renderer
        app_env = dict(env, **benchlib.make_xdg(os.path.join(root, "app")))
        app_env.update({
            "SEEDANCE_API_TOKEN": "sk_bench",
            "SEEDANCE_API_BASE": "http://127.0.0.1:9",
            "SEEDANCE_STUDIO_REPORT_FIRST_FRAME": "1",
            "SEEDANCE_STUDIO_EXIT_AFTER_FIRST_FRAME": "1",
        })
        min_env = dict(env, **benchlib.make_xdg(os.path.join(root, "minimal")))
        app_cmd = [app]
        if args.demo:
            app_cmd.append("--demo")
        else:
            history = os.path.join(app_env["XDG_DATA_HOME"], "seedance-studio", "history.db")
            subprocess.check_call([maker, history, str(args.tasks)])

        # One untimed run of each fills the caches and compiles the schemas.
        run_once(app_cmd, app_env)
        run_once([minimal], min_env)
        res = {"app": [], "minimal": []}
        for i in range(args.runs):
            order = [("app", app_cmd, app_env), ("minimal", [minimal], min_env)]
            if i % 2:
                order.reverse()
            for name, cmd, e in order:
                res[name].append(run_once(cmd, e))

        what = "--demo" if args.demo else "%d tasks" % args.tasks
        print("Start-up to first frame, %d alternating runs each, GSK_RENDERER=%s, history %s"
              % (args.runs, args.renderer, what))
        for name in ("minimal", "app"):
            print("  %-8s wall %s" % (name, benchlib.fmt([w for w, _ in res[name]], " ms", 1e3)))
            print("  %-8s self %s" % (name, benchlib.fmt([s for _, s in res[name]], " ms", 1e3)))
        print("  " + benchlib.ratio_line("app/minimal (wall)",
                                         [w for w, _ in res["app"]],
                                         [w for w, _ in res["minimal"]], target=1.3))
        app_self = [s for _, s in res["app"]]
        if max(app_self) > 60:
            print("  app self-report is implausible (%.0f s): its /proc/self/stat parsing "
                  "reads field 21 (itrealvalue, always 0), not 22 (starttime)" % max(app_self))
        else:
            print("  " + benchlib.ratio_line("app/minimal (self)", app_self,
                                             [s for _, s in res["minimal"]]))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
