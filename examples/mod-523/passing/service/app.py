"""The inference service: GET /health, POST /predict {"features": [...]} -> {"prediction": n}."""
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from service.model import Model

MODEL = Model()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle's algorithm and delayed ACKs on a kept-alive
    # connection every answer would wait about 40 ms.
    disable_nagle_algorithm = True

    def _send(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        if self.path == "/health":
            self._send(200, {"status": "ok"})
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self) -> None:
        if self.path != "/predict":
            self._send(404, {"error": "not found"})
            return
        try:
            length = int(self.headers.get("Content-Length", "0"))
            features = json.loads(self.rfile.read(length))["features"]
            self._send(200, {"prediction": MODEL.predict_single([float(x) for x in features])})
        except (ValueError, KeyError, TypeError) as error:
            self._send(400, {"error": str(error)})

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - keep request logs out of the benchmark output
        return


def main() -> None:
    server = ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8080"))), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
