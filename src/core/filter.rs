//! The filter engine: the 38 filter rules of the reference (its prose says 37; its enum lists 38), what each one's `filter_prop`
//! holds, and what matches. `docs/filters.md` is the reference for users; the
//! sandbox's search and the client's `queryCached` both run this code, so they
//! cannot disagree.

use crate::core::time::{self, DAY_MS};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::cmp::Ordering;

#[cfg(target_arch = "wasm32")]
use tsify::Tsify;

macro_rules! filter_rules {
    ($($variant:ident => $wire:literal),* $(,)?) => {
        /// A filter rule, as its wire string (for example `"is_equal"`).
        // `Deserialize` is written below: read as a string, then `parse`; the
        // derived one (a 38-arm visitor per deserializer) cost the wasm package 3 KB.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[cfg_attr(target_arch = "wasm32", derive(Tsify))]
        pub enum FilterRuleType {
            $(
                #[doc = concat!("`", $wire, "`")]
                #[serde(rename = $wire)]
                $variant,
            )*
        }

        impl FilterRuleType {
            /// Every rule, in the reference's order.
            pub const ALL: &'static [FilterRuleType] = &[$(FilterRuleType::$variant),*];

            /// The rule's wire string.
            pub fn as_str(self) -> &'static str {
                match self { $(FilterRuleType::$variant => $wire),* }
            }

            /// The rule for a wire string, if it is one of the 38.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($wire => Some(FilterRuleType::$variant),)* _ => None }
            }

            /// Every rule's wire string, in the reference's order.
            pub const NAMES: &'static [&'static str] = &[$($wire),*];
        }

        impl<'de> Deserialize<'de> for FilterRuleType {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                FilterRuleType::parse(&text).ok_or_else(|| {
                    serde::de::Error::unknown_variant(&text, FilterRuleType::NAMES)
                })
            }
        }
    };
}

filter_rules! {
    IsSet => "is_set",
    IsEmpty => "is_empty",
    IsEqual => "is_equal",
    IsAnyOfText => "is_any_of_text",
    IsNotEqual => "is_not_equal",
    Includes => "includes",
    DoesNotInclude => "does_not_include",
    IsIn => "is_in",
    IsNotIn => "is_not_in",
    ValueIsSubsetOfProps => "value_is_subset_of_props",
    ValueIsSupersetOfProps => "value_is_superset_of_props",
    ValueHasOverlapWithProps => "value_has_overlap_with_props",
    ValueHasNoOverlapWithProps => "value_has_no_overlap_with_props",
    ValueHasSameElementsAsProps => "value_has_same_elements_as_props",
    StartsWith => "starts_with",
    EndsWith => "ends_with",
    IsLessThan => "is_less_than",
    IsLessThanEqual => "is_less_than_equal",
    IsGreaterThan => "is_greater_than",
    IsGreaterThanEqual => "is_greater_than_equal",
    IsBefore => "is_before",
    IsAfter => "is_after",
    IsBetween => "is_between",
    IsBeforeRelativeDay => "is_before_relative_day",
    IsAfterRelativeDay => "is_after_relative_day",
    IsBetweenRelativeDay => "is_between_relative_day",
    IsBeforeRelativeWeek => "is_before_relative_week",
    IsAfterRelativeWeek => "is_after_relative_week",
    IsBetweenRelativeWeek => "is_between_relative_week",
    IsBeforeRelativeMonth => "is_before_relative_month",
    IsAfterRelativeMonth => "is_after_relative_month",
    IsBetweenRelativeMonth => "is_between_relative_month",
    IsLastWeek => "is_last_week",
    IsThisWeek => "is_this_week",
    IsNextWeek => "is_next_week",
    IsThisMonth => "is_this_month",
    IsNextMonth => "is_next_month",
    IsLastUpdatedAfter => "is_last_updated_after",
}

/// Why a filter could not be compiled: the rule's `filter_prop` has the wrong shape.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterPropError {
    /// The rule whose prop was wrong.
    pub rule: FilterRuleType,
    /// What the rule expects.
    pub expected: &'static str,
}

impl std::fmt::Display for FilterPropError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "filter_prop of {} must be {}",
            self.rule.as_str(),
            self.expected
        )
    }
}

