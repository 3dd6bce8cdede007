#!/usr/bin/env python3
"""Time from launching errdex in a pseudo-terminal to its first complete frame.

Usage: python3 scripts/first-frame.py [path/to/errdex] [runs]
A frame counts as complete when the status line (written last) has been: its key hints,
or the note on the versions found in the current folder.
Prints the median and the range in milliseconds.
"""
import os, pty, select, statistics, sys, time, fcntl, termios, struct

binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/errdex"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
times = []
for _ in range(runs):
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(binary, [binary])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    start = time.perf_counter()
    seen = b""
    # The status line is written last: key hints, or what versions were found.
    while b"Esc clear/quit" not in seen and b"your versions:" not in seen:
        r, _, _ = select.select([fd], [], [], 5)
        if not r:
            break
        seen += os.read(fd, 65536)
    times.append((time.perf_counter() - start) * 1000)
    os.write(fd, b"\x03")  # Ctrl-C
    os.waitpid(pid, 0)
    os.close(fd)
print(f"first frame: median {statistics.median(times):.1f} ms, "
      f"min {min(times):.1f} ms, max {max(times):.1f} ms over {runs} runs")
