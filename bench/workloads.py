"""The benchmark workloads, written once against the Keras 3 API.

Every workload is a function `(keras, cfg) -> {figure: value}` where `keras` is the
module under test (`import lamina as keras` or `import keras`, chosen by
bench/worker.py) and `cfg` a dict of sizes (see `CONFIGS`). The code below uses the
public Keras API only, so both libraries run exactly the same program.

A workload that needs a layer the module lacks raises `Unsupported(reason)`; the
runner reports it as "n/a: <reason>".

Figures (units in the name):
  fit_samples_per_s       steady-state training throughput: samples of the epochs
                          after the first, divided by the wall time from the end of
                          the first epoch to the end of the last (measured by an
                          epoch-level callback, so data handling between epochs,
                          shuffling and the epoch's host-side logs are included).
  predict1_latency_ms     median wall time of `model.predict(x[:1], verbose=0)`.
  call1_latency_ms        median wall time of `model(x[:1])` up to a NumPy result.
  predict10k_samples_per_s  10,000 samples / median wall time of `model.predict(x)`.
  first_epoch_s           model construction + compile + `fit` of one epoch, in a
                          fresh process (tracing and XLA compilation included).
  predict10k_float_samples_per_s / predict10k_int8_samples_per_s
                          10,000 samples / median wall time of `model.predict(x)` on the
                          MNIST MLP before and after `model.quantize("int8")`.
  lstm_/gru_/bilstm_fit_samples_per_s, generator_/pydataset_/pydataset_workers_fit_samples_per_s
                          fit throughput (samples/s of the epochs after the first) of the
                          recurrent text classifiers (W8) and of the W1 MLP fed from Python (W11).
  peak_rss_mb             ru_maxrss of the whole (fresh) process after a fit (M1-M3).
  fit_gflop_per_s         W1 only: fit_samples_per_s times the matmul FLOPs of one
                          training step per sample (W1_FLOPS_PER_SAMPLE), compared with
                          the machine's matmul peak (bench/matmul_peak.py).
"""

import os
import statistics
import time

import numpy as np

MNIST = os.environ.get("LAMINA_BENCH_MNIST", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "mnist.npz"))

# Sizes for the full run and for the quick smoke run.
CONFIGS = {
    "full": {
        "w1_samples": 60000, "w1_timed_epochs": 2,
        "w2_samples": 2560, "w2_timed_epochs": 3,
        "w3_samples": 12800, "w3_timed_epochs": 1,
        "w4_calls": 1000, "w4_warmup": 20, "w4_big": 10000, "w4_big_calls": 5,
        "w5_samples": 1280,
        "w6_calls": 5,
        "w7_samples": 64, "w7_calls": 3,
        "rnn_samples": 2048, "rnn_len": 100,
        "attn_samples": 2048, "attn_len": 64,
        "bnconv_samples": 1024,
        "feed_samples": 25600,
        "deep_samples": 1024,
        "peak_call_s": 0.3, "peak_calls": 5,
    },
    "quick": {
        "w1_samples": 12800, "w1_timed_epochs": 1,
        "w2_samples": 640, "w2_timed_epochs": 1,
        "w3_samples": 1280, "w3_timed_epochs": 1,
        "w4_calls": 200, "w4_warmup": 10, "w4_big": 10000, "w4_big_calls": 2,
        "w5_samples": 1280,
        "w6_calls": 2,
        "w7_samples": 32, "w7_calls": 1,
        "rnn_samples": 256, "rnn_len": 100,
        "attn_samples": 512, "attn_len": 64,
        "bnconv_samples": 256,
        "feed_samples": 6400,
        "deep_samples": 1024,
        "peak_call_s": 0.1, "peak_calls": 3,
    },
}


class Unsupported(Exception):
    """The library under test lacks something the workload needs."""


def require_layers(keras, *names):
    missing = [n for n in names if not hasattr(keras.layers, n)]
    if missing:
        raise Unsupported("no keras.layers." + ", keras.layers.".join(missing))


