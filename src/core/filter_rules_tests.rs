//! Every filter rule over values that match and values that do not, each case
//! chosen where a rule's edge lies (blank values, boundaries, case, lists).
//! `docs/filters.md` describes the rules; `tests/python/test_sandbox_filters.py`
//! checks the same rules through the sandbox's search.

use crate::core::filter::{compare_values, CompiledFilter, FilterRuleType, SortKey};
use crate::core::time;
use serde_json::{json, Value};
use std::cmp::Ordering;

/// A Wednesday: its week starts on Monday 2026-11-16, its month on 2026-11-01.
const NOW: &str = "2026-11-18T12:00:00Z";

/// `(rule, filter_prop, values that match, values that do not)`; `null` stands
/// for a field without a value. For `is_last_updated_after` the values are the
/// times the value was written.
fn cases() -> Vec<(&'static str, Value, Vec<Value>, Vec<Value>)> {
    vec![
        (
            "is_set",
            Value::Null,
            vec![
                json!("x"),
                json!(0),
                json!(false),
                json!(["a"]),
                json!({"value": 1}),
            ],
            vec![Value::Null, json!(""), json!("  "), json!([]), json!({})],
        ),
        (
            "is_empty",
            Value::Null,
            vec![Value::Null, json!(""), json!("  "), json!([]), json!({})],
            vec![json!("x"), json!(0), json!(false), json!(["a"])],
        ),
        (
            "is_equal",
            json!("x"),
            vec![json!("x")],
            vec![json!("y"), Value::Null, json!(["x"]), json!("x ")],
        ),
        (
            "is_equal",
            json!(5),
            vec![json!(5), json!(5.0), json!("5")],
            vec![json!(6), json!("five"), Value::Null],
        ),
        (
            "is_not_equal",
            json!("x"),
            vec![json!("y"), Value::Null],
            vec![json!("x")],
        ),
        (
            "is_not_equal",
            json!(5),
            vec![json!(6), json!("five")],
            vec![json!(5), json!("5")],
        ),
        (
            "is_any_of_text",
            json!(["X", "y", "cd"]),
            vec![json!("x"), json!("Y"), json!(["z", "y"])],
            vec![
                json!("z"),
                Value::Null,
                json!("xy"),
                json!("ab"),
                json!("cde"),
            ],
        ),
        (
            "includes",
            json!("KIN"),
            vec![json!("kinase"), json!("Skin"), json!(["a", "akin"])],
            vec![json!("kit"), Value::Null, json!(12)],
        ),
        (
            "includes",
            json!("tru"),
            vec![json!(true)],
            vec![json!(false)],
        ),
        ("includes", json!("4.5"), vec![json!(14.5)], vec![json!(14)]),
        (
            "does_not_include",
            json!("kin"),
            vec![json!("kit"), Value::Null],
            vec![json!("Kinase"), json!(["x", "skin"])],
        ),
        (
            "starts_with",
            json!("kin"),
            vec![json!("Kinase"), json!(["x", "kinb"])],
            vec![json!("akin"), json!("ki"), Value::Null],
        ),
        (
            "ends_with",
            json!("ING"),
            vec![json!("testing"), json!("ing")],
            vec![json!("ingot"), json!("in"), Value::Null],
        ),
        (
            "is_in",
            json!(["x", "z"]),
            vec![json!("x"), json!(["x", "z"]), json!(["z"])],
            vec![json!("y"), json!(["x", "y"]), Value::Null, json!([])],
        ),
        (
            "is_not_in",
            json!(["x", "z"]),
            vec![json!("y"), Value::Null, json!(["x", "y"])],
            vec![json!("x"), json!(["z"])],
        ),
        (
            "value_is_subset_of_props",
            json!(["a", "b"]),
            vec![json!(["a"]), json!(["a", "b"]), json!("a")],
            vec![json!(["a", "c"]), Value::Null, json!([])],
        ),
        (
            "value_is_superset_of_props",
            json!(["b"]),
            vec![json!(["a", "b"]), json!("b")],
            vec![json!(["a"]), Value::Null, json!([])],
        ),
        (
            "value_has_overlap_with_props",
            json!(["c", "d"]),
            vec![json!(["a", "c"]), json!("d")],
            vec![json!(["a"]), Value::Null],
        ),
        (
            "value_has_no_overlap_with_props",
            json!(["c", "d"]),
            vec![json!(["a"]), Value::Null],
            vec![json!(["c"]), json!("d")],
        ),
        (
            "value_has_same_elements_as_props",
            json!(["b", "a"]),
            vec![json!(["a", "b"]), json!(["b", "a", "a"])],
            vec![json!(["a"]), json!(["a", "b", "c"]), Value::Null, json!([])],
        ),
        (
            "is_less_than",
            json!(50),
            vec![json!(10), json!("10"), json!({"value": 10}), json!(-1)],
            vec![json!(50), json!(60), Value::Null, json!("abc")],
        ),
        (
            "is_less_than_equal",
            json!(50),
            vec![json!(50), json!(10)],
            vec![json!(51), Value::Null],
        ),
        (
            "is_greater_than",
            json!(50),
            vec![json!(60)],
            vec![json!(50), json!(10), Value::Null],
        ),
        (
            "is_greater_than_equal",
            json!("50"),
            vec![json!(50), json!(60)],
            vec![json!(49), Value::Null],
        ),
        (
            "is_before",
            json!("2026-11-13"),
            vec![json!("2026-11-12T23:59:59Z")],
            vec![
                json!("2026-11-13T00:00:00Z"),
                json!("2026-11-20"),
                Value::Null,
            ],
        ),
        (
            "is_after",
            json!("2026-11-18"),
            vec![json!("2026-11-18T00:00:00.001Z"), json!("2026-11-19")],
            vec![json!("2026-11-18T00:00:00Z"), Value::Null],
        ),
        (
            "is_between",
            json!(["2026-11-11", "2026-11-18"]),
            vec![json!("2026-11-11"), json!("2026-11-18T23:59:59Z")],
            vec![
                json!("2026-11-10T23:59:59Z"),
                json!("2026-11-19"),
                Value::Null,
            ],
        ),
        (
            "is_between",
            json!([1, 5]),
            vec![json!(1), json!(5), json!(3)],
            vec![json!(0.5), json!(6), Value::Null],
        ),
        (
            "is_before_relative_day",
            json!(-5),
            vec![json!("2026-11-12T23:59:59Z")],
            vec![json!("2026-11-13T00:00:00Z")],
        ),
        (
            "is_after_relative_day",
            json!(5),
            vec![json!("2026-11-24T00:00:00Z")],
            vec![json!("2026-11-23T23:59:59Z")],
        ),
        (
            "is_between_relative_day",
            json!([-7, 0]),
            vec![json!("2026-11-11T00:00:00Z"), json!("2026-11-18T23:59:59Z")],
            vec![json!("2026-11-10T23:59:59Z"), json!("2026-11-19T00:00:00Z")],
        ),
        (
            "is_before_relative_week",
            json!(0),
            vec![json!("2026-11-15T23:59:59Z")],
            vec![json!("2026-11-16T00:00:00Z")],
        ),
        (
            "is_after_relative_week",
            json!(0),
            vec![json!("2026-11-23T00:00:00Z")],
            vec![json!("2026-11-22T23:59:59Z")],
        ),
        (
            "is_between_relative_week",
            json!([-1, 0]),
            vec![json!("2026-11-09T00:00:00Z"), json!("2026-11-22T23:59:59Z")],
            vec![json!("2026-11-08T23:59:59Z"), json!("2026-11-23T00:00:00Z")],
        ),
        (
            "is_before_relative_month",
            json!(0),
            vec![json!("2026-10-31T23:59:59Z")],
            vec![json!("2026-11-01T00:00:00Z")],
        ),
        (
            "is_after_relative_month",
            json!(0),
            vec![json!("2026-12-01T00:00:00Z")],
            vec![json!("2026-11-30T23:59:59Z")],
        ),
        (
            "is_between_relative_month",
            json!([-2, -1]),
            vec![json!("2026-09-01T00:00:00Z"), json!("2026-10-31T23:59:59Z")],
            vec![json!("2026-08-31T23:59:59Z"), json!("2026-11-01T00:00:00Z")],
        ),
        (
            "is_last_week",
            Value::Null,
            vec![json!("2026-11-09T00:00:00Z"), json!("2026-11-15T23:59:59Z")],
            vec![json!("2026-11-08T23:59:59Z"), json!("2026-11-16T00:00:00Z")],
        ),
        (
            "is_this_week",
            Value::Null,
            vec![json!("2026-11-16T00:00:00Z"), json!("2026-11-22T23:59:59Z")],
            vec![json!("2026-11-15T23:59:59Z"), json!("2026-11-23T00:00:00Z")],
        ),
        (
            "is_next_week",
            Value::Null,
            vec![json!("2026-11-23T00:00:00Z")],
            vec![json!("2026-11-22T23:59:59Z"), json!("2026-11-30T00:00:00Z")],
        ),
        (
            "is_this_month",
            Value::Null,
            vec![json!("2026-11-01T00:00:00Z"), json!("2026-11-30T23:59:59Z")],
            vec![json!("2026-10-31T23:59:59Z"), json!("2026-12-01T00:00:00Z")],
        ),
        (
            "is_next_month",
            Value::Null,
            vec![json!("2026-12-01T00:00:00Z")],
            vec![json!("2026-11-30T23:59:59Z"), json!("2027-01-01T00:00:00Z")],
        ),
        (
            "is_last_updated_after",
            json!("2026-11-17"),
            vec![
                json!("2026-11-17T00:00:00.001Z"),
                json!("2026-11-18T00:00:00Z"),
            ],
            vec![
                json!("2026-11-17T00:00:00Z"),
                json!("2026-11-16T00:00:00Z"),
                Value::Null,
            ],
        ),
    ]
}

