"""RemoteMonitor posts what Keras 3's posts (form or JSON body, custom headers), and
warns when the server is unreachable."""

import http.server
import json
import os
import threading
import urllib.parse

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytest.importorskip("requests")  # what Keras's RemoteMonitor uses


@pytest.fixture
def server():
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"],
                             self.headers.get("X-Run"), body.decode()))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", received
    httpd.shutdown()


def _decode(record):
    path, ctype, run, body = record
    if ctype == "application/json":
        return path, ctype, run, json.loads(body)
    fields = urllib.parse.parse_qs(body)
    return path, ctype, run, {k: json.loads(v[0]) for k, v in fields.items()}


@pytest.mark.parametrize("send_as_json", [False, True])
def test_posts_like_keras(server, send_as_json):
    root, received = server
    logs = {"loss": np.float32(0.25), "accuracy": np.array(0.5), "lr": 0.01}
    for k in (keras, lamina):
        cb = k.callbacks.RemoteMonitor(root=root, path="/epoch/", field="payload",
                                       headers={"X-Run": "r1"}, send_as_json=send_as_json)
        cb.on_epoch_end(3, logs)
    ours, theirs = _decode(received[1]), _decode(received[0])
    assert ours == theirs
    expected = {"epoch": 3, "loss": 0.25, "accuracy": 0.5, "lr": 0.01}
    assert ours[3] == (expected if send_as_json else {"payload": expected})


def test_fit_posts_every_epoch(server):
    root, received = server
    model = lamina.Sequential([lamina.Input((2,)), lamina.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((8, 2), "float32")
    history = model.fit(x, x[:, :1], epochs=2, verbose=0,
                        callbacks=[lamina.callbacks.RemoteMonitor(root=root, send_as_json=True)])
    sent = [_decode(r)[3] for r in received]
    assert [s["epoch"] for s in sent] == [0, 1]
    np.testing.assert_allclose([s["loss"] for s in sent], history.history["loss"], rtol=1e-6)


def test_unreachable_server_warns():
    cb = lamina.callbacks.RemoteMonitor(root="http://127.0.0.1:9")
    with pytest.warns(UserWarning, match="Could not reach RemoteMonitor root server"):
        cb.on_epoch_end(0, {"loss": 1.0})
