"""One jitted training step, lamina vs Keras 3 in one process, timed interleaved.

    python bench/train_step_compare.py --model bn_convnet|ResNet50|MobileNetV2
                                       [--repeats 5] [--steps 10] [--hlo DIR]

The model is W10's BN residual convnet (batch 64, 32x32x3) or W7's fine-tuning model
(`keras.applications.<name>`, everything trainable, adam; batch 16, 224x224x3). Each
library fits one batch (to build the optimizer and metrics), then its own `train_step`
(Keras 3's JAX signature, `(state, data) -> (logs, state)`) is jitted on that batch.
After a warm-up step, the libraries alternate: `--steps` steps of one, then of the other,
`--repeats` times. Printed: wall and process CPU milliseconds per step (sorted), and
lamina's speed relative to Keras (medians; above 1 means lamina is faster). `--hlo DIR`
writes each library's optimized HLO there for diffing. Run it alone on the machine.
"""

import argparse
import os
import sys
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]  # this checkout's lamina, then workloads

import jax  # noqa: E402
import numpy as np  # noqa: E402

import workloads  # noqa: E402


def build(keras, model_name):
    """(compiled step, state, batch) for one library."""
    if model_name == "bn_convnet":
        model, batch, shape = workloads.bn_residual_convnet(keras), 64, (32, 32, 3)
    else:
        model, batch, shape = workloads.zoo_finetune_model(keras, model_name), 16, (224, 224, 3)
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (batch,) + shape).astype("float32")
    y = rng.integers(0, 10, batch).astype("int64")
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
    state = tuple([v.value for v in variables] for variables in (
        model.trainable_variables, model.non_trainable_variables,
        model.optimizer.variables, model.metrics_variables))
    data = (jax.device_put(x), jax.device_put(y))
    step = jax.jit(model.train_step).lower(state, data).compile()
    return step, state, data


def run_steps(step, state, data, n):
    for _ in range(n):
        _, state = step(state, data)
        state = tuple(list(part) for part in state)
    jax.block_until_ready(state)
    return state


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="bn_convnet")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--steps", type=int, default=None, help="steps per timing (10 / 2)")
    p.add_argument("--hlo", default=None, help="folder for the optimized HLO texts")
    args = p.parse_args()
    steps = args.steps or (10 if args.model == "bn_convnet" else 2)

    import keras
    import lamina

    runs = {}
    for name, module in (("lamina", lamina), ("keras", keras)):
        step, state, data = build(module, args.model)
        if args.hlo:
            os.makedirs(args.hlo, exist_ok=True)
            with open(os.path.join(args.hlo, f"{name}_{args.model}.hlo"), "w") as f:
                f.write(step.as_text())
        runs[name] = [step, run_steps(step, state, data, 1), data, []]
    for _ in range(args.repeats):
        for name, run in runs.items():
            wall, cpu = time.perf_counter(), time.process_time()
            run[1] = run_steps(run[0], run[1], run[2], steps)
            run[3].append(((time.perf_counter() - wall) / steps,
                           (time.process_time() - cpu) / steps))
    for name, run in runs.items():
        print(f"{name:7s} wall ms/step {sorted(round(1e3 * w, 1) for w, _ in run[3])}  "
              f"cpu ms/step {sorted(round(1e3 * c, 1) for _, c in run[3])}")
    median = {name: np.median(np.asarray(run[3]), axis=0) for name, run in runs.items()}
    ratio = median["keras"] / median["lamina"]
    print(f"lamina speed / keras ({args.model}): wall {ratio[0]:.2f}x  cpu {ratio[1]:.2f}x")


if __name__ == "__main__":
    main()