fn matches(rule: FilterRuleType, prop: &Value, value: &Value) -> bool {
    let now = time::parse_iso(NOW).unwrap_or_default();
    let filter = match CompiledFilter::new(rule, prop, now) {
        Ok(filter) => filter,
        Err(e) => panic!("{} refused {prop}: {e}", rule.as_str()),
    };
    assert_eq!(filter.rule(), rule);
    assert_eq!(
        filter.needs_update_time(),
        rule == FilterRuleType::IsLastUpdatedAfter,
        "{}",
        rule.as_str()
    );
    if filter.needs_update_time() {
        // The value is the write time; the content does not matter.
        let written = value.as_str().and_then(time::parse_iso);
        return filter.matches(Some(&json!("content")), written);
    }
    let value = (!value.is_null()).then_some(value);
    filter.matches(value, None)
}

#[test]
fn every_rule_matches_what_it_should_and_nothing_else() {
    let cases = cases();
    let mut wrong = Vec::new();
    for (name, prop, yes, no) in &cases {
        let Some(rule) = FilterRuleType::parse(name) else {
            panic!("{name} is not a rule");
        };
        for value in yes {
            if !matches(rule, prop, value) {
                wrong.push(format!("{name} {prop} should match {value}"));
            }
        }
        for value in no {
            if matches(rule, prop, value) {
                wrong.push(format!("{name} {prop} should not match {value}"));
            }
        }
    }
    assert_eq!(wrong, Vec::<String>::new());
    for rule in FilterRuleType::ALL {
        assert!(
            cases.iter().any(|(name, ..)| *name == rule.as_str()),
            "no case for {}",
            rule.as_str()
        );
    }
}

