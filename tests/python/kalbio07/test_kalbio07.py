"""What kalbio 0.7.0 changed, run unchanged against the sandbox: written values
returned, sub-record selection, the cache controls (counted in the sandbox's
request log), the activity edits and record views, and the refresh-token fallback."""

import datetime

import pytest
import requests
from kalbio.client import KalbioAPIError

from conftest import CLIENT_ID, CLIENT_SECRET, Sandbox, official_client

VIEW = "0c6e4a3a-1d2b-4f7e-9c55-00000000e701"
OTHER_VIEW = "0c6e4a3a-1d2b-4f7e-9c55-00000000e702"


def requests_made(sandbox):
    """The (method, path) of every request the sandbox served since the last call."""
    log = requests.get(sandbox.url + "/_sandbox/requests", timeout=10).json()
    requests.delete(sandbox.url + "/_sandbox/requests", timeout=10)
    return [(e["method"], e["path"]) for e in log if e["path"] != "/auth/oauth/token"]


@pytest.fixture
def fresh(sandbox):
    """A client of its own (its caches are its own in 0.7.0), with the log emptied."""
    c = official_client(sandbox.url)
    c.entity_fields.get_key_fields()
    c.entity_fields.get_data_fields()
    c.activities.get_activities()
    requests_made(sandbox)
    return c


def test_add_value_returns_the_written_value(client):
    record = client.records.get_record_by_id({"Compound ID": "CMP-0101"})
    run = client.activities.get_activity_by_id("Kinase panel Q1")
    written = record.add_value("IC50", 12.5, activity_id=run.id)
    assert written is not None and written.content == 12.5
    assert written.operation_id == run.id and written.record_id == record.id
    ic50 = client.entity_fields.get_data_field_by_id("IC50").id
    assert written.id in [v.id for v in record.record_values[ic50]]
    assert record.get_value_content("IC50") == 12.5


def test_a_sub_record_id_alone_selects_its_values(client):
    parent = client.records.get_record_by_id({"Compound ID": "CMP-0025"})
    batch = client.records.get_record_by_id(parent.sub_record_ids[1])
    # 0.5.0 answered None here; 0.7.0 answers the batch's own newest value.
    assert parent.get_value_content("IC50", sub_record_id=batch.id) == batch.get_value_content("IC50")
    assert parent.get_value_content("IC50", sub_record_id=batch.id) == parent.get_value_content(
        "IC50", include_sub_record_values=True, sub_record_id=batch.id
    )
    # The newest of the values written on the batch, none of the parent's own.
    ic50 = client.entity_fields.get_data_field_by_id("IC50").id
    on_batch = [v for v in parent.record_values[ic50] if v.record_id == batch.id]
    own = [v for v in parent.record_values[ic50] if v.record_id == parent.id]
    assert on_batch and own
    newest = max(on_batch, key=lambda v: v.created_at)
    assert parent.get_value_content("IC50", sub_record_id=batch.id) == newest.content


def test_use_cache_false_fetches_the_record_again(fresh, sandbox):
    first = fresh.records.get_record_by_id({"Compound ID": "CMP-0102"})
    by_id = fresh.records.get_record_by_id(first.id)
    assert by_id is first
    assert requests_made(sandbox) == [("GET", "/records/identifiers")]
    again = fresh.records.get_record_by_id(first.id, use_cache=False)
    assert requests_made(sandbox) == [("GET", f"/records/{first.id}")]
    assert again.id == first.id and again is not first
    # The refreshed entry is what the cache answers now.
    assert fresh.records.get_record_by_id(first.id) is again and requests_made(sandbox) == []


def test_use_cache_false_on_a_batch_refetches_it_and_drops_what_is_gone(fresh, sandbox):
    a = fresh.records.get_record_by_id({"Compound ID": "CMP-0103"})
    b = fresh.records.get_record_by_id({"Compound ID": "CMP-0104"})
    requests_made(sandbox)
    assert [r.id for r in fresh.records.get_records_by_ids([a.id, b.id])] == [a.id, b.id]
    assert requests_made(sandbox) == []
    assert [r.id for r in fresh.records.get_records_by_ids([a.id, b.id], use_cache=False)] == [a.id, b.id]
    assert requests_made(sandbox) == [("GET", "/records")]
    # The server answers only b: a's cached entry was dropped before, so a is left out.
    body = requests.get(
        sandbox.url + f"/records/{b.id}", headers={"X-Kal-Authorization": "Bearer " + sandbox.token()}, timeout=10
    ).text
    requests.post(
        sandbox.url + "/_sandbox/faults",
        json={"method": "GET", "path_prefix": "/records", "times": 1, "status": 200, "body": "[" + body + "]"},
        timeout=10,
    ).raise_for_status()
    requests_made(sandbox)
    assert [r.id for r in fresh.records.get_records_by_ids([a.id, b.id], use_cache=False)] == [b.id]


