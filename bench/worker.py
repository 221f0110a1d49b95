"""Run one workload for one library in this (fresh) process and print its result.

    python bench/worker.py --lib lamina|keras|scan|peak --workload W1 [--quick]

`scan` is the hand-written JAX loop of the workload (W1: bench/scan_mlp.py, W2:
bench/scan_ticket.py); `peak` measures the machine's matmul peak (bench/matmul_peak.py),
the reference of W1's achieved FLOP/s.

The library is imported first, before anything else that is not in the standard
library, so `import_s` is the wall time of a cold `import lamina` / `import keras`
in a fresh interpreter (W5's import figure). The result is printed as one line
`BENCH_RESULT {json}` on stdout; anything else the libraries print is ignored.
"""

import argparse
import importlib
import json
import os
import sys
import time
import traceback

MARK = "BENCH_RESULT "
# The hand-written loops: workload -> (module in bench/, function of cfg).
SCAN_FITS = {"W1": ("scan_mlp", "w1_fit"), "W2": ("scan_ticket", "w2_fit")}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lib", required=True, choices=["lamina", "keras", "scan", "peak"])
    p.add_argument("--workload", required=True)
    p.add_argument("--quick", action="store_true")
    args = p.parse_args()

    result = {"lib": args.lib, "workload": args.workload, "figures": {}, "extra": {},
              "skip": None, "error": None}
    if args.lib in ("lamina", "scan"):
        # The lamina of the working tree this runner belongs to, whatever the interpreter
        # has installed (a worktree measured with another checkout's venv).
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        module = importlib.import_module({"lamina": "lamina", "keras": "keras",
                                          "scan": "jax", "peak": "jax"}[args.lib])
        result["import_s"] = time.perf_counter() - t0
        import_cpu_s = time.process_time() - c0
        if args.lib == "keras":
            backend = module.backend.backend()
            if backend != "jax":
                raise RuntimeError(f"keras runs on backend {backend!r}, expected 'jax'")

        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import workloads

        cfg = workloads.CONFIGS["quick" if args.quick else "full"]
        if args.lib == "scan":
            if args.workload not in SCAN_FITS:
                raise workloads.Unsupported(
                    f"no hand-written loop for {args.workload} (only {', '.join(SCAN_FITS)})")
            name, fn = SCAN_FITS[args.workload]
            figures, extra = getattr(importlib.import_module(name), fn)(cfg)
        elif args.lib == "peak":
            import matmul_peak

            figures, extra = matmul_peak.matmul_peak(cfg)
        elif args.workload == "W5":
            figures, extra = workloads.w5_first_epoch(module, cfg)
            figures["import_s"] = result["import_s"]
            extra.setdefault("cpu", {})["import_s"] = import_cpu_s
        else:
            figures, extra = workloads.WORKLOADS[args.workload](module, cfg)
        result["figures"], result["extra"] = figures, extra
    except Exception as e:  # noqa: BLE001 - reported to the runner
        if type(e).__name__ == "Unsupported":
            result["skip"] = str(e)
        else:
            result["error"] = f"{type(e).__name__}: {e}"
            result["traceback"] = traceback.format_exc()[-4000:]
    result["versions"] = _versions()
    result["torch_imported"] = "torch" in sys.modules
    sys.stdout.write("\n" + MARK + json.dumps(result) + "\n")
    sys.stdout.flush()


def _versions():
    out = {"python": sys.version.split()[0]}
    for name in ("lamina", "keras", "jax", "jaxlib", "numpy", "optax"):
        mod = sys.modules.get(name)
        if mod is not None:
            out[name] = getattr(mod, "__version__", "?")
    return out


if __name__ == "__main__":
    main()
