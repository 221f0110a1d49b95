"""The machine's float32 matmul peak as XLA:CPU reaches it: the reference of W1's FLOP/s.

For each shape (m, k) @ (k, n) one jitted `lax.fori_loop` runs `iters` products in a
chain (each product's first entry feeds the next left operand, so XLA can neither hoist
the product out of the loop nor skip iterations; the chain costs one scalar per
iteration). The trip count is an argument, so each shape compiles once. The count is
chosen so that one call lasts about `peak_call_s` (0.3 s; 0.1 s quick), and the figure
is the best of `peak_calls` calls (5; 3 quick): 2·m·k·n·iters FLOPs / wall seconds.

Shapes: W1's forward product (128, 784) @ (784, 512), W1's kernel gradient
(784, 128) @ (128, 512) (both 103 MFLOP, half of W1's step each), and a large square
1024³ (2.1 GFLOP), which is what a CPU's matmul peak is usually quoted for. The
machine's peak is the best of the three.

    python bench/matmul_peak.py [--quick]     # prints the figures
"""

import time

import jax
import jax.numpy as jnp
import numpy as np

SHAPES = {"w1_forward": (128, 784, 512), "w1_kernel_grad": (784, 128, 512),
          "square_1024": (1024, 1024, 1024)}


def chained_products(m, k, n):
    """A jitted `(a, b, iters) -> c`: `iters` products a @ b, each feeding the next."""

    @jax.jit
    def run(a, b, iters):
        def body(_, carry):
            a, c = carry
            a = a.at[0, 0].set(c[0, 0] * 1e-30)
            return a, jnp.dot(a, b)

        return jax.lax.fori_loop(0, iters, body, (a, jnp.zeros((m, n), a.dtype)))[1]

    return run


def time_shape(m, k, n, call_s, calls):
    """(best wall GFLOP/s, best CPU GFLOP/s, iterations per call) of one shape."""
    rng = np.random.default_rng(0)
    a = jax.device_put(rng.standard_normal((m, k), np.float32))
    b = jax.device_put(rng.standard_normal((k, n), np.float32))
    run = chained_products(m, k, n)

    def timed(iters):
        t0, c0 = time.perf_counter(), time.process_time()
        run(a, b, np.int32(iters)).block_until_ready()
        return time.perf_counter() - t0, time.process_time() - c0

    timed(1)                                   # compile
    probe = 4
    wall, _ = timed(probe)
    iters = max(probe, int(probe * call_s / wall))
    runs = [timed(iters) for _ in range(calls)]
    flops = 2.0 * m * k * n * iters
    return (flops / min(w for w, _ in runs) / 1e9, flops / min(c for _, c in runs) / 1e9,
            iters)


def matmul_peak(cfg):
    """Figures: `matmul_<shape>_gflop_per_s` per shape and `matmul_peak_gflop_per_s`, the
    best of them; extra: the shapes, iterations per call, and the CPU-time twins (FLOPs
    per process CPU second; their peak is the best twin, whichever shape it is)."""
    figures, cpu, iterations = {}, {}, {}
    for name, (m, k, n) in SHAPES.items():
        wall, per_cpu, iters = time_shape(m, k, n, cfg["peak_call_s"], cfg["peak_calls"])
        figures[f"matmul_{name}_gflop_per_s"] = wall
        cpu[f"matmul_{name}_gflop_per_s"] = per_cpu
        iterations[name] = iters
    best = max(SHAPES, key=lambda s: figures[f"matmul_{s}_gflop_per_s"])
    best_cpu = max(SHAPES, key=lambda s: cpu[f"matmul_{s}_gflop_per_s"])
    figures["matmul_peak_gflop_per_s"] = figures[f"matmul_{best}_gflop_per_s"]
    cpu["matmul_peak_gflop_per_s"] = cpu[f"matmul_{best_cpu}_gflop_per_s"]
    return figures, {"cpu": cpu, "peak_shape": best, "peak_shape_cpu": best_cpu,
                     "shapes": {s: {"m": m, "k": k, "n": n} for s, (m, k, n) in SHAPES.items()},
                     "iterations_per_call": iterations, "calls": cfg["peak_calls"],
                     "dtype": "float32", "backend": jax.default_backend()}


if __name__ == "__main__":
    import argparse

    import workloads

    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    print(matmul_peak(workloads.CONFIGS["quick" if p.parse_args().quick else "full"]))
