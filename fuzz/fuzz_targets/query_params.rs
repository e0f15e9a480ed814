//! Any query string as search parameters: reading answers Ok or Err, and a
//! query that reads encodes to parameters that read back to the same query.
#![no_main]
use kalbio::core::query::SearchRecordsQuery;
use kalbio::core::search::CompiledSearch;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let pairs: Vec<(&str, &str)> = text.split('&').filter_map(|p| p.split_once('=')).collect();
    if let Ok(query) = SearchRecordsQuery::from_params(pairs) {
        let params = query.to_params();
        let back = SearchRecordsQuery::from_params(params.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .expect("encoded parameters read back");
        assert_eq!(back, query);
        let _ = CompiledSearch::new(&query, 1_800_000_000_000);
        let _ = kalbio::core::http::encode_query(&params);
    }
});
