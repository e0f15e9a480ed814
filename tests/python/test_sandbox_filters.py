"""Every filter rule, evaluated by the sandbox's search, with records that match and records that do not.

Each case names its expected records from the data below. Date windows for the
relative rules are worked out here, independently of the engine, from today's
UTC date, so the test holds on any day of the week or month.
"""

import datetime as dt
import json

import pytest

TODAY = dt.datetime.now(dt.timezone.utc).date()


def first_of_month(d, months=0):
    index = d.year * 12 + d.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


WEEK = TODAY - dt.timedelta(days=TODAY.weekday())  # Monday
DATES = {
    "F1": TODAY,
    "F2": TODAY - dt.timedelta(days=7),
    "F3": TODAY + dt.timedelta(days=7),
    "F5": TODAY - dt.timedelta(days=40),
    "F6": first_of_month(TODAY, 1),
}
ALL = {"F1", "F2", "F3", "F4", "F5", "F6"}


def in_window(start, end):
    """The records whose date d has start <= d < end."""
    return {name for name, d in DATES.items() if start <= d < end}


def days(n):
    return TODAY + dt.timedelta(days=n)


def weeks(n):
    return WEEK + dt.timedelta(days=7 * n)


FAR_PAST, FAR_FUTURE = dt.date(1900, 1, 1), dt.date(2999, 1, 1)

CASES = [
    ("is_set", "T", None, {"F1", "F2", "F5"}),
    ("is_empty", "T", None, {"F3", "F4", "F6"}),
    ("is_equal", "S", "x", {"F1", "F5"}),
    ("is_any_of_text", "S", ["X", "y"], {"F1", "F2", "F5"}),
    ("is_not_equal", "S", "x", {"F2", "F3", "F4", "F6"}),
    ("includes", "T", "KIN", {"F1", "F5"}),
    ("does_not_include", "T", "kin", {"F2", "F3", "F4", "F6"}),
    ("is_in", "S", ["x", "z"], {"F1", "F3", "F5"}),
    ("is_not_in", "S", ["x", "z"], {"F2", "F4", "F6"}),
    ("value_is_subset_of_props", "M", ["a", "b"], {"F1"}),
    ("value_is_superset_of_props", "M", ["b"], {"F1", "F2", "F3"}),
    ("value_has_overlap_with_props", "M", ["c", "d"], {"F2", "F3", "F5"}),
    ("value_has_no_overlap_with_props", "M", ["c", "d"], {"F1", "F4", "F6"}),
    ("value_has_same_elements_as_props", "M", ["b", "a"], {"F1"}),
    ("starts_with", "T", "kin", {"F1", "F5"}),
    ("ends_with", "T", "ING", {"F2"}),
    ("is_less_than", "N", 50, {"F1", "F5"}),
    ("is_less_than_equal", "N", 50, {"F1", "F2", "F5"}),
    ("is_greater_than", "N", 50, {"F3"}),
    ("is_greater_than_equal", "N", "50", {"F2", "F3"}),
    ("is_before", "D", days(-5).isoformat(), in_window(FAR_PAST, days(-5))),
    ("is_after", "D", TODAY.isoformat(), in_window(days(1), FAR_FUTURE)),
    ("is_between", "D", [days(-7).isoformat(), TODAY.isoformat()], in_window(days(-7), days(1))),
    ("is_before_relative_day", "D", -5, in_window(FAR_PAST, days(-5))),
    ("is_after_relative_day", "D", 5, in_window(days(6), FAR_FUTURE)),
    ("is_between_relative_day", "D", [-7, 0], in_window(days(-7), days(1))),
    ("is_before_relative_week", "D", 0, in_window(FAR_PAST, weeks(0))),
    ("is_after_relative_week", "D", 0, in_window(weeks(1), FAR_FUTURE)),
    ("is_between_relative_week", "D", [-1, 0], in_window(weeks(-1), weeks(1))),
    ("is_before_relative_month", "D", 0, in_window(FAR_PAST, first_of_month(TODAY))),
    ("is_after_relative_month", "D", 0, in_window(first_of_month(TODAY, 1), FAR_FUTURE)),
    ("is_between_relative_month", "D", [-2, -1], in_window(first_of_month(TODAY, -2), first_of_month(TODAY))),
    ("is_last_week", "D", None, in_window(weeks(-1), weeks(0))),
    ("is_this_week", "D", None, in_window(weeks(0), weeks(1))),
    ("is_next_week", "D", None, in_window(weeks(1), weeks(2))),
    ("is_this_month", "D", None, in_window(first_of_month(TODAY), first_of_month(TODAY, 1))),
    ("is_next_month", "D", None, in_window(first_of_month(TODAY, 1), first_of_month(TODAY, 2))),
    ("is_last_updated_after", "N", days(-1).isoformat(), {"F1", "F2", "F3", "F5"}),
]


