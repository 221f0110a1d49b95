"""`RemoteMonitor`: POST each epoch's logs to an HTTP server (standard library only)."""

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings

import numpy as np

from lamina.callbacks.callback import Callback


class RemoteMonitor(Callback):
    """Send `{"epoch": i, **logs}` to `root + path` at the end of every epoch.

    Args:
        root: server URL, "http://localhost:9000" by default.
        path: path under `root`, "/publish/epoch/end/" by default.
        field: form field holding the JSON text when `send_as_json` is False ("data").
        headers: dict of extra HTTP headers, or None.
        send_as_json: POST the dict as an `application/json` body instead of a form.

    A server that cannot be reached gives a warning; training goes on.
    """

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data",
                 headers=None, send_as_json=False):
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def _request(self, payload):
        headers = dict(self.headers or {})
        if self.send_as_json:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(payload)}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return urllib.request.Request(self.root + self.path, data=body, headers=headers,
                                      method="POST")

    def on_epoch_end(self, epoch, logs=None):
        payload = {"epoch": epoch}
        for key, value in (logs or {}).items():
            # NumPy scalars and 0-d arrays are not JSON: send their Python value.
            payload[key] = value.item() if isinstance(value, (np.ndarray, np.generic)) else value
        try:
            with urllib.request.urlopen(self._request(payload), timeout=10) as response:
                response.read()
        except (urllib.error.URLError, OSError):
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}",
                          stacklevel=2)
