"""The official Python client, kalbio 0.5.0 from PyPI, unchanged, against the sandbox."""

import io

import pytest
from kalbio.entity_fields import DataFieldTypeEnum
from kalbio.records import FilterRuleTypeEnum, Record

from conftest import official_client


def test_fields_are_found_or_created_once(client):
    sample = client.entity_fields.get_or_create_key_field("Sample ID")
    assert sample.is_key and sample.field_name == "Sample ID"
    assert client.entity_fields.get_or_create_key_field("Sample ID").id == sample.id
    yield_field = client.entity_fields.get_or_create_data_field("Yield", DataFieldTypeEnum.NUMBER)
    assert yield_field.field_type == DataFieldTypeEnum.NUMBER and not yield_field.is_key
    assert client.entity_fields.get_or_create_data_field("Yield", DataFieldTypeEnum.NUMBER).id == yield_field.id
    names = [f.field_name for f in client.entity_fields.get_data_fields()]
    assert names.count("Yield") == 1 and "IC50" in names


def test_activities_are_created_and_listed(client):
    run = client.activities.create_activity("Synthesis run 1", "experiment")
    assert run.title == "Synthesis run 1" and run.activity_type == "experiment"
    titles = [a.title for a in client.activities.get_activities()]
    assert "Synthesis run 1" in titles and "Kinase panel Q1" in titles


def test_record_values_round_trip(client):
    client.entity_fields.get_or_create_key_field("Sample ID")
    client.entity_fields.get_or_create_data_field("Yield", DataFieldTypeEnum.NUMBER)
    run = client.activities.create_activity("Synthesis run 2", "experiment")
    record = client.records.get_or_create_record({"Sample ID": "S-0001"})
    assert isinstance(record, Record) and record.record_identifier == "S-0001"
    key_id = client.entity_fields.get_key_field_by_id("Sample ID").id
    # get_or_create finds the same record again, by name or uuid of the key field.
    client.records.clear_record_caches()
    assert client.records.get_or_create_record({key_id: "S-0001"}).id == record.id

    record.add_value("Yield", 81.5, activity_id=run.id)
    assert record.get_value_content("Yield") == 81.5
    written = record.update_field("Yield", 90, None)
    assert written is not None and written.content == 90
    assert record.get_value_content("Yield") == 90
    assert record.get_value_content("Yield", activity_id=run.id) == 81.5
    assert record.get_value_content("Yield", activity_id="Synthesis run 2") == 81.5

    yield_id = client.entity_fields.get_data_field_by_id("Yield").id
    # The reference resolves only data fields here, so key values are left out.
    data = record.get_activity_data(run.id)
    assert data == {yield_id: 81.5}

    contents = sorted(str(v.content) for v in record.get_values())
    assert contents == ["81.5", "90", "S-0001"]
    assert [a.id for a in record.get_activities()] == [run.id]


def test_records_by_id_and_key_values(client):
    by_key = client.records.get_record_by_id({"Compound ID": "CMP-0042"})
    assert by_key.record_identifier == "CMP-0042"
    client.records.clear_record_caches()
    by_uuid = client.records.get_record_by_id(by_key.id)
    assert by_uuid.id == by_key.id and by_uuid.record_values.keys() == by_key.record_values.keys()
    assert client.records.get_record_by_id("00000000-0000-4000-8000-000000000000") is None
    assert client.records.get_record_by_id({"Compound ID": "CMP-9999"}) is None


def test_records_by_ids_keep_order_and_drop_unknown(client):
    client.records.clear_record_caches()
    a = client.records.get_record_by_id({"Compound ID": "CMP-0001"})
    b = client.records.get_record_by_id({"Compound ID": "CMP-0002"})
    client.records.clear_record_caches()
    unknown = "00000000-0000-4000-8000-00000000beef"
    got = client.records.get_records_by_ids([b.id, a.id, unknown, b.id], batch_size=2)
    assert [r.id for r in got] == [b.id, a.id, b.id]


