"""Side-by-side benchmark: lamina vs Keras 3 (JAX backend) vs a hand-written JAX loop.

    python bench/run.py [--quick] [--only W1,W4] [--repeats N] [--no-scan] [--out PATH]

Builds bench/.venv-keras from bench/requirements-keras.txt when it is missing or out
of date, then runs every workload of bench/workloads.py for each library in a fresh
subprocess (bench/worker.py), interleaving the libraries in every repeat (the order
rotates from one repeat to the next), takes the median of the repeats, prints a
markdown table with the ratio lamina / reference and the target for each figure, and
writes everything (raw samples included) to bench/results/<date>_<time>.json.
Besides Keras, a workload's rows may compare lamina with the hand-written JAX loop
("scan": W1, W2) or with the machine's measured matmul peak ("peak": W1's FLOP/s); the
workers a workload runs are the libraries its rows name.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import workloads

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
KERAS_VENV = os.path.join(HERE, ".venv-keras")
KERAS_REQS = os.path.join(HERE, "requirements-keras.txt")
RESULTS = os.path.join(HERE, "results")
MARK = "BENCH_RESULT "

# Reference "libraries": their name in the table, and the figure of theirs a row reads
# (None: the row's own figure).
REFERENCES = {"keras": ("Keras 3", None), "scan": ("jax scan loop", None),
              "peak": ("matmul peak", "matmul_peak_gflop_per_s")}

# (workload, figure key, label, unit, reference library, "ge"/"le", target ratio)
ROWS = [
    ("W1", "fit_samples_per_s", "W1 MNIST MLP fit (steady state)", "samples/s", "keras", "ge", 1.6),
    ("W1", "fit_samples_per_s", "W1 MNIST MLP fit vs hand-written jax scan loop", "samples/s",
     "scan", "ge", 0.9),
    ("W1", "fit_gflop_per_s", "W1 achieved FLOP/s vs the measured matmul peak", "GFLOP/s",
     "peak", "ge", 0.9),
    ("W2", "fit_samples_per_s", "W2 ticket classifier fit (steady state)", "samples/s", "keras",
     "ge", 1.5),
    ("W2", "fit_samples_per_s", "W2 vs hand-written jax scan loop", "samples/s", "scan", "ge",
     0.95),
    ("W3", "fit_samples_per_s", "W3 MNIST convnet fit (steady state)", "samples/s", "keras", "ge",
     1.2),
    ("W4", "predict1_latency_ms", "W4 predict, 1 sample (median latency)", "ms", "keras", "le",
     0.2),
    ("W4", "call1_latency_ms", "W4 model(x), 1 sample (median latency)", "ms", "keras", "le", 0.5),
    ("W4", "predict10k_samples_per_s", "W4 predict, 10,000 samples", "samples/s", "keras", "ge",
     1.5),
    ("W5", "import_s", "W5 import time (fresh process)", "s", "keras", "le", 1.0),
    ("W5", "first_epoch_s", "W5 build + compile + first epoch, 1,280 samples (fresh process)",
     "s", "keras", "le", 0.8),
    ("W6", "predict10k_float_samples_per_s", "W6 predict, 10,000 samples, float MLP", "samples/s",
     "keras", "ge", 1.0),
    ("W6", "predict10k_int8_samples_per_s", "W6 predict, 10,000 samples, int8-quantized MLP",
     "samples/s", "keras", "ge", 1.0),
]
for _name, _key in (("ResNet50", "resnet50"), ("MobileNetV2", "mobilenetv2")):
    ROWS += [
        ("W7", f"{_key}_forward_samples_per_s", f"W7 {_name} 224x224 forward (predict, batch 16)",
         "samples/s", "keras", "ge", 1.2),
        ("W7", f"{_key}_finetune_samples_per_s", f"W7 {_name} 224x224 fine-tuning epoch "
         "(batch 16)", "samples/s", "keras", "ge", 1.2),
    ]
ROWS += [
    ("W8", "lstm_fit_samples_per_s", "W8 Embedding + LSTM(64) text classifier fit, length 100",
     "samples/s", "keras", "ge", 1.3),
    ("W8", "gru_fit_samples_per_s", "W8 Embedding + GRU(64) text classifier fit, length 100",
     "samples/s", "keras", "ge", 1.3),
    ("W8", "bilstm_fit_samples_per_s", "W8 Embedding + Bidirectional(LSTM(32)) fit, length 100",
     "samples/s", "keras", "ge", 1.3),
    ("W9", "fit_samples_per_s", "W9 transformer encoder block classifier fit, length 64",
     "samples/s", "keras", "ge", 1.3),
    ("W10", "fit_samples_per_s", "W10 BatchNorm residual convnet fit, 32x32x3", "samples/s",
     "keras", "ge", 1.3),
    ("W11", "generator_fit_samples_per_s", "W11 W1 MLP fit from a Python generator",
     "samples/s", "keras", "ge", 1.3),
    ("W11", "pydataset_fit_samples_per_s", "W11 W1 MLP fit from a PyDataset", "samples/s",
     "keras", "ge", 1.3),
    ("W11", "pydataset_workers_fit_samples_per_s",
     "W11 W1 MLP fit from a PyDataset, workers=2 (threads)", "samples/s", "keras", "ge", 1.3),
    ("W12", "first_epoch_s", "W12 40-layer MLP build + compile + first epoch (fresh process)",
     "s", "keras", "le", 0.7),
    ("M1", "peak_rss_mb", "M1 peak resident memory, W1 fit (fresh process)", "MiB", "keras",
     "le", 0.9),
    ("M2", "peak_rss_mb", "M2 peak resident memory, W2 fit (fresh process)", "MiB", "keras",
     "le", 0.9),
    ("M3", "peak_rss_mb", "M3 peak resident memory, W3 fit (fresh process)", "MiB", "keras",
     "le", 0.9),
]
WORKLOADS = ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "W9", "W10", "W11", "W12",
             "M1", "M2", "M3"]


# -- environments ------------------------------------------------------------------------
def worker_env():
    """The same environment for every worker, whatever the library."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("XLA_", "JAX_", "KERAS_", "TF_", "PYTHONPATH", "OMP_"))}
    env.update({"OMP_WAIT_POLICY": "PASSIVE", "JAX_PLATFORMS": "cpu", "KERAS_BACKEND": "jax",
                "PYTHONUNBUFFERED": "1"})
    return env


