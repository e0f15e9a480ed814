"""kalbio 0.5.0, unchanged, writing to record views (`record_view_id`) and searching by
record set (`record_set_ids`, the seed's `record_set_id`) and program (`program_id`)."""

import io
import json

import pytest
import requests
from kalbio.client import KalbioAPIError
from kalbio.records import FilterRuleTypeEnum

from conftest import official_client

VIEW_A = "7b1f0c9e-0a6e-4c59-9a43-0000000000a1"
VIEW_B = "7b1f0c9e-0a6e-4c59-9a43-0000000000b2"


@pytest.fixture(scope="module")
def record_sets(client):
    # The sandbox's own listing (kalbio 0.5.0 has no record-set service): name → record ids.
    return {s["name"]: s for s in client._get("/record_sets")}


def raw_values(api, record_id):
    resp = api.get(f"{api.base}/records/{record_id}", timeout=10)
    resp.raise_for_status()
    return [v for values in resp.json()["record_values"].values() for v in values]


def test_values_written_to_a_record_view_are_read_back_by_view(client, api):
    record = client.records.get_record_by_id({"Compound ID": "CMP-0010"})
    experiment = client.activities.get_activity_by_id("Kinase panel Q1")
    record.add_value("IC50", 11.125, activity_id=experiment.id, record_view_id=VIEW_A)
    written = record.update_field("IC50", 22.25, experiment.id, record_view_id=VIEW_B)
    assert written is not None and written.record_view_id == VIEW_B and written.operation_id == experiment.id
    record.add_value("IC50", 33.375, activity_id=experiment.id)

    # get_value_content filters by view exactly as 0.5.0 does.
    assert record.get_value_content("IC50") == 33.375
    assert record.get_value_content("IC50", activity_id=experiment.id) == 33.375
    assert record.get_value_content("IC50", activity_id=experiment.id, record_view_id=VIEW_A) == 11.125
    assert record.get_value_content("IC50", activity_id=experiment.id, record_view_id=VIEW_B) == 22.25
    assert record.get_value_content("IC50", record_view_id=VIEW_A) == 11.125
    assert record.get_value_content("IC50", record_view_id="no-such-view") is None

    # Every value carries record_view_id: the view, or null for key values and other writes.
    values = raw_values(api, record.id)
    assert all("record_view_id" in v for v in values)
    by_content = {json.dumps(v["content"]): v["record_view_id"] for v in values}
    assert by_content["11.125"] == VIEW_A and by_content["22.25"] == VIEW_B and by_content["33.375"] is None
    assert by_content['"CMP-0010"'] is None
    listed = {json.dumps(v.content): v.record_view_id for v in record.get_values()}
    assert listed["11.125"] == VIEW_A and listed["33.375"] is None


def test_file_values_take_a_record_view_in_the_body_part(client):
    record = client.records.get_record_by_id({"Compound ID": "CMP-0011"})
    experiment = client.activities.get_activity_by_id("Solubility screen")
    value = record.update_field_file("Plate map", "view.csv", io.BytesIO(b"a,b\n"), "text/csv", activity_id=experiment.id, record_view_id=VIEW_A)
    assert value.record_view_id == VIEW_A and value.operation_id == experiment.id
    other = record.update_field_file("Plate map", "plain.csv", io.BytesIO(b"c,d\n"), "text/csv", activity_id=experiment.id)
    assert other.record_view_id is None
    assert record.get_value_content("Plate map")["file_id"] == other.content["file_id"]
    assert record.get_value_content("Plate map", activity_id=experiment.id, record_view_id=VIEW_A)["file_id"] == value.content["file_id"]


def test_a_record_view_needs_an_activity_and_a_refused_write_changes_nothing(client, api):
    record = client.records.get_record_by_id({"Compound ID": "CMP-0012"})
    before = raw_values(api, record.id)
    with pytest.raises(KalbioAPIError) as err:
        record.add_value("IC50", 1.0, record_view_id=VIEW_A)
    assert err.value.status_code == 400 and b"record_view_without_activity" in err.value.response_body
    experiment = client.activities.get_activity_by_id("Kinase panel Q1")
    with pytest.raises(KalbioAPIError) as err:
        record.add_value("IC50", 1.0, activity_id=experiment.id, record_view_id="")
    assert err.value.status_code == 400
    assert raw_values(api, record.id) == before