#[test]
fn sort_keys_order_numbers_by_value_before_text() {
    let ordered = [
        json!(-1),
        json!(2),
        json!("10"),
        json!(10.5),
        json!("apple"),
        json!("Banana"),
    ];
    for pair in ordered.windows(2) {
        if let [a, b] = pair {
            assert_eq!(compare_values(a, b), Ordering::Less, "{a} < {b}");
            assert_eq!(
                SortKey::of(a).partial_cmp(&SortKey::of(b)),
                Some(Ordering::Less),
                "{a} < {b}"
            );
            assert_eq!(compare_values(b, a), Ordering::Greater, "{b} > {a}");
        }
    }
    assert_eq!(
        compare_values(&json!("abc"), &json!("ABC")),
        Ordering::Equal
    );
    // Lists and objects sort by their JSON text, lower-cased.
    assert_eq!(
        SortKey::of(&json!(["B", 1])),
        SortKey::Text("[\"b\",1]".into())
    );
    assert_eq!(compare_values(&json!(["a"]), &json!(["b"])), Ordering::Less);
}

/// `rule` with `prop` over a value that is present (JSON `null` included).
fn present(rule: FilterRuleType, prop: Value, value: Value) -> bool {
    let now = time::parse_iso(NOW).unwrap_or_default();
    match CompiledFilter::new(rule, &prop, now) {
        Ok(filter) => filter.matches(Some(&value), None),
        Err(e) => panic!("{} refused {prop}: {e}", rule.as_str()),
    }
}