def test_the_cases_are_the_reference_clients_rules_each_once():
    from kalbio.records import FilterRuleTypeEnum

    rules = [rule for rule, *_ in CASES]
    assert sorted(rules) == sorted(rule.value for rule in FilterRuleTypeEnum)


@pytest.fixture(scope="module")
def data(api):
    def post(path, body):
        resp = api.post(api.base + path, data=json.dumps(body), headers={"Content-Type": "application/json"}, timeout=10)
        assert resp.status_code == 200, resp.text
        return resp.json()

    key = post("/key_fields/", {"field_name": "Filter Sample"})["id"]
    types = {"T": "text", "N": "number", "D": "date", "M": "multiselect", "S": "select"}
    fields = {k: post("/data_fields/", {"field_name": f"Filter {k}", "field_type": t, "attrs": {}})["id"] for k, t in types.items()}
    values = {
        "F1": {"T": "Kinase assay", "N": 5, "M": ["a", "b"], "S": "x"},
        "F2": {"T": "binding", "N": 50, "M": ["b", "c"], "S": "y"},
        "F3": {"T": "", "N": 500, "M": ["a", "b", "c"], "S": "z"},
        "F4": {},
        "F5": {"T": "kinetic", "N": 7.5, "M": ["d"], "S": "x"},
        "F6": {},
    }
    ids = {}
    for name, record_values in values.items():
        record = post("/records", {"key_field_to_value": {key: name}})
        ids[record["id"]] = name
        if name in DATES:
            record_values = {**record_values, "D": DATES[name].isoformat()}
        for k, content in record_values.items():
            post(f"/records/{record['id']}/values", {"field_id": fields[k], "content": content, "operation_id": None})
    slices = api.get(api.base + "/entity_slices", timeout=10).json()
    slice_id = next(s["id"] for s in slices if s["key_field_ids"] == [key])
    return {"fields": fields, "ids": ids, "slice": slice_id}


@pytest.mark.parametrize("rule,field,prop,expected", CASES, ids=[c[0] for c in CASES])
def test_rule(api, data, rule, field, prop, expected):
    assert expected and expected != ALL, "each case needs records that match and records that do not"
    params = {
        "entity_slice_id": data["slice"],
        "entity_field_filters": json.dumps([{"field_id": data["fields"][field], "filter_type": rule, "filter_prop": prop}]),
    }
    resp = api.get(api.base + "/records/search", params=params, timeout=10)
    assert resp.status_code == 200, resp.text
    assert {data["ids"][i] for i in resp.json()} == expected


def test_sorts_put_missing_values_last_in_both_directions(api, data):
    for descending, order in ((False, ["F1", "F5", "F2", "F3"]), (True, ["F3", "F2", "F5", "F1"])):
        params = {
            "entity_slice_id": data["slice"],
            "entity_field_sorts": json.dumps([{"field_id": data["fields"]["N"], "descending": descending}]),
        }
        got = [data["ids"][i] for i in api.get(api.base + "/records/search", params=params, timeout=10).json()]
        assert got[:4] == order and set(got[4:]) == {"F4", "F6"}


def test_view_field_filters_take_the_key_field_id_as_the_field(api, data):
    params = {
        "entity_slice_id": data["slice"],
        "view_field_filters": json.dumps([{"key_field_id": data["fields"]["S"], "view_field_id": None, "filter_type": "is_equal", "filter_prop": "y"}]),
        "view_field_sorts": json.dumps([{"key_field_id": data["fields"]["N"], "view_field_id": None, "descending": True}]),
    }
    got = api.get(api.base + "/records/search", params=params, timeout=10).json()
    assert [data["ids"][i] for i in got] == ["F2"]
