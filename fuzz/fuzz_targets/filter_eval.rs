//! Any rule, prop and value: compiling a filter answers Ok or Err, and
//! matching never panics, whatever the value's shape.
#![no_main]
use kalbio::core::filter::{CompiledFilter, FilterRuleType, SortKey};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let rule = FilterRuleType::ALL[usize::from(selector) % FilterRuleType::ALL.len()];
    let text = String::from_utf8_lossy(rest);
    let (prop, value) = text.split_once('\u{1}').unwrap_or((&text, "null"));
    let Ok(prop) = serde_json::from_str::<Value>(prop) else { return };
    let value = serde_json::from_str::<Value>(value).unwrap_or(Value::Null);
    let now = i64::from(selector) * 86_400_000 * 97;
    if let Ok(filter) = CompiledFilter::new(rule, &prop, now) {
        let _ = filter.matches(Some(&value), Some(now));
        let _ = filter.matches(None, None);
    }
    let _ = SortKey::of(&value).cmp(&SortKey::of(&prop));
});