def _reqs_digest():
    with open(KERAS_REQS, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def keras_python():
    """bench/.venv-keras's interpreter, (re)built from the pinned requirements if needed."""
    py = os.path.join(KERAS_VENV, "bin", "python")
    stamp = os.path.join(KERAS_VENV, ".requirements.sha256")
    digest = _reqs_digest()
    if os.path.exists(py) and os.path.exists(stamp) and open(stamp).read().strip() == digest:
        return py
    base = shutil.which("python3.11") or getattr(sys, "_base_executable", sys.executable)
    print(f"building {os.path.relpath(KERAS_VENV, ROOT)} from "
          f"{os.path.relpath(KERAS_REQS, ROOT)} with {base} ...", file=sys.stderr, flush=True)
    if os.path.exists(KERAS_VENV):
        shutil.rmtree(KERAS_VENV)
    subprocess.run([base, "-m", "venv", KERAS_VENV], check=True)
    pip = subprocess.run([py, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                          "-r", KERAS_REQS], capture_output=True, text=True)
    if pip.returncode:
        sys.exit(f"pip install -r {KERAS_REQS} failed:\n{pip.stdout[-3000:]}{pip.stderr[-3000:]}")
    with open(stamp, "w") as f:
        f.write(digest + "\n")
    return py


# -- running workers ---------------------------------------------------------------------
def run_worker(python, lib, workload, quick, timeout, cwd):
    cmd = [python, os.path.join(HERE, "worker.py"), "--lib", lib, "--workload", workload]
    if quick:
        cmd.append("--quick")
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, env=worker_env(), cwd=cwd, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"lib": lib, "workload": workload, "figures": {}, "skip": None,
                "error": f"timed out after {timeout} s", "wall_s": time.perf_counter() - t0}
    wall = time.perf_counter() - t0
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARK):
            result = json.loads(line[len(MARK):])
            result["wall_s"] = wall
            return result
    tail = (proc.stderr or proc.stdout)[-2000:]
    return {"lib": lib, "workload": workload, "figures": {}, "skip": None,
            "error": f"worker exited {proc.returncode} without a result: {tail}", "wall_s": wall}


