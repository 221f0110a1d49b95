"""keras.config.enable_unsafe_deserialization() lets load_model read Lambda bytecode without
safe_mode=False, as in Keras (it is process-wide, so each case runs in its own process)."""

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import sys
    import numpy as np
    import lamina as keras

    path, enable = sys.argv[1], sys.argv[2] == "enable"
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Lambda(lambda t: t * 2 + 1)(inputs))
    model.save(path)
    if enable:
        keras.config.enable_unsafe_deserialization()
    try:
        loaded = keras.models.load_model(path)
    except ValueError as err:
        print("REFUSED", str(err).splitlines()[0])
    else:
        print("LOADED", loaded.predict(np.ones((1, 3), "float32"), verbose=0).tolist())
""")


def _run(tmp_path, mode):
    script = tmp_path / "child.py"
    script.write_text(SCRIPT)
    out = subprocess.run([sys.executable, str(script), str(tmp_path / "m.keras"), mode],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip().splitlines()[-1]


def test_safe_mode_refuses_lambda_bytecode_by_default(tmp_path):
    line = _run(tmp_path, "default")
    assert line.startswith("REFUSED") and "safe_mode=False" in line


def test_enable_unsafe_deserialization_is_honoured_by_load_model(tmp_path):
    assert _run(tmp_path, "enable") == "LOADED [[3.0, 3.0, 3.0]]"