#[test]
fn a_json_null_value_counts_as_no_value() {
    use FilterRuleType as R;
    assert!(!present(R::IsSet, Value::Null, Value::Null));
    assert!(present(R::IsEmpty, Value::Null, Value::Null));
    assert!(!present(
        R::ValueHasOverlapWithProps,
        json!([null]),
        Value::Null
    ));
    assert!(present(
        R::ValueHasNoOverlapWithProps,
        json!([null]),
        Value::Null
    ));
}

#[test]
fn lists_objects_and_booleans_compare_as_json() {
    use FilterRuleType as R;
    let cases = [
        (json!(true), json!(true), true),
        (json!(true), json!(false), false),
        (json!([1, 2]), json!([1, 2]), true),
        (json!([1, 2]), json!([1, 3]), false),
        (json!([1, 2]), json!([1, 2, 3]), false),
        (json!([1, 2]), json!([1]), false),
        (json!(["a", true]), json!(["a", true]), true),
        (json!(["a", true]), json!(["a", false]), false),
        (json!({"a": 1}), json!({"a": 1}), true),
        (json!({"a": 1}), json!({"a": 2}), false),
    ];
    for (prop, value, expected) in cases {
        // is_equal compares a list value as a whole: wrap it so the rule sees one element.
        assert_eq!(
            present(R::IsEqual, prop.clone(), value.clone()),
            expected,
            "{prop} = {value}"
        );
        assert_eq!(
            present(R::IsIn, json!([prop]), json!([value])),
            expected,
            "[{prop}] in"
        );
    }
    // Nulls inside lists are values like any other.
    assert!(present(R::IsIn, json!([null, "x"]), json!([null, "x"])));
    assert!(!present(R::IsIn, json!(["x"]), json!([null, "x"])));
}

#[test]
fn text_that_lower_cases_to_ascii_matches_an_ascii_needle() {
    use FilterRuleType as R;
    // U+212A KELVIN SIGN lower-cases to an ASCII "k".
    assert!(present(R::Includes, json!("kin"), json!("\u{212A}inase")));
    assert!(present(
        R::IsAnyOfText,
        json!(["kinase"]),
        json!("\u{212A}INASE")
    ));
    assert!(!present(R::Includes, json!("kin"), json!("\u{212A}ilo")));
}