/// The largest relative offset accepted (days, weeks or months).
const MAX_OFFSET: i64 = 100_000;

#[derive(Debug, Clone)]
enum Test {
    Set,
    Empty,
    Equal(Value),
    NotEqual(Value),
    AnyOfText(Vec<String>),
    Includes(String),
    NotIncludes(String),
    In(Vec<Value>),
    NotIn(Vec<Value>),
    Subset(Vec<Value>),
    Superset(Vec<Value>),
    Overlap(Vec<Value>),
    NoOverlap(Vec<Value>),
    SameElements(Vec<Value>),
    StartsWith(String),
    EndsWith(String),
    Number(Ordering, bool, f64),
    NumberRange(f64, f64),
    /// A half-open range of UTC milliseconds `[from, to)`; either end may be open.
    Dates(Option<i64>, Option<i64>),
    UpdatedAfter(i64),
}

/// One filter rule with its prop checked and turned into what matching needs.
/// Relative date rules are fixed against the `now` given at compile time.
#[derive(Debug, Clone)]
pub struct CompiledFilter {
    rule: FilterRuleType,
    test: Test,
}

/// A field value as the filter engine reads it: a borrowed look at its JSON shape.
/// `serde_json::Value` (the sandbox) and the compact store's contents (the
/// client) both provide one, so both run exactly the same rules.
pub enum View<'a, V> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as JSON holds it (integer or float).
    Number(serde_json::Number),
    /// A text.
    Str(&'a str),
    /// A list of values.
    List(&'a [V]),
    /// An object.
    Object(&'a serde_json::Map<String, Value>),
}

/// What the filter engine needs of a field value.
pub trait FieldValue: Sized {
    /// The value's JSON shape.
    fn view(&self) -> View<'_, Self>;
    /// The value as JSON text (for sorting values that are neither numbers nor text).
    fn json_text(&self) -> String;
}

impl FieldValue for Value {
    fn view(&self) -> View<'_, Value> {
        match self {
            Value::Null => View::Null,
            Value::Bool(b) => View::Bool(*b),
            Value::Number(n) => View::Number(n.clone()),
            Value::String(s) => View::Str(s),
            Value::Array(items) => View::List(items),
            Value::Object(map) => View::Object(map),
        }
    }

    fn json_text(&self) -> String {
        self.to_string()
    }
}

fn text_of<V: FieldValue>(value: &V) -> Option<String> {
    match value.view() {
        View::Str(s) => Some(s.to_string()),
        View::Number(n) => Some(n.to_string()),
        View::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A value as a number: JSON numbers, numeric strings, and `{ "value": n }`
/// objects (qualified numbers).
pub fn number_of<V: FieldValue>(value: &V) -> Option<f64> {
    match value.view() {
        View::Number(n) => n.as_f64(),
        View::Str(s) => crate::core::number::parse_decimal(s.trim()),
        View::Object(map) => map.get("value").and_then(number_of),
        _ => None,
    }
}

fn date_of<V: FieldValue>(value: &V) -> Option<i64> {
    match value.view() {
        View::Str(s) => time::parse_iso(s),
        _ => None,
    }
}

fn offset_of(value: &Value) -> Option<i64> {
    let n = value.as_i64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0)
            .map(|f| f as i64)
    })?;
    (-MAX_OFFSET..=MAX_OFFSET).contains(&n).then_some(n)
}

fn pair_of(value: &Value) -> Option<(&Value, &Value)> {
    match value.as_array()?.as_slice() {
        [a, b] => Some((a, b)),
        _ => None,
    }
}

