//! The snapshot of the compact store, in process: how many bytes 50,000 records
//! of the demo's shape take, and how long writing, checking and reading them
//! take, beside decoding the same records from their JSON. `make bench` runs it;
//! the figures are native, the browser's wasm is slower by a factor its own
//! benchmark measures.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use kalbio::core::store::snapshot::{self, ListsRef};
use kalbio::core::store::{decode_records, Symbols};
use serde_json::json;
use std::time::Instant;

fn record(i: u64) -> serde_json::Value {
    let id = format!("00000000-0000-4000-8000-{i:012x}");
    let at = |k: u64| {
        format!(
            "2026-01-05T09:{:02}:{:02}.{:03}Z",
            (i + k) % 60,
            k % 60,
            i % 1000
        )
    };
    let value = |k: u64, content: serde_json::Value| {
        json!({ "id": format!("00000000-0000-4000-9000-{:012x}", i * 16 + k), "content": content,
                "created_at": at(k), "record_id": id, "operation_id": null })
    };
    let assays = ["Kinase-Glo", "TR-FRET", "SPR", "Cell viability"];
    json!({
        "id": id, "created_at": at(0), "entity_slice_id": "slice", "identifier_ids": [],
        "record_identifier": format!("CMP-{i:06}"), "initial_operation_id": null, "sub_record_ids": [],
        "record_values": {
            "f-ic50": (0..(1 + i % 3)).map(|k| value(k, json!(((i * 7919 + k * 104_729) % 10_000) as f64 / 3.0))).collect::<Vec<_>>(),
            "f-assay": [value(4, json!(assays[(i % 4) as usize]))],
            "f-notes": [value(5, json!("Recrystallised from EtOH; clean by LCMS."))],
            "f-targets": [value(6, json!(["EGFR", "KRAS"]))],
            "f-status": [value(7, json!("complete")), value(8, json!("in test"))],
            "f-smiles": [value(9, json!("CC(=O)Oc1ccccc1C(=O)O"))],
        }
    })
}

fn median(mut f: impl FnMut() -> f64) -> f64 {
    let mut times: Vec<f64> = (0..7).map(|_| f()).collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let n: u64 = std::env::var("BENCH_RECORDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50_000);
    let json = serde_json::to_vec(&(0..n).map(record).collect::<Vec<_>>()).unwrap();
    let mut symbols = Symbols::default();
    let records = decode_records(&json, &mut symbols).unwrap();
    let heap: usize = records.iter().map(|r| r.heap_bytes()).sum();
    let held = || records.iter().enumerate().map(|(i, r)| (i as i64, r));
    let mut encoded = snapshot::write(0, &symbols, held(), ListsRef::default());
    let write_ms = median(|| {
        let t = Instant::now();
        encoded = snapshot::write(0, &symbols, held(), ListsRef::default());
        t.elapsed().as_secs_f64() * 1000.0
    });
    let crc_ms = median(|| {
        let t = Instant::now();
        std::hint::black_box(snapshot::crc32c(encoded.bytes()));
        t.elapsed().as_secs_f64() * 1000.0
    });
    let read_ms = median(|| {
        let t = Instant::now();
        let restored = snapshot::read(encoded.bytes(), &mut Symbols::default()).unwrap();
        assert_eq!(restored.records.len(), records.len());
        t.elapsed().as_secs_f64() * 1000.0
    });
    let decode_ms = median(|| {
        let t = Instant::now();
        let again = decode_records(&json, &mut Symbols::default()).unwrap();
        assert_eq!(again.len(), records.len());
        t.elapsed().as_secs_f64() * 1000.0
    });
    let mb = |b: usize| b as f64 / 1e6;
    let k = n / 1000;
    println!(
        "| snapshot_{k}k (native) | {:.1} MB snapshot, {:.1} MB held ({:.2}x), {:.1} MB JSON, {} chunks | write {write_ms:.1} ms | read {read_ms:.1} ms (checksums {crc_ms:.1} ms) | decoding the JSON {decode_ms:.1} ms ({:.2}x of reading) |",
        mb(encoded.len()),
        mb(heap),
        encoded.len() as f64 / heap as f64,
        mb(json.len()),
        encoded.chunks().count() - 1,
        read_ms / decode_ms,
    );
    println!(
        "{}",
        json!({ "name": format!("snapshot_{k}k_native"), "records": n, "snapshot_bytes": encoded.len(),
                "held_bytes_estimate": heap, "json_bytes": json.len(), "write_ms": (write_ms * 10.0).round() / 10.0,
                "read_ms": (read_ms * 10.0).round() / 10.0, "crc_ms": (crc_ms * 10.0).round() / 10.0,
                "decode_json_ms": (decode_ms * 10.0).round() / 10.0 })
    );
}
