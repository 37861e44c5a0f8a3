#!/usr/bin/env python3
# download.py: Benchmark 3, a large video from the simulator on loopback
# through sd_download_file_async, against curl -o of the same URL, in the
# same run, runs alternating.
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Usage: download.py --build BUILD_ROOT [--size BYTES] [--runs 3]

Size defaults to 1 GiB (BENCH_DOWNLOAD_SIZE overrides, e.g. 268435456 for
a quick 256 MiB run); runs default to 5 (BENCH_DOWNLOAD_RUNS). Three kinds of run, alternating:
  curl        curl -s -o FILE URL, the server being sim-server (own process)
  separate    download-bench URL, the same sim-server
  in-process  download-bench --in-process: the simulator shares the
              downloader's process, main loop and core (reported, not judged)
Throughput is the size over the wall time from spawning the process to its
exit, measured here the same way for all three."""

import argparse
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402


def timed(cmd, env):
    start = time.monotonic()
    out = subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE,
                         text=True, timeout=900).stdout
    return time.monotonic() - start, out


def parse(out):
    line = [l for l in out.splitlines() if l.startswith("download ")][-1]
    return {k: float(v) for k, v in (f.split("=") for f in line.split()[1:])}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--size", type=int,
                        default=int(os.environ.get("BENCH_DOWNLOAD_SIZE", 1024 * 1024 * 1024)))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_DOWNLOAD_RUNS", 5)))
    args = parser.parse_args()
    curl = shutil.which("curl")
    if curl is None:
        sys.exit("curl is needed (apt-get install curl)")

    bench = os.path.join(args.build, "bench", "download-bench")
    env = benchlib.base_env(args.build)
    root = benchlib.tmpdir("bench-download-")
    env.update(benchlib.make_xdg(root))
    out_dir = os.path.join(root, "out")
    os.makedirs(out_dir)
    server = subprocess.Popen([os.path.join(args.build, "bench", "sim-server"),
                               "--make-video", "--video-size", str(args.size)],
                              env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        url = None
        for line in server.stdout:
            if line.startswith("video-url "):
                url = line.split()[1]
            if line.strip() == "ready":
                break
        if url is None:
            sys.exit("sim-server gave no video URL")

        res = {"curl": [], "separate": [], "in-process": []}
        rss = {"separate": [], "in-process": []}
        curl_file = os.path.join(out_dir, "curl.mp4")
        timed([curl, "-s", "-o", curl_file, url], env)  # warm-up, untimed
        os.unlink(curl_file)
        for i in range(args.runs):
            kinds = ["curl", "separate", "in-process"]
            if i % 2:
                kinds.reverse()
            for kind in kinds:
                if kind == "curl":
                    wall, _ = timed([curl, "-s", "-S", "-f", "-o", curl_file, url], env)
                    if os.path.getsize(curl_file) != args.size:
                        sys.exit("curl got a short file")
                    os.unlink(curl_file)
                else:
                    cmd = [bench, url, out_dir] if kind == "separate" else \
                          [bench, "--in-process", str(args.size), out_dir]
                    wall, out = timed(cmd, env)
                    r = parse(out)
                    if r["bytes"] != args.size:
                        sys.exit("%s got %d bytes" % (kind, r["bytes"]))
                    rss[kind].append((r["rss_max_kb"] - r["rss_start_kb"]) / 1024)
                res[kind].append(args.size / wall / 1e6)

        print("Download of %d MiB from the simulator on loopback, %d alternating runs each"
              % (args.size // (1024 * 1024), args.runs))
        for kind in res:
            print("  %-10s throughput %s" % (kind, benchlib.fmt(res[kind], " MB/s")))
        for kind in rss:
            print("  %-10s RSS growth during the transfer %s (target < 16 MB: %s)" % (
                kind, benchlib.fmt(rss[kind], " MB"),
                "MET" if max(rss[kind]) < 16 else "MISSED"))
        print("  " + benchlib.ratio_line("separate/curl throughput", res["separate"], res["curl"],
                                         target=0.9, higher_is_better=True))
        print("  " + benchlib.ratio_line("in-process/curl throughput", res["in-process"], res["curl"]))
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
