//! The demo data set: deterministic, shaped like a small medicinal-chemistry
//! lab. `--seed-records N` scales the same generator.

use crate::error::ApiResult;
use crate::store::{FileTarget, NewValue, Program, RecordSet, Stamp, Store, Upload};
use kalbio::core::time::{format_iso, parse_iso, DAY_MS};
use serde_json::{json, Value};

/// The demo's first record is created at this time; the rest follow a minute apart.
pub const BASE_TIME: &str = "2026-01-05T09:00:00Z";

/// The markup in the Notes of CMP-0007, so front ends can prove they escape it.
pub const INJECTION_NOTES: &str = "<img src=x onerror=alert(1)>";

const ASSAYS: &[&str] = &["Kinase-Glo", "TR-FRET", "SPR", "Cell viability"];
const TARGETS: &[&str] = &["EGFR", "BRAF", "KRAS", "JAK2", "CDK4", "PI3K"];
const STATUSES: &[&str] = &["in design", "in synthesis", "in test", "complete", "failed"];
const SMILES: &[&str] = &[
    "CC(=O)Oc1ccccc1C(=O)O",
    "CN1CCN(CC1)c1ccc(cc1)C(=O)Nc1ccc(C)c(Nc2nccc(n2)-c2cccnc2)c1",
    "COc1cc2ncnc(Nc3ccc(F)c(Cl)c3)c2cc1OCCCN1CCOCC1",
    "CC1=C(C(=O)Nc2ccccc2)C(c2ccccc2)C(C(=O)OC)=C(C)N1",
    "O=C(Nc1ccc(Cl)cc1)c1ccccc1",
    "CCN(CC)CCNC(=O)c1c(C)[nH]c(C=C2C(=O)Nc3ccc(F)cc32)c1C",
    "Cc1ccc(NC(=O)c2ccc(CN3CCN(C)CC3)cc2)cc1Nc1nccc(-c2cccnc2)n1",
    "NC(=O)c1ccc(cc1)N1CCOCC1",
];
const NOTES: &[&str] = &[
    "Recrystallised from EtOH; clean by LCMS.",
    "Poor solubility above 10 µM.",
    "Re-test requested after plate edge effect.",
    "Scaffold hop from series B.",
    "Hit from the fragment screen.",
];

fn write_undated(store: &mut Store, owner: &str, field_id: &str, content: Value) -> ApiResult<()> {
    let value = NewValue {
        field_id: field_id.to_string(),
        content,
        operation_id: None,
        record_view_id: None,
    };
    store.put_value(owner, value, Stamp::Undated)
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items
            .get(self.below(items.len()))
            .copied()
            .unwrap_or_default()
    }
}

fn field(store: &mut Store, name: &str, is_key: bool, field_type: &str) -> ApiResult<String> {
    let field = store.entity_field(name, is_key, field_type, BASE_TIME.replace('Z', ".000Z"));
    Ok(store.create_field(field)?.id)
}

/// The demo's programs, and which experiments (by place) belong to each.
const PROGRAMS: &[(&str, &[usize])] = &[("Kinase inhibitors", &[0, 2]), ("Solubility", &[1])];

/// The demo's record sets: each holds the compounds whose number leaves the
/// remainder given when divided by the step given.
const RECORD_SETS: &[(&str, usize, usize)] =
    &[("Series A", 4, 1), ("Series B", 4, 2), ("Hits", 10, 0)];

