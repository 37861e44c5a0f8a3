#!/usr/bin/env python3
# polling.py: Benchmark 4, 500 open tasks on the service's one shared
# schedule: queries per task against what the schedule allows, and the CPU
# the app uses while it waits.
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Usage: polling.py --build BUILD_ROOT [--tasks 500] [--scale 10] [--minutes 5]

The service's schedule is run SCALE times faster (first-poll-delay and
max-poll-interval divided by SCALE) for MINUTES*60/SCALE real seconds, which
is MINUTES minutes of the real schedule. --scale 1 is the real 5-minute run.
The server is sim-server in its own process; the tasks stay processing.
Environment: BENCH_POLL_TASKS, BENCH_POLL_SCALE, BENCH_POLL_MINUTES."""

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

FIRST_DELAY = 3.0
GROWTH = 1.5
MAX_INTERVAL = 30.0


def schedule_allows(window):
    """Queries the schedule implies in @window seconds after a submission:
    the first after FIRST_DELAY, then each interval ×GROWTH up to MAX_INTERVAL
    (the service measures the next interval from the answer, so a real run can
    only have fewer)."""
    t, interval, n = FIRST_DELAY, FIRST_DELAY, 0
    while t <= window + 1e-9:
        n += 1
        interval = min(interval * GROWTH, MAX_INTERVAL)
        t += interval
    return n


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--tasks", type=int, default=int(os.environ.get("BENCH_POLL_TASKS", 500)))
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_POLL_SCALE", 10)))
    parser.add_argument("--minutes", type=float, default=float(os.environ.get("BENCH_POLL_MINUTES", 5)))
    args = parser.parse_args()

    env = benchlib.base_env(args.build)
    root = benchlib.tmpdir("bench-polling-")
    env.update(benchlib.make_xdg(root))
    env["TMPDIR"] = root
    window = int(round(args.minutes * 60 / args.scale))
    server = subprocess.Popen([os.path.join(args.build, "bench", "sim-server"),
                               "--queued-ms", "1000", "--processing-ms", "2000000000"],
                              env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        base = token = None
        for line in server.stdout:
            if line.startswith("base-url "):
                base = line.split()[1]
            elif line.startswith("token "):
                token = line.split()[1]
            elif line.strip() == "ready":
                break
        out = subprocess.run([os.path.join(args.build, "bench", "polling-bench"), base, token,
                              str(args.tasks), str(window), str(args.scale)],
                             env=env, check=True, stdout=subprocess.PIPE, text=True,
                             timeout=window + 600).stdout
        server.stdin.write("counts\n")
        server.stdin.flush()
        counts = dict(f.split("=") for f in server.stdout.readline().split()[1:])
        per_task = [int(l.split()[1]) for l in out.splitlines() if l.startswith("task ")]
        summary = {k: float(v) for k, v in
                   (f.split("=") for f in out.splitlines()[-1].split()[1:])}

        allowed = schedule_allows(window * args.scale)
        cpu_share = summary["wait_cpu_ms"] / summary["wait_ms"]
        print("Polling %d open tasks for %.1f minutes of schedule (%d s real, schedule ×%g)"
              % (len(per_task), args.minutes, window, args.scale))
        print("  submitting all took %.0f ms; the server saw %s creates, %s queries"
              % (summary["submit_ms"], counts["create"], counts["query"]))
        print("  queries per task: %s; the schedule allows %d"
              % (benchlib.fmt(per_task, "", 1, 0), allowed))
        print("  queries per task / allowed: min %.2f / median %.2f / max %.2f — target ≤ 1.00: %s"
              % (min(per_task) / allowed, sorted(per_task)[len(per_task) // 2] / allowed,
                 max(per_task) / allowed, "MET" if max(per_task) <= allowed else "MISSED"))
        print("  CPU while waiting: %.0f ms over %.1f s = %.2f%% of one core at ×%g"
              % (summary["wait_cpu_ms"], summary["wait_ms"] / 1000, cpu_share * 100, args.scale))
        # At ×1 the same queries are spread over SCALE times as long.
        print("  CPU at the real schedule (÷%g): %.3f%% of one core — target < 1%%: %s"
              % (args.scale, cpu_share * 100 / args.scale,
                 "MET" if cpu_share / args.scale < 0.01 else "MISSED"))
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        import shutil
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