def describe(result):
    if result.get("skip"):
        return "n/a: " + result["skip"]
    if result.get("error"):
        return "ERROR: " + result["error"].splitlines()[0][:200]
    text = ", ".join(f"{k}={_fmt(v)}" for k, v in result["figures"].items())
    cpu = (result.get("extra") or {}).get("cpu_per_wall")
    return text + (f"  (cpu/wall {cpu:.2f})" if cpu is not None else "")


# -- aggregation and the table -----------------------------------------------------------
def _fmt(v):
    if v is None:
        return "-"
    if v >= 1000:
        return f"{v:,.0f}"
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    if v >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def summarize(runs):
    """{(workload, lib): {"figures": {fig: [samples]}, "skip": reason, "error": msg}}."""
    out = {}
    for r in runs:
        entry = out.setdefault((r["workload"], r["lib"]), {"figures": {}, "skip": None,
                                                          "errors": []})
        if r.get("skip"):
            entry["skip"] = r["skip"]
        elif r.get("error"):
            entry["errors"].append(r["error"])
        for k, v in r.get("figures", {}).items():
            entry["figures"].setdefault(k, []).append(v)
        for k, v in ((r.get("extra") or {}).get("cpu") or {}).items():
            entry.setdefault("cpu", {}).setdefault(k, []).append(v)
    return out


def cpu_median(entry, fig):
    samples = ((entry or {}).get("cpu") or {}).get(fig)
    return statistics.median(samples) if samples else None


def cell(entry, fig):
    """(median or None, text for the table)."""
    if entry is None:
        return None, "not run"
    if entry["skip"]:
        return None, "n/a: " + entry["skip"]
    samples = entry["figures"].get(fig)
    if not samples:
        return None, "error" if entry["errors"] else "-"
    med = statistics.median(samples)
    text = _fmt(med)
    if len(samples) > 1 and med:
        spread = (max(samples) - min(samples)) / 2 / med * 100
        text += f" ±{spread:.0f}%"
    return med, text


def build_rows(summary, only):
    rows = []
    for wl, fig, label, unit, ref, op, target in ROWS:
        if wl not in only:
            continue
        ref_name, ref_fig = REFERENCES[ref]
        ref_fig = ref_fig or fig
        lam, lam_text = cell(summary.get((wl, "lamina")), fig)
        refv, ref_text = cell(summary.get((wl, ref)), ref_fig)
        ratio = lam / refv if lam is not None and refv else None
        lam_cpu = cpu_median(summary.get((wl, "lamina")), fig)
        ref_cpu = cpu_median(summary.get((wl, ref)), ref_fig)
        cpu_ratio = lam_cpu / ref_cpu if lam_cpu is not None and ref_cpu else None
        if ratio is None:
            status = "n/a"
        else:
            status = "met" if (ratio >= target if op == "ge" else ratio <= target) else "not met"
        rows.append({"workload": wl, "figure": fig, "label": label, "unit": unit,
                     "reference": ref, "reference_name": ref_name, "reference_figure": ref_fig,
                     "lamina": lam, "lamina_text": lam_text, "ref": refv, "ref_text": ref_text,
                     "ratio": ratio, "lamina_cpu": lam_cpu, "ref_cpu": ref_cpu,
                     "cpu_ratio": cpu_ratio, "target": f"{'≥' if op == 'ge' else '≤'} {target}×",
                     "status": status})
    return rows