# -- data --------------------------------------------------------------------------------
def load_mnist(n, flat=True):
    """The first `n` MNIST training samples, scaled to [0, 1] float32, and the labels."""
    path = os.path.abspath(MNIST)
    if not os.path.exists(path):
        raise FileNotFoundError(f"MNIST not found at {path}; set LAMINA_BENCH_MNIST.")
    with np.load(path) as d:
        x, y = d["x_train"][:n], d["y_train"][:n]
    x = (x.reshape(len(x), 784) if flat else x.reshape(len(x), 28, 28, 1)).astype("float32")
    x /= 255.0  # in place: the peak memory of loading stays below that of a fit
    return x, y.astype("int64")


def load_mnist_test(n):
    with np.load(os.path.abspath(MNIST)) as d:
        x = d["x_test"][:n]
    return x.reshape(len(x), 784).astype("float32") / 255.0


def ticket_data(n, seed=0):
    """The note's random ticket data: binary title/body/tags, random priority in [0, 1),
    random binary department targets."""
    rng = np.random.default_rng(seed)
    # Drawn as int8 (not int64) before the cast: loading must not dominate peak memory.
    title = rng.integers(0, 2, size=(n, 10000), dtype=np.int8).astype("float32")
    body = rng.integers(0, 2, size=(n, 10000), dtype=np.int8).astype("float32")
    tags = rng.integers(0, 2, size=(n, 100), dtype=np.int8).astype("float32")
    priority = rng.random(size=(n, 1)).astype("float32")
    department = rng.integers(0, 2, size=(n, 4)).astype("float32")
    return [title, body, tags], [priority, department]


# -- models ------------------------------------------------------------------------------
def compile_classifier(model):
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def mnist_mlp(keras):
    """The note's MNIST MLP: 784 -> Dense 512 relu -> Dropout 0.5 -> Dense 10 softmax."""
    layers = keras.layers
    model = keras.Sequential([
        keras.Input(shape=(784,)),
        layers.Dense(512, activation="relu"),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])
    return compile_classifier(model)


def ticket_classifier(keras):
    """The note's functional model with three inputs and two outputs."""
    layers = keras.layers
    title = keras.Input(shape=(10000,), name="title")
    text_body = keras.Input(shape=(10000,), name="text_body")
    tags = keras.Input(shape=(100,), name="tags")
    features = layers.Concatenate()([title, text_body, tags])
    features = layers.Dense(64, activation="relu")(features)
    priority = layers.Dense(1, activation="sigmoid", name="priority")(features)
    department = layers.Dense(4, activation="softmax", name="department")(features)
    model = keras.Model(inputs=[title, text_body, tags], outputs=[priority, department])
    model.compile(optimizer="adam",
                  loss=["mean_squared_error", "categorical_crossentropy"],
                  metrics=[["mean_absolute_error", "mean_squared_error"],
                           ["accuracy", "AUC", "Precision"]])
    return model


def mnist_convnet(keras):
    """A small MNIST convnet."""
    require_layers(keras, "Conv2D", "MaxPooling2D", "Flatten", "Dropout", "Dense")
    layers = keras.layers
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])
    return compile_classifier(model)


# -- timing helpers ----------------------------------------------------------------------
def epoch_timer(keras):
    """A callback recording the wall time at the end of every epoch."""

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.ends = []

        def on_epoch_end(self, epoch, logs=None):
            self.ends.append((time.perf_counter(), time.process_time()))

    return EpochTimer()


def steady_fit(keras, model, x, y, batch_size, timed_epochs):
    """Fit 1 + timed_epochs epochs; samples/s over the epochs after the first."""
    timer = epoch_timer(keras)
    history = model.fit(x, y, batch_size=batch_size, epochs=1 + timed_epochs, verbose=0,
                        callbacks=[timer])
    n = len(x[0]) if isinstance(x, list) else len(x)
    (wall0, cpu0), (wall1, cpu1) = timer.ends[0], timer.ends[-1]
    last = {k: float(v[-1]) for k, v in history.history.items()}
    # cpu_per_wall: CPU seconds the process used per wall second while timed (at most
    # the core count); well below it means the machine was shared or the loop waited.
    # The "cpu" twin of the figure counts process CPU seconds instead of wall seconds,
    # which other processes on a shared machine disturb much less.
    extra = {"final_logs": last, "cpu_per_wall": (cpu1 - cpu0) / (wall1 - wall0),
             "cpu": {"fit_samples_per_s": n * timed_epochs / (cpu1 - cpu0)}}
    return n * timed_epochs / (wall1 - wall0), extra


