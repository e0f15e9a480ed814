"""Benchmark: the sandbox's search over N records with two filters and a sort.

Prints a table row and one JSON line. Run through `make bench`.
"""

import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "python"))
from conftest import Sandbox  # noqa: E402

import requests  # noqa: E402

RECORDS = int(os.environ.get("BENCH_RECORDS", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "25"))


def main():
    started = time.perf_counter()
    box = Sandbox("--seed", "demo", "--seed-records", str(RECORDS))
    print(f"sandbox with {RECORDS} compounds ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    try:
        s = requests.Session()
        s.headers["X-Kal-Authorization"] = "Bearer " + box.token()
        fields = {f["field_name"]: f["id"] for f in s.get(box.url + "/data_fields", timeout=30).json()}
        params = {
            "entity_field_filters": json.dumps([
                {"field_id": fields["IC50"], "filter_type": "is_less_than", "filter_prop": 1000},
                {"field_id": fields["Assay"], "filter_type": "is_any_of_text", "filter_prop": ["SPR", "TR-FRET"]},
            ]),
            "entity_field_sorts": json.dumps([{"field_id": fields["IC50"], "descending": False}]),
            "limit": "100",
        }
        total = len(s.get(box.url + "/records/search", params={"limit": "1000000"}, timeout=60).json())
        times, server = [], []
        matches = None
        for _ in range(RUNS):
            s.delete(box.url + "/_sandbox/requests", timeout=10)
            t0 = time.perf_counter()
            resp = s.get(box.url + "/records/search", params=params, timeout=60)
            times.append((time.perf_counter() - t0) * 1000)
            resp.raise_for_status()
            matches = len(resp.json())
            log = s.get(box.url + "/_sandbox/requests", timeout=10).json()
            server.append(next(e["duration_ms"] for e in log if e["path"] == "/records/search"))
        median = statistics.median(times)
        print(f"| sandbox_search_{RECORDS // 1000}k | {total} records | 2 filters + sort, limit 100 | median {median:.1f} ms (server {statistics.median(server):.0f} ms) | min {min(times):.1f} ms | max {max(times):.1f} ms |")
        print(json.dumps({"name": f"sandbox_search_{RECORDS // 1000}k", "records": total, "median_ms": round(median, 2), "server_median_ms": statistics.median(server), "min_ms": round(min(times), 2), "max_ms": round(max(times), 2), "runs": RUNS, "answered": matches}))
    finally:
        box.close()


if __name__ == "__main__":
    main()