def workload_libs(wl, no_scan):
    """The workers a workload runs: lamina, Keras, and the other references its rows name."""
    refs = {ref for w, _, _, _, ref, _, _ in ROWS if w == wl}
    return ["lamina", "keras"] + [r for r in REFERENCES if r in refs and r != "keras"
                                  and not (no_scan and r == "scan")]


def flops_note(summary, runs):
    """One line: W1's achieved matmul GFLOP/s per library and the measured float32 matmul
    GFLOP/s per shape (None when W1 did not run)."""
    names = {"lamina": "lamina", "keras": "Keras 3", "scan": "jax scan loop"}
    libs = [lib for lib in names if ("W1", lib) in summary]
    if not libs:
        return None
    text = (f"W1 achieved matmul GFLOP/s ({workloads.W1_FLOPS_PER_SAMPLE:,} FLOPs per "
            "sample): " + ", ".join(
                f"{names[lib]} {cell(summary[('W1', lib)], 'fit_gflop_per_s')[1]}"
                for lib in libs))
    peak = summary.get(("W1", "peak"))
    shapes = next((r["extra"]["shapes"] for r in runs
                   if r["lib"] == "peak" and (r.get("extra") or {}).get("shapes")), None)
    if peak is not None and shapes:
        text += ("; float32 matmul GFLOP/s as XLA:CPU reaches it (jitted lax.fori_loop of "
                 "chained products, best of a few calls): " + ", ".join(
                     f"{d['m']}×{d['k']} @ {d['k']}×{d['n']} "
                     f"{cell(peak, f'matmul_{name}_gflop_per_s')[1]}"
                     for name, d in shapes.items())
                 + f"; peak {cell(peak, 'matmul_peak_gflop_per_s')[1]}")
    return text + "."


def markdown_table(rows):
    lines = ["| figure | unit | lamina | reference | lamina / ref | target | status "
             "| ratio by CPU time |",
             "| --- | --- | ---: | ---: | ---: | --- | --- | ---: |"]
    for r in rows:
        ref = f"{r['ref_text']} ({r['reference_name']})"
        ratio = f"{r['ratio']:.2f}×" if r["ratio"] is not None else "-"
        cpu = f"{r['cpu_ratio']:.2f}×" if r["cpu_ratio"] is not None else "-"
        lines.append(f"| {r['label']} | {r['unit']} | {r['lamina_text']} | {ref} | {ratio} | "
                     f"{r['target']} | {r['status']} | {cpu} |")
    return "\n".join(lines)


# -- machine facts -----------------------------------------------------------------------
def loadavg():
    try:
        return os.getloadavg()
    except OSError:
        return None


def machine_info():
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass

    def git(*args):
        try:
            return subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True,
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    return {"cpu": cpu, "cores": os.cpu_count(), "platform": platform.platform(),
            "git_commit": git("rev-parse", "HEAD"),
            "lamina_dirty": bool(git("status", "--porcelain", "--", "lamina"))}


