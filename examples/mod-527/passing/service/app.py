"""The inference service: GET /health, POST /predict {"features": [...]}, GET /metrics (Prometheus)."""
import json
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

from service.gpu import GpuTelemetry
from service.metrics import Metrics

FEATURES = 64
_RNG = np.random.default_rng(527)
WEIGHTS = [_RNG.standard_normal((FEATURES, FEATURES)).astype(np.float32) / 8 for _ in range(3)]
HEAD = _RNG.standard_normal((FEATURES, 3)).astype(np.float32)
METRICS = Metrics()
GPU = GpuTelemetry()


def predict(features: list[float]) -> int:
    row = np.zeros((1, FEATURES), dtype=np.float32)
    values = [float(x) for x in features[:FEATURES]]
    row[0, : len(values)] = values
    for weights in WEIGHTS:
        row = np.maximum(row @ weights, 0.0)
    return int(np.argmax(row @ HEAD))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle's algorithm and delayed ACKs on a kept-alive
    # connection every answer would wait about 40 ms.
    disable_nagle_algorithm = True

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, document: dict) -> None:
        self._send(status, json.dumps(document).encode())

    def do_GET(self) -> None:
        started = time.perf_counter()
        if self.path == "/health":
            self._json(200, {"status": "ok", "gpu": GPU.available})
        elif self.path == "/metrics":
            text = METRICS.render(GPU.memory_used_bytes(), GPU.utilization_ratio())
            self._send(200, text.encode(), "text/plain; version=0.0.4")
        else:
            self._json(404, {"error": "not found"})
        METRICS.observe(self.path if self.path in ("/health", "/metrics") else "other", time.perf_counter() - started)

    def do_POST(self) -> None:
        started = time.perf_counter()
        if self.path != "/predict":
            self._json(404, {"error": "not found"})
            return
        try:
            length = int(self.headers.get("Content-Length", "0"))
            features = json.loads(self.rfile.read(length))["features"]
            prediction = self.predict(features)
            METRICS.count_prediction()
            self._json(200, {"prediction": prediction})
        except (ValueError, KeyError, TypeError) as error:
            self._json(400, {"error": str(error)})
        METRICS.observe("/predict", time.perf_counter() - started)

    def predict(self, features: list[float]) -> int:
        return predict(features)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - no per-request log lines under load
        return


def main() -> None:
    server = ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8080"))), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
