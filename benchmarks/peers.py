"""scratchnet against Keras 3 (TensorFlow CPU) and PyTorch (CPU): the same models on the same data, in one run.

    python benchmarks/peers.py --data-dir ../shared/data            # everything (make peers ARGS=...)
    python benchmarks/peers.py --models mlp,cnn --epochs 2
    python benchmarks/peers.py --frameworks scratchnet,torch --skip-install

It builds its own venvs under benchmarks/.venvs/ (git-ignored; never the project's dependencies, never part of
``make test``): scratchnet (this checkout, editable), Keras with TensorFlow CPU, and PyTorch CPU, each from the
package index. Then, one at a time and each in a fresh process of its own venv, it trains every model in every
framework (benchmarks/peer_runs/run_*.py) and prints:

    s/epoch         the best epoch's wall time of --epochs epochs (the first epoch pays for tracing, XLA
                    compilation and warm-up; the best one is the steady speed)
    ratio           scratchnet's s/epoch over Keras's and over PyTorch's: below 1 is faster
    test accuracy   on the 10,000 test images (2,000 sequences) after the last epoch, so that speeds are
                    compared at equal accuracy
    fit adds        peak RSS during training minus the RSS just before it (the arrays are already loaded then):
                    what training costs above the data (the issue's target: within +64 MB)
    peak - arrays   the process's peak RSS minus the bytes of the data arrays: the framework's own footprint
                    (its libraries included) above the data

Models (benchmarks/peer_runs/common.py): mlp, the course's exercise MLP; dlwp, Deep Learning with Python's MLP;
cnn, the course's convolution model on 12,000 images; bilstm, an Embedding -> Bidirectional(LSTM(32)) text
classifier on synthetic token sequences; tape, a gradient-tape training loop on the exercise MLP. The last two run
only once scratchnet has the layers (or sn.GradientTape); naming them in --models times Keras and PyTorch anyway.

Only the standard library is used here; the runs need NumPy and their framework, in their venvs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RUNS = HERE / "peer_runs"
VENVS = HERE / ".venvs"
LOGS = HERE / "results" / "peers-logs"
sys.path.insert(0, str(RUNS))
from specs import MODELS as SPECS  # noqa: E402 (plain data, no NumPy)

FRAMEWORKS = ("scratchnet", "keras", "torch")
LABEL = {"scratchnet": "scratchnet", "keras": "Keras", "torch": "PyTorch"}
MODELS = ("mlp", "dlwp", "cnn", "bilstm", "tape")
HOOKS = ("bilstm", "tape")  # models that need features scratchnet may not have yet

# What each venv installs. PyPI's Linux x86_64 torch wheels are CUDA builds that need ~3 GB of nvidia-* packages
# to import (installed with --no-deps they stop at "libcudnn.so.9: cannot open shared object file"), and PyPI has
# no CPU-only build. The machines of this project keep a CPU build of torch 2.13.0 where pip finds it (its
# find-links), so that is asked for first; the CUDA build, which also runs on the CPU, is the fallback.
INSTALL = {
    "scratchnet": [["-e", str(REPO), "threadpoolctl"]],
    "keras": [["tensorflow-cpu", "keras", "threadpoolctl"]],
    "torch": [["torch==2.13.0+cpu", "numpy", "threadpoolctl"], ["torch", "numpy", "threadpoolctl"]],
}
IMPORT_CHECK = {
    "scratchnet": "import scratchnet, numpy; print('scratchnet', scratchnet.__version__, 'numpy', numpy.__version__)",
    "keras": "import keras, tensorflow as tf; print('keras', keras.__version__, 'tensorflow', tf.__version__, "
    "tf.reduce_sum(tf.ones((2, 2)) @ tf.ones((2, 2))).numpy())",
    "torch": "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, "
    "(torch.ones(2, 2) @ torch.ones(2, 2)).sum().item())",
}
# Set on some machines for old OpenBLAS builds; they slow a current one. Removed from the runs' environment only.
OPENBLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Train the same models on the same data with scratchnet, Keras (TensorFlow CPU) and PyTorch "
        "(CPU), one at a time in their own venvs, and print seconds per epoch, the ratios, accuracy and memory.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 2)[2],
    )
    p.add_argument(
        "--data-dir",
        help="folder holding fashion-mnist/ (default: $SCRATCHNET_DATA_DIR, else ../shared/data beside the checkout)",
    )
    p.add_argument("--epochs", type=int, default=3, help="epochs per run; the best one is reported (default 3)")
    p.add_argument("--models", default=",".join(MODELS), help=f"comma-separated, of {', '.join(MODELS)}")
    p.add_argument("--frameworks", default=",".join(FRAMEWORKS), help=f"comma-separated, of {', '.join(FRAMEWORKS)}")
    p.add_argument("--skip-install", action="store_true", help="use the venvs as they are (fail if one is missing)")
    p.add_argument("--n-train", type=int, help="fewer training examples, for a quick check (not a benchmark)")
    p.add_argument("--timeout", type=float, default=3600, help="seconds one run may take (default 3600)")
    p.add_argument(
        "--wait-idle",
        type=float,
        default=0,
        metavar="SECONDS",
        help="before each run, wait up to this long for other programs to leave the CPU idle (a shared "
        "machine); each run's report says how many cores others used meanwhile either way",
    )
    p.add_argument(
        "--threads",
        type=int,
        metavar="N",
        help="give every framework N threads (OMP_, MKL_, OPENBLAS_NUM_THREADS and TF_NUM_INTRAOP_THREADS "
        "in the runs' environment); by default each picks its own, all cores",
    )
    p.add_argument(
        "--report-only",
        action="store_true",
        help="run nothing: print the report of the last runs saved in benchmarks/results/peers-logs",
    )
    p.add_argument("--output", help="also write the report to this file")
    p.add_argument("--json", help="also write every run's raw result to this file")
    args = p.parse_args(argv)
    args.model_list = _choices(args.models, MODELS, "--models")
    args.framework_list = _choices(args.frameworks, FRAMEWORKS, "--frameworks")
    args.models_named = "--models" in " ".join(argv if argv is not None else sys.argv[1:])
    if args.epochs < 1:
        p.error(f"--epochs must be at least 1. Received: --epochs={args.epochs}")
    args.data_dir = find_data_dir(args.data_dir, p)
    return args


def _choices(text: str, allowed: tuple[str, ...], flag: str) -> list[str]:
    chosen = [c.strip() for c in text.split(",") if c.strip()]
    wrong = [c for c in chosen if c not in allowed]
    if wrong or not chosen:
        raise SystemExit(f"peers: {flag} takes a comma-separated list of {', '.join(allowed)}. Received: {flag}={text}")
    return chosen


def find_data_dir(given: str | None, parser: argparse.ArgumentParser) -> str:
    for candidate in (given, os.environ.get("SCRATCHNET_DATA_DIR"), str(REPO.parent / "shared" / "data")):
        if candidate and Path(candidate).expanduser().is_dir():
            return str(Path(candidate).expanduser().resolve())
        if candidate and candidate == given:
            parser.error(f"--data-dir is not a folder. Received: --data-dir={given}")
    parser.error("no data folder: pass --data-dir pointing at the folder that holds fashion-mnist/")
    raise AssertionError  # parser.error exits


# ------------------------------------------------------------------------------------------------------ venvs


def python_of(framework: str) -> Path:
    return VENVS / framework / "bin" / "python"


def folder_mb(path: Path) -> float:
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total / 2**20


def ensure_venv(framework: str, skip_install: bool, say) -> dict:
    """Create benchmarks/.venvs/<framework> and install into it unless that was done with the same packages."""
    stamp = VENVS / framework / ".peers-installed.json"
    info = json.loads(stamp.read_text()) if stamp.is_file() else None
    if skip_install or (info and info.get("packages") in INSTALL[framework]):
        if not python_of(framework).is_file():
            raise SystemExit(
                f"peers: --skip-install, but there is no venv at {VENVS / framework}. Run without it once."
            )
        return info or {"packages": "?", "note": "installed by hand"}
    LOGS.mkdir(parents=True, exist_ok=True)
    failures = []
    for packages in INSTALL[framework]:
        shutil.rmtree(VENVS / framework, ignore_errors=True)
        say(f"installing {framework}: pip install {' '.join(packages)}")
        start = time.perf_counter()
        log = LOGS / f"install-{framework}.log"
        with open(log, "w") as out:
            steps = [
                [sys.executable, "-m", "venv", str(VENVS / framework)],
                [str(python_of(framework)), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
                [str(python_of(framework)), "-m", "pip", "install", "--quiet", *packages],
            ]
            code = 0
            for step in steps:
                code = subprocess.call(step, stdout=out, stderr=subprocess.STDOUT, env=clean_env())
                if code:
                    break
        check = (
            subprocess.run(
                [str(python_of(framework)), "-c", IMPORT_CHECK[framework]],
                capture_output=True,
                text=True,
                env=clean_env(),
            )
            if not code
            else None
        )
        seconds = time.perf_counter() - start
        if code or check.returncode:
            reason = f"pip exited {code}" if code else f"import failed: {check.stderr.strip().splitlines()[-1:]}"
            failures.append(f"pip install {' '.join(packages)}: {reason} ({_tail(log)})")
            say(f"  failed after {seconds:.0f} s: {reason}")
            continue
        info = {
            "packages": packages,
            "seconds": round(seconds, 1),
            "size_mb": round(folder_mb(VENVS / framework)),
            "check": check.stdout.strip(),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        stamp.write_text(json.dumps(info, indent=1))
        say(f"  {info['check']}: {info['seconds']:.0f} s, {info['size_mb']:,} MB in {VENVS / framework}")
        return info
    raise SystemExit(f"peers: could not install {framework}:\n  " + "\n  ".join(failures))


def _tail(log: Path) -> str:
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip() and "WARNING" not in line]
    return " | ".join(lines[-3:]) or f"see {log}"


def clean_env(threads: int | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in OPENBLAS_OVERRIDES}
    env.pop("PYTHONPATH", None)
    if threads:
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TF_NUM_INTRAOP_THREADS"):
            env[name] = str(threads)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter goes to the log either way
    return env


# ------------------------------------------------------------------------------------------------------- runs


def cpu_busy_seconds() -> float | None:
    """CPU seconds all processes have used since boot, from /proc/stat (all cores; idle, iowait, steal left out)."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    busy = sum(fields[:3]) + fields[5] + fields[6]  # user nice system (idle iowait) irq softirq (steal ...)
    return busy / os.sysconf("SC_CLK_TCK")