def test_use_cache_false_on_a_records_activities(fresh, sandbox):
    record = fresh.records.get_record_by_id({"Compound ID": "CMP-0025"})
    requests_made(sandbox)
    first = fresh.activities.get_activities_with_record(record.id)
    assert fresh.activities.get_activities_with_record(record.id) == first
    assert requests_made(sandbox) == [("GET", f"/records/{record.id}/operations")]
    fresh.activities.get_activities_with_record(record.id, use_cache=False)
    assert requests_made(sandbox) == [("GET", f"/records/{record.id}/operations")]


def test_cache_disabled_bypasses_every_cache_inside_the_block(fresh, sandbox):
    record = fresh.records.get_record_by_id({"Compound ID": "CMP-0105"})
    requests_made(sandbox)
    with fresh.cache_disabled():
        fresh.records.get_record_by_id(record.id)
        fresh.entity_fields.get_key_fields()
        fresh.activities.get_activities()
    assert requests_made(sandbox) == [("GET", f"/records/{record.id}"), ("GET", "/key_fields"), ("GET", "/activities")]
    fresh.records.get_record_by_id(record.id)
    fresh.entity_fields.get_key_fields()
    assert requests_made(sandbox) == []


def test_clear_caches_empties_records_lists_and_record_activities(fresh, sandbox):
    record = fresh.records.get_record_by_id({"Compound ID": "CMP-0106"})
    fresh.activities.get_activities_with_record(record.id)
    requests_made(sandbox)
    fresh.clear_caches()
    fresh.records.get_record_by_id(record.id)
    fresh.entity_fields.get_key_fields()
    fresh.entity_fields.get_data_fields()
    fresh.activities.get_activities()
    fresh.activities.get_activities_with_record(record.id)
    assert requests_made(sandbox) == [
        ("GET", f"/records/{record.id}"),
        ("GET", "/key_fields"),
        ("GET", "/data_fields"),
        ("GET", "/activities"),
        ("GET", f"/records/{record.id}/operations"),
    ]


def test_create_activity_sends_and_keeps_subscribers(client):
    plain = client.activities.create_activity("0.7 plain task", "task")
    assert plain.subscriber_ids == [] and plain.data_table_draft_record_ids == []
    assert plain.registration_staging_record_view_id is None
    subscribed = client.activities.create_activity("0.7 subscribed task", "task", subscriber_ids=["user-1", "user-2"])
    assert subscribed.subscriber_ids == ["user-1", "user-2"]
    listed = client.activities.get_activity_by_id("0.7 subscribed task")
    assert listed.subscriber_ids == ["user-1", "user-2"]


def test_activity_update_changes_what_it_sends_and_nothing_else(client, api):
    activity = client.activities.create_activity("0.7 update me", "task")
    programs = api.get(api.base + "/programs", timeout=10).json()
    other = client.activities.create_activity("0.7 blocker", "task")
    activity.update(
        title="0.7 updated",
        status="in progress",
        due_date=datetime.datetime(2027, 1, 15, 9, 30),
        duration=5,
        add_program_ids=[programs[0]["id"]],
        add_dependencies=[other.id],
        add_subscriber_ids=["user-3"],
        add_label_ids=["label-1"],
    )
    assert activity.title == "0.7 updated" and activity.status == "in progress"
    assert activity.due_date.year == 2027 and activity.duration == 5
    assert activity.program_ids == [programs[0]["id"]] and activity.dependencies == [other.id]
    assert activity.subscriber_ids == ["user-3"] and activity.label_ids == ["label-1"]
    # The cached activity list was dropped: the title resolves to the new state.
    assert client.activities.get_activity_by_id("0.7 updated").id == activity.id
    activity.update(remove_subscriber_ids=["user-3"], due_date=None)
    assert activity.subscriber_ids == [] and activity.due_date is None and activity.title == "0.7 updated"
    # Bad input: a 4xx, and the activity as it was.
    before = api.get(api.base + "/activities", timeout=10).json()
    for bad in ({"status": 7}, {"due_date": "next tuesday"}, {"add_program_ids": ["no-such-program"]}, {"priority": "high"}):
        with pytest.raises(KalbioAPIError) as err:
            activity.update(**bad)
        assert 400 <= err.value.status_code < 500
    with pytest.raises(KalbioAPIError) as err:
        activity.update(title="0.7 blocker")
    assert err.value.status_code == 409
    assert api.get(api.base + "/activities", timeout=10).json() == before


def test_record_views_are_listed_and_found_on_their_activity(client):
    run = client.activities.create_activity("0.7 views run", "experiment")
    record = client.records.get_record_by_id({"Compound ID": "CMP-0107"})
    record.add_value("IC50", 3.0, activity_id=run.id, record_view_id=VIEW)
    views = {v.id: v for v in client.record_views.get_record_views(use_cache=False)}
    assert VIEW in views and views[VIEW].operation_ids == [run.id]
    assert views[VIEW].entity_slice_id == record.entity_slice_id
    assert [v.id for v in run.record_views] == [VIEW]
    assert client.activities.get_activity_by_id("Kinase panel Q1").record_views == []


