"""A corpus of bad inputs to fit / evaluate / predict / compile / train_on_batch: each case is
(name, callable taking a fresh compiled model, expected error type, a phrase of its message).
"""

import numpy as np

import lamina as keras

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 4)).astype("float32")
Y = RNG.integers(0, 3, 64)


def model():
    m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    m.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return m


def dict_model():
    a, b = keras.Input((4,), name="alpha"), keras.Input((2,), name="beta")
    out = keras.layers.Dense(3, activation="softmax")(keras.layers.Concatenate()([a, b]))
    m = keras.Model({"alpha": a, "beta": b}, out)
    m.compile("adam", "sparse_categorical_crossentropy")
    return m


def _gen(batches):
    def make():
        yield from batches
    return make()


def _raising_gen():
    yield X[:8], Y[:8]
    raise RuntimeError("the generator broke")


def _shape_changing_gen():
    yield X[:8], Y[:8]
    yield RNG.normal(size=(8, 5)).astype("float32"), Y[:8]


CASES = []


def case(name, fn, error, phrase):
    CASES.append((name, fn, error, phrase))


# Entry points taking (x, y); each gets the same bad data.
_ENTRIES = {
    "fit": lambda m, x, y: m.fit(x, y, verbose=0),
    "evaluate": lambda m, x, y: m.evaluate(x, y, verbose=0),
    "train_on_batch": lambda m, x, y: m.train_on_batch(x, y),
    "test_on_batch": lambda m, x, y: m.test_on_batch(x, y),
}
_BAD_XY = [
    ("string x", np.array([["a"] * 4] * 64), Y, TypeError, "must hold numbers"),
    ("object x", np.array([[object()] * 4] * 64, dtype=object), Y, ValueError,
     "contains Python objects"),
    ("string labels", X, np.array(["a"] * 64), TypeError, "must hold numbers"),
    ("labels too large", X, np.full(64, 7), ValueError, "must be integers in [0, 3)"),
    ("negative labels", X, np.full(64, -1), ValueError, "must be integers in [0, 3)"),
    ("wrong feature size", RNG.normal(size=(64, 5)).astype("float32"), Y, ValueError,
     "expected"),
    ("fewer labels than inputs", X, Y[:10], ValueError, "cardinality"),
    ("empty arrays", X[:0], Y[:0], ValueError, "empty"),
    ("scalar x", np.float32(3.0), Y, ValueError, "batch dimension"),
    ("too many inputs", [X, X], Y, ValueError, "input"),
]
for entry_name, entry in _ENTRIES.items():
    for bad_name, bx, by, err, phrase in _BAD_XY:
        case(f"{entry_name}: {bad_name}",
             lambda m, e=entry, bx=bx, by=by: e(m, bx, by), err, phrase)

for bad_name, bx, err, phrase in [
        ("string x", np.array([["a"] * 4] * 3), TypeError, "must hold numbers"),
        ("wrong feature size", RNG.normal(size=(3, 5)).astype("float32"), ValueError, "expected"),
        ("scalar x", np.float32(1.0), ValueError, "batch dimension"),
        ("empty x", X[:0], ValueError, "empty"),
        ("too many inputs", [X, X], ValueError, "input")]:
    case(f"predict: {bad_name}", lambda m, bx=bx: m.predict(bx, verbose=0), err, phrase)
    case(f"predict_on_batch: {bad_name}", lambda m, bx=bx: m.predict_on_batch(bx), err, phrase)

# Loop arguments.
for name, kw, err, phrase in [
        ("batch_size float", {"batch_size": 8.5}, TypeError, "`batch_size` must be an integer"),
        ("batch_size string", {"batch_size": "32"}, TypeError, "`batch_size` must be an integer"),
        ("batch_size zero", {"batch_size": 0}, ValueError, "`batch_size` must be positive"),
        ("batch_size negative", {"batch_size": -4}, ValueError, "`batch_size` must be positive"),
        ("batch_size bool", {"batch_size": True}, TypeError, "`batch_size` must be an integer"),
        ("shuffle string", {"shuffle": "yes"}, TypeError, "`shuffle` must be True or False"),
        ("shuffle int", {"shuffle": 1}, TypeError, "`shuffle` must be True or False"),
        ("epochs float", {"epochs": 2.5}, TypeError, "`epochs` must be an integer"),
        ("epochs negative", {"epochs": -1}, ValueError, "`epochs` must be non-negative"),
        ("steps_per_epoch float", {"steps_per_epoch": 1.5}, TypeError,
         "`steps` must be an integer"),
        ("steps_per_epoch zero", {"steps_per_epoch": 0}, ValueError, "`steps` must be positive"),
        ("verbose 3", {"verbose": 3}, ValueError, "verbose"),
        ("validation_split with generator", None, None, None)]:
    if kw is None:
        continue
    case(f"fit: {name}", lambda m, kw=kw: m.fit(X, Y, verbose=kw.pop("verbose", 0), **kw)
         if "verbose" not in kw else m.fit(X, Y, **kw), err, phrase)
