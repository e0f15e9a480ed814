"""Starts a fresh kalbio-sandbox for each test module and hands out its URL."""

import itertools
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import pytest
import requests

# kalbio 0.5.0 calls itertools.batched (Python 3.12+); this machine has 3.11.
if not hasattr(itertools, "batched"):

    def _batched(iterable, n):
        it = iter(iterable)
        while batch := tuple(itertools.islice(it, n)):
            yield batch

    itertools.batched = _batched

# kalbio's TypedDicts need pydantic's Python 3.12 support; typing_extensions gives it on 3.11.
if sys.version_info < (3, 12):
    import typing

    import typing_extensions

    typing.TypedDict = typing_extensions.TypedDict

ROOT = pathlib.Path(__file__).resolve().parents[2]
SANDBOX_BIN = os.environ.get("KALBIO_SANDBOX_BIN", str(ROOT / "target" / "release" / "kalbio-sandbox"))
CLIENT_ID = "sandbox"
CLIENT_SECRET = "sandbox-secret"


class Sandbox:
    def __init__(self, *extra, hooks=True):
        self.dir = tempfile.mkdtemp(prefix="kalbio-sandbox-")
        self.args = [SANDBOX_BIN, "--port", "0", "--data-dir", self.dir, *(["--test-hooks"] if hooks else []), *extra]
        self.start()

    def start(self):
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline().strip()
        assert line.startswith("listening on "), f"sandbox did not start: {line!r}"
        self.url = line.removeprefix("listening on ")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def restart(self):
        self.stop()
        self.start()

    def token(self):
        resp = requests.post(
            self.url + "/auth/oauth/token",
            data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
            timeout=10,
        )
        resp.raise_for_status()
        return resp.json()["access_token"]

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def sandbox():
    box = Sandbox("--seed", "demo")
    yield box
    box.close()


@pytest.fixture(scope="module")
def api(sandbox):
    """A requests session that carries a token."""
    session = requests.Session()
    session.headers["X-Kal-Authorization"] = "Bearer " + sandbox.token()
    session.base = sandbox.url
    return session


def official_client(url):
    """kalbio 0.5.0's client on `url`, its record caches (kept on the class) emptied."""
    from kalbio.client import KaleidoscopeClient  # after the typing patches above

    client = KaleidoscopeClient(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, url=url)
    client.records.clear_record_caches()
    return client


@pytest.fixture(scope="module")
def client(sandbox):
    """The official client on this module's sandbox."""
    c = official_client(sandbox.url)
    yield c
    c.records.clear_record_caches()
