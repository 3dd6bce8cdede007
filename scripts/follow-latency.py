#!/usr/bin/env python3
"""How long `errdex scan --follow --json` takes to report a known error after it is written.

Usage: scripts/follow-latency.py path/to/errdex [runs]

Each run starts a follower on a fresh file, waits until it says it reached the end, appends
one known error line and times the arrival of its `new` event. Prints the median and range.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

LINE = "2026-12-06T10:00:01Z ERROR dial tcp 10.0.0.5:8443: connect: connection refused\n"


def one(binary: str, folder: str) -> float:
    log = os.path.join(folder, "app.log")
    with open(log, "w") as f:
        f.write("INFO start\n")
    env = dict(os.environ, HOME=folder, XDG_DATA_HOME=os.path.join(folder, "data"))
    env.pop("ERRDEX_PATH", None)
    p = subprocess.Popen([binary, "scan", "--follow", "--json", log],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        while b"following from line" not in p.stderr.readline():
            pass
        start = time.monotonic()
        with open(log, "a") as f:
            f.write(LINE)
        p.stdout.readline()
        return time.monotonic() - start
    finally:
        p.terminate()
        p.wait()


def main() -> None:
    binary = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            times.append(one(binary, folder) * 1000)
    print(f"{runs} runs: median {statistics.median(times):.1f} ms, "
          f"min {min(times):.1f} ms, max {max(times):.1f} ms")


if __name__ == "__main__":
    main()
