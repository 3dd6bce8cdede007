#!/usr/bin/env python3
"""Write a synthetic application log of a given size for `errdex scan` measurements.

Usage: python3 scripts/gen-log.py OUT SIZE_MB [ERROR_EVERY]
Ordinary request/debug lines, with one line in ERROR_EVERY (default 500) carrying a real
error wording taken from the bundled entries' aliases, behind an ISO timestamp and a level.
"""
import glob, random, sys, yaml

out, size_mb = sys.argv[1], int(sys.argv[2])
every = int(sys.argv[3]) if len(sys.argv) > 3 else 500
random.seed(7)
errors = []
for f in glob.glob("entries/**/*.yaml", recursive=True):
    e = yaml.safe_load(open(f))
    errors.extend(a for a in [e["title"]] + e.get("aliases", []) if "\n" not in a)
normal = [
    'INFO  [http-nio-8080-exec-{n}] c.e.api.OrderController : GET /api/orders/{n} 200 {n}ms',
    'DEBUG [pool-2-thread-{n}] c.e.cache.Redis : cache hit key=order:{n}',
    'INFO  [main] c.e.jobs.Scheduler : job reconcile-{n} finished in {n} ms, 0 errors',
    'WARN  [worker-{n}] c.e.retry.Backoff : attempt {n} for batch {n} took longer than expected',
]
block = []
for i in range(20000):
    ts = f"2026-11-24T10:{(i // 60) % 60:02d}:{i % 60:02d}.{i % 1000:03d}Z"
    if i % every == every - 1:
        block.append(f"{ts} ERROR {random.choice(errors)}")
    else:
        block.append(f"{ts} " + random.choice(normal).format(n=random.randint(1, 99999)))
chunk = ("\n".join(block) + "\n").encode()
target = size_mb * 1024 * 1024
with open(out, "wb") as fh:
    written = 0
    while written < target:
        fh.write(chunk)
        written += len(chunk)
print(f"wrote {written / 1048576:.0f} MiB to {out}")
