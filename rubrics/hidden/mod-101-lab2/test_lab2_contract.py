"""The service contract of MOD-101 Lab 2, checked against the learner's service/app.py.

predict(features) -> {"prediction": float, "model_version": str}, linear model
dot([0.5, -0.25, 0.1, 2.0], features) + 0.1, ValueError for anything but a list of exactly 4 numbers;
PredictionHandler serving GET /health, POST /predict, GET /metrics (Prometheus text), 404 otherwise;
make_server(host, port) returning a ThreadingHTTPServer that is not started yet.
"""

import json
import re
import threading
import urllib.error
import urllib.request

import pytest

from service import app

WEIGHTS = [0.5, -0.25, 0.1, 2.0]
BIAS = 0.1


def expected(features):
    return sum(w * x for w, x in zip(WEIGHTS, features)) + BIAS


# --- predict() -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("features", [[1, 2, 3, 4], [0, 0, 0, 0], [2, 4, -1, 0.5], [-3.5, 1e3, 0.25, -7]])
def test_predict_valid_features_follow_linear_model(features):
    result = app.predict(features)
    assert result["prediction"] == pytest.approx(expected(features), rel=1e-9, abs=1e-9)


def test_predict_result_has_model_version_string():
    result = app.predict([1, 2, 3, 4])
    assert isinstance(result["model_version"], str) and result["model_version"].strip()


def test_predict_result_is_json_serialisable():
    # numpy scalars are not JSON serialisable; the HTTP answer needs plain floats.
    json.dumps(app.predict([1, 2, 3, 4]))


@pytest.mark.parametrize("features", [[], [1, 2, 3], [1, 2, 3, 4, 5]])
def test_predict_wrong_length_raises_value_error(features):
    with pytest.raises(ValueError):
        app.predict(features)


@pytest.mark.parametrize("features", [["a", 2, 3, 4], [None, 2, 3, 4], [1, 2, [3], 4]])
def test_predict_non_numbers_raise_value_error(features):
    with pytest.raises(ValueError):
        app.predict(features)


@pytest.mark.parametrize("features", [None, "1,2,3,4", {"a": 1}, 4])
def test_predict_not_a_list_raises_value_error(features):
    with pytest.raises(ValueError):
        app.predict(features)


# --- the HTTP service -------------------------------------------------------------------------------------


@pytest.fixture()
def base_url():
    server = app.make_server("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def request(url, method="GET", body=None):
    """(status, content type, body text) for a request; HTTP error statuses are answers, not exceptions."""
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode()


def test_make_server_is_a_threading_http_server():
    from http.server import ThreadingHTTPServer

    server = app.make_server("127.0.0.1", 0)
    try:
        assert isinstance(server, ThreadingHTTPServer)
        assert issubclass(server.RequestHandlerClass, app.PredictionHandler)
    finally:
        server.server_close()


def test_health_answers_200_status_ok(base_url):
    status, _, body = request(base_url + "/health")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}


def test_predict_endpoint_answers_prediction(base_url):
    status, _, body = request(base_url + "/predict", "POST", {"features": [1, 2, 3, 4]})
    assert status == 200
    answer = json.loads(body)
    assert answer["prediction"] == pytest.approx(8.4)
    assert isinstance(answer["model_version"], str)


@pytest.mark.parametrize(
    "body",
    [
        {"features": [1, 2]},
        {"features": "1,2,3,4"},
        {"no_features": [1, 2, 3, 4]},
        [1, 2, 3, 4],
        b"{not json",
    ],
    ids=["wrong-length", "string", "missing-key", "not-an-object", "invalid-json"],
)
def test_predict_endpoint_bad_input_is_400_with_error(base_url, body):
    status, _, text = request(base_url + "/predict", "POST", body)
    assert status == 400
    assert "error" in json.loads(text)


def test_unknown_path_is_404(base_url):
    status, _, _ = request(base_url + "/no-such-path")
    assert status == 404


def metric_sum(text, name):
    total = 0.0
    found = False
    for match in re.finditer(rf"^{name}(?:\{{[^}}]*\}})?\s+([-+0-9.eEinfNa]+)\s*$", text, re.MULTILINE):
        total += float(match.group(1))
        found = True
    assert found, f"{name} not found in /metrics"
    return total


def test_metrics_is_prometheus_text_with_counters(base_url):
    request(base_url + "/health")
    status, content_type, text = request(base_url + "/metrics")
    assert status == 200
    assert content_type.startswith("text/plain")
    assert re.search(r"^# TYPE predictions_total counter\s*$", text, re.MULTILINE)
    assert re.search(r'^http_requests_total\{(?=[^}]*method=")(?=[^}]*path=")(?=[^}]*status=")[^}]*\}', text, re.MULTILINE)


def test_metrics_prediction_counter_counts_successful_predictions_only(base_url):
    before = metric_sum(request(base_url + "/metrics")[2], "predictions_total")
    for _ in range(3):
        assert request(base_url + "/predict", "POST", {"features": [1, 2, 3, 4]})[0] == 200
    assert request(base_url + "/predict", "POST", {"features": [1]})[0] == 400
    after = metric_sum(request(base_url + "/metrics")[2], "predictions_total")
    assert after - before == 3
