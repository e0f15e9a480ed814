"""Bad input gets a 4xx JSON { code, message }, never a 500, and changes nothing."""

import json

import pytest
import requests

from conftest import Sandbox


@pytest.fixture(scope="module")
def box():
    sandbox = Sandbox("--seed", "demo", "--max-upload-mb", "1")
    yield sandbox
    sandbox.close()


@pytest.fixture(scope="module")
def ctx(box):
    s = requests.Session()
    s.headers["X-Kal-Authorization"] = "Bearer " + box.token()
    get = lambda path: s.get(box.url + path, timeout=10).json()
    keys = get("/key_fields")
    data = get("/data_fields")
    ids = {f["field_name"]: f["id"] for f in keys + data}
    record = s.get(box.url + "/records/identifiers", params={"records_key_field_to_value": json.dumps([{ids["Compound ID"]: "CMP-0003"}])}, timeout=10).json()[0]["record"]
    activity = get("/activities")[0]["id"]
    return {"session": s, "url": box.url, "ids": ids, "record": record["id"], "activity": activity}


def snapshot(ctx):
    s, url = ctx["session"], ctx["url"]
    return {
        "key_fields": s.get(url + "/key_fields", timeout=10).json(),
        "data_fields": s.get(url + "/data_fields", timeout=10).json(),
        "activities": s.get(url + "/activities", timeout=10).json(),
        "slices": s.get(url + "/entity_slices", timeout=10).json(),
        "record_ids": s.get(url + "/records/search", timeout=10).json(),
        "record": s.get(url + f"/records/{ctx['record']}", timeout=10).json(),
        "values": s.get(url + f"/records/{ctx['record']}/values", timeout=10).json(),
    }


