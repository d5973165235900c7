import json
import threading
import urllib.error
import urllib.request

import pytest

from service.app import make_server, predict


def test_predict_known_input_gives_linear_model_value():
    assert predict([1, 2, 3, 4])["prediction"] == pytest.approx(8.4)


def test_predict_reports_model_version():
    assert predict([0, 0, 0, 0])["model_version"]


def test_predict_wrong_length_raises_value_error():
    with pytest.raises(ValueError):
        predict([1, 2])


def test_predict_non_numbers_raises_value_error():
    with pytest.raises(ValueError):
        predict(["a", 2, 3, 4])


@pytest.fixture()
def base_url():
    server = make_server("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    return urllib.request.urlopen(request, timeout=5)


def test_health_answers_ok(base_url):
    with urllib.request.urlopen(base_url + "/health", timeout=5) as response:
        assert json.load(response) == {"status": "ok"}


def test_predict_endpoint_returns_prediction(base_url):
    with _post(base_url + "/predict", {"features": [1, 2, 3, 4]}) as response:
        assert json.load(response)["prediction"] == pytest.approx(8.4)


def test_predict_endpoint_bad_input_is_400(base_url):
    with pytest.raises(urllib.error.HTTPError) as error:
        _post(base_url + "/predict", {"features": [1]})
    assert error.value.code == 400


def test_metrics_counts_predictions(base_url):
    _post(base_url + "/predict", {"features": [0, 0, 0, 0]}).close()
    with urllib.request.urlopen(base_url + "/metrics", timeout=5) as response:
        text = response.read().decode()
    assert "# TYPE predictions_total counter" in text
    assert any(line.startswith("predictions_total ") and float(line.split()[1]) >= 1 for line in text.splitlines())