def test_search_by_record_sets(client, record_sets):
    everything = client.records.search_records(limit=100000)
    series_a, series_b, hits = (set(record_sets[n]["record_ids"]) for n in ("Series A", "Series B", "Hits"))
    assert len(series_a) == 500 and len(series_b) == 500 and len(hits) == 200
    a_id, b_id, hits_id = (record_sets[n]["id"] for n in ("Series A", "Series B", "Hits"))

    found_a = client.records.search_records(record_set_ids=a_id)
    assert set(found_a) == series_a and len(found_a) < len(everything)
    # Any of several: ids separated by commas, or the list 0.5.0 JSON-encodes.
    assert set(client.records.search_records(record_set_ids=f"{a_id},{b_id}")) == series_a | series_b
    assert set(client.records.search_records(record_set_ids=f"{b_id}, {hits_id}")) == series_b | hits
    assert len(series_b | hits) == 600
    assert set(client.records.search_records(record_set_ids=[b_id, hits_id])) == series_b | hits
    # The seed's name for one record set.
    assert set(client.records.search_records(record_set_id=hits_id)) == hits
    # Both: a record must be in the one and in any of the others.
    assert set(client.records.search_records(record_set_id=hits_id, record_set_ids=f"{a_id},{b_id}")) == hits & series_b

    # With filters, sorts and a limit, inside the set only.
    ic50 = client.entity_fields.get_data_field_by_id("IC50").id
    low = {"field_id": ic50, "filter_type": FilterRuleTypeEnum.IS_LESS_THAN, "filter_prop": 100}
    all_low = set(client.records.search_records(entity_field_filters=[low], limit=100000))
    low_in_a = client.records.search_records(record_set_ids=a_id, entity_field_filters=[low], entity_field_sorts=[{"field_id": ic50, "descending": True}])
    assert set(low_in_a) == all_low & series_a and 0 < len(low_in_a) < len(all_low)
    values = [r.get_value_content("IC50") for r in client.records.get_records_by_ids(low_in_a)]
    assert values == sorted(values, reverse=True)
    assert client.records.search_records(record_set_ids=a_id, limit=7) == found_a[:7]


def test_search_by_program(client, api):
    programs = {p.title: p.id for p in client.programs.get_programs()}
    assert set(programs) == {"Kinase inhibitors", "Solubility"}
    # Read fresh (the client caches activities, and the tests above wrote in them).
    activities = {a["title"]: a for a in api.get(api.base + "/activities", timeout=10).json()}
    solubility = set(activities["Solubility screen"]["all_record_ids"])
    kinase = set(activities["Kinase panel Q1"]["all_record_ids"]) | set(activities["Binding assay round 2"]["all_record_ids"])
    assert activities["Solubility screen"]["program_ids"] == [programs["Solubility"]]

    everything = client.records.search_records(limit=100000)
    found = client.records.search_records(program_id=programs["Solubility"])
    assert set(found) == solubility and 0 < len(found) < len(everything)
    assert set(client.records.search_records(program_id=programs["Kinase inhibitors"])) == kinase
    # Program and activity together: the records both contain.
    both = client.records.search_records(program_id=programs["Kinase inhibitors"], operation_id=activities["Solubility screen"]["id"])
    assert set(both) == kinase & solubility


def test_program_and_record_set_together(client, record_sets):
    programs = {p.title: p.id for p in client.programs.get_programs()}
    solubility = set(client.records.search_records(program_id=programs["Solubility"]))
    a = record_sets["Series A"]
    found = set(client.records.search_records(program_id=programs["Solubility"], record_set_ids=a["id"]))
    assert found == solubility & set(a["record_ids"]) and 0 < len(found) < len(solubility)


def test_unknown_record_sets_and_programs_are_refused(client, api, record_sets):
    a_id = record_sets["Series A"]["id"]
    for params, code in [
        ({"record_set_ids": "nope"}, "unknown_record_set"),
        ({"record_set_ids": f"{a_id},nope"}, "unknown_record_set"),
        ({"record_set_id": "nope"}, "unknown_record_set"),
        ({"record_set_ids": f"{a_id},,"}, "invalid_query"),
        ({"record_set_ids": "[1]"}, "invalid_query"),
        ({"program_id": "nope"}, "unknown_program"),
    ]:
        resp = api.get(api.base + "/records/search", params=params, timeout=10)
        assert resp.status_code == 400 and resp.json()["code"] == code, (params, resp.text)
    with pytest.raises(KalbioAPIError):
        client.records.search_records(program_id="nope")
    resp = api.post(api.base + "/activities", data=json.dumps({"title": "Orphan", "activity_type": "task", "program_ids": ["nope"]}), headers={"Content-Type": "application/json"}, timeout=10)
    assert resp.status_code == 400 and resp.json()["code"] == "unknown_program"
    assert "Orphan" not in [a["title"] for a in api.get(api.base + "/activities", timeout=10).json()]


def test_record_views_survive_a_restart(client, sandbox):
    # Last in the module: the restarted sandbox listens on another port.
    record = client.records.get_record_by_id({"Compound ID": "CMP-0013"})
    experiment = client.activities.get_activity_by_id("Binding assay round 2")
    record.add_value("IC50", 44.0, activity_id=experiment.id, record_view_id=VIEW_B)
    sandbox.restart()
    fresh = official_client(sandbox.url)
    again = fresh.records.get_record_by_id({"Compound ID": "CMP-0013"})
    assert again.get_value_content("IC50", record_view_id=VIEW_B) == 44.0
    assert again.get_value_content("IC50", record_view_id=VIEW_A) is None
