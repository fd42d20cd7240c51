"""``python -m scratchnet.lab build DIR`` and ``python -m scratchnet.lab grade NOTEBOOK... --csv FILE``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scratchnet.lab import grading, handout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scratchnet.lab", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    b = commands.add_parser("build", help="write the lab folder to hand out (and the answers, apart)")
    b.add_argument("folder", type=Path, help="the hand-out folder (new, empty, or built before)")
    b.add_argument(
        "--answers",
        nargs="?",
        const=True,
        default=None,
        metavar="FOLDER",
        help="also write the executed solutions, to FOLDER (default: DIR-answers beside DIR)",
    )
    b.add_argument("--wheel", type=Path, help="ship this wheel instead of building one from the checkout")
    b.add_argument("--data", type=Path, help="a folder holding fashion-mnist/, copied into the lab for offline use")

    g = commands.add_parser("grade", help="run submitted notebooks and write their grades")
    g.add_argument("notebooks", nargs="+", type=Path, help="the submitted .ipynb files")
    g.add_argument("--csv", type=Path, required=True, help="the CSV to write: one row per notebook")
    g.add_argument("--gradescope", type=Path, help="also write Gradescope's autograder results.json here")
    g.add_argument("--timeout", type=int, default=grading.DEFAULT_TIMEOUT, help="seconds allowed per cell")
    g.add_argument("--kernel", default="python3", help="the Jupyter kernel to run them with")
    g.add_argument("--data", type=Path, help="a folder holding fashion-mnist/ (else $SCRATCHNET_DATA_DIR, the cache)")
    args = parser.parse_args(argv)

    try:
        if args.command == "build":
            answers = args.answers
            if answers is True:
                answers = args.folder.resolve().with_name(args.folder.resolve().name + "-answers")
            folder = handout.build(args.folder, answers=answers, wheel=args.wheel, data=args.data)
            print(f"Lab folder written to {folder}: zip it and hand it out.")
            if answers:
                print(f"Answers written to {Path(answers).resolve()}: keep them for yourself.")
            return 0
        missing = [str(p) for p in args.notebooks if not p.is_file()]
        if missing:
            raise ValueError(f"grade expected notebook files. Received paths that are not files: {missing}.")

        def progress(g: grading.Grade) -> None:
            note = f" ({'; '.join(g.problems)})" if g.problems else ""
            print(f"{g.notebook}: {g.score}/{g.max_score}{note}", flush=True)

        if args.data is not None and not (args.data / "fashion-mnist").is_dir():
            raise ValueError(f"--data expected a folder holding fashion-mnist/. Received: --data={str(args.data)!r}.")
        grades = grading.grade(
            args.notebooks, timeout=args.timeout, kernel=args.kernel, data=args.data, progress=progress
        )
        grading.write_csv(grades, args.csv)
        print(f"Grades written to {args.csv}")
        if args.gradescope:
            grading.write_gradescope(grades, args.gradescope)
            print(f"Gradescope results written to {args.gradescope}")
        return 0
    except (ValueError, RuntimeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
