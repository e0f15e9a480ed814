"""The sandbox reads a request's body before it refuses it (401, 413).

Answering while the client is still sending, then closing, resets the
connection under the unread bytes: Chromium still reads the answer, but WebKit
always and Firefox usually report a network error, so a browser client cannot
tell a refused write from a lost one. Each test sends part of a body, checks that
no answer has come, sends the rest and reads the refusal.
"""

import json
import socket
import urllib.parse

import pytest

from conftest import Sandbox


@pytest.fixture(scope="module")
def box():
    sandbox = Sandbox("--seed", "demo", "--seed-records", "20")
    yield sandbox
    sandbox.close()


def refused_after_whole_body(url, path, headers, body, split):
    """Sends `body` in two parts; answers (answered early, status, JSON body)."""
    parts = urllib.parse.urlsplit(url)
    head = f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(head.encode() + body[:split])
        sock.settimeout(0.5)
        try:
            early = sock.recv(65536)
        except socket.timeout:
            early = b""
        sock.settimeout(30)
        sock.sendall(body[split:])
        got = early
        while b"\r\n\r\n" not in got:
            chunk = sock.recv(65536)
            if not chunk:
                break
            got += chunk
        head, _, rest = got.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        length = int(next((v for k, _, v in (l.partition(":") for l in lines[1:]) if k.strip().lower() == "content-length"), "0"))
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
        return bool(early), int(lines[0].split()[1]), json.loads(rest or b"{}")


def test_an_unauthenticated_write_is_answered_401_after_its_body(box):
    body = json.dumps({"field_id": "x", "content": "x" * 3_000_000}).encode()
    early, status, answer = refused_after_whole_body(box.url, "/records/00000000-0000-4000-8000-000000000001/values", {}, body, 1_000_000)
    assert not early, "the sandbox answered before the body ended"
    assert (status, answer["code"]) == (401, "unauthorized")


def test_an_oversized_json_body_is_answered_413_after_its_body(box):
    body = json.dumps({"field_id": "x", "content": "x" * 6_000_000}).encode()
    early, status, answer = refused_after_whole_body(
        box.url, "/records/00000000-0000-4000-8000-000000000001/values", {"X-Kal-Authorization": f"Bearer {box.token()}"}, body, 5_000_000
    )
    assert not early, "the sandbox answered before the body ended"
    assert (status, answer["code"]) == (413, "too_large")
