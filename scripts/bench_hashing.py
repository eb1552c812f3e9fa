#!/usr/bin/env python3
"""Evidence hashing, measured: cold throughput against `sha256sum` on the same files, and the warm rebuild.

    python3 scripts/bench_hashing.py [--files 5000] [--dir DIR] [--json]

Generates a synthetic evidence tree (mixed sizes: many small exports, some larger PDFs-sized files, a few
big ones; deterministic for a seed) unless --dir names an existing program folder with an evidence/ folder.
Every file is read once first so that both tools hash from the page cache, then, in this order and best of
three each: `sha256sum` over all files (one process per 1,000 files, as xargs would), trustbinder cold
(no hash cache) and trustbinder warm (the cache from the cold run, nothing changed). The trustbinder figures
are the real code path of `evidence verify` and `check`: list the tree, stat, hash or look up, save the cache.

Targets (issue 7): cold throughput at least 0.9 of sha256sum's; warm time under 5% of cold.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from trustbinder.model.findings import Findings
from trustbinder.model.hashcache import CACHE_DIR, HashCache
from trustbinder.model.lock import list_evidence, snapshot


def generate(root: Path, count: int, seed: int) -> None:
    chance = random.Random(seed)
    block = os.urandom(8 << 20)
    for index in range(count):
        roll = chance.random()
        if roll < 0.70:
            size = chance.randint(1 << 10, 64 << 10)
        elif roll < 0.95:
            size = chance.randint(64 << 10, 1 << 20)
        else:
            size = chance.randint(1 << 20, 8 << 20)
        path = root / "evidence" / f"area-{index % 40:02d}" / f"item-{index:06d}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        start = chance.randint(0, len(block) - size)
        path.write_bytes(index.to_bytes(8, "big") + block[start : start + size - 8])
    # Age everything so that no file counts as "written this very moment" by the cache.
    past = time.time() - 3600
    for path in (root / "evidence").rglob("*"):
        os.utime(path, (past, past))


def best_of(runs: int, action: Callable[[], object], before: Callable[[], object] | None = None) -> float:
    times = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def sha256sum(files: list[Path]) -> None:
    for start in range(0, len(files), 1000):
        subprocess.run(["sha256sum", *map(str, files[start : start + 1000])], check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, help="an existing program folder to measure instead")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    args = parser.parse_args()

    scratch = None
    if args.dir:
        root = args.dir.resolve()
    else:
        scratch = Path(tempfile.mkdtemp(prefix="tb-bench-hash-"))
        root = scratch
        generate(root, args.files, args.seed)
    try:
        files = [root / rel for rel, _ in list_evidence(root, root / "evidence")]
        total = sum(p.stat().st_size for p in files)
        for path in files:  # into the page cache, for both tools alike
            path.read_bytes()

        def drop_cache() -> None:
            shutil.rmtree(root / CACHE_DIR, ignore_errors=True)

        def trustbinder_pass() -> None:
            snapshot(root, root / "evidence", HashCache(root), Findings())

        baseline = best_of(args.runs, lambda: sha256sum(files))
        cold = best_of(args.runs, trustbinder_pass, before=drop_cache)
        drop_cache()
        trustbinder_pass()
        warm = best_of(args.runs, trustbinder_pass)
        check = HashCache(root)
        check.digests([rel for rel, _ in list_evidence(root, root / "evidence")])
        result = {
            "files": len(files),
            "bytes": total,
            "cpus": os.cpu_count(),
            "sha256sum_seconds": round(baseline, 3),
            "sha256sum_mb_per_s": round(total / baseline / 1e6, 1),
            "cold_seconds": round(cold, 3),
            "cold_mb_per_s": round(total / cold / 1e6, 1),
            "cold_vs_sha256sum": round(baseline / cold, 2),
            "warm_seconds": round(warm, 4),
            "warm_vs_cold": round(warm / cold, 4),
            "warm_files_read": check.stats.hashed_files,
            "targets_met": baseline / cold >= 0.9 and warm / cold < 0.05 and check.stats.hashed_files == 0,
        }
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    if not args.json:
        print(f"{result['files']} files, {total / 1e6:.0f} MB, {result['cpus']} CPU(s), best of {args.runs}")
        print(f"  sha256sum          {baseline:8.3f} s  {result['sha256sum_mb_per_s']:8.1f} MB/s")
        print(
            f"  trustbinder cold   {cold:8.3f} s  {result['cold_mb_per_s']:8.1f} MB/s  "
            f"{result['cold_vs_sha256sum']:.2f}x sha256sum's throughput (target >= 0.9)"
        )
        print(
            f"  trustbinder warm   {warm:8.4f} s  {100 * warm / cold:8.2f} % of cold (target < 5 %), "
            f"{result['warm_files_read']} file(s) read"
        )
    print(json.dumps(result))
    return 0 if result["targets_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