# -- main --------------------------------------------------------------------------------
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true",
                   help="smoke run: fewer samples, epochs, calls and repeats")
    p.add_argument("--only", default=",".join(WORKLOADS),
                   help="comma-separated workloads, e.g. W1,W4")
    p.add_argument("--repeats", type=int, default=None,
                   help="repeats per workload and library (default: 3, quick: 1)")
    p.add_argument("--no-scan", action="store_true",
                   help="skip the hand-written jax loops (W1, W2)")
    p.add_argument("--out", default=None, help="JSON path (default bench/results/<date>.json)")
    args = p.parse_args(argv)

    only = [w.strip().upper() for w in args.only.split(",") if w.strip()]
    unknown = [w for w in only if w not in WORKLOADS]
    if unknown:
        p.error(f"unknown workloads {unknown}; choose from {WORKLOADS}")
    repeats = args.repeats or (1 if args.quick else 3)
    timeout = 600 if args.quick else 1800

    lamina_py = sys.executable
    keras_py = keras_python()
    pythons = {"lamina": lamina_py, "keras": keras_py, "scan": lamina_py, "peak": lamina_py}
    info = machine_info()
    started = datetime.datetime.now()
    load_start = loadavg()
    print(f"# lamina vs Keras 3 benchmark ({'quick' if args.quick else 'full'}, "
          f"{repeats} repeat(s), workloads {','.join(only)})", file=sys.stderr)
    print(f"# {info['cpu']}, {info['cores']} cores, load average {load_start}",
          file=sys.stderr, flush=True)

    runs = []
    with tempfile.TemporaryDirectory(prefix="lamina-bench-") as cwd:
        # Untimed: fill the OS file cache and the bytecode caches for both libraries.
        for lib in ("lamina", "keras"):
            subprocess.run([pythons[lib], "-c", f"import {lib}"], env=worker_env(), cwd=cwd,
                           capture_output=True, timeout=600)
        # Untimed: one quick W1 fit per library first. On this VM the first compute-heavy
        # worker after an idle spell measured up to 45% below later runs of the same code at
        # the same CPU use (three runs out of three), and it was always the first timed one.
        for lib in ("lamina", "keras"):
            run_worker(pythons[lib], lib, "W1", True, timeout, cwd)
        for rep in range(repeats):
            for wl in only:
                libs = workload_libs(wl, args.no_scan)
                k = rep % len(libs)
                for lib in libs[k:] + libs[:k]:
                    result = run_worker(pythons[lib], lib, wl, args.quick, timeout, cwd)
                    result["repeat"] = rep
                    runs.append(result)
                    print(f"[{rep + 1}/{repeats}] {wl} {lib:6s} {result['wall_s']:6.1f}s  "
                          f"{describe(result)}", file=sys.stderr, flush=True)
                    if result.get("torch_imported"):
                        print(f"  warning: {lib} imported torch", file=sys.stderr)

    summary = summarize(runs)
    rows = build_rows(summary, only)
    table = markdown_table(rows)
    load_end = loadavg()
    versions = {}
    for r in runs:
        for k, v in (r.get("versions") or {}).items():
            versions.setdefault(f"{r['lib']}:{k}", v)

    print()
    print(f"lamina vs Keras 3 (JAX backend), {started:%Y-%m-%d %H:%M}, "
          f"{'quick' if args.quick else 'full'} run, median of {repeats} repeat(s) "
          f"(± = half the min-max range), {info['cores']}-core {info['cpu']}, "
          f"load average {_load(load_start)} at start, {_load(load_end)} at end. "
          f"Status compares the wall-clock ratio; the last column recomputes it with the "
          f"workers' process CPU seconds, which a shared machine disturbs less.")
    print()
    print(table)
    print()
    note = flops_note(summary, runs)
    if note:
        print(note)
        print()
    for (wl, lib), entry in sorted(summary.items()):
        for err in entry["errors"][:1]:
            print(f"error in {wl} {lib}: {err.splitlines()[0][:300]}")

    out = args.out or os.path.join(
        RESULTS, f"{started:%Y-%m-%d_%H%M%S}{'-quick' if args.quick else ''}.json")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        json.dump({"started": started.isoformat(timespec="seconds"),
                   "mode": "quick" if args.quick else "full", "repeats": repeats,
                   "workloads": only, "machine": info, "load_average_start": load_start,
                   "load_average_end": load_end, "versions": versions,
                   "worker_env": {k: worker_env()[k] for k in
                                  ("OMP_WAIT_POLICY", "JAX_PLATFORMS", "KERAS_BACKEND")},
                   "rows": rows, "flops_note": note, "runs": runs, "markdown": table},
                  f, indent=1)
    print(f"results written to {os.path.relpath(out, os.getcwd())}")
    return 0


def _load(la):
    return "/".join(f"{v:.1f}" for v in la) if la else "?"


if __name__ == "__main__":
    sys.exit(main())
