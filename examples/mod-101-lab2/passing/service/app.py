"""MOD-101 Lab 2: a small linear model served over HTTP with the standard library and numpy."""

import json
import os
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

MODEL_VERSION = "linear-v1"
WEIGHTS = np.array([0.5, -0.25, 0.1, 2.0])
BIAS = 0.1

_lock = threading.Lock()
_predictions = 0
_requests = {}


def predict(features):
    """Predicts from exactly four numbers; raises ValueError for anything else."""
    if not isinstance(features, (list, tuple)) or len(features) != len(WEIGHTS):
        raise ValueError(f"features must be a list of {len(WEIGHTS)} numbers")
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in features):
        raise ValueError("features must be numbers")
    value = float(np.dot(WEIGHTS, np.asarray(features, dtype=float)) + BIAS)
    return {"prediction": value, "model_version": MODEL_VERSION}


def _count(method, path, status):
    with _lock:
        key = (method, path, status)
        _requests[key] = _requests.get(key, 0) + 1


def render_metrics():
    with _lock:
        lines = [
            "# HELP predictions_total Successful predictions.",
            "# TYPE predictions_total counter",
            f"predictions_total {_predictions}",
            "# HELP http_requests_total HTTP requests by method, path and status.",
            "# TYPE http_requests_total counter",
        ]
        for (method, path, status), n in sorted(_requests.items()):
            lines.append(f'http_requests_total{{method="{method}",path="{path}",status="{status}"}} {n}')
    return "\n".join(lines) + "\n"


class PredictionHandler(BaseHTTPRequestHandler):
    server_version = "lab2/1"

    def log_message(self, format, *args):  # noqa: A002 - keep the container log quiet
        pass

    def _send(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        _count(self.command, self.path, status)

    def do_GET(self):
        if self.path == "/health":
            self._send(200, {"status": "ok"})
        elif self.path == "/metrics":
            self._send(200, render_metrics(), "text/plain; version=0.0.4")
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self):
        global _predictions
        if self.path != "/predict":
            self._send(404, {"error": "not found"})
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
            payload = json.loads(self.rfile.read(length) or b"null")
            if not isinstance(payload, dict):
                raise ValueError("body must be a JSON object with 'features'")
            result = predict(payload.get("features"))
        except (ValueError, json.JSONDecodeError) as error:
            self._send(400, {"error": str(error)})
            return
        with _lock:
            _predictions += 1
        self._send(200, result)


def make_server(host="0.0.0.0", port=8080):
    return ThreadingHTTPServer((host, port), PredictionHandler)


def main():
    server = make_server(port=int(os.environ.get("PORT", "8080")))
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