/// A fixed uuid for the demo's programs and record sets, drawn apart from the
/// store's seeded ids so that the ids of everything else stay as they were.
fn fixed_id(kind: u8, n: usize) -> String {
    let [a, b, c, d, e, f, g, h] = (n as u64).to_be_bytes();
    let bytes = [
        kind, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, a, b, c, d, e, f, g, h,
    ];
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// Fills an empty store with `records` compounds and everything around them.
pub fn seed(store: &mut Store, records: usize) -> ApiResult<()> {
    store.id_seed = Some(0x5eed_1ab5_c0ff_ee42);
    let result = store.bulk(|store| fill(store, records));
    store.id_seed = None;
    result
}

/// [`seed`] one write at a time, each in its own transaction, as every other
/// write is made: what the bulk must match.
#[cfg(test)]
pub fn seed_write_by_write(store: &mut Store, records: usize) -> ApiResult<()> {
    store.id_seed = Some(0x5eed_1ab5_c0ff_ee42);
    let result = fill(store, records);
    store.id_seed = None;
    result
}

fn fill(store: &mut Store, records: usize) -> ApiResult<()> {
    let base = parse_iso(BASE_TIME).unwrap_or(0);
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let compound = field(store, "Compound ID", true, "text")?;
    let batch = field(store, "Batch ID", true, "text")?;
    let ic50 = field(store, "IC50", false, "number")?;
    let assay = field(store, "Assay", false, "select")?;
    let targets = field(store, "Targets", false, "multiselect")?;
    let status = field(store, "Status", false, "status")?;
    let tested_on = field(store, "Tested on", false, "date")?;
    let notes = field(store, "Notes", false, "text")?;
    let smiles = field(store, "SMILES", false, "smiles-string")?;
    let plate_map = field(store, "Plate map", false, "file")?;
    let mut programs: Vec<(String, &[usize])> = Vec::new();
    for (n, (title, members)) in PROGRAMS.iter().enumerate() {
        let program = Program {
            id: fixed_id(0x91, n),
            title: title.to_string(),
        };
        programs.push((store.create_program(program)?.id, members));
    }
    let mut experiments = Vec::new();
    for (place, title) in [
        "Kinase panel Q1",
        "Solubility screen",
        "Binding assay round 2",
    ]
    .into_iter()
    .enumerate()
    {
        let program_ids = programs
            .iter()
            .filter(|(_, members)| members.contains(&place))
            .map(|(id, _)| id.clone())
            .collect();
        let activity = kalbio::core::model::Activity {
            id: store.new_id(),
            created_at: Some(format_iso(base)),
            parent_id: None,
            child_ids: vec![],
            definition_id: None,
            program_ids,
            activity_type: Some("experiment".into()),
            title: Some(title.into()),
            description: Value::Null,
            status: Some("in progress".into()),
            assigned_user_ids: vec![],
            assigned_group_ids: vec![],
            subscriber_ids: vec![],
            due_date: None,
            start_date: Some(format_iso(base)),
            duration: Some(90),
            completed_at_date: None,
            dependencies: vec![],
            label_ids: vec![],
            is_draft: Some(false),
            properties: vec![],
            external_id: None,
            all_record_ids: vec![],
            data_table_record_mapping: Default::default(),
            data_table_draft_record_ids: Vec::new(),
            registration_staging_record_view_id: None,
        };
        experiments.push(store.create_activity(activity)?.id);
    }
    // Record i is created at base + i minutes; its values follow over the next weeks.
    let span = (records as i64 + 10) * 60_000;
    let mut compounds = Vec::with_capacity(records);
    for i in 1..=records {
        let created = base + i as i64 * 60_000;
        let name = format!("CMP-{i:04}");
        let record = store.create_record(
            &[(compound.clone(), json!(name))],
            None,
            None,
            Some(created),
        )?;
        let id = record.id;
        compounds.push(id.clone());
        let experiment = experiments.get(i % 3).cloned();
        let at = |day: i64, k: i64| created + span + day * DAY_MS + k;
        let write =
            |store: &mut Store, field_id: &str, content: Value, op: Option<String>, t: i64| {
                store.put_value(
                    &id,
                    NewValue {
                        field_id: field_id.to_string(),
                        content,
                        operation_id: op,
                        record_view_id: None,
                    },
                    Stamp::At(t),
                )
            };
        write(store, &smiles, json!(rng.pick(SMILES)), None, at(0, 1))?;
        write(
            store,
            &assay,
            json!(rng.pick(ASSAYS)),
            experiment.clone(),
            at(1, 2),
        )?;
        let count = 1 + rng.below(3);
        let mut chosen: Vec<&str> = Vec::new();
        while chosen.len() < count {
            let t = rng.pick(TARGETS);
            if !chosen.contains(&t) {
                chosen.push(t);
            }
        }
        write(store, &targets, json!(chosen), None, at(1, 3))?;
        write(store, &status, json!("in design"), None, at(0, 4))?;
        write(store, &status, json!(rng.pick(STATUSES)), None, at(14, 5))?;
        let tested_day = base + (rng.below(300) as i64) * DAY_MS;
        let tested = format_iso(tested_day);
        write(
            store,
            &tested_on,
            json!(tested.get(..10).unwrap_or(&tested)),
            experiment.clone(),
            at(2, 6),
        )?;
        // IC50 in nM, log-uniform from 1 to 10,000, re-measured for some compounds.
        let measurements = 1 + rng.below(3);
        for m in 0..measurements {
            let exponent = (rng.below(4000) as f64) / 1000.0;
            let value = (10f64.powf(exponent) * 10.0).round() / 10.0;
            let op = if m + 1 == measurements {
                experiment.clone()
            } else {
                None
            };
            write(store, &ic50, json!(value), op, at(3 + 7 * m as i64, 7))?;
        }
        if i == 8 || i == 9 {
            // Values imported from an older system carry no created_at: they count as oldest.
            write_undated(store, &id, &notes, json!("Legacy import, no date"))?;
            if i == 8 {
                write(store, &notes, json!("Re-tested in 2026"), None, at(4, 8))?;
            }
        } else if i == 7 {
            write(store, &notes, json!(INJECTION_NOTES), None, at(4, 8))?;
        } else if rng.below(4) == 0 {
            write(store, &notes, json!(rng.pick(NOTES)), None, at(4, 8))?;
        }
        if i <= 5 {
            let csv = format!(
                "well,signal\nA1,{}\nA2,{}\nB1,{}\n",
                rng.below(1000),
                rng.below(1000),
                rng.below(1000)
            );
            let file_name = format!("plate-{name}.csv");
            let upload = Upload {
                file_name: &file_name,
                mime_type: "text/csv",
                bytes: csv.as_bytes(),
            };
            let target = FileTarget {
                field_id: &plate_map,
                operation_id: experiment.clone(),
                record_view_id: None,
            };
            store.add_file_value(&id, target, upload, Some(at(5, 9)))?;
        }
        if i % 25 == 0 {
            for b in 1..=2 {
                let batch_name = format!("{name}-B{b}");
                let sub = store.create_record(
                    &[
                        (compound.clone(), json!(name)),
                        (batch.clone(), json!(batch_name)),
                    ],
                    Some(&id),
                    experiment.as_deref(),
                    Some(created + b),
                )?;
                let exponent = (rng.below(4000) as f64) / 1000.0;
                let value = (10f64.powf(exponent) * 10.0).round() / 10.0;
                store.put_value(
                    &sub.id,
                    NewValue {
                        field_id: ic50.clone(),
                        content: json!(value),
                        operation_id: experiment.clone(),
                        record_view_id: None,
                    },
                    Stamp::At(at(6, 10 + b)),
                )?;
            }
        }
    }
    for (n, &(name, step, remainder)) in RECORD_SETS.iter().enumerate() {
        let record_ids = compounds
            .iter()
            .enumerate()
            .filter(|(at, _)| (at + 1) % step == remainder)
            .map(|(_, id)| id.clone())
            .collect();
        store.create_record_set(RecordSet {
            id: fixed_id(0x5e, n),
            name: name.to_string(),
            record_ids,
        })?;
    }
    Ok(())
}
