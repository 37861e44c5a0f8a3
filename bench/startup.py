#!/usr/bin/env python3
# startup.py: Benchmark 1, the app's start-up against a minimal libadwaita
# window, both to their first painted frame, alternately, under one Xvfb.
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Usage: startup.py --build BUILD_ROOT [--runs 10] [--tasks 10000] [--demo]

The app starts with a history of --tasks finished tasks (made by
bench/make-history through the store) and SEEDANCE_API_TOKEN=sk_bench,
SEEDANCE_API_BASE=http://127.0.0.1:9, so nothing real is contacted.
Three figures per run: "wall", from spawning the process to reading its
"first-frame" line (measured here, µs precision), "self", the process's
own figure (its age from /proc/self/stat, 10 ms granularity), and "cpu",
the CPU time of all its threads at that frame (CLOCK_PROCESS_CPUTIME_ID;
less disturbed by a loaded machine than the wall clock; a build that does
not report it, e.g. an older --before, shows none).

--callgrind also runs each program once under valgrind's callgrind and
reports the instructions it executed before its first-frame line
(--dump-before=sd_first_frame_report), of all its threads and, in a second
run with --separate-threads=yes, of its main thread alone (how much of a
background thread's work, e.g. GTK's icon theme, comes before the first
frame under valgrind's one-thread-at-a-time scheduling varies from build to
build; the main thread's count does not): the same count on a quiet or a
loaded machine, to compare builds, as the wall clock and CPU time cannot
be on a shared machine; --keep-callgrind DIR keeps its files there, for
callgrind_annotate."""

import argparse
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402


# Nothing listens there; the history is made for this base (it keeps each
# base's tasks apart).
API_BASE = "http://127.0.0.1:9"

# Where --keep-callgrind copies the callgrind files (None: nowhere).
KEEP_CALLGRIND = None


def run_once(cmd, env, timeout=120):
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    wall = selfreport = cpu = None
    deadline = start + timeout
    for line in proc.stdout:
        if line.startswith("first-frame "):
            wall = time.monotonic() - start
            fields = line.split()
            selfreport = int(fields[1]) / 1e6
            if len(fields) > 2:
                cpu = int(fields[2]) / 1e6
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
    return wall, selfreport, cpu


def wait_for_thumbnail(cmd, env, limit=60):
    """Runs the app without its exit at the first frame until the thumbnail
    cache holds a poster, then ends it."""
    folder = os.path.join(env["XDG_CACHE_HOME"], "thumbnails", "normal")
    e = dict(env)
    e.pop("SEEDANCE_STUDIO_EXIT_AFTER_FIRST_FRAME", None)
    proc = subprocess.Popen(cmd, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        end = time.monotonic() + limit
        while time.monotonic() < end:
            if os.path.isdir(folder) and any(n.endswith(".png") for n in os.listdir(folder)):
                return
            time.sleep(0.1)
        raise SystemExit("no poster frame was made within %d s" % limit)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def callgrind_summary(path):
    with open(path) as f:
        for line in f:
            if line.startswith("summary:"):
                return int(line.split()[1])
    return None


def count_instructions(cmd, env, folder, name):
    """Instructions @cmd executed before its first frame, under callgrind:
    (all threads, the main thread alone). Two runs: threads apart, the
    first-frame dump holds the main thread's count only."""
    counts = []
    for separate in ("no", "yes"):
        out = os.path.join(folder, "callgrind.%s.%s" % (name, separate))
        subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
                        "--separate-threads=" + separate,
                        "--dump-before=sd_first_frame_report"] + cmd,
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=900, check=False)
        # part 1: from the start to the report (thread 1 when apart)
        part = out + (".1-01" if separate == "yes" else ".1")
        count = callgrind_summary(part) if os.path.exists(part) else None
        if count is None:
            raise SystemExit("%s: callgrind wrote no summary" % name)
        if KEEP_CALLGRIND:
            os.makedirs(KEEP_CALLGRIND, exist_ok=True)
            shutil.copy(part, os.path.join(KEEP_CALLGRIND, os.path.basename(part)))
        counts.append(count)
    return tuple(counts)


def column(res, name, index):
    """One figure (0 wall, 1 self, 2 cpu) of every run of @name, or None when
    the program did not report it."""
    values = [run[index] for run in res[name]]
    return None if any(v is None for v in values) else values