def others_busy(seconds: float = 2.0) -> float | None:
    """How many cores other processes keep busy, over a short look."""
    a, t0 = cpu_busy_seconds(), time.perf_counter()
    time.sleep(seconds)
    b = cpu_busy_seconds()
    return None if a is None or b is None else (b - a) / (time.perf_counter() - t0)


def wait_for_quiet(limit: float, say) -> None:
    """Wait up to limit seconds until other processes use less than a quarter of one core (a shared machine)."""
    deadline = time.perf_counter() + limit
    busy = others_busy()
    while busy is not None and busy > 0.25 and time.perf_counter() < deadline:
        say(f"  waiting: other processes keep {busy:.1f} cores busy")
        time.sleep(10)
        busy = others_busy()


def run_one(framework: str, model: str, args, say) -> dict:
    out = LOGS / f"{model}-{framework}.json"
    out.unlink(missing_ok=True)
    command = [
        str(python_of(framework)),
        str(RUNS / f"run_{framework}.py"),
        "--model", model,
        "--data-dir", args.data_dir,
        "--epochs", str(args.epochs),
        "--out", str(out),
    ]  # fmt: skip
    if args.n_train:
        command += ["--n-train", str(args.n_train)]
    if args.wait_idle:
        wait_for_quiet(args.wait_idle, say)
    busy0, children0 = cpu_busy_seconds(), sum(os.times()[2:4])
    start = time.perf_counter()
    log = LOGS / f"{model}-{framework}.log"
    with open(log, "w") as f:
        try:
            code = subprocess.call(
                command, stdout=f, stderr=subprocess.STDOUT, env=clean_env(args.threads), timeout=args.timeout
            )
        except subprocess.TimeoutExpired:
            code = "timeout"
    wall = time.perf_counter() - start
    busy1, children1 = cpu_busy_seconds(), sum(os.times()[2:4])
    # The machine's CPU time over the run minus the run's own: what other programs took from it meanwhile.
    others = None if busy0 is None or busy1 is None else max(0.0, (busy1 - busy0) - (children1 - children0)) / wall
    if code != 0 or not out.is_file():
        say(f"  {LABEL[framework]:<10} FAILED ({code}) after {wall:.0f} s: {_tail(log)}")
        return {"framework": framework, "model": model, "failed": f"exit {code}: {_tail(log)}"}
    result = json.loads(out.read_text())
    result["wall_s"] = wall
    result["others_cores"] = others
    out.write_text(json.dumps(result, indent=1))  # for --report-only
    if "skipped" in result:
        say(f"  {LABEL[framework]:<10} skipped: {result['skipped']}")
    else:
        times = ", ".join(f"{t:.2f}" for t in result["epoch_times"])
        say(
            f"  {LABEL[framework]:<10} best {result['best_epoch_s']:.2f} s/epoch (epochs {times}), "
            f"test accuracy {result['test_accuracy']:.4f}, fit adds {_mb(result.get('fit_added_mb'))}, "
            f"others used {_cores(others)} cores meanwhile"
        )
    return result


