"""The sandbox's test hooks: queued faults and the request log, only with --test-hooks."""

import time

import pytest
import requests

from conftest import Sandbox


@pytest.fixture(scope="module")
def box():
    sandbox = Sandbox("--seed", "empty", "--allow-origin", "https://lab.example")
    yield sandbox
    sandbox.close()


@pytest.fixture
def s(box):
    session = requests.Session()
    session.headers["X-Kal-Authorization"] = "Bearer " + box.token()
    requests.delete(box.url + "/_sandbox/faults", timeout=10)
    requests.delete(box.url + "/_sandbox/requests", timeout=10)
    return session


def fault(box, **spec):
    resp = requests.post(box.url + "/_sandbox/faults", json=spec, timeout=10)
    assert resp.status_code == 204, resp.text


def test_a_status_fault_answers_the_next_matching_requests_then_stops(box, s):
    fault(box, method="GET", path_prefix="/key_fields", times=2, status=503, retry_after_s=1)
    first = s.get(box.url + "/key_fields", timeout=10)
    assert first.status_code == 503 and first.headers["retry-after"] == "1" and first.json()["code"] == "injected_fault"
    assert s.post(box.url + "/key_fields/", json={"field_name": "Other method"}, timeout=10).status_code == 200
    assert s.get(box.url + "/key_fields", timeout=10).status_code == 503
    assert s.get(box.url + "/key_fields", timeout=10).status_code == 200
    log = requests.get(box.url + "/_sandbox/requests", timeout=10).json()
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("GET", "/key_fields", 503), ("POST", "/key_fields", 200), ("GET", "/key_fields", 503), ("GET", "/key_fields", 200)
    ]
    assert all(e["request_id"].startswith("req-") and e["time"].endswith("Z") for e in log)


def test_a_fault_can_carry_any_body(box, s):
    fault(box, path_prefix="/data_fields", times=1, status=502, body="<html>bad gateway</html>")
    resp = s.get(box.url + "/data_fields", timeout=10)
    assert resp.status_code == 502 and resp.text == "<html>bad gateway</html>"


def test_a_delay_fault_delays_the_real_answer(box, s):
    fault(box, path_prefix="/activities", times=1, delay_ms=400)
    started = time.perf_counter()
    resp = s.get(box.url + "/activities", timeout=10)
    assert resp.status_code == 200 and resp.json() == []
    assert time.perf_counter() - started >= 0.4


def test_a_reset_fault_breaks_the_connection(box, s):
    fault(box, path_prefix="/entity_slices", times=1, reset_connection=True)
    with pytest.raises(requests.exceptions.RequestException):
        s.get(box.url + "/entity_slices", timeout=10).content
    assert s.get(box.url + "/entity_slices", timeout=10).status_code == 200
    log = requests.get(box.url + "/_sandbox/requests", timeout=10).json()
    assert [e["status"] for e in log if e["path"] == "/entity_slices"] == [0, 200]


def test_faults_are_cleared_and_bad_faults_refused(box, s):
    fault(box, path_prefix="/key_fields", times=5, status=500)
    requests.delete(box.url + "/_sandbox/faults", timeout=10)
    assert s.get(box.url + "/key_fields", timeout=10).status_code == 200
    bad = requests.post(box.url + "/_sandbox/faults", json={"path_prefix": "key_fields", "times": 0}, timeout=10)
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_fault"
    unknown = requests.post(box.url + "/_sandbox/faults", json={"path_prefix": "/x", "times": 1, "colour": "red"}, timeout=10)
    assert unknown.status_code == 400


def test_extra_allowed_origins(box):
    ok = requests.options(box.url + "/records", headers={"Origin": "https://lab.example", "Access-Control-Request-Method": "GET"}, timeout=10)
    assert ok.headers.get("access-control-allow-origin") == "https://lab.example"


def test_hooks_are_not_served_without_the_flag():
    plain = Sandbox("--seed", "empty", hooks=False)
    try:
        assert requests.get(plain.url + "/_sandbox/requests", timeout=10).status_code in (401, 404)
        assert requests.post(plain.url + "/_sandbox/faults", json={"path_prefix": "/", "times": 1}, timeout=10).status_code in (401, 404)
    finally:
        plain.close()
