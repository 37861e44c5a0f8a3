#!/usr/bin/env python3
# search.py: Benchmark 6, searching a history of 100,000 tasks (Latin and
# Chinese words, common and rare) against the sqlite3 shell running the same
# statement on the same file; and building the index of such a history when
# it is upgraded from schema 4.
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Usage: search.py --build BUILD_ROOT [--size 100000] [--runs 15]

Environment: BENCH_SEARCH_SIZE, BENCH_SEARCH_RUNS. Needs the sqlite3 shell."""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

TERMS = [
    ("latin common", "rain"),
    ("latin two words", "harbour dawn"),
    ("latin rare", "lighthouse"),
    ("latin absent", "submarine"),
    ("chinese common", "在雨中"),
    ("chinese rare", "灯塔守望"),
    ("one character (scan)", "雨"),
    ("two characters rare (scan)", "灯塔"),
]

# Back to schema 4: the index and every column added since (5: favourite,
# 6: the estimate, 7: continues, 8: groups and the queue, 9: the task's
# label and the start of its 404 run) go, with schema 8's and 10's
# indexes.
DOWNGRADE = """
DROP TRIGGER tasks_search_insert; DROP TRIGGER tasks_search_delete;
DROP TRIGGER tasks_search_update; DROP TABLE tasks_search;
DROP INDEX tasks_group; DROP INDEX tasks_continues; DROP INDEX tasks_retry_of;
ALTER TABLE tasks DROP COLUMN favourite;
ALTER TABLE tasks DROP COLUMN estimate; ALTER TABLE tasks DROP COLUMN estimate_currency;
ALTER TABLE tasks DROP COLUMN continues;
ALTER TABLE tasks DROP COLUMN group_id; ALTER TABLE tasks DROP COLUMN group_label;
ALTER TABLE tasks DROP COLUMN retry_of; ALTER TABLE tasks DROP COLUMN queue_position;
ALTER TABLE tasks DROP COLUMN label; ALTER TABLE tasks DROP COLUMN not_found_since;
PRAGMA user_version = 4; VACUUM;
"""


def shell_ms(path, sql, runs):
    """Per-statement time of the sqlite3 shell: @runs statements in one
    process, less the same process running SELECT 1 @runs times."""
    def once(statement):
        script = ".output /dev/null\n" + (statement + ";\n") * runs
        start = time.monotonic()
        subprocess.run(["sqlite3", path], input=script, text=True, check=True,
                       stdout=subprocess.DEVNULL)
        return time.monotonic() - start
    totals = [once(sql) - once("SELECT 1") for _ in range(3)]
    return max(statistics.median(totals), 0) * 1000 / runs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--size", type=int, default=int(os.environ.get("BENCH_SEARCH_SIZE", 100000)))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_SEARCH_RUNS", 15)))
    args = parser.parse_args()
    if shutil.which("sqlite3") is None:
        sys.exit("the sqlite3 shell is needed (apt-get install sqlite3)")

    prog = os.path.join(args.build, "bench", "search-bench")
    maker = os.path.join(args.build, "bench", "make-history")
    env = benchlib.base_env(args.build)
    root = benchlib.tmpdir("bench-search-")
    env.update(benchlib.make_xdg(root))
    path = os.path.join(root, "history.db")
    try:
        subprocess.check_call([maker, path, str(args.size)], env=env)
        print("Search in a history of %d tasks: first screen (50 tasks), median of %d runs"
              % (args.size, args.runs))
        worst = 0.0
        for name, term in TERMS:
            out = subprocess.run([prog, "query", path, term, str(args.runs)], env=env, check=True,
                                 stdout=subprocess.PIPE, text=True).stdout.splitlines()
            fields = dict(f.split("=") for f in out[0].split()[1:])
            sql = [l for l in out if l.startswith("sql ")][0][4:]
            ours = float(fields["ms"])
            shell = shell_ms(path, sql, args.runs)
            ratio = ours / shell if shell > 0 else float("inf")
            worst = max(worst, float(fields["main_ms"]))
            print("  %-28s %-14s store %7.2f ms | sqlite3 %7.2f ms | %5.2f× | %s of %s tasks"
                  " | main thread %.2f ms" % (name, term, ours, shell, ratio, fields["rows"],
                                              fields["total"], float(fields["main_ms"])))
        print("  longest main-thread step of an async query: %.2f ms (target ≤ 16 ms: %s)"
              % (worst, "MET" if worst <= 16 else "MISSED"))

        old = os.path.join(root, "history-v4.db")
        times = []
        for _ in range(3):
            shutil.copy(path, old)
            subprocess.run(["sqlite3", old], input=DOWNGRADE, text=True, check=True)
            out = subprocess.run([prog, "upgrade", old], env=env, check=True,
                                 stdout=subprocess.PIPE, text=True).stdout
            fields = dict(f.split("=") for f in out.split()[1:])
            times.append(float(fields["ms"]))
            calls = int(fields["progress_calls"])
            os.unlink(old)
        print("Upgrade of a schema 4 history of %d tasks (builds the index): %s, "
              "progress reported %d times in the last run"
              % (args.size, benchlib.fmt(times, " ms", digits=0), calls))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