# -- workloads ---------------------------------------------------------------------------
def dense_stack_train_flops(widths):
    """Matmul FLOPs (a multiply-add counts 2) of one training step, per sample, of a stack
    of Dense layers with these widths (input first): per layer of i inputs and o units,
    2·i·o forward and 2·i·o for the kernel gradient, and 2·i·o for the gradient of its
    input for every layer but the first (the data needs none). Element-wise work (bias,
    activations, dropout, softmax, loss, optimizer) is not counted; for W1 it would add
    about 2% (mostly RMSprop's ~9 FLOPs per weight, once per step of 128 samples)."""
    return sum(2 * i * o * (2 if j == 0 else 3)
               for j, (i, o) in enumerate(zip(widths[:-1], widths[1:])))


W1_WIDTHS = (784, 512, 10)
W1_FLOPS_PER_SAMPLE = dense_stack_train_flops(W1_WIDTHS)   # 1,636,352


def with_w1_flops(figures, extra):
    """Adds `fit_gflop_per_s` (the W1 fit's achieved matmul GFLOP/s: samples/s times
    W1_FLOPS_PER_SAMPLE) and its CPU-time twin to a W1 fit's figures."""
    figures["fit_gflop_per_s"] = figures["fit_samples_per_s"] * W1_FLOPS_PER_SAMPLE / 1e9
    cpu = extra.setdefault("cpu", {})
    if "fit_samples_per_s" in cpu:
        cpu["fit_gflop_per_s"] = cpu["fit_samples_per_s"] * W1_FLOPS_PER_SAMPLE / 1e9
    extra["flops_per_sample"] = W1_FLOPS_PER_SAMPLE
    return figures, extra


def w1_mlp_fit(keras, cfg):
    x, y = load_mnist(cfg["w1_samples"])
    model = mnist_mlp(keras)
    rate, extra = steady_fit(keras, model, x, y, 128, cfg["w1_timed_epochs"])
    return with_w1_flops({"fit_samples_per_s": rate}, extra)


def w2_ticket_fit(keras, cfg):
    x, y = ticket_data(cfg["w2_samples"])
    model = ticket_classifier(keras)
    rate, extra = steady_fit(keras, model, x, y, 32, cfg["w2_timed_epochs"])
    return {"fit_samples_per_s": rate}, extra


def w3_convnet_fit(keras, cfg):
    model = mnist_convnet(keras)   # raises Unsupported before any data is loaded
    x, y = load_mnist(cfg["w3_samples"], flat=False)
    rate, extra = steady_fit(keras, model, x, y, 128, cfg["w3_timed_epochs"])
    return {"fit_samples_per_s": rate}, extra


def _median_latency(fn, calls, warmup):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(calls):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def w4_inference(keras, cfg):
    model = mnist_mlp(keras)
    x = load_mnist_test(cfg["w4_big"])
    x1 = x[:1]
    predict1 = _median_latency(lambda: model.predict(x1, verbose=0),
                               cfg["w4_calls"], cfg["w4_warmup"])
    call1 = _median_latency(lambda: keras.ops.convert_to_numpy(model(x1)),
                            cfg["w4_calls"], cfg["w4_warmup"])
    big = _median_latency(lambda: model.predict(x, verbose=0), cfg["w4_big_calls"], 1)
    return {"predict1_latency_ms": predict1 * 1e3, "call1_latency_ms": call1 * 1e3,
            "predict10k_samples_per_s": len(x) / big}, {}


def w5_first_epoch(keras, cfg):
    """Model construction to the end of the first epoch (compile included). Must run
    first in a fresh process: nothing may have been traced or compiled before."""
    x, y = load_mnist(cfg["w5_samples"])
    t0, c0 = time.perf_counter(), time.process_time()
    model = mnist_mlp(keras)
    model.fit(x, y, batch_size=128, epochs=1, verbose=0)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"first_epoch_s": wall}, {"cpu": {"first_epoch_s": cpu}}