def test_remove_records_from_one_view_then_from_the_activity(client, api):
    run = client.activities.create_activity("0.7 removal run", "experiment")
    keep = client.records.get_record_by_id({"Compound ID": "CMP-0108"})
    gone = client.records.get_record_by_id({"Compound ID": "CMP-0109"})
    stranger = client.records.get_record_by_id({"Compound ID": "CMP-0110"})
    for record in (keep, gone):
        record.add_value("IC50", 1.0, activity_id=run.id, record_view_id=VIEW)
        record.add_value("IC50", 2.0, activity_id=run.id, record_view_id=OTHER_VIEW)
        record.add_value("Notes", "outside the run")
    # A record that is not on the activity: refused, nothing changed.
    before = api.get(api.base + f"/records/{gone.id}", timeout=10).json()
    with pytest.raises(KalbioAPIError) as err:
        run.remove_records([gone.id, stranger.id])
    assert err.value.status_code == 400 and b"record_not_on_activity" in err.value.response_body
    assert api.get(api.base + f"/records/{gone.id}", timeout=10).json() == before
    # Off one view: that view's values go, the membership and the other view's stay.
    run.remove_records([gone.id], record_view_id=VIEW)
    gone = client.records.get_record_by_id(gone.id, use_cache=False)
    assert gone.get_value_content("IC50", activity_id=run.id, record_view_id=VIEW) is None
    assert gone.get_value_content("IC50", activity_id=run.id, record_view_id=OTHER_VIEW) == 2.0
    assert gone.id in run.all_record_ids
    # Off the activity: every value in it goes, the values outside and the key stay.
    run.remove_records([gone.id])
    assert gone.id not in run.all_record_ids and keep.id in run.all_record_ids
    gone = client.records.get_record_by_id(gone.id, use_cache=False)
    assert gone.get_activity_data(run.id) == {}
    assert gone.get_value_content("Notes") == "outside the run"
    assert gone.record_identifier == "CMP-0109" and gone.identifier_ids == before["identifier_ids"]
    assert run.id not in [a.id for a in gone.get_activities()]
    assert client.records.get_record_by_id(keep.id, use_cache=False).get_value_content("IC50", activity_id=run.id) == 2.0


@pytest.fixture
def short_tokens():
    # Tokens that live 2 minutes: 0.7.0 renews 10 minutes early, so before every
    # request, and none expires while the test runs (a 401 then means revoked).
    box = Sandbox("--seed", "empty", "--token-ttl-s", "120")
    yield box
    box.close()


def grant(box, **form):
    return requests.post(box.url + "/auth/oauth/token", data=form, timeout=10)


def test_a_replayed_refresh_token_revokes_its_family_and_the_client_starts_over(short_tokens):
    box = short_tokens
    c = official_client(box.url)
    c.records.search_records()
    first_access, first_refresh = c._access_token, c._refresh_token
    c.records.search_records()
    # The client spent its refresh token: a new pair.
    assert c._refresh_token != first_refresh and c._access_token != first_access
    # A token of another family, granted before the replay below.
    unrelated = grant(box, grant_type="client_credentials", client_id=CLIENT_ID, client_secret=CLIENT_SECRET).json()["access_token"]
    # Someone replays the rotated token: refused, and every token of the family revoked.
    replay = grant(box, grant_type="refresh_token", refresh_token=first_refresh)
    assert replay.status_code == 401 and replay.json()["code"] == "invalid_grant"
    family_access = c._access_token
    assert requests.get(box.url + "/key_fields", headers={"X-Kal-Authorization": "Bearer " + family_access}, timeout=10).status_code == 401
    assert requests.get(box.url + "/key_fields", headers={"X-Kal-Authorization": "Bearer " + unrelated}, timeout=10).status_code == 200
    assert grant(box, grant_type="refresh_token", refresh_token=c._refresh_token).status_code == 401
    # The client's refresh is refused (4xx): it falls back to client credentials and goes on.
    requests.delete(box.url + "/_sandbox/requests", timeout=10)
    assert c.records.search_records() == []
    log = requests.get(box.url + "/_sandbox/requests", timeout=10).json()
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("POST", "/auth/oauth/token", 401),
        ("POST", "/auth/oauth/token", 200),
        ("GET", "/records/search", 200),
    ]
    # A fresh grant starts a family of its own, untouched by the revocation.
    fresh = grant(box, grant_type="client_credentials", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    assert fresh.status_code == 200
    assert grant(box, grant_type="refresh_token", refresh_token=fresh.json()["refresh_token"]).status_code == 200