for name, kw, err, phrase in [
        ("batch_size float", {"batch_size": 2.0}, TypeError, "`batch_size` must be an integer"),
        ("steps negative", {"steps": -2}, ValueError, "`steps` must be positive")]:
    case(f"evaluate: {name}", lambda m, kw=kw: m.evaluate(X, Y, verbose=0, **kw), err, phrase)
    case(f"predict: {name}", lambda m, kw=kw: m.predict(X, verbose=0, **kw), err, phrase)

# Generators and other sources.
case("fit: generator yielding out-of-range labels",
     lambda m: m.fit(_gen([(X[:8], np.full(8, 9))] * 2), steps_per_epoch=2, verbose=0),
     ValueError, "(batch 0) must be integers in [0, 3)")
case("fit: generator that raises", lambda m: m.fit(_raising_gen(), steps_per_epoch=4, verbose=0),
     RuntimeError, "the generator broke")
case("fit: generator changing shapes",
     lambda m: m.fit(_shape_changing_gen(), steps_per_epoch=2, verbose=0), ValueError, "expected")
case("fit: empty generator", lambda m: m.fit(_gen([]), steps_per_epoch=2, verbose=0),
     ValueError, "produced no batches")
case("fit: generator plus y", lambda m: m.fit(_gen([(X, Y)]), Y, verbose=0), ValueError,
     "do not also pass `y`")
case("fit: validation_split with a generator",
     lambda m: m.fit(_gen([(X, Y)]), validation_split=0.2, verbose=0), ValueError,
     "validation_split is only supported for array inputs")
case("fit: validation_data without labels",
     lambda m: m.fit(X, Y, validation_data=(X,), verbose=0), ValueError, "inputs only")
case("fit: no x", lambda m: m.fit(None, Y, verbose=0), ValueError, "needs input data")
case("fit: class_weight list", lambda m: m.fit(X, Y, class_weight=[1, 2, 3], verbose=0),
     ValueError, "class_weight must be a dict")
case("fit: class_weight missing class",
     lambda m: m.fit(X, Y, class_weight={0: 1.0, 1: 2.0}, verbose=0), ValueError,
     "class_weight has no entry")
case("fit: sample_weight too short", lambda m: m.fit(X, Y, sample_weight=np.ones(3), verbose=0),
     ValueError, "cardinality")
case("fit: callbacks not Callback", lambda m: m.fit(X, Y, callbacks=[print], verbose=0),
     TypeError, "Callback instances")

# Dict inputs.
XD = {"alpha": X, "beta": X[:, :2]}
case("dict fit: unknown key", lambda m: dict_model().fit({**XD, "gamma": X}, Y, verbose=0),
     ValueError, "'gamma'")
case("dict fit: misspelt key", lambda m: dict_model().fit(
    {"alpah": X, "beta": X[:, :2]}, Y, verbose=0), ValueError, "did you mean 'alpha'")
case("dict predict: unknown key", lambda m: dict_model().predict({**XD, "gamma": X}, verbose=0),
     ValueError, "'gamma'")
case("dict evaluate: missing key", lambda m: dict_model().evaluate({"alpha": X}, Y, verbose=0),
     ValueError, "beta")

# compile and state.
case("fit before compile", lambda m: keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
     .fit(X, Y, verbose=0), ValueError, "compile()")
case("evaluate before compile", lambda m: keras.Sequential(
    [keras.Input((4,)), keras.layers.Dense(1)]).evaluate(X, Y, verbose=0), ValueError,
     "compile()")
case("compile: optimizer None then fit", lambda m: (
    m.compile(optimizer=None, loss="mse"), m.fit(X, Y, verbose=0)), ValueError,
     "without an optimizer")
case("compile: unknown optimizer", lambda m: m.compile(optimizer="adamm", loss="mse"),
     ValueError, "adam")
case("compile: unknown loss", lambda m: (m.compile("adam", loss="mse_typo"),
                                         m.fit(X, Y, verbose=0)), ValueError, "mse_typo")
case("compile: unknown metric", lambda m: (m.compile("adam", "mse", metrics=["acuracy"]),
                                           m.fit(X, Y, verbose=0)), ValueError, "acuracy")
case("compile: steps_per_execution zero",
     lambda m: m.compile("adam", "mse", steps_per_execution=0), ValueError,
     "steps_per_execution")
case("compile: loss dict with unknown output", lambda m: (
    m.compile("adam", {"nope": "mse"}), m.fit(X, Y, verbose=0)), ValueError, "unknown output")