def test_sub_record_and_activity_selection(client):
    parent = client.records.get_record_by_id({"Compound ID": "CMP-0025"})
    assert len(parent.sub_record_ids) == 2
    batch = client.records.get_record_by_id(parent.sub_record_ids[1])
    batch_ic50 = batch.get_value_content("IC50")
    assert isinstance(batch_ic50, float)
    assert parent.get_value_content("IC50", include_sub_record_values=True, sub_record_id=batch.id) == batch_ic50
    own = parent.get_value_content("IC50")
    assert isinstance(own, float)
    # The newest of all IC50 values, own and batches', when sub-record values are included.
    ic50_id = client.entity_fields.get_data_field_by_id("IC50").id
    values = parent.record_values[ic50_id]
    assert {v.record_id for v in values} == {parent.id, *parent.sub_record_ids}
    newest = max(values, key=lambda v: v.created_at)
    assert parent.get_value_content("IC50", include_sub_record_values=True) == newest.content
    # The demo writes the last IC50 measurement inside the compound's experiment.
    experiment = [a for a in parent.get_activities() if a.activity_type == "experiment"][0]
    in_experiment = parent.get_value_content("IC50", activity_id=experiment.id)
    assert in_experiment == own
    assert experiment.id in [a.id for a in client.activities.get_activities_with_record(parent.id)]


def test_search_with_filters_and_sorts(client):
    ic50 = client.entity_fields.get_data_field_by_id("IC50").id
    assay = client.entity_fields.get_data_field_by_id("Assay").id
    ids = client.records.search_records(
        entity_field_filters=[
            {"field_id": ic50, "filter_type": FilterRuleTypeEnum.IS_LESS_THAN, "filter_prop": 100},
            {"field_id": assay, "filter_type": FilterRuleTypeEnum.IS_EQUAL, "filter_prop": "SPR"},
        ],
        entity_field_sorts=[{"field_id": ic50, "descending": False}],
        limit=40,
    )
    assert 0 < len(ids) <= 40
    records = client.records.get_records_by_ids(ids)
    values = [r.get_value_content("IC50") for r in records]
    assert all(v < 100 for v in values)
    assert values == sorted(values)
    assert all(r.get_value_content("Assay") == "SPR" for r in records)
    # Without a limit the same filters find every match, which the client can check itself.
    everything = client.records.search_records(
        entity_field_filters=[{"field_id": assay, "filter_type": FilterRuleTypeEnum.IS_EQUAL, "filter_prop": "SPR"}]
    )
    spr = client.records.get_records_by_ids(everything)
    expected = sum(1 for r in spr if (r.get_value_content("IC50") or 1e9) < 100)
    full = client.records.search_records(
        entity_field_filters=[
            {"field_id": ic50, "filter_type": FilterRuleTypeEnum.IS_LESS_THAN, "filter_prop": 100},
            {"field_id": assay, "filter_type": FilterRuleTypeEnum.IS_EQUAL, "filter_prop": "SPR"},
        ]
    )
    assert len(full) == expected
    assert client.records.search_records(search_text="cmp-0007") == [client.records.get_record_by_id({"Compound ID": "CMP-0007"}).id]


def test_files_upload_and_download_the_same_bytes(client, tmp_path):
    record = client.records.get_record_by_id({"Compound ID": "CMP-0100"})
    payload = b"well,signal\nA1,1\nA2,\x00\xff binary\n"
    value = record.update_field_file("Plate map", "plate-100.csv", io.BytesIO(payload), "text/csv")
    assert value.content["file_name"] == "plate-100.csv" and value.content["size"] == len(payload)
    assert record.get_value_content("Plate map")["file_id"] == value.content["file_id"]
    path = client.files.download_file(value.content["file_id"], destination=tmp_path)
    assert open(path, "rb").read() == payload

    field_id = client.entity_fields.get_data_field_by_id("Plate map").id
    experiment = client.activities.get_activity_by_id("Solubility screen")
    second = client.records.create_record_value_file(record.id, field_id, "second.bin", io.BytesIO(b"\x01\x02"), "application/octet-stream", experiment.id)
    assert second.operation_id == experiment.id and second.content["size"] == 2
    path = client.files.download_file(second.content["file_id"], filename="second.bin", destination=tmp_path, activity_id=experiment.id)
    assert open(path, "rb").read() == b"\x01\x02"


def test_restart_keeps_every_write(client, sandbox):
    record = client.records.get_or_create_record({"Compound ID": "CMP-RESTART"})
    record.update_field("Notes", "written before the restart", None)
    count_before = len(client.records.search_records(limit=100000))
    sandbox.restart()
    fresh = official_client(sandbox.url)
    again = fresh.records.get_record_by_id({"Compound ID": "CMP-RESTART"})
    assert again.id == record.id
    assert again.get_value_content("Notes") == "written before the restart"
    assert len(fresh.records.search_records(limit=100000)) == count_before
