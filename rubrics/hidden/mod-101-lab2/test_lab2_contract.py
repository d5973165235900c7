"""The service contract of MOD-101 Lab 2, checked black-box over HTTP against the learner's running service.

POST /predict {"features": [4 numbers]} -> 200 {"prediction": float, "model_version": str}, linear model
dot([0.5, -0.25, 0.1, 2.0], features) + 0.1; anything else (wrong length, non-numbers, not a list, no
"features", a body that is not a JSON object or not JSON) -> 400 {"error": ...}. GET /health -> 200
{"status": "ok"}; GET /metrics -> Prometheus text with predictions_total (successful predictions) and
http_requests_total{method,path,status}; anything else -> 404. Concurrent requests are all answered.
"""

import concurrent.futures
import json
import re
import urllib.error
import urllib.request

import pytest

WEIGHTS = [0.5, -0.25, 0.1, 2.0]
BIAS = 0.1


def expected(features):
    return sum(w * x for w, x in zip(WEIGHTS, features)) + BIAS


def request(url, method="GET", body=None):
    """(status, content type, body text) for a request; HTTP error statuses are answers, not exceptions."""
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read(1 << 20).decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read(1 << 20).decode()


def predict(base_url, body):
    return request(base_url + "/predict", "POST", body)


def assert_bad_request(answer):
    status, _, text = answer
    assert status == 400
    assert "error" in json.loads(text)


# --- POST /predict: valid input ----------------------------------------------------------------------------


@pytest.mark.parametrize("features", [[1, 2, 3, 4], [0, 0, 0, 0], [2, 4, -1, 0.5], [-3.5, 1e3, 0.25, -7]])
def test_predict_valid_features_follow_linear_model(base_url, features):
    status, _, text = predict(base_url, {"features": features})
    assert status == 200
    assert json.loads(text)["prediction"] == pytest.approx(expected(features), rel=1e-9, abs=1e-9)


def test_predict_handout_example_is_8_4(base_url):
    status, _, text = predict(base_url, {"features": [1, 2, 3, 4]})
    assert status == 200
    assert json.loads(text)["prediction"] == pytest.approx(8.4)


def test_predict_answer_has_model_version_string(base_url):
    answer = json.loads(predict(base_url, {"features": [1, 2, 3, 4]})[2])
    assert isinstance(answer.get("model_version"), str) and answer["model_version"].strip()


def test_predict_answer_is_json_object_with_number(base_url):
    status, content_type, text = predict(base_url, {"features": [1, 2, 3, 4]})
    assert status == 200
    assert content_type.startswith("application/json")
    answer = json.loads(text)
    assert isinstance(answer, dict)
    assert isinstance(answer["prediction"], float)


# --- POST /predict: bad input is a 400 with an error -------------------------------------------------------


@pytest.mark.parametrize("features", [[], [1, 2, 3], [1, 2, 3, 4, 5]], ids=["empty", "three", "five"])
def test_predict_wrong_length_is_400_with_error(base_url, features):
    assert_bad_request(predict(base_url, {"features": features}))


@pytest.mark.parametrize("features", [["a", 2, 3, 4], [None, 2, 3, 4], [1, 2, [3], 4]], ids=["string", "null", "list"])
def test_predict_non_numbers_are_400_with_error(base_url, features):
    assert_bad_request(predict(base_url, {"features": features}))


@pytest.mark.parametrize("features", [None, "1,2,3,4", {"a": 1}, 4], ids=["null", "string", "object", "number"])
def test_predict_not_a_list_is_400_with_error(base_url, features):
    assert_bad_request(predict(base_url, {"features": features}))


@pytest.mark.parametrize(
    "body",
    [{"no_features": [1, 2, 3, 4]}, [1, 2, 3, 4], b"{not json"],
    ids=["missing-key", "not-an-object", "invalid-json"],
)
def test_predict_bad_body_is_400_with_error(base_url, body):
    assert_bad_request(predict(base_url, body))


# --- the other endpoints --------------------------------------------------------------------------------------


def test_health_answers_200_status_ok(base_url):
    status, _, text = request(base_url + "/health")
    assert status == 200
    assert json.loads(text) == {"status": "ok"}


def test_unknown_path_is_404(base_url):
    assert request(base_url + "/no-such-path")[0] == 404


def test_post_to_unknown_path_is_404(base_url):
    assert request(base_url + "/no-such-path", "POST", {"features": [1, 2, 3, 4]})[0] == 404


def metric_sum(text, name, labels=None):
    total = 0.0
    found = False
    for match in re.finditer(rf"^{name}(\{{[^}}]*\}})?\s+([-+0-9.eEinfNa]+)\s*$", text, re.MULTILINE):
        series = match.group(1) or ""
        if labels and not all(f'{key}="{value}"' in series for key, value in labels.items()):
            continue
        total += float(match.group(2))
        found = True
    assert found, f"{name} {labels or ''} not found in /metrics"
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
        assert predict(base_url, {"features": [1, 2, 3, 4]})[0] == 200
    assert predict(base_url, {"features": [1]})[0] == 400
    after = metric_sum(request(base_url + "/metrics")[2], "predictions_total")
    assert after - before == 3


def test_metrics_requests_counted_by_path_and_status(base_url):
    # Counts rejected predictions: nothing but this test sends them, whereas the image's HEALTHCHECK probes
    # /health on its own schedule and would make a count of /health requests race.
    assert_bad_request(predict(base_url, {"features": [1]}))
    labels = {"method": "POST", "path": "/predict", "status": "400"}
    before = metric_sum(request(base_url + "/metrics")[2], "http_requests_total", labels)
    for _ in range(2):
        assert_bad_request(predict(base_url, {"features": [1]}))
    after = metric_sum(request(base_url + "/metrics")[2], "http_requests_total", labels)
    assert after - before == 2


def test_concurrent_predictions_all_answered(base_url):
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: predict(base_url, {"features": [1, 2, 3, 4]}), range(16)))
    assert [status for status, _, _ in answers] == [200] * 16
    assert all("prediction" in json.loads(text) for _, _, text in answers)