def multipart(file_name, payload, body):
    boundary = "kalbio-test-boundary"
    parts = []
    if file_name is not None:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\nContent-Type: text/csv\r\n\r\n'.encode() + payload + b"\r\n")
    if body is not None:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="body"\r\n\r\n{json.dumps(body)}\r\n'.encode())
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def cases(c):
    ic50, key, rec, act = c["ids"]["IC50"], c["ids"]["Compound ID"], c["record"], c["activity"]
    values = f"/records/{rec}/values"
    search = "/records/search"
    big = json.dumps({"field_id": c["ids"]["Notes"], "content": "x" * (5 * 1024 * 1024)})
    return [
        ("malformed JSON", "POST", "/records", "{", {}, 400, "invalid_json"),
        ("body not an object", "POST", "/records", "[]", {}, 400, "invalid_body"),
        ("empty key values", "POST", "/records", {"key_field_to_value": {}}, {}, 400, "invalid_key_values"),
        ("unknown key field", "POST", "/records", {"key_field_to_value": {"nope": "x"}}, {}, 400, "unknown_field"),
        ("data field as key", "POST", "/records", {"key_field_to_value": {ic50: "x"}}, {}, 400, "not_a_key_field"),
        ("object as key value", "POST", "/records", {"key_field_to_value": {key: {"a": 1}}}, {}, 400, "wrong_type"),
        ("text in a number field", "POST", values, {"field_id": ic50, "content": "abc"}, {}, 400, "wrong_type"),
        ("value for a key field", "POST", values, {"field_id": key, "content": "CMP-9"}, {}, 400, "key_field_value"),
        ("unknown field id", "POST", values, {"field_id": "nope", "content": 1}, {}, 400, "unknown_field"),
        ("unknown record id", "POST", "/records/00000000-0000-4000-8000-000000000000/values", {"field_id": ic50, "content": 1}, {}, 404, "not_found"),
        ("unknown activity id", "POST", values, {"field_id": ic50, "content": 1, "operation_id": "nope"}, {}, 400, "unknown_activity"),
        ("missing field_id", "POST", values, {"content": 1}, {}, 400, "missing_member"),
        ("number as field_id", "POST", values, {"field_id": 5, "content": 1}, {}, 400, "wrong_type"),
        ("null content", "POST", values, {"field_id": ic50, "content": None}, {}, 400, "wrong_type"),
        ("5 MB JSON body", "POST", values, big, {}, 413, "too_large"),
        ("negative limit", "GET", search + "?limit=-1", None, {}, 400, "invalid_query"),
        ("huge limit", "GET", search + "?limit=99999999999", None, {}, 400, "invalid_query"),
        ("NaN limit", "GET", search + "?limit=NaN", None, {}, 400, "invalid_query"),
        ("unknown filter_type", "GET", search + "?entity_field_filters=" + json.dumps([{"field_id": ic50, "filter_type": "is_equals"}]), None, {}, 400, "invalid_query"),
        ("malformed filter_prop", "GET", search + "?entity_field_filters=" + json.dumps([{"field_id": ic50, "filter_type": "is_less_than", "filter_prop": "abc"}]), None, {}, 400, "invalid_filter"),
        ("filters not JSON", "GET", search + "?entity_field_filters=not-json", None, {}, 400, "invalid_query"),
        ("filter on unknown field", "GET", search + "?entity_field_filters=" + json.dumps([{"field_id": "nope", "filter_type": "is_set"}]), None, {}, 400, "unknown_field"),
        ("unknown search parameter", "GET", search + "?colour=red", None, {}, 400, "invalid_query"),
        ("unknown field type", "POST", "/data_fields/", {"field_name": "Colour", "field_type": "colour", "attrs": {}}, {}, 400, "unknown_field_type"),
        ("duplicate field name", "POST", "/key_fields/", {"field_name": "Compound ID"}, {}, 409, "duplicate_name"),
        ("empty activity title", "POST", "/activities", {"title": "", "activity_type": "experiment"}, {}, 400, "missing_member"),
        ("unknown activity type", "POST", "/activities", {"title": "A", "activity_type": "party"}, {}, 400, "unknown_activity_type"),
        ("file name with a path", "POST", f"/records/{rec}/values/file", multipart("../evil.csv", b"a,b", {"field_id": c["ids"]["Plate map"]}), None, 400, "invalid_file_name"),
        ("upload over the limit", "POST", f"/records/{rec}/values/file", multipart("big.csv", b"x" * (2 * 1024 * 1024), {"field_id": c["ids"]["Plate map"]}), None, 413, "too_large"),
        ("upload without body part", "POST", f"/records/{rec}/values/file", multipart("a.csv", b"a,b", None), None, 400, "missing_member"),
        ("upload without file part", "POST", f"/records/{rec}/values/file", multipart(None, b"", {"field_id": c["ids"]["Plate map"]}), None, 400, "missing_file"),
        ("record view without activity", "POST", values, {"field_id": ic50, "content": 1, "record_view_id": "v"}, {}, 400, "record_view_without_activity"),
        ("empty record view", "POST", values, {"field_id": ic50, "content": 1, "operation_id": act, "record_view_id": " "}, {}, 400, "wrong_type"),
        ("number as record view", "POST", values, {"field_id": ic50, "content": 1, "operation_id": act, "record_view_id": 5}, {}, 400, "wrong_type"),
        ("upload to a view without activity", "POST", f"/records/{rec}/values/file", multipart("a.csv", b"a,b", {"field_id": c["ids"]["Plate map"], "record_view_id": "v"}), None, 400, "record_view_without_activity"),
        ("unknown record set", "GET", search + "?record_set_ids=nope", None, {}, 400, "unknown_record_set"),
        ("empty id among record sets", "GET", search + "?record_set_ids=a,,b", None, {}, 400, "invalid_query"),
        ("unknown program", "GET", search + "?program_id=nope", None, {}, 400, "unknown_program"),
        ("activity in an unknown program", "POST", "/activities", {"title": "B", "activity_type": "task", "program_ids": ["nope"]}, {}, 400, "unknown_program"),
        ("record_ids missing", "GET", "/records", None, {}, 400, "missing_parameter"),
        ("key values not JSON", "GET", "/records/identifiers?records_key_field_to_value=nope", None, {}, 400, "invalid_json"),
        ("unknown record into activity", "PUT", f"/operations/{act}/records", {"record_ids": ["nope"]}, {}, 400, "unknown_record"),
        ("no token", "GET", f"/records/{rec}", None, {"X-Kal-Authorization": ""}, 401, "unauthorized"),
        ("made-up token", "GET", f"/records/{rec}", None, {"X-Kal-Authorization": "Bearer 0123456789abcdef"}, 401, "unauthorized"),
        ("wrong method", "DELETE", f"/records/{rec}", {}, {}, 405, "method_not_allowed"),
    ]


