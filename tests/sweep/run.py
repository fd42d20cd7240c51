"""The reliability sweep: misuse, faults and crafted files across scratchnet's API, each case in its own process.

    python tests/sweep/run.py                 all cases (make sweep); a table of outcomes per class and area
    python tests/sweep/run.py -k callbacks    only the cases whose id or area contains the word
    python tests/sweep/run.py --json out.json also write every case's outcome

Each case (``cases.py``) runs in a fresh Python process with a time limit and a memory limit (``child.py`` sets
``RLIMIT_AS``); its outcome is classified as one of ``CLASSES``. A case states the class it should have today, so a
change that makes a case worse shows up as a regression; the exit status is 1 when there is one.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from cases import CASES  # noqa: E402

CLASSES = ("works", "clear", "misleading", "raw", "silent", "hang", "lost", "security", "skipped")
GOOD = ("works", "clear")


def run_case(case, memory_mb: int, timeout: float) -> dict:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MPLBACKEND="Agg", PYTHONHASHSEED="0")
    with tempfile.TemporaryDirectory() as tmp:
        result_file = os.path.join(tmp, "result.json")
        start = time.monotonic()
        try:
            proc = subprocess.run(
                [
                    sys.executable,
                    os.path.join(HERE, "child.py"),
                    case.id,
                    result_file,
                    str(case.memory_mb or memory_mb),
                ],
                capture_output=True,
                text=True,
                timeout=case.timeout or timeout,
                env=env,
            )
        except subprocess.TimeoutExpired:
            return {"kind": "hang", "note": f"no answer in {case.timeout or timeout:g} s", "seconds": None}
        seconds = round(time.monotonic() - start, 1)
        if not os.path.exists(result_file):
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [f"exit status {proc.returncode}"]
            return {"kind": "raw", "note": f"the process died: {tail[0][:200]}", "seconds": seconds}
        with open(result_file) as f:
            result = json.load(f)
    result["seconds"] = seconds
    return result


def table(rows: list[tuple[str, str]], key_name: str) -> str:
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for key, kind in rows:
        counts[key][kind] += 1
    width = max([len(key_name), *(len(k) for k in counts)])
    lines = [f"{key_name:<{width}} " + " ".join(f"{c:>10}" for c in CLASSES) + f" {'total':>6}"]
    for key in sorted(counts):
        lines.append(
            f"{key:<{width}} " + " ".join(f"{counts[key][c]:>10}" for c in CLASSES) + f" {sum(counts[key].values()):>6}"
        )
    total = collections.Counter(kind for _, kind in rows)
    lines.append(f"{'all':<{width}} " + " ".join(f"{total[c]:>10}" for c in CLASSES) + f" {len(rows):>6}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", default="", help="run only cases whose id or area contains this")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="cases run at once (default 2)")
    parser.add_argument("--timeout", type=float, default=40.0, help="seconds a case may take (default 40)")
    parser.add_argument("--memory", type=int, default=1500, help="address-space limit per case, MB (default 1500)")
    parser.add_argument("--json", help="write every outcome to this file")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every case's outcome")
    args = parser.parse_args(argv)
    cases = [c for c in CASES if args.k in c.id or args.k in c.area]
    if not cases:
        print(f"no case matches {args.k!r}")
        return 2
    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda c: run_case(c, args.memory, args.timeout), cases))
    regressions, improved = [], []
    for case, result in zip(cases, results, strict=True):
        if args.verbose:
            print(f"{case.id:<40} {result['kind']:<10} {result.get('note', '')[:150]}")
        if result["kind"] != case.expected:
            worse = result["kind"] not in (*GOOD, "skipped") and (
                case.expected in GOOD or result["kind"] != "misleading"
            )
            (regressions if worse else improved).append((case, result))
    print(
        f"\n{len(cases)} cases, by area:\n"
        + table([(c.area, r["kind"]) for c, r in zip(cases, results, strict=True)], "area")
    )
    if improved:
        print(f"\n{len(improved)} cases differ from their expected class without being worse:")
        for case, result in improved:
            print(f"  {case.id}: expected {case.expected}, got {result['kind']}  {result.get('note', '')[:120]}")
    if regressions:
        print(f"\n{len(regressions)} cases are worse than expected:")
        for case, result in regressions:
            print(f"  {case.id}: expected {case.expected}, got {result['kind']}  {result.get('note', '')[:200]}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                {c.id: {"area": c.area, "expected": c.expected, **r} for c, r in zip(cases, results, strict=True)},
                f,
                indent=1,
            )
    return 1 if regressions else 0


if __name__ == "__main__":
    raise SystemExit(main())