def report(res, names):
    names = [n for n in names if n != "app"] + ["app"]
    for name in names:
        for index, what in enumerate(("wall", "self", "cpu")):
            values = column(res, name, index)
            if values is not None:
                print("  %-8s %-4s %s" % (name, what, benchlib.fmt(values, " ms", 1e3)))
    pairs = [("app", "minimal", 1.3)]
    if "posters" in res:
        pairs += [("posters", "minimal", 1.3), ("posters", "app", None)]
    if "before" in res:
        pairs += [("before", "minimal", 1.3), ("app", "before", None)]
    for index, what in ((0, "wall"), (2, "cpu")):
        for name, ref, target in pairs:
            values, refs = column(res, name, index), column(res, ref, index)
            if values is not None and refs is not None:
                print("  " + benchlib.ratio_line("%s/%s (%s)" % (name, ref, what),
                                                 values, refs, target=target))
    app_self = column(res, "app", 1)
    if max(app_self) > 60:
        print("  app self-report is implausible (%.0f s): its /proc/self/stat parsing "
              "reads field 21 (itrealvalue, always 0), not 22 (starttime)" % max(app_self))
    else:
        print("  " + benchlib.ratio_line("app/minimal (self)", app_self,
                                         column(res, "minimal", 1)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_STARTUP_RUNS", 10)))
    parser.add_argument("--tasks", type=int, default=int(os.environ.get("BENCH_STARTUP_TASKS", 10000)))
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--posters", action="store_true",
                        help="also run the app on a history whose files are a real video, "
                             "so its rows show poster frames")
    parser.add_argument("--before", metavar="APP",
                        help="also run another build of seedance-studio (e.g. of main) on a "
                             "copy of the same history, for a before/after in one run")
    parser.add_argument("--callgrind", action="store_true",
                        help="also count each program's instructions to its first frame "
                             "under valgrind (one run each)")
    parser.add_argument("--keep-callgrind", metavar="DIR",
                        help="with --callgrind, keep each program's callgrind file in DIR")
    parser.add_argument("--renderer", default=os.environ.get("GSK_RENDERER", "cairo"))
    args = parser.parse_args()
    global KEEP_CALLGRIND
    KEEP_CALLGRIND = args.keep_callgrind
    if args.callgrind and shutil.which("valgrind") is None:
        sys.exit("--callgrind needs valgrind (apt-get install valgrind)")
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
            "SEEDANCE_API_BASE": API_BASE,
            "SEEDANCE_STUDIO_REPORT_FIRST_FRAME": "1",
            "SEEDANCE_STUDIO_EXIT_AFTER_FIRST_FRAME": "1",
        })
        min_env = dict(env, **benchlib.make_xdg(os.path.join(root, "minimal")))
        app_cmd = [app]
        if args.demo:
            app_cmd.append("--demo")
        else:
            history = os.path.join(app_env["XDG_DATA_HOME"], "seedance-studio", "history.db")
            subprocess.check_call([maker, history, str(args.tasks), API_BASE])
        programs = [("app", app_cmd, app_env), ("minimal", [minimal], min_env)]
        if args.before:
            before_env = dict(app_env, **benchlib.make_xdg(os.path.join(root, "before")))
            if not args.demo:
                folder = os.path.join(before_env["XDG_DATA_HOME"], "seedance-studio")
                os.makedirs(folder, exist_ok=True)
                shutil.copy(history, os.path.join(folder, "history.db"))
            programs.append(("before", [args.before] + app_cmd[1:], before_env))
        if args.posters:
            poster_env = dict(app_env, **benchlib.make_xdg(os.path.join(root, "posters")))
            video = os.path.join(root, "sample.mp4")
            shutil.copy(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                                     "sample.mp4"), video)
            history = os.path.join(poster_env["XDG_DATA_HOME"], "seedance-studio", "history.db")
            subprocess.check_call([maker, history, str(args.tasks), API_BASE],
                                  env=dict(os.environ, BENCH_HISTORY_VIDEO=video))
            programs.append(("posters", app_cmd, poster_env))

        # One untimed run of each fills the caches and compiles the schemas.
        for name, cmd, e in programs:
            run_once(cmd, e)
        if args.posters:
            # And the thumbnail cache: the app exits at its first frame,
            # before its posters are made.
            wait_for_thumbnail(app_cmd, poster_env)
        res = {name: [] for name, _, _ in programs}
        for i in range(args.runs):
            order = list(programs)
            if i % 2:
                order.reverse()
            for name, cmd, e in order:
                res[name].append(run_once(cmd, e))

        what = "--demo" if args.demo else "%d tasks" % args.tasks
        print("Start-up to first frame, %d alternating runs each, GSK_RENDERER=%s, history %s"
              % (args.runs, args.renderer, what))
        report(res, [p[0] for p in programs])
        if args.callgrind:
            counts = {name: count_instructions(cmd, e, root, name) for name, cmd, e in programs}
            print("Instructions to the first frame (callgrind, one run each): all threads; main thread")
            for name, _, _ in programs:
                total, main_thread = counts[name]
                print("  %-8s %.1f M (%.2f× minimal); %.1f M (%.2f× minimal)"
                      % (name, total / 1e6, total / counts["minimal"][0],
                         main_thread / 1e6, main_thread / counts["minimal"][1]))
            if "before" in counts:
                print("  app/before %.3f×; main thread %.3f×"
                      % (counts["app"][0] / counts["before"][0],
                         counts["app"][1] / counts["before"][1]))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