def test_bad_requests_are_refused_and_change_nothing(ctx):
    before = snapshot(ctx)
    table = cases(ctx)
    assert len(table) >= 25
    failures = []
    for name, method, path, body, headers, status, code in table:
        extra = {}
        if isinstance(body, tuple):
            data, extra = body
        elif isinstance(body, str) or body is None:
            data = body
        else:
            data = json.dumps(body)
        if headers is not None and data is not None and not extra:
            extra = {"Content-Type": "application/json"}
        resp = ctx["session"].request(method, ctx["url"] + path, data=data, headers={**extra, **(headers or {})}, timeout=30)
        try:
            answer = resp.json()
        except ValueError:
            answer = None
        ok = resp.status_code == status and isinstance(answer, dict) and answer.get("code") == code and answer.get("message")
        if not ok:
            failures.append(f"{name}: {resp.status_code} {resp.text[:200]}")
    assert failures == []
    assert snapshot(ctx) == before


def test_token_endpoint_refuses_bad_credentials(box):
    wrong = requests.post(box.url + "/auth/oauth/token", data={"grant_type": "client_credentials", "client_id": "sandbox", "client_secret": "nope"}, timeout=10)
    assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_client" and "nope" not in wrong.text
    grant = requests.post(box.url + "/auth/oauth/token", data={"grant_type": "password"}, timeout=10)
    assert grant.status_code == 400 and grant.json()["code"] == "unsupported_grant_type"
    expired = requests.post(box.url + "/auth/oauth/token", data={"grant_type": "refresh_token", "refresh_token": "deadbeef"}, timeout=10)
    assert expired.status_code == 401 and expired.json()["code"] == "invalid_grant"


def test_refresh_tokens_rotate_and_tokens_expire():
    box = Sandbox("--seed", "empty", "--token-ttl-s", "1")
    try:
        first = requests.post(box.url + "/auth/oauth/token", data={"grant_type": "client_credentials", "client_id": "sandbox", "client_secret": "sandbox-secret"}, timeout=10).json()
        assert first["expires_in"] == 1 and len(first["access_token"]) == 64
        auth = {"X-Kal-Authorization": "Bearer " + first["access_token"]}
        assert requests.get(box.url + "/key_fields", headers=auth, timeout=10).status_code == 200
        renewed = requests.post(box.url + "/auth/oauth/token", data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}, timeout=10).json()
        assert renewed["access_token"] != first["access_token"]
        reused = requests.post(box.url + "/auth/oauth/token", data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}, timeout=10)
        assert reused.status_code == 401
        import time
        time.sleep(1.2)
        late = requests.get(box.url + "/key_fields", headers=auth, timeout=10)
        assert late.status_code == 401 and late.json()["code"] == "unauthorized"
    finally:
        box.close()


def test_every_answer_has_a_request_id_and_cors_preflight_is_answered(box):
    resp = requests.options(box.url + "/records", headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-kal-authorization,content-type"}, timeout=10)
    assert resp.status_code == 200
    assert resp.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert resp.headers["access-control-max-age"] == "7200"
    assert "x-kal-authorization" in resp.headers["access-control-allow-headers"]
    other = requests.options(box.url + "/records", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}, timeout=10)
    assert "access-control-allow-origin" not in other.headers
    plain = requests.get(box.url + "/key_fields", headers={"Origin": "http://127.0.0.1:3000"}, timeout=10)
    assert plain.headers["x-request-id"].startswith("req-")
    assert "x-request-id" in plain.headers["access-control-expose-headers"]
    assert "retry-after" in plain.headers["access-control-expose-headers"]
