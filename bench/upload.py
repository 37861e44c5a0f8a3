#!/usr/bin/env python3
# upload.py: a 100 MB file uploaded to the simulator on loopback through
# SdUploader, against curl -F file=@… of the same file, runs alternating.
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Usage: upload.py --build BUILD_ROOT [--also OTHER_BUILD]... [--size BYTES] [--runs N]

Size defaults to 100 MiB minus a little (the upload limit is 100 MB;
BENCH_UPLOAD_SIZE overrides); runs default to 5 (BENCH_UPLOAD_RUNS). Both
send to sim-server (its own process). Throughput is the size over the wall
time from spawning the process to its exit, for both; and, second, over
the transfer alone, as each tool times it (curl's time_total: from the
name lookup to the answer; upload-bench's ms: from sd_uploader_upload_async
to its callback), which leaves out the start of the process (the dynamic
linking of GStreamer, GIO's modules) that is no part of an upload. Spawn to
exit includes the SHA-256 wherever it is taken (upload-bench waits until the
link is cached before it exits). Each --also adds the upload-bench of another
build (an older commit), in the same runs, so that versions are compared at
the same load."""

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

JPEG_HEAD = bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]) + b"JFIF\x00"


def timed(cmd, env):
    start = time.monotonic()
    out = subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE,
                         text=True, timeout=900).stdout
    return time.monotonic() - start, out


def parse(out):
    line = [l for l in out.splitlines() if l.startswith("upload ")][-1]
    return {k: float(v) for k, v in (f.split("=") for f in line.split()[1:])}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--size", type=int,
                        default=int(os.environ.get("BENCH_UPLOAD_SIZE", 100 * 1000 * 1000)))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_UPLOAD_RUNS", 5)))
    parser.add_argument("--also", action="append", default=[])
    args = parser.parse_args()
    curl = shutil.which("curl")
    if curl is None:
        sys.exit("curl is needed (apt-get install curl)")

    benches = {"uploader": os.path.join(args.build, "bench", "upload-bench")}
    for other in args.also:
        benches["uploader@" + other] = os.path.join(other, "bench", "upload-bench")
    env = benchlib.base_env(args.build)
    root = benchlib.tmpdir("bench-upload-")
    env.update(benchlib.make_xdg(root))
    path = os.path.join(root, "big.jpg")
    with open(path, "wb") as f:
        f.write(JPEG_HEAD)
        chunk = os.urandom(1024 * 1024)
        left = args.size - len(JPEG_HEAD)
        while left > 0:
            f.write(chunk[:min(left, len(chunk))])
            left -= len(chunk)
    server = subprocess.Popen([os.path.join(args.build, "bench", "sim-server")],
                              env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        base = token = None
        for line in server.stdout:
            if line.startswith("base-url "):
                base = line.split()[1]
            if line.startswith("token "):
                token = line.split()[1]
            if line.strip() == "ready":
                break
        url = base + "/api/open-api/v1/files/upload"
        curl_cmd = [curl, "-s", "-S", "-f", "-o", os.devnull, "-w", "time_total=%{time_total}\n",
                    "-H", "Authorization: Bearer " + token,
                    "-F", "file=@%s;type=image/jpeg" % path, url]
        timed(curl_cmd, env)  # warm-up (page cache), untimed
        res = {kind: [] for kind in ["curl"] + list(benches)}
        transfer = {kind: [] for kind in res}
        rss = {kind: [] for kind in benches}
        cpu = {kind: [] for kind in benches}
        main_cpu = {kind: [] for kind in benches}
        cpu_all = {kind: [] for kind in benches}
        curl_cpu = []
        for i in range(args.runs):
            kinds = list(res) if i % 2 == 0 else list(reversed(list(res)))
            for kind in kinds:
                if kind == "curl":
                    before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    wall, out = timed(curl_cmd, env)
                    after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    curl_cpu.append((after.ru_utime + after.ru_stime
                                     - before.ru_utime - before.ru_stime) * 1000)
                    seconds = float(out.strip().split("=")[1])
                    transfer[kind].append(args.size / seconds / 1e6)
                else:
                    wall, out = timed([benches[kind], base, token, path], env)
                    r = parse(out)
                    if r["bytes"] != args.size:
                        sys.exit("%s sent %d bytes" % (kind, r["bytes"]))
                    rss[kind].append((r["rss_max_kb"] - r["rss_start_kb"]) / 1024)
                    transfer[kind].append(args.size / (r["ms"] / 1000) / 1e6)
                    cpu[kind].append(r["cpu_ms"])
                    main_cpu[kind].append(r.get("main_cpu_ms", r["cpu_ms"]))  # older: one thread
                    # with the hash taken after the answer and the link cached
                    cpu_all[kind].append(r.get("cpu_cached_ms", r["cpu_ms"]))
                res[kind].append(args.size / wall / 1e6)

        print("Upload of %d MB to the simulator on loopback, %d alternating runs each"
              % (args.size // 1000000, args.runs))
        for kind in res:
            print("  %-9s throughput %s" % (kind, benchlib.fmt(res[kind], " MB/s")))
        for kind in res:
            print("  %-9s transfer alone %s" % (kind, benchlib.fmt(transfer[kind], " MB/s")))
        print("  curl CPU of the process %s" % benchlib.fmt(curl_cpu, " ms"))
        for kind in benches:
            print("  %s CPU during the transfer %s, of it on the main thread %s" % (
                kind, benchlib.fmt(cpu[kind], " ms"), benchlib.fmt(main_cpu[kind], " ms")))
            print("  %s CPU until the link is cached (hash included) %s" % (
                kind, benchlib.fmt(cpu_all[kind], " ms")))
            print("  %s RSS growth during the transfer %s (target < 16 MB: %s)" % (
                kind, benchlib.fmt(rss[kind], " MB"), "MET" if max(rss[kind]) < 16 else "MISSED"))
            print("  " + benchlib.ratio_line("%s/curl throughput" % kind, res[kind], res["curl"],
                                             target=0.9, higher_is_better=True))
            print("  " + benchlib.ratio_line("%s/curl transfer alone" % kind, transfer[kind],
                                             transfer["curl"], target=0.9, higher_is_better=True))
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
