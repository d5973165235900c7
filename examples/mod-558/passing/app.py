"""A small model service: standard library HTTP server + numpy, Prometheus metrics, JSON logs."""
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

MODEL_VERSION = "1.0.0"
WEIGHTS = np.array([0.4, -0.2, 0.1, 0.3])
BIAS = 0.05
BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0]

_lock = threading.Lock()
_requests = {}  # (method, path, status) -> count
_predictions = 0
_latency_counts = [0] * len(BUCKETS)
_latency_sum = 0.0
_latency_count = 0


def log(event, **fields):
    print(json.dumps({"ts": time.time(), "level": "info", "event": event, **fields}), flush=True)


def predict(features):
    x = np.asarray(features, dtype=float)
    if x.shape != WEIGHTS.shape:
        raise ValueError(f"expected {WEIGHTS.shape[0]} features, got {x.size}")
    score = float(WEIGHTS @ x + BIAS)
    return {"prediction": score, "label": int(score > 0.5), "model_version": MODEL_VERSION}


def observe(seconds):
    global _latency_sum, _latency_count, _predictions
    with _lock:
        _predictions += 1
        _latency_sum += seconds
        _latency_count += 1
        for i, bound in enumerate(BUCKETS):
            if seconds <= bound:
                _latency_counts[i] += 1


def render_metrics():
    lines = [
        "# HELP http_requests_total HTTP requests by method, path and status.",
        "# TYPE http_requests_total counter",
    ]
    with _lock:
        for (method, path, status), count in sorted(_requests.items()):
            lines.append(f'http_requests_total{{method="{method}",path="{path}",status="{status}"}} {count}')
        lines += [
            "# HELP predictions_total Predictions served.",
            "# TYPE predictions_total counter",
            f"predictions_total {_predictions}",
            "# HELP prediction_latency_seconds Time to compute a prediction.",
            "# TYPE prediction_latency_seconds histogram",
        ]
        for bound, count in zip(BUCKETS, _latency_counts):
            lines.append(f'prediction_latency_seconds_bucket{{le="{bound}"}} {count}')
        lines += [
            f'prediction_latency_seconds_bucket{{le="+Inf"}} {_latency_count}',
            f"prediction_latency_seconds_sum {_latency_sum}",
            f"prediction_latency_seconds_count {_latency_count}",
        ]
    return "\n".join(lines) + "\n"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # replaced by JSON logs
        pass

    def reply(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        path = self.path.split("?")[0]
        with _lock:
            key = (self.command, path, str(status))
            _requests[key] = _requests.get(key, 0) + 1
        log("request", method=self.command, path=path, status=status)

    def do_GET(self):
        if self.path == "/health":
            self.reply(200, {"status": "ok"})
        elif self.path == "/metrics":
            self.reply(200, render_metrics(), "text/plain; version=0.0.4")
        else:
            self.reply(404, {"error": "not found"})

    def do_POST(self):
        if self.path != "/predict":
            self.reply(404, {"error": "not found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > 1 << 20:
            self.reply(413, {"error": "request too large"})
            return
        try:
            features = json.loads(self.rfile.read(length) or b"{}")["features"]
            if not isinstance(features, list):
                raise ValueError("features must be a list of numbers")
            started = time.perf_counter()
            result = predict(features)
            observe(time.perf_counter() - started)
        except (ValueError, KeyError, TypeError) as error:
            self.reply(400, {"error": str(error)})
            return
        self.reply(200, result)


def main():
    port = int(os.environ.get("PORT", "8080"))
    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    server.daemon_threads = True

    def on_term(signum, frame):
        # Graceful shutdown: stop accepting, let in-flight requests finish, exit 0.
        log("shutdown", signal=signum)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_term)
    log("started", port=port, model_version=MODEL_VERSION)
    server.serve_forever()
    server.server_close()
    log("stopped")
    sys.exit(0)


if __name__ == "__main__":
    main()