/// Whether a value counts as not set: missing, null, blank text, `[]` or `{}`.
pub fn is_blank<V: FieldValue>(value: Option<&V>) -> bool {
    let Some(value) = value else {
        return true;
    };
    match value.view() {
        View::Null => true,
        View::Str(s) => s.trim().is_empty(),
        View::List(a) => a.is_empty(),
        View::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// Equality as JSON: the same shape and the same content.
pub fn json_equal<A: FieldValue, B: FieldValue>(a: &A, b: &B) -> bool {
    views_equal(a.view(), b.view())
}

/// [`json_equal`] over views already taken.
fn views_equal<A: FieldValue, B: FieldValue>(a: View<'_, A>, b: View<'_, B>) -> bool {
    match (a, b) {
        (View::Null, View::Null) => true,
        (View::Bool(x), View::Bool(y)) => x == y,
        (View::Number(x), View::Number(y)) => x == y,
        (View::Str(x), View::Str(y)) => x == y,
        (View::List(x), View::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (View::Object(x), View::Object(y)) => x == y,
        _ => false,
    }
}

/// Equality as the filters see it: numbers (and numeric strings against
/// numbers) compare by value, everything else as JSON.
pub fn values_equal<A: FieldValue, B: FieldValue>(a: &A, b: &B) -> bool {
    match (a.view(), b.view()) {
        (View::Number(_), _) | (_, View::Number(_)) => match (number_of(a), number_of(b)) {
            (Some(x), Some(y)) => x == y,
            _ => json_equal(a, b),
        },
        (x, y) => views_equal(x, y),
    }
}

fn elements<V: FieldValue>(value: Option<&V>) -> &[V] {
    let Some(value) = value else {
        return &[];
    };
    match value.view() {
        View::Null => &[],
        View::List(items) => items,
        _ => std::slice::from_ref(value),
    }
}

fn contains<A: FieldValue, B: FieldValue>(set: &[A], item: &B) -> bool {
    set.iter().any(|x| values_equal(x, item))
}

/// A case-insensitive text test; `needle` is already lower case.
#[derive(Clone, Copy)]
enum TextTest {
    Equals,
    Contains,
    StartsWith,
    EndsWith,
}

impl TextTest {
    fn apply(self, text: &str, needle: &str) -> bool {
        if text.is_ascii() && needle.is_ascii() {
            // The common case: compare without allocating a lower-case copy.
            let (t, n) = (text.as_bytes(), needle.as_bytes());
            let at = |start: usize| {
                t.get(start..start + n.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(n))
            };
            return match self {
                TextTest::Equals => t.len() == n.len() && at(0),
                TextTest::StartsWith => at(0),
                TextTest::EndsWith => t.len() >= n.len() && at(t.len() - n.len()),
                // std's Two-Way search: linear in the text whatever the needle (comparing
                // at every position cost text × needle: seconds for a long near-miss needle).
                TextTest::Contains if t.iter().any(u8::is_ascii_uppercase) => {
                    text.to_ascii_lowercase().contains(needle)
                }
                TextTest::Contains => text.contains(needle),
            };
        }
        let lower = crate::core::fold::fold_case(text);
        match self {
            TextTest::Equals => lower == needle,
            TextTest::StartsWith => lower.starts_with(needle),
            TextTest::EndsWith => lower.ends_with(needle),
            TextTest::Contains => lower.contains(needle),
        }
    }
}

/// Whether any text of the value (its elements, for a list) passes the test.
fn any_text<V: FieldValue>(value: Option<&V>, test: TextTest, needle: &str) -> bool {
    elements(value).iter().any(|v| match v.view() {
        View::Str(s) => test.apply(s, needle),
        _ => text_of(v).is_some_and(|t| test.apply(&t, needle)),
    })
}

impl CompiledFilter {
    /// Checks `prop` against what `rule` expects and fixes relative dates against `now_ms`.
    pub fn new(rule: FilterRuleType, prop: &Value, now_ms: i64) -> Result<Self, FilterPropError> {
        use FilterRuleType as R;
        let fail = |expected| FilterPropError { rule, expected };
        let text = || {
            text_of(prop)
                .map(|t| crate::core::fold::fold_case(&t))
                .ok_or(fail("a string"))
        };
        let list = || prop.as_array().cloned().ok_or(fail("a list"));
        let number = || number_of(prop).ok_or(fail("a number"));
        let date = || date_of(prop).ok_or(fail("an ISO-8601 date"));
        let offset = || offset_of(prop).ok_or(fail("a whole number of at most 100000"));
        let offsets = || {
            pair_of(prop)
                .and_then(|(a, b)| Some((offset_of(a)?, offset_of(b)?)))
                .filter(|(a, b)| a <= b)
                .ok_or(fail("a pair [from, to] of whole numbers with from <= to"))
        };
        let day = time::start_of_day(now_ms);
        let week = time::start_of_week(now_ms);
        let month = |n: i64| time::start_of_month(now_ms, n);
        let test = match rule {
            R::IsSet => Test::Set,
            R::IsEmpty => Test::Empty,
            R::IsEqual | R::IsNotEqual => {
                if prop.is_null() {
                    return Err(fail("a value (not null)"));
                }
                if rule == R::IsEqual {
                    Test::Equal(prop.clone())
                } else {
                    Test::NotEqual(prop.clone())
                }
            }
            R::IsAnyOfText => Test::AnyOfText(
                list()?
                    .iter()
                    .map(|v| text_of(v).map(|t| crate::core::fold::fold_case(&t)))
                    .collect::<Option<Vec<_>>>()
                    .ok_or(fail("a list of strings"))?,
            ),
            R::Includes => Test::Includes(text()?),
            R::DoesNotInclude => Test::NotIncludes(text()?),
            R::StartsWith => Test::StartsWith(text()?),
            R::EndsWith => Test::EndsWith(text()?),
            R::IsIn => Test::In(list()?),
            R::IsNotIn => Test::NotIn(list()?),
            R::ValueIsSubsetOfProps => Test::Subset(list()?),
            R::ValueIsSupersetOfProps => Test::Superset(list()?),
            R::ValueHasOverlapWithProps => Test::Overlap(list()?),
            R::ValueHasNoOverlapWithProps => Test::NoOverlap(list()?),
            R::ValueHasSameElementsAsProps => Test::SameElements(list()?),
            R::IsLessThan => Test::Number(Ordering::Less, false, number()?),
            R::IsLessThanEqual => Test::Number(Ordering::Less, true, number()?),
            R::IsGreaterThan => Test::Number(Ordering::Greater, false, number()?),
            R::IsGreaterThanEqual => Test::Number(Ordering::Greater, true, number()?),
            R::IsBefore => Test::Dates(None, Some(date()?)),
            R::IsAfter => Test::Dates(Some(date()? + 1), None),
            R::IsBetween => {
                let expected = "a pair [from, to] of two ISO-8601 dates or two numbers, from <= to";
                let (a, b) = pair_of(prop).ok_or(fail(expected))?;
                if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
                    if x > y {
                        return Err(fail(expected));
                    }
                    Test::NumberRange(x, y)
                } else {
                    let from = date_of(a).ok_or(fail(expected))?;
                    let to_text = b.as_str().unwrap_or_default();
                    let to = date_of(b).ok_or(fail(expected))?;
                    // A date without a time covers its whole day.
                    let to_exclusive = if to_text.len() == 10 {
                        to + DAY_MS
                    } else {
                        to + 1
                    };
                    if from >= to_exclusive {
                        return Err(fail(expected));
                    }
                    Test::Dates(Some(from), Some(to_exclusive))
                }
            }
            R::IsBeforeRelativeDay => Test::Dates(None, Some(day + offset()? * DAY_MS)),
            R::IsAfterRelativeDay => Test::Dates(Some(day + (offset()? + 1) * DAY_MS), None),
            R::IsBetweenRelativeDay => {
                let (a, b) = offsets()?;
                Test::Dates(Some(day + a * DAY_MS), Some(day + (b + 1) * DAY_MS))
            }
            R::IsBeforeRelativeWeek => Test::Dates(None, Some(week + offset()? * 7 * DAY_MS)),
            R::IsAfterRelativeWeek => Test::Dates(Some(week + (offset()? + 1) * 7 * DAY_MS), None),
            R::IsBetweenRelativeWeek => {
                let (a, b) = offsets()?;
                Test::Dates(
                    Some(week + a * 7 * DAY_MS),
                    Some(week + (b + 1) * 7 * DAY_MS),
                )
            }
            R::IsBeforeRelativeMonth => Test::Dates(None, Some(month(offset()?))),
            R::IsAfterRelativeMonth => Test::Dates(Some(month(offset()? + 1)), None),
            R::IsBetweenRelativeMonth => {
                let (a, b) = offsets()?;
                Test::Dates(Some(month(a)), Some(month(b + 1)))
            }
            R::IsLastWeek => Test::Dates(Some(week - 7 * DAY_MS), Some(week)),
            R::IsThisWeek => Test::Dates(Some(week), Some(week + 7 * DAY_MS)),
            R::IsNextWeek => Test::Dates(Some(week + 7 * DAY_MS), Some(week + 14 * DAY_MS)),
            R::IsThisMonth => Test::Dates(Some(month(0)), Some(month(1))),
            R::IsNextMonth => Test::Dates(Some(month(1)), Some(month(2))),
            R::IsLastUpdatedAfter => Test::UpdatedAfter(date()?),
        };
        Ok(CompiledFilter { rule, test })
    }

    /// The rule this filter applies.
    pub fn rule(&self) -> FilterRuleType {
        self.rule
    }

    /// Whether matching needs the time the value was written.
    pub fn needs_update_time(&self) -> bool {
        matches!(self.test, Test::UpdatedAfter(_))
    }

    /// [`CompiledFilter::matches`] for a value that is this number (a stored float,
    /// or a value's number), when the rule compares numbers; `None` for other rules.
    pub fn matches_float(&self, n: f64) -> Option<bool> {
        match &self.test {
            Test::Number(direction, or_equal, limit) => Some(match n.partial_cmp(limit) {
                Some(Ordering::Equal) => *or_equal,
                Some(o) => o == *direction,
                None => false,
            }),
            Test::NumberRange(from, to) => Some(*from <= n && n <= *to),
            _ => None,
        }
    }

    /// Whether a field's latest value matches. `value` is its content (None when
    /// the field has no value); `updated_ms` is when that value was written.
    pub fn matches<V: FieldValue>(&self, value: Option<&V>, updated_ms: Option<i64>) -> bool {
        let blank = || is_blank(value);
        match &self.test {
            Test::Set => !blank(),
            Test::Empty => blank(),
            Test::Equal(p) => value.is_some_and(|v| values_equal(v, p)),
            Test::NotEqual(p) => !value.is_some_and(|v| values_equal(v, p)),
            // Each element's text read once, then held against every option.
            Test::AnyOfText(options) => elements(value).iter().any(|v| match v.view() {
                View::Str(s) => options.iter().any(|o| TextTest::Equals.apply(s, o)),
                _ => text_of(v)
                    .is_some_and(|t| options.iter().any(|o| TextTest::Equals.apply(&t, o))),
            }),
            Test::Includes(p) => any_text(value, TextTest::Contains, p),
            Test::NotIncludes(p) => !any_text(value, TextTest::Contains, p),
            Test::StartsWith(p) => any_text(value, TextTest::StartsWith, p),
            Test::EndsWith(p) => any_text(value, TextTest::EndsWith, p),
            Test::In(set) => !blank() && elements(value).iter().all(|v| contains(set, v)),
            Test::NotIn(set) => blank() || !elements(value).iter().all(|v| contains(set, v)),
            Test::Subset(set) => !blank() && elements(value).iter().all(|v| contains(set, v)),
            Test::Superset(set) => !blank() && set.iter().all(|p| contains(elements(value), p)),
            Test::Overlap(set) => elements(value).iter().any(|v| contains(set, v)),
            Test::NoOverlap(set) => !elements(value).iter().any(|v| contains(set, v)),
            Test::SameElements(set) => {
                let own = elements(value);
                !blank()
                    && own.iter().all(|v| contains(set, v))
                    && set.iter().all(|p| contains(own, p))
            }
            Test::Number(..) | Test::NumberRange(..) => value
                .and_then(number_of)
                .and_then(|n| self.matches_float(n))
                .unwrap_or(false),
            Test::Dates(from, to) => value
                .and_then(date_of)
                .is_some_and(|d| from.is_none_or(|f| d >= f) && to.is_none_or(|t| d < t)),
            Test::UpdatedAfter(after) => updated_ms.is_some_and(|u| u > *after),
        }
    }
}

/// How two field values order in a sort: numbers by value before text, text
/// case-insensitively. Missing values are placed by the caller.
pub fn compare_values<V: FieldValue>(a: &V, b: &V) -> Ordering {
    SortKey::of(a).cmp(&SortKey::of(b))
}

/// A value reduced to what sorting compares, computed once per record.
#[derive(Debug, Clone, PartialEq)]
pub enum SortKey {
    /// Numbers (and numeric text) by value, before any text.
    Number(f64),
    /// Everything else as lower-case text.
    Text(String),
}

impl SortKey {
    /// The sort key of a field value.
    pub fn of<V: FieldValue>(value: &V) -> SortKey {
        match number_of(value) {
            Some(n) => SortKey::Number(n),
            None => SortKey::Text(text_of(value).as_deref().map_or_else(
                || crate::core::fold::fold_case(&value.json_text()),
                crate::core::fold::fold_case,
            )),
        }
    }
}

impl Eq for SortKey {}

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (SortKey::Number(x), SortKey::Number(y)) => x.total_cmp(y),
            (SortKey::Number(_), SortKey::Text(_)) => Ordering::Less,
            (SortKey::Text(_), SortKey::Number(_)) => Ordering::Greater,
            (SortKey::Text(x), SortKey::Text(y)) => x.cmp(y),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: &str = "2026-11-28T15:00:00Z"; // a Saturday

    fn check(rule: FilterRuleType, prop: Value, value: Value) -> bool {
        let now = time::parse_iso(NOW).unwrap();
        let f = CompiledFilter::new(rule, &prop, now).unwrap();
        let v = if value.is_null() { None } else { Some(&value) };
        f.matches(v, None)
    }

    #[test]
    fn every_rule_round_trips_its_wire_string() {
        // The reference's FilterRuleTypeEnum lists 38 rules (the docs say 37).
        assert_eq!(FilterRuleType::ALL.len(), 38);
        for rule in FilterRuleType::ALL {
            assert_eq!(FilterRuleType::parse(rule.as_str()), Some(*rule));
            let json = serde_json::to_value(rule).unwrap();
            assert_eq!(json, json!(rule.as_str()));
        }
        assert_eq!(FilterRuleType::parse("is_equals"), None);
    }

    #[test]
    fn text_rules_ignore_case() {
        use FilterRuleType as R;
        assert!(check(R::Includes, json!("KIN"), json!("Kinase assay")));
        assert!(!check(
            R::DoesNotInclude,
            json!("kin"),
            json!("Kinase assay")
        ));
        assert!(check(R::DoesNotInclude, json!("kin"), Value::Null));
        assert!(check(R::StartsWith, json!("cmp-"), json!("CMP-0001")));
        assert!(check(R::EndsWith, json!("01"), json!("CMP-0001")));
        assert!(check(R::IsAnyOfText, json!(["a", "b"]), json!("B")));
    }

    #[test]
    fn text_rules_agree_on_ascii_and_other_scripts() {
        use FilterRuleType as R;
        assert!(check(R::Includes, json!("µM"), json!("5 µM solution")));
        assert!(check(R::IsAnyOfText, json!(["ÄRGER"]), json!("ärger")));
        assert!(check(R::StartsWith, json!("Ü"), json!("über")));
        assert!(check(R::EndsWith, json!(""), json!("x")));
        assert!(!check(R::EndsWith, json!("long suffix"), json!("x")));
        assert!(check(R::Includes, json!("3"), json!([1, 23])));
        // A long needle that almost matches everywhere (once a stall) ends the scan at the one real match.
        let near = "a".repeat(2_000);
        let text = format!("{}{near}B", "A".repeat(50_000));
        assert!(check(R::Includes, json!(format!("{near}b")), json!(text)));
        assert!(!check(R::Includes, json!(format!("{near}c")), json!(text)));
        assert!(check(
            R::DoesNotInclude,
            json!(format!("{near}c")),
            json!(text)
        ));
        assert!(check(R::Includes, json!(""), json!("any")));
    }

    #[test]
    fn numbers_compare_across_strings_and_qualified_numbers() {
        use FilterRuleType as R;
        assert!(check(R::IsLessThan, json!(10), json!("9.5")));
        assert!(!check(R::IsLessThan, json!(10), json!(10)));
        assert!(check(R::IsLessThanEqual, json!(10), json!(10)));
        assert!(check(
            R::IsGreaterThan,
            json!("5"),
            json!({"value": 7, "qualifier": ">"})
        ));
        assert!(check(R::IsEqual, json!(5), json!(5.0)));
        assert!(!check(R::IsGreaterThan, json!(5), json!("n/a")));
        assert!(check(R::IsBetween, json!([1, 3]), json!(3)));
    }

    #[test]
    fn set_rules_treat_scalars_as_one_element_lists() {
        use FilterRuleType as R;
        assert!(check(
            R::ValueIsSubsetOfProps,
            json!(["a", "b"]),
            json!(["a"])
        ));
        assert!(!check(
            R::ValueIsSubsetOfProps,
            json!(["a"]),
            json!(["a", "c"])
        ));
        assert!(check(
            R::ValueIsSupersetOfProps,
            json!(["a"]),
            json!(["a", "c"])
        ));
        assert!(check(
            R::ValueHasOverlapWithProps,
            json!(["x", "c"]),
            json!(["a", "c"])
        ));
        assert!(check(
            R::ValueHasNoOverlapWithProps,
            json!(["x"]),
            json!(["a", "c"])
        ));
        assert!(check(
            R::ValueHasSameElementsAsProps,
            json!(["c", "a"]),
            json!(["a", "c"])
        ));
        assert!(check(R::IsIn, json!(["a", "b"]), json!("a")));
        assert!(check(R::IsNotIn, json!(["a", "b"]), json!("z")));
    }

    #[test]
    fn relative_dates_are_fixed_against_now() {
        use FilterRuleType as R;
        assert!(check(R::IsThisWeek, Value::Null, json!("2026-11-23")));
        assert!(!check(
            R::IsThisWeek,
            Value::Null,
            json!("2026-11-22T23:59:59Z")
        ));
        assert!(check(R::IsLastWeek, Value::Null, json!("2026-11-22")));
        assert!(check(R::IsNextMonth, Value::Null, json!("2026-12-31")));
        assert!(check(
            R::IsBeforeRelativeDay,
            json!(-1),
            json!("2026-11-26T23:00:00Z")
        ));
        assert!(!check(
            R::IsBeforeRelativeDay,
            json!(-1),
            json!("2026-11-27T00:00:00Z")
        ));
        assert!(check(R::IsAfterRelativeDay, json!(0), json!("2026-11-29")));
        assert!(check(
            R::IsBetweenRelativeMonth,
            json!([-1, 0]),
            json!("2026-10-01")
        ));
        assert!(check(
            R::IsBetween,
            json!(["2026-11-01", "2026-11-28"]),
            json!("2026-11-28T20:00:00Z")
        ));
    }

    #[test]
    fn huge_offsets_are_errors_not_overflows() {
        // Found by the filter_eval fuzz target: -3.3e24 saturated to i64::MIN, whose abs() overflows.
        for prop in [
            json!(-3.333_333_333_333_333e24),
            json!(i64::MIN),
            json!(i64::MAX),
            json!([i64::MIN, 0]),
            json!(-1e300),
        ] {
            for rule in [
                FilterRuleType::IsBeforeRelativeDay,
                FilterRuleType::IsBetweenRelativeWeek,
                FilterRuleType::IsAfterRelativeMonth,
            ] {
                assert!(
                    CompiledFilter::new(rule, &prop, 0).is_err(),
                    "{rule:?} {prop}"
                );
            }
        }
    }

    #[test]
    fn wrong_props_are_errors_not_panics() {
        use FilterRuleType as R;
        let now = 0;
        for (rule, prop) in [
            (R::IsLessThan, json!("abc")),
            (R::IsIn, json!("a")),
            (R::IsBefore, json!("yesterday")),
            (R::IsBetween, json!([1])),
            (R::IsBetween, json!([3, 1])),
            (R::IsBetweenRelativeDay, json!([2, 1])),
            (R::IsAfterRelativeWeek, json!(1.5)),
            (R::IsAfterRelativeWeek, json!(1e12)),
            (R::IsEqual, Value::Null),
            (R::IsAnyOfText, json!([{}])),
        ] {
            let err = CompiledFilter::new(rule, &prop, now).unwrap_err();
            assert!(err
                .to_string()
                .starts_with(&format!("filter_prop of {}", rule.as_str())));
        }
    }
}