def _cores(value) -> str:
    return "?" if value is None else f"{value:.2f}"


def _mb(value) -> str:
    return "?" if value is None else f"{value:+.0f} MB"


# ----------------------------------------------------------------------------------------------------- report


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        with open("/proc/loadavg") as f:
            return "load average: " + " ".join(f.read().split()[:3])


def _cell(result: dict | None, key: str, fmt: str) -> str:
    if result is None:
        return "not run"
    if "skipped" in result:
        return "skipped"
    if "failed" in result:
        return "failed"
    value = result.get(key)
    return "?" if value is None else format(value, fmt)


def _ratio(a: dict | None, b: dict | None) -> str:
    try:
        return f"{a['best_epoch_s'] / b['best_epoch_s']:.2f}"
    except (TypeError, KeyError, ZeroDivisionError):
        return "-"


def make_report(results: dict, args, installs: dict, load_before: str, load_after: str, removed: list[str]) -> str:
    fws = args.framework_list
    shown_threads: dict[str, str | None] = {}  # the threads line each framework's header shows
    out = [
        "# scratchnet, Keras 3 (TensorFlow CPU) and PyTorch (CPU, eager): same models, same data, one run",
        "",
        f"- {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {cpu_name()}, {os.cpu_count()} cores; "
        f"`python benchmarks/peers.py {' '.join(sys.argv[1:])}`",
        f"- load before: `{load_before}`",
        f"- load after:  `{load_after}`",
        f"- best of {args.epochs} epochs each; runs one at a time, each a fresh process in its own venv"
        + (f"; {', '.join(removed)} removed from the runs' environment" if removed else "")
        + (f"; every framework limited to {args.threads} thread(s)" if args.threads else ""),
    ]
    if args.n_train:
        out.append(f"- **quick check on {args.n_train} training examples: not a benchmark**")
    for fw in fws:
        done = [r for (_, f), r in results.items() if f == fw and "epoch_times" in r]
        inst = installs.get(fw, {})
        size = f"{inst['size_mb']:,} MB venv, installed in {inst['seconds']:.0f} s" if "size_mb" in inst else ""
        if done:
            r = done[0]
            shown_threads[fw] = r.get("threads")
            blas = "; ".join(
                f"{b.get('internal_api', '?')} {b.get('version', '')} {b.get('architecture', '')} "
                f"({b.get('num_threads', '?')} threads, {b.get('filepath', '')})".replace("  ", " ")
                for b in r.get("blas", [])
            )
            out.append(
                f"- {LABEL[fw]}: {r['version']}; {r.get('threads', '')}; threadpoolctl sees: {blas or 'none'}"
                + (f"; {size}" if size else "")
            )
        else:
            out.append(f"- {LABEL[fw]}: no run finished" + (f"; {size}" if size else ""))
    ran = [m for m in args.model_list if any((m, f) in results for f in fws)]
    head = ["model"] + [f"{LABEL[f]} s/epoch" for f in fws]
    if "scratchnet" in fws:
        head += [f"scratchnet / {LABEL[f]}" for f in fws if f != "scratchnet"]
    head += ["test accuracy " + " / ".join(LABEL[f] for f in fws)]
    head += ["others' cores " + " / ".join(LABEL[f] for f in fws)]
    out += [
        "",
        "*others' cores*: how many cores other programs used on average during each run (this machine is shared).",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for m in ran:
        row = [SPECS[m]["short"]] + [_cell(results.get((m, f)), "best_epoch_s", ".2f") for f in fws]
        if "scratchnet" in fws:
            row += [_ratio(results.get((m, "scratchnet")), results.get((m, f))) for f in fws if f != "scratchnet"]
        row += [" / ".join(_cell(results.get((m, f)), "test_accuracy", ".4f") for f in fws)]
        row += [" / ".join(_cell(results.get((m, f)), "others_cores", ".2f") for f in fws)]
        out.append("| " + " | ".join(row) + " |")
    out += [
        "",
        "Memory (MB): *fit adds* = peak RSS during training minus the RSS just before it, the data already loaded; "
        "*peak - arrays* = the process's peak RSS minus the data arrays (float32 images, int64 labels).",
        "",
        "| model | arrays | fit adds "
        + " / ".join(LABEL[f] for f in fws)
        + " | peak - arrays "
        + " / ".join(LABEL[f] for f in fws)
        + " |",
        "|---|---|---|---|",
    ]
    for m in ran:
        rs = [results.get((m, f)) for f in fws]
        arrays = next((r["arrays_mb"] for r in rs if r and "arrays_mb" in r), None)
        adds = " / ".join(_cell(r, "fit_added_mb", "+.0f") for r in rs)
        peaks = " / ".join(
            f"{r['process_peak_mb'] - r['arrays_mb']:.0f}" if r and "process_peak_mb" in r else _cell(r, "x", "")
            for r in rs
        )
        out.append(f"| {SPECS[m]['short']} | {'?' if arrays is None else f'{arrays:.0f}'} | {adds} | {peaks} |")
    out.append("")
    for m in args.model_list:
        for f in fws:
            r = results.get((m, f))
            if r is None:
                why = f"scratchnet lacks the model; `--models {m}` runs it anyway" if m in HOOKS else "no result"
                out.append(f"- {m}, {LABEL[f]}: not run ({why})")
            elif "skipped" in r:
                out.append(f"- {m}, {LABEL[f]}: skipped: {r['skipped']}")
            elif "failed" in r:
                out.append(f"- {m}, {LABEL[f]}: FAILED: {r['failed']}")
            else:
                times = ", ".join(f"{t:.2f}" for t in r["epoch_times"])
                threads = f"; {r['threads']}" if r.get("threads") != shown_threads.get(f) else ""
                out.append(
                    f"- {m}, {LABEL[f]}: epochs {times} s; other programs used {_cores(r.get('others_cores'))} of "
                    f"{os.cpu_count()} cores meanwhile (load average {r['load_start']} -> {r['load_end']}){threads}"
                )
        sums = {results[(m, f)].get("checksum") for f in fws if (m, f) in results and "checksum" in results[(m, f)]}
        if len(sums) > 1:
            out.append(f"- **{m}: the frameworks trained on different data (checksums {sorted(sums)})**")
    return "\n".join(out)


def main(argv=None) -> int:
    args = parse_args(argv)

    def say(text: str = "") -> None:
        print(text, flush=True)

    VENVS.mkdir(exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    say(
        f"peers: {', '.join(args.framework_list)} on {', '.join(args.model_list)}, {args.epochs} epochs each; "
        f"data {args.data_dir}"
    )
    removed = [k for k in OPENBLAS_OVERRIDES if k in os.environ]
    if args.report_only:
        return report_saved(args, removed, say)
    installs = {fw: ensure_venv(fw, args.skip_install, say) for fw in args.framework_list}
    load_before = uptime()
    say(f"before: {load_before}")
    results: dict[tuple[str, str], dict] = {}
    for model in args.model_list:
        say(f"{model}: {SPECS[model]['title']}")
        for framework in args.framework_list:
            if model in HOOKS and framework != "scratchnet" and not args.models_named:
                sn = results.get((model, "scratchnet"))
                if sn is None or "skipped" in sn or "failed" in sn:
                    reason = sn.get("skipped", sn.get("failed")) if sn else "scratchnet not run"
                    say(f"  {LABEL[framework]:<10} skipped as well ({reason}); --models {model} times it anyway")
                    continue
            results[(model, framework)] = run_one(framework, model, args, say)
    load_after = uptime()
    say(f"after: {load_after}")
    _write(make_report(results, args, installs, load_before, load_after, removed), results, args, say)
    return 0


def report_saved(args, removed: list[str], say) -> int:
    """The report of the runs saved in LOGS (an interrupted run's finished part, say), without running anything."""
    results = {}
    for model in args.model_list:
        for framework in args.framework_list:
            saved = LOGS / f"{model}-{framework}.json"
            if saved.is_file():
                results[(model, framework)] = json.loads(saved.read_text())
    installs = {}
    for framework in args.framework_list:
        stamp = VENVS / framework / ".peers-installed.json"
        installs[framework] = json.loads(stamp.read_text()) if stamp.is_file() else {}
    unknown = "not recorded (--report-only: see each run's load average below)"
    _write(make_report(results, args, installs, unknown, unknown, removed), results, args, say)
    return 0


def _write(text: str, results: dict, args, say) -> None:
    say()
    say(text)
    if args.output:
        Path(args.output).write_text(text + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(list(results.values()), indent=1))


if __name__ == "__main__":
    sys.exit(main())