def w6_quantized_predict(keras, cfg):
    """`predict` on 10,000 MNIST test samples with the W1 MLP, float then int8-quantized
    (per-channel int8 kernels, per-row int8 activations)."""
    import warnings

    if not hasattr(keras.Model, "quantize"):
        raise Unsupported("no Model.quantize")
    model = mnist_mlp(keras)
    x = load_mnist_test(cfg["w4_big"])
    rate = {}
    for kind in ("float", "int8"):
        if kind == "int8":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # layers without weights to quantize
                model.quantize("int8")
        seconds = _median_latency(lambda: model.predict(x, verbose=0), cfg["w6_calls"], 1)
        rate[f"predict10k_{kind}_samples_per_s"] = len(x) / seconds
    return rate, {"int8_over_float": rate["predict10k_int8_samples_per_s"]
                  / rate["predict10k_float_samples_per_s"]}


def zoo_finetune_model(keras, name):
    """`keras.applications.<name>` (random weights, no top, average pooling, 224x224x3)
    with a new 10-class head; everything trainable, as when fine-tuning."""
    if not hasattr(keras, "applications"):
        raise Unsupported("no keras.applications")
    base = getattr(keras.applications, name)(weights=None, include_top=False, pooling="avg",
                                             input_shape=(224, 224, 3))
    inputs = keras.Input((224, 224, 3))
    outputs = keras.layers.Dense(10, activation="softmax")(base(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def w7_zoo(keras, cfg):
    """ResNet50 and MobileNetV2 at 224x224, batch 16: forward pass (`predict`) and a
    fine-tuning epoch, on random images."""
    rng = np.random.default_rng(0)
    n = cfg["w7_samples"]
    x = rng.uniform(-1, 1, (n, 224, 224, 3)).astype("float32")
    y = rng.integers(0, 10, n)
    figures, extra = {}, {"cpu": {}}
    for name, key in (("ResNet50", "resnet50"), ("MobileNetV2", "mobilenetv2")):
        model = zoo_finetune_model(keras, name)
        forward = _median_latency(lambda: model.predict(x, batch_size=16, verbose=0),
                                  cfg["w7_calls"], 1)
        figures[f"{key}_forward_samples_per_s"] = n / forward
        rate, fit_extra = steady_fit(keras, model, x, y, 16, 1)
        figures[f"{key}_finetune_samples_per_s"] = rate
        extra["cpu"][f"{key}_finetune_samples_per_s"] = fit_extra["cpu"]["fit_samples_per_s"]
    return figures, extra


# -- models Keras users train next (issue 14) --------------------------------------------
def text_data(n, length, vocab=10000, seed=0):
    """Random token sequences (0 never appears) and binary labels."""
    rng = np.random.default_rng(seed)
    x = rng.integers(1, vocab, size=(n, length)).astype("int32")
    y = rng.integers(0, 2, size=(n,)).astype("int64")
    return x, y


def recurrent_classifier(keras, kind, length):
    """Embedding(10000, 64) -> LSTM(64) | GRU(64) | Bidirectional(LSTM(32)) -> Dense 1
    sigmoid; adam, binary crossentropy, accuracy."""
    require_layers(keras, "Embedding", "LSTM", "GRU", "Bidirectional")
    layers = keras.layers
    rnn = {"lstm": lambda: layers.LSTM(64), "gru": lambda: layers.GRU(64),
           "bilstm": lambda: layers.Bidirectional(layers.LSTM(32))}[kind]()
    model = keras.Sequential([keras.Input(shape=(length,), dtype="int32"),
                              layers.Embedding(10000, 64), rnn,
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def w8_recurrent_fit(keras, cfg):
    """The three recurrent text classifiers, batch 64, sequence length cfg["rnn_len"]."""
    x, y = text_data(cfg["rnn_samples"], cfg["rnn_len"])
    figures, extra = {}, {"cpu": {}}
    for kind in ("lstm", "gru", "bilstm"):
        model = recurrent_classifier(keras, kind, cfg["rnn_len"])
        rate, fit_extra = steady_fit(keras, model, x, y, 64, 1)
        figures[f"{kind}_fit_samples_per_s"] = rate
        extra["cpu"][f"{kind}_fit_samples_per_s"] = fit_extra["cpu"]["fit_samples_per_s"]
    return figures, extra


def transformer_classifier(keras, length, vocab=10000, dim=64, heads=4, ff=128):
    """One transformer encoder block: Embedding -> MultiHeadAttention(4 heads, key_dim 16)
    -> Dropout 0.1 -> residual Add -> LayerNormalization -> Dense ff relu -> Dense dim ->
    Dropout 0.1 -> residual Add -> LayerNormalization -> GlobalAveragePooling1D -> Dense 2
    softmax; adam, sparse categorical crossentropy, accuracy."""
    require_layers(keras, "MultiHeadAttention", "LayerNormalization", "Embedding",
                   "GlobalAveragePooling1D", "Add", "Dropout")
    layers = keras.layers
    tokens = keras.Input(shape=(length,), dtype="int32")
    h = layers.Embedding(vocab, dim)(tokens)
    att = layers.MultiHeadAttention(num_heads=heads, key_dim=dim // heads)(h, h)
    h = layers.LayerNormalization()(layers.Add()([h, layers.Dropout(0.1)(att)]))
    f = layers.Dense(dim)(layers.Dense(ff, activation="relu")(h))
    h = layers.LayerNormalization()(layers.Add()([h, layers.Dropout(0.1)(f)]))
    out = layers.Dense(2, activation="softmax")(layers.GlobalAveragePooling1D()(h))
    model = keras.Model(tokens, out)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def w9_attention_fit(keras, cfg):
    model = transformer_classifier(keras, cfg["attn_len"])
    x, y = text_data(cfg["attn_samples"], cfg["attn_len"])
    rate, extra = steady_fit(keras, model, x, y, 32, 1)
    return {"fit_samples_per_s": rate}, extra


def bn_residual_convnet(keras):
    """32x32x3 -> Conv 32 3x3 -> BatchNorm -> relu, then two residual blocks (Conv 3x3 ->
    BN -> relu -> Conv 3x3 -> BN, Add, relu; the second strided 2 with a 1x1 projection to
    64 channels) -> GlobalAveragePooling2D -> Dense 10 softmax; adam."""
    require_layers(keras, "Conv2D", "BatchNormalization", "Activation", "Add",
                   "GlobalAveragePooling2D")
    layers = keras.layers

    def conv_bn(h, filters, strides=1, relu=True):
        h = layers.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False)(h)
        h = layers.BatchNormalization()(h)
        return layers.Activation("relu")(h) if relu else h

    def block(h, filters, strides):
        short = h
        if strides != 1 or h.shape[-1] != filters:
            short = layers.BatchNormalization()(
                layers.Conv2D(filters, 1, strides=strides, use_bias=False)(h))
        h = conv_bn(conv_bn(h, filters, strides), filters, relu=False)
        return layers.Activation("relu")(layers.Add()([short, h]))

    inputs = keras.Input(shape=(32, 32, 3))
    h = conv_bn(inputs, 32)
    h = block(h, 32, 1)
    h = block(h, 64, 2)
    out = layers.Dense(10, activation="softmax")(layers.GlobalAveragePooling2D()(h))
    model = keras.Model(inputs, out)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def w10_bn_convnet_fit(keras, cfg):
    model = bn_residual_convnet(keras)
    rng = np.random.default_rng(0)
    n = cfg["bnconv_samples"]
    x = rng.uniform(0, 1, (n, 32, 32, 3)).astype("float32")
    y = rng.integers(0, 10, n).astype("int64")
    rate, extra = steady_fit(keras, model, x, y, 64, 1)
    return {"fit_samples_per_s": rate}, extra


def mnist_batches(keras, x, y, batch_size, workers=None):
    """A keras.utils.PyDataset of MNIST batches (in order); `workers` None: the default."""

    class MnistBatches(keras.utils.PyDataset):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)

        def __len__(self):
            return len(x) // batch_size

        def __getitem__(self, i):
            s = slice(i * batch_size, (i + 1) * batch_size)
            return x[s], y[s]

    if workers is None:
        return MnistBatches()
    return MnistBatches(workers=workers, use_multiprocessing=False)


def w11_python_feed_fit(keras, cfg):
    """The W1 MLP fed from Python, batch 128: a generator (endless, steps_per_epoch one
    pass), a PyDataset, and the PyDataset with workers=2 (threads)."""
    bs = 128
    x, y = load_mnist(cfg["feed_samples"])
    steps = len(x) // bs

    def generator():
        while True:
            for i in range(steps):
                yield x[i * bs:(i + 1) * bs], y[i * bs:(i + 1) * bs]

    sources = {"generator": (generator, {"steps_per_epoch": steps}),
               "pydataset": (lambda: mnist_batches(keras, x, y, bs), {}),
               "pydataset_workers": (lambda: mnist_batches(keras, x, y, bs, workers=2), {})}
    figures, extra = {}, {"cpu": {}}
    for name, (make, kwargs) in sources.items():
        model = mnist_mlp(keras)
        timer = epoch_timer(keras)
        model.fit(make(), epochs=3, verbose=0, callbacks=[timer], **kwargs)
        (wall0, cpu0), (wall1, cpu1) = timer.ends[0], timer.ends[-1]
        figures[f"{name}_fit_samples_per_s"] = steps * bs * 2 / (wall1 - wall0)
        extra["cpu"][f"{name}_fit_samples_per_s"] = steps * bs * 2 / (cpu1 - cpu0)
    return figures, extra


def deep_mlp(keras, depth=40, width=64):
    """Input 32 -> `depth` x Dense(width, relu) -> Dense 10 softmax; adam."""
    layers = keras.layers
    model = keras.Sequential([keras.Input(shape=(32,))]
                             + [layers.Dense(width, activation="relu") for _ in range(depth)]
                             + [layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def w12_deep_first_epoch(keras, cfg):
    """Building the 40-layer MLP, compile, and fit of one epoch (batch 64) in a fresh
    process: tracing and XLA compilation included."""
    rng = np.random.default_rng(0)
    n = cfg["deep_samples"]
    x = rng.normal(size=(n, 32)).astype("float32")
    y = rng.integers(0, 10, n).astype("int64")
    t0, c0 = time.perf_counter(), time.process_time()
    model = deep_mlp(keras)
    model.fit(x, y, batch_size=64, epochs=1, verbose=0)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"first_epoch_s": wall}, {"cpu": {"first_epoch_s": cpu}}


def peak_rss_mb():
    """The process's peak resident memory so far (ru_maxrss, KiB on Linux), in MiB."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fit_memory(keras, build, x, y, batch_size, epochs):
    before = peak_rss_mb()  # after the import and the data load
    model = build(keras)
    model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0)
    peak = peak_rss_mb()
    return {"peak_rss_mb": peak}, {"peak_rss_before_fit_mb": before,
                                   "data_mb": sum(a.nbytes for a in
                                                  (x if isinstance(x, list) else [x])) / 2**20}


def m1_mlp_memory(keras, cfg):
    """Peak resident memory of a fresh process that fits W1 (2 epochs)."""
    x, y = load_mnist(cfg["w1_samples"])
    return _fit_memory(keras, mnist_mlp, x, y, 128, 2)


def m2_ticket_memory(keras, cfg):
    """Peak resident memory of a fresh process that fits W2 (2 epochs)."""
    x, y = ticket_data(cfg["w2_samples"])
    return _fit_memory(keras, ticket_classifier, x, y, 32, 2)


def m3_convnet_memory(keras, cfg):
    """Peak resident memory of a fresh process that fits W3 (2 epochs)."""
    x, y = load_mnist(cfg["w3_samples"], flat=False)
    return _fit_memory(keras, mnist_convnet, x, y, 128, 2)


WORKLOADS = {
    "W1": w1_mlp_fit,
    "W2": w2_ticket_fit,
    "W3": w3_convnet_fit,
    "W4": w4_inference,
    "W5": w5_first_epoch,
    "W6": w6_quantized_predict,
    "W7": w7_zoo,
    "W8": w8_recurrent_fit,
    "W9": w9_attention_fit,
    "W10": w10_bn_convnet_fit,
    "W11": w11_python_feed_fit,
    "W12": w12_deep_first_epoch,
    "M1": m1_mlp_memory,
    "M2": m2_ticket_memory,
    "M3": m3_convnet_memory,
}
