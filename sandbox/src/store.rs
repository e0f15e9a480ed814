//! The sandbox's state: one SQLite file for durability, and the same data in
//! memory as the core's models, so reads and searches never touch the disk.
//! Every write is one SQLite transaction, applied to memory only after it
//! commits.

use crate::error::{ApiError, ApiResult};
use crate::rows::{opt_text, text, BulkWriter, Cell, Insert, Rows};
use kalbio::core::client::ident::key_values_key;
use kalbio::core::model::{Activity, EntityField, EntitySlice, FileContent, Record, RecordValue};
use kalbio::core::search::SearchIndex;
use kalbio::core::time::{format_iso, parse_iso};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

mod activity_edits;

/// Field types a data field may have.
pub const FIELD_TYPES: &[&str] = &[
    "text",
    "number",
    "qualified-number",
    "smiles-string",
    "select",
    "multiselect",
    "molfile",
    "record-reference",
    "mixture",
    "file",
    "image",
    "date",
    "URL",
    "boolean",
    "email",
    "phone",
    "formula",
    "people",
    "votes",
    "xy-array",
    "dna-oligo",
    "rna-oligo",
    "peptide",
    "plasmid",
    "google-drive-file",
    "s3-file",
    "snowflake-query",
    "status",
    "rxn",
    "protein-structure",
];

/// Activity types an activity may have.
pub const ACTIVITY_TYPES: &[&str] = &[
    "task",
    "experiment",
    "project",
    "stage",
    "milestone",
    "cycle",
];

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS fields(id TEXT PRIMARY KEY, seq INTEGER NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS activities(id TEXT PRIMARY KEY, seq INTEGER NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS slices(id TEXT PRIMARY KEY, seq INTEGER NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records(id TEXT PRIMARY KEY, seq INTEGER NOT NULL, created_at TEXT NOT NULL,
  entity_slice_id TEXT NOT NULL, record_identifier TEXT NOT NULL, initial_operation_id TEXT, parent_id TEXT);
CREATE TABLE IF NOT EXISTS record_values(id TEXT PRIMARY KEY, seq INTEGER NOT NULL, owner_id TEXT NOT NULL,
  field_id TEXT NOT NULL, content TEXT NOT NULL, created_at TEXT, record_id TEXT, operation_id TEXT, is_key INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS record_values_owner ON record_values(owner_id);
CREATE TABLE IF NOT EXISTS activity_records(activity_id TEXT NOT NULL, record_id TEXT NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY(activity_id, record_id));
CREATE TABLE IF NOT EXISTS files(id TEXT PRIMARY KEY, file_name TEXT NOT NULL, mime_type TEXT NOT NULL, bytes BLOB NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens(token TEXT PRIMARY KEY, kind TEXT NOT NULL, expires_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS programs(id TEXT PRIMARY KEY, seq INTEGER NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS record_sets(id TEXT PRIMARY KEY, seq INTEGER NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS record_set_records(record_set_id TEXT NOT NULL, record_id TEXT NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY(record_set_id, record_id));
";

/// Columns added after the first release, for stores written before them.
const MIGRATIONS: &[(&str, &str, &str)] = &[
    ("record_values", "record_view_id", "TEXT"),
    // The tokens one client-credentials grant led to, through refreshes.
    ("tokens", "family", "TEXT"),
];

/// A program: activities name the programs they belong to (`program_ids`), and a
/// record belongs to the programs of the activities that contain it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Program {
    pub id: String,
    pub title: String,
}

/// A record set: a named list of records (the sandbox's own object; the demo
/// data brings some, the API only reads them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordSet {
    pub id: String,
    pub name: String,
    /// The records in it, in the order they were added.
    #[serde(default)]
    pub record_ids: Vec<String>,
}

/// Everything the API serves.
pub struct Store {
    conn: Connection,
    seq: i64,
    last_stamp: i64,
    pub fields: Vec<EntityField>,
    pub activities: Vec<Activity>,
    pub slices: Vec<EntitySlice>,
    pub records: HashMap<String, Record>,
    /// Record ids in creation order (which is `created_at` order).
    pub order: Vec<String>,
    /// Sub-record id → parent record id.
    pub parents: HashMap<String, String>,
    /// Lookup key (see [`lookup_key`]) → top-level record id.
    pub by_key: HashMap<String, String>,
    /// Parent id and lookup key (see [`sub_record_key`]) → sub-record id.
    pub sub_by_key: HashMap<String, String>,
    /// Every record laid out for search, in creation order. Shared so a search
    /// can run on a snapshot without the store's lock; a write copies it only
    /// while a search still holds the old one.
    pub index: Arc<SearchIndex>,
    /// Activity id → the records it contains (the index behind `all_record_ids`).
    /// Shared for the same reason as `index`.
    pub members: HashMap<String, Arc<HashSet<String>>>,
    /// While seeding: a deterministic source of ids.
    pub id_seed: Option<u64>,
    pub programs: Vec<Program>,
    pub record_sets: Vec<RecordSet>,
    /// Record set id → its records, shared like `members`.
    pub set_members: HashMap<String, Arc<HashSet<String>>>,
    /// Inside [`Store::bulk`]: writes go to its writer, into its one
    /// transaction, and the search index is built once at its end.
    bulk: Option<BulkWriter>,
    /// How many seeded ids were made (their ascending prefix).
    seeded_ids: u64,
}

/// When a value is written.
pub enum Stamp {
    /// Now (after every earlier write).
    Now,
    /// At a fixed time (the seed's history).
    At(i64),
    /// With no `created_at` at all, like values imported from older systems.
    Undated,
}

/// An uploaded file.
pub struct Upload<'a> {
    pub file_name: &'a str,
    pub mime_type: &'a str,
    pub bytes: &'a [u8],
}

/// A value to write (validated by the caller).
pub struct NewValue {
    pub field_id: String,
    pub content: Value,
    pub operation_id: Option<String>,
    /// The record view on the activity it is written to.
    pub record_view_id: Option<String>,
}

/// Where a file value goes: the field, and the activity and record view if any.
pub struct FileTarget<'a> {
    pub field_id: &'a str,
    pub operation_id: Option<String>,
    pub record_view_id: Option<String>,
}

/// Key values compare as the client compares them (`7`, `7.0` and `"7"` are one key).
pub use kalbio::core::client::ident::{canonical_key_value, MAX_EXACT_INTEGER};

/// The key under which records are found by their key values.
pub fn lookup_key(pairs: &[(String, Value)]) -> String {
    let canonical: Vec<(String, Value)> = pairs
        .iter()
        .map(|(f, v)| (f.clone(), canonical_key_value(v)))
        .collect();
    key_values_key(&canonical)
}

/// The key under which a parent's sub-records are found by their key values.
fn sub_record_key(parent: &str, pairs: &[(String, Value)]) -> String {
    format!("{parent}\u{1d}{}", lookup_key(pairs))
}

/// The key values of a record, as (field id, content) pairs.
fn record_pairs(record: &Record) -> Vec<(String, Value)> {
    let pairs: Vec<(String, Value)> = record
        .record_values
        .iter()
        .flat_map(|(field_id, values)| {
            values
                .iter()
                .filter(|v| record.identifier_ids.contains(&v.id))
                .map(move |v| (field_id.clone(), v.content.clone()))
        })
        .collect();
    pairs
}

fn json_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// Random hex from the system's generator, for ids and tokens.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    if getrandom::fill(&mut buf).is_err() {
        // Never hand out a predictable token: fall back to the uuid generator's randomness.
        return uuid::Uuid::new_v4().simple().to_string();
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// The system clock in UTC milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The objects a table keeps as JSON, in the order written; raises `max_seq` to the
/// highest sequence number read.
fn read_objects<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    table: &str,
    max_seq: &mut i64,
) -> ApiResult<Vec<T>> {
    let mut stmt = conn.prepare(&format!("SELECT seq, json FROM {table} ORDER BY seq"))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (seq, text) in rows {
        *max_seq = (*max_seq).max(seq);
        out.push(
            serde_json::from_str(&text).map_err(|_| {
                ApiError::internal(format!("the store holds a broken row in {table}"))
            })?,
        );
    }
    Ok(out)
}

/// Adds the columns of [`MIGRATIONS`] that a store written before them lacks.
fn migrate(conn: &Connection) -> ApiResult<()> {
    for (table, column, kind) in MIGRATIONS {
        let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})"))?;
        let names = stmt
            .query_map([], |r| r.get::<_, String>(1))?
            .collect::<Result<Vec<_>, _>>()?;
        if !names.iter().any(|n| n == column) {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {kind}"))?;
        }
    }
    Ok(())
}

/// Writes a data value's row.
fn insert_value(
    tx: &mut Rows<'_>,
    value: &RecordValue,
    seq: i64,
    owner: &str,
    field_id: &str,
) -> ApiResult<()> {
    tx.insert(
        Insert::Value,
        [
            text(&value.id),
            Cell::Int(seq),
            text(owner),
            text(field_id),
            Cell::Json(&value.content),
            opt_text(value.created_at.as_deref()),
            opt_text(value.record_id.as_deref()),
            opt_text(value.operation_id.as_deref()),
            Cell::Int(0),
            opt_text(value.record_view()),
        ],
    )
}

/// An (activity, record) membership's row.
fn insert_member(tx: &mut Rows<'_>, activity: &str, record: &str, seq: i64) -> ApiResult<()> {
    tx.insert(
        Insert::ActivityRecord,
        [text(activity), text(record), Cell::Int(seq)],
    )
}

impl Store {
    /// Opens (or creates) the store in `dir` and loads it into memory.
    pub fn open(dir: &Path) -> ApiResult<Store> {
        std::fs::create_dir_all(dir)
            .map_err(|e| ApiError::internal(format!("cannot create {}: {e}", dir.display())))?;
        let conn = Connection::open(dir.join("sandbox.sqlite3"))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Another process holding the file (a backup, `sqlite3` in a terminal) makes writes wait, not fail.
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        migrate(&conn)?;
        let mut store = Store {
            conn,
            seq: 0,
            last_stamp: 0,
            fields: Vec::new(),
            activities: Vec::new(),
            slices: Vec::new(),
            records: HashMap::new(),
            order: Vec::new(),
            parents: HashMap::new(),
            by_key: HashMap::new(),
            sub_by_key: HashMap::new(),
            members: HashMap::new(),
            index: Arc::default(),
            id_seed: None,
            programs: Vec::new(),
            record_sets: Vec::new(),
            set_members: HashMap::new(),
            bulk: None,
            seeded_ids: 0,
        };
        store.load()?;
        Ok(store)
    }

    fn load(&mut self) -> ApiResult<()> {
        let mut max_seq = 0i64;
        let broken = |what: &str| ApiError::internal(format!("the store holds a broken {what}"));
        self.fields = read_objects(&self.conn, "fields", &mut max_seq)?;
        self.activities = read_objects(&self.conn, "activities", &mut max_seq)?;
        self.slices = read_objects(&self.conn, "slices", &mut max_seq)?;
        self.programs = read_objects(&self.conn, "programs", &mut max_seq)?;
        self.record_sets = read_objects(&self.conn, "record_sets", &mut max_seq)?;
        {
            let mut stmt = self.conn.prepare(
                "SELECT record_set_id, record_id, seq FROM record_set_records ORDER BY seq",
            )?;
            let mut rows = stmt.query([])?;
            let mut pairs = Vec::new();
            while let Some(row) = rows.next()? {
                max_seq = max_seq.max(row.get(2)?);
                pairs.push((row.get::<_, String>(0)?, row.get::<_, String>(1)?));
            }
            drop(rows);
            drop(stmt);
            self.apply_set_membership(pairs);
        }
        {
            let mut stmt = self.conn.prepare(
                "SELECT id, seq, created_at, entity_slice_id, record_identifier, initial_operation_id, parent_id FROM records ORDER BY seq",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let id: String = row.get(0)?;
                max_seq = max_seq.max(row.get(1)?);
                let record = Record {
                    id: id.clone(),
                    created_at: row.get(2)?,
                    entity_slice_id: row.get(3)?,
                    identifier_ids: Vec::new(),
                    record_identifier: row.get(4)?,
                    record_values: BTreeMap::new(),
                    initial_operation_id: row.get(5)?,
                    sub_record_ids: Vec::new(),
                };
                if let Some(parent) = row.get::<_, Option<String>>(6)? {
                    self.parents.insert(id.clone(), parent);
                }
                self.order.push(id.clone());
                self.records.insert(id, record);
            }
        }
        let subs: Vec<(String, String)> = self
            .parents
            .iter()
            .map(|(c, p)| (c.clone(), p.clone()))
            .collect();
        let position: HashMap<&str, usize> = self
            .order
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        let mut subs_by_seq: Vec<(usize, String, String)> = subs
            .into_iter()
            .map(|(c, p)| (position.get(c.as_str()).copied().unwrap_or(0), c, p))
            .collect();
        drop(position);
        subs_by_seq.sort();
        for (_, child, parent) in subs_by_seq {
            if let Some(p) = self.records.get_mut(&parent) {
                p.sub_record_ids.push(child);
            }
        }
        let mut loaded = Vec::new();
        {
            let mut stmt = self.conn.prepare(
                "SELECT id, seq, owner_id, field_id, content, created_at, record_id, operation_id, is_key, record_view_id FROM record_values ORDER BY seq",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                max_seq = max_seq.max(row.get(1)?);
                let owner: String = row.get(2)?;
                let field_id: String = row.get(3)?;
                let content: String = row.get(4)?;
                let value = RecordValue {
                    id: row.get(0)?,
                    content: serde_json::from_str(&content).map_err(|_| broken("value"))?,
                    created_at: row.get(5)?,
                    record_id: row.get(6)?,
                    operation_id: row.get(7)?,
                    record_view_id: Some(row.get(9)?),
                };
                let is_key: bool = row.get(8)?;
                loaded.push((owner, field_id, value, is_key));
            }
        }
        for (owner, field_id, value, is_key) in loaded {
            if let Some(at) = value.created_at.as_deref().and_then(parse_iso) {
                self.last_stamp = self.last_stamp.max(at);
            }
            self.attach_value(&owner, &field_id, value, is_key);
        }
        {
            let mut stmt = self
                .conn
                .prepare("SELECT activity_id, record_id, seq FROM activity_records ORDER BY seq")?;
            let pairs = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?;
            let mut loaded = Vec::new();
            for pair in pairs {
                let (activity, record, seq) = pair?;
                max_seq = max_seq.max(seq);
                loaded.push((activity, record));
            }
            drop(stmt);
            self.apply_membership(loaded);
        }
        self.seq = max_seq;
        self.index_keys();
        self.index = Arc::new(SearchIndex::from_records(
            self.order.iter().filter_map(|id| self.records.get(id)),
        ));
        for r in self.records.values() {
            if let Some(at) = r.created_at.as_deref().and_then(parse_iso) {
                self.last_stamp = self.last_stamp.max(at);
            }
        }
        Ok(())
    }

    /// Refreshes the search rows of a record and of its parent.
    fn reindex(&mut self, id: &str) {
        if self.bulk.is_some() {
            return;
        }
        let index = Arc::make_mut(&mut self.index);
        if let Some(record) = self.records.get(id) {
            index.upsert(record);
        }
        if let Some(parent) = self.parents.get(id).and_then(|p| self.records.get(p)) {
            index.upsert(parent);
        }
    }

    /// Puts a value into memory: on its owner, and on the owner's parent when the owner is a sub-record.
    fn attach_value(&mut self, owner: &str, field_id: &str, value: RecordValue, is_key: bool) {
        /// Appends to a field's values (making its key only for a field's first value).
        fn push(record: &mut Record, field_id: &str, value: RecordValue) {
            match record.record_values.get_mut(field_id) {
                Some(values) => values.push(value),
                None => {
                    record
                        .record_values
                        .insert(field_id.to_string(), vec![value]);
                }
            }
        }
        let parent = match is_key {
            true => None,
            false => self.parents.get(owner),
        };
        // Copied only when a parent gets it too.
        let (value, for_parent) = match parent {
            Some(p) if self.records.contains_key(p) => (value.clone(), Some((p.clone(), value))),
            _ => (value, None),
        };
        if let Some(record) = self.records.get_mut(owner) {
            if is_key {
                record.identifier_ids.push(value.id.clone());
            }
            push(record, field_id, value);
        }
        if let Some((parent, value)) = for_parent {
            if let Some(parent) = self.records.get_mut(&parent) {
                push(parent, field_id, value);
            }
        }
    }

    fn next_seq(&mut self) -> i64 {
        self.seq += 1;
        self.seq
    }

    /// A write time: now, but always after the last one, so "newest" is well defined.
    pub fn next_stamp(&mut self, at: Option<i64>) -> String {
        let t = match at {
            Some(t) => t,
            None => now_ms().max(self.last_stamp + 1),
        };
        self.last_stamp = self.last_stamp.max(t);
        format_iso(t)
    }

    /// A new uuid: random, or from the seed's generator while seeding.
    pub fn new_id(&mut self) -> String {
        match self.id_seed.as_mut() {
            Some(state) => {
                // Seeded ids ascend (a counter in the first six bytes, then the
                // generator's bits): SQLite appends them to its indexes instead of
                // inserting at random places, which makes seeding several times faster.
                self.seeded_ids += 1;
                let mut bytes = [0u8; 16];
                let counter = self.seeded_ids.to_be_bytes();
                bytes[..6].copy_from_slice(&counter[2..]);
                *state ^= *state << 13;
                *state ^= *state >> 7;
                *state ^= *state << 17;
                bytes[6..14].copy_from_slice(&state.to_le_bytes());
                uuid::Builder::from_random_bytes(bytes)
                    .into_uuid()
                    .to_string()
            }
            None => uuid::Uuid::new_v4().to_string(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.records.is_empty() && self.activities.is_empty()
    }

    pub fn field(&self, id: &str) -> Option<&EntityField> {
        self.fields.iter().find(|f| f.id == id)
    }

    pub fn activity(&self, id: &str) -> Option<&Activity> {
        self.activities.iter().find(|a| a.id == id)
    }

    // ----- tokens -----

    /// Keeps a token of `kind` (`access` or `refresh`) of a family until `expires_ms`.
    pub fn save_token(
        &mut self,
        token: &str,
        kind: &str,
        expires_ms: i64,
        family: &str,
    ) -> ApiResult<()> {
        self.conn.execute(
            "DELETE FROM tokens WHERE expires_ms < ?1",
            params![now_ms()],
        )?;
        self.conn.execute(
            "INSERT INTO tokens(token, kind, expires_ms, family) VALUES (?1, ?2, ?3, ?4)",
            params![token, kind, expires_ms, family],
        )?;
        Ok(())
    }

    /// Whether a token of that kind exists and has not expired.
    pub fn token_valid(&self, token: &str, kind: &str) -> ApiResult<bool> {
        let expires: Option<i64> = self
            .conn
            .query_row(
                "SELECT expires_ms FROM tokens WHERE token = ?1 AND kind = ?2",
                params![token, kind],
                |r| r.get(0),
            )
            .optional()?;
        Ok(expires.is_some_and(|e| e > now_ms()))
    }

    /// Spends a refresh token: answers its family when it was valid, and keeps it
    /// as rotated. A rotated one presented again revokes every token of its
    /// family (someone replays it: the real server does the same) and answers
    /// `None`, as does an unknown or expired one.
    pub fn rotate_refresh_token(&mut self, token: &str) -> ApiResult<Option<String>> {
        let row: Option<(String, i64, Option<String>)> = self
            .conn
            .query_row(
                "SELECT kind, expires_ms, family FROM tokens WHERE token = ?1",
                params![token],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        match row {
            Some((kind, expires, family)) if kind == "refresh" && expires > now_ms() => {
                self.conn.execute(
                    "UPDATE tokens SET kind = 'rotated' WHERE token = ?1",
                    params![token],
                )?;
                Ok(Some(family.unwrap_or_else(|| random_hex(16))))
            }
            Some((kind, _, Some(family))) if kind == "rotated" => {
                self.conn
                    .execute("DELETE FROM tokens WHERE family = ?1", params![family])?;
                Ok(None)
            }
            _ => Ok(None),
        }
    }

    // ----- writes -----

    /// Runs `write` in one transaction; nothing is kept if it fails.
    pub fn transaction<R>(
        &mut self,
        write: impl FnOnce(&mut Rows<'_>) -> ApiResult<R>,
    ) -> ApiResult<R> {
        if let Some(bulk) = self.bulk.as_mut() {
            // The bulk's own transaction holds every write, or none.
            return write(&mut Rows::Bulk(bulk));
        }
        let tx = self.conn.savepoint()?;
        let out = write(&mut Rows::Now(&tx))?;
        tx.commit()?;
        Ok(out)
    }

    /// Writes one object kept as JSON (`table` is one of the tables of objects).
    fn insert_json<T: Serialize>(&mut self, table: Insert, id: &str, object: &T) -> ApiResult<()> {
        let seq = self.next_seq();
        let row = [text(id), Cell::Int(seq), Cell::Owned(json_text(object))];
        self.transaction(|tx| tx.insert(table, row))
    }

    /// A new field, named and typed, created at `created_at`.
    pub fn entity_field(
        &mut self,
        name: &str,
        is_key: bool,
        field_type: &str,
        created_at: String,
    ) -> EntityField {
        EntityField {
            id: self.new_id(),
            created_at: Some(created_at),
            is_key: Some(is_key),
            field_name: Some(name.to_string()),
            field_description: String::new(),
            field_examples: String::new(),
            field_type: Some(field_type.to_string()),
            ref_slice_id: None,
            regex_format: None,
        }
    }

    pub fn create_field(&mut self, field: EntityField) -> ApiResult<EntityField> {
        self.insert_json(Insert::Field, &field.id, &field)?;
        self.fields.push(field.clone());
        Ok(field)
    }

    pub fn create_activity(&mut self, activity: Activity) -> ApiResult<Activity> {
        let mut stored = activity.clone();
        stored.all_record_ids.clear();
        self.insert_json(Insert::Activity, &activity.id, &stored)?;
        self.activities.push(activity.clone());
        Ok(activity)
    }

    pub fn create_program(&mut self, program: Program) -> ApiResult<Program> {
        self.insert_json(Insert::Program, &program.id, &program)?;
        self.programs.push(program.clone());
        Ok(program)
    }

    /// Creates a record set holding `record_ids` (each once, in order).
    pub fn create_record_set(&mut self, set: RecordSet) -> ApiResult<RecordSet> {
        let mut stored = set.clone();
        stored.record_ids.clear();
        self.insert_json(Insert::RecordSet, &set.id, &stored)?;
        self.record_sets.push(stored);
        let mut pairs = Vec::new();
        let mut seen = HashSet::new();
        for record in &set.record_ids {
            if seen.insert(record) {
                pairs.push((set.id.clone(), record.clone(), self.next_seq()));
            }
        }
        self.transaction(|tx| {
            for (s, r, seq) in &pairs {
                tx.insert(Insert::RecordSetRecord, [text(s), text(r), Cell::Int(*seq)])?;
            }
            Ok(())
        })?;
        self.apply_set_membership(pairs.into_iter().map(|(s, r, _)| (s, r)).collect());
        self.record_sets
            .iter()
            .find(|s| s.id == set.id)
            .cloned()
            .ok_or_else(|| ApiError::internal("record set vanished"))
    }

    fn apply_set_membership(&mut self, pairs: Vec<(String, String)>) {
        for (set, record) in pairs {
            let members = Arc::make_mut(self.set_members.entry(set.clone()).or_default());
            if members.insert(record.clone()) {
                if let Some(s) = self.record_sets.iter_mut().find(|s| s.id == set) {
                    s.record_ids.push(record);
                }
            }
        }
    }

    /// The records of a record set, if there is one with this id.
    pub fn record_set_members(&self, id: &str) -> Option<Arc<HashSet<String>>> {
        self.record_sets
            .iter()
            .any(|s| s.id == id)
            .then(|| self.set_members.get(id).cloned().unwrap_or_default())
    }

    /// The records of a program (those of the activities that name it), if
    /// there is one with this id.
    pub fn program_members(&self, id: &str) -> Option<HashSet<String>> {
        if !self.programs.iter().any(|p| p.id == id) {
            return None;
        }
        let mut out = HashSet::new();
        for activity in self
            .activities
            .iter()
            .filter(|a| a.program_ids.iter().any(|p| p == id))
        {
            if let Some(members) = self.members.get(&activity.id) {
                out.extend(members.iter().cloned());
            }
        }
        Some(out)
    }

    /// The record with exactly these key values: a top-level one, or a sub-record of `parent`.
    pub fn find_by_key_values(
        &self,
        pairs: &[(String, Value)],
        parent: Option<&str>,
    ) -> Option<&Record> {
        let id = match parent {
            None => self.by_key.get(&lookup_key(pairs)),
            Some(p) => self.sub_by_key.get(&sub_record_key(p, pairs)),
        };
        id.and_then(|id| self.records.get(id))
    }

    fn index_keys(&mut self) {
        for id in &self.order {
            let Some(record) = self.records.get(id) else {
                continue;
            };
            let pairs = record_pairs(record);
            match self.parents.get(id) {
                None => self.by_key.entry(lookup_key(&pairs)),
                Some(p) => self.sub_by_key.entry(sub_record_key(p, &pairs)),
            }
            .or_insert_with(|| id.clone());
        }
    }

    /// Creates a record from validated key values (in the order given).
    /// `at` fixes the creation time (the seed uses it); `parent` makes it a sub-record.
    pub fn create_record(
        &mut self,
        pairs: &[(String, Value)],
        parent: Option<&str>,
        initial_operation_id: Option<&str>,
        at: Option<i64>,
    ) -> ApiResult<Record> {
        let id = self.new_id();
        let created_at = self.next_stamp(at);
        let key_ids: Vec<String> = pairs.iter().map(|(f, _)| f.clone()).collect();
        let identifier = pairs
            .iter()
            .map(|(_, v)| {
                v.as_str()
                    .map(String::from)
                    .unwrap_or_else(|| v.to_string())
            })
            .collect::<Vec<_>>()
            .join(" / ");
        let record_seq = self.next_seq();
        let mut key_values = Vec::new();
        for (field_id, content) in pairs {
            let value_id = self.new_id();
            let seq = self.next_seq();
            key_values.push((
                field_id.clone(),
                seq,
                RecordValue {
                    id: value_id,
                    content: content.clone(),
                    created_at: Some(created_at.clone()),
                    record_id: None,
                    operation_id: None,
                    record_view_id: Some(None),
                },
            ));
        }
        let slice_id_hint = self.new_id();
        let mut wanted = key_ids.clone();
        wanted.sort();
        let existing = self.slices.iter().find(|s| {
            let mut have = s.key_field_ids.clone();
            have.sort();
            have == wanted
        });
        // The slice these keys make, and its row's sequence number when it is new.
        let (slice_id, new_slice) = match existing {
            Some(s) => (s.id.clone(), None),
            None => {
                let names: Vec<String> = key_ids
                    .iter()
                    .filter_map(|id| {
                        self.fields
                            .iter()
                            .find(|f| f.id == *id)
                            .and_then(|f| f.field_name.clone())
                    })
                    .collect();
                let slice = EntitySlice {
                    id: slice_id_hint,
                    key_field_ids: key_ids.clone(),
                    slice_name: Some(names.join(" + ")),
                };
                (slice.id.clone(), Some((self.next_seq(), slice)))
            }
        };
        self.transaction(|tx| {
            if let Some((seq, slice)) = &new_slice {
                tx.insert(
                    Insert::Slice,
                    [
                        text(&slice.id),
                        Cell::Int(*seq),
                        Cell::Owned(json_text(slice)),
                    ],
                )?;
            }
            tx.insert(
                Insert::Record,
                [
                    text(&id),
                    Cell::Int(record_seq),
                    text(&created_at),
                    text(&slice_id),
                    text(&identifier),
                    opt_text(initial_operation_id),
                    opt_text(parent),
                ],
            )?;
            for (field_id, seq, value) in &key_values {
                tx.insert(
                    Insert::Value,
                    [
                        text(&value.id),
                        Cell::Int(*seq),
                        text(&id),
                        text(field_id),
                        Cell::Json(&value.content),
                        opt_text(value.created_at.as_deref()),
                        Cell::Null,
                        Cell::Null,
                        Cell::Int(1),
                        Cell::Null,
                    ],
                )?;
            }
            Ok(())
        })?;
        if let Some((_, slice)) = new_slice {
            self.slices.push(slice);
        }
        let record = Record {
            id: id.clone(),
            created_at: Some(created_at),
            entity_slice_id: Some(slice_id),
            identifier_ids: Vec::new(),
            record_identifier: Some(identifier),
            record_values: BTreeMap::new(),
            initial_operation_id: initial_operation_id.map(String::from),
            sub_record_ids: Vec::new(),
        };
        self.records.insert(id.clone(), record);
        self.order.push(id.clone());
        if let Some(p) = parent {
            self.parents.insert(id.clone(), p.to_string());
            if let Some(parent_record) = self.records.get_mut(p) {
                parent_record.sub_record_ids.push(id.clone());
            }
        }
        for (field_id, _, value) in key_values {
            self.attach_value(&id, &field_id, value, true);
        }
        match parent {
            None => self.by_key.entry(lookup_key(pairs)),
            Some(p) => self.sub_by_key.entry(sub_record_key(p, pairs)),
        }
        .or_insert_with(|| id.clone());
        self.reindex(&id);
        self.records
            .get(&id)
            .cloned()
            .ok_or_else(|| ApiError::internal("record vanished"))
    }

    /// Writes one data value on a record (or sub-record). `at` fixes the time (the seed uses it).
    pub fn add_value(&mut self, owner: &str, value: NewValue, at: Stamp) -> ApiResult<RecordValue> {
        self.write_value(owner, value, at, true)?
            .ok_or_else(|| ApiError::internal("value vanished"))
    }

    /// [`Store::add_value`] for the seed: the same write, without a copy of the value to answer.
    pub fn put_value(&mut self, owner: &str, value: NewValue, at: Stamp) -> ApiResult<()> {
        self.write_value(owner, value, at, false).map(|_| ())
    }

    /// Writes a value, and answers a copy of it when `answer` says so.
    fn write_value(
        &mut self,
        owner: &str,
        value: NewValue,
        at: Stamp,
        answer: bool,
    ) -> ApiResult<Option<RecordValue>> {
        let created_at = match at {
            Stamp::Now => Some(self.next_stamp(None)),
            Stamp::At(t) => Some(self.next_stamp(Some(t))),
            Stamp::Undated => None,
        };
        let NewValue {
            field_id,
            content,
            operation_id,
            record_view_id,
        } = value;
        let stored = RecordValue {
            id: self.new_id(),
            content,
            created_at,
            record_id: Some(owner.to_string()),
            operation_id,
            record_view_id: Some(record_view_id),
        };
        let seq = self.next_seq();
        let membership = match &stored.operation_id {
            Some(op) => self.membership_to_add(op, owner),
            None => Vec::new(),
        };
        let mut member_seqs = Vec::new();
        for _ in &membership {
            member_seqs.push(self.next_seq());
        }
        self.transaction(|tx| {
            insert_value(tx, &stored, seq, owner, &field_id)?;
            for ((activity, record), s) in membership.iter().zip(&member_seqs) {
                insert_member(tx, activity, record, *s)?;
            }
            Ok(())
        })?;
        let answered = answer.then(|| stored.clone());
        self.attach_value(owner, &field_id, stored, false);
        self.apply_membership(membership);
        self.reindex(owner);
        Ok(answered)
    }

    /// The (activity, record) pairs a write in `activity` adds: the record, and its parent for a sub-record.
    fn membership_to_add(&self, activity: &str, record: &str) -> Vec<(String, String)> {
        let Some(a) = self.activity(activity) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut ids = vec![record.to_string()];
        if let Some(parent) = self.parents.get(record) {
            ids.push(parent.clone());
        }
        let members = self.members.get(&a.id);
        for id in ids {
            if !members.is_some_and(|m| m.contains(&id)) {
                out.push((activity.to_string(), id));
            }
        }
        out
    }

    /// Whether an activity contains a record.
    pub fn is_member(&self, activity: &str, record: &str) -> bool {
        self.members
            .get(activity)
            .is_some_and(|m| m.contains(record))
    }

    fn apply_membership(&mut self, pairs: Vec<(String, String)>) {
        for (activity, record) in pairs {
            let members = Arc::make_mut(self.members.entry(activity.clone()).or_default());
            if members.insert(record.clone()) {
                if let Some(a) = self.activities.iter_mut().find(|a| a.id == activity) {
                    a.all_record_ids.push(kalbio::core::store::Id::new(&record));
                }
            }
        }
    }

    /// Adds records to an activity.
    pub fn add_records_to_activity(
        &mut self,
        activity: &str,
        record_ids: &[String],
    ) -> ApiResult<()> {
        let mut pairs = Vec::new();
        for id in record_ids {
            if self.activity(activity).is_some()
                && !self.is_member(activity, id)
                && !pairs.iter().any(|(_, r): &(String, String)| r == id)
            {
                pairs.push((activity.to_string(), id.clone()));
            }
        }
        let seqs: Vec<i64> = pairs.iter().map(|_| self.next_seq()).collect();
        self.transaction(|tx| {
            for ((a, r), s) in pairs.iter().zip(&seqs) {
                insert_member(tx, a, r, *s)?;
            }
            Ok(())
        })?;
        self.apply_membership(pairs);
        Ok(())
    }

    /// Stores an uploaded file and writes its value in one transaction.
    pub fn add_file_value(
        &mut self,
        owner: &str,
        target: FileTarget<'_>,
        file: Upload<'_>,
        at: Option<i64>,
    ) -> ApiResult<RecordValue> {
        let FileTarget {
            field_id,
            operation_id,
            record_view_id,
        } = target;
        let Upload {
            file_name,
            mime_type,
            bytes,
        } = file;
        let file_id = self.new_id();
        let content = json!(FileContent {
            file_id: file_id.clone(),
            file_name: file_name.to_string(),
            mime_type: mime_type.to_string(),
            size: bytes.len() as u64,
        });
        let stored = RecordValue {
            id: self.new_id(),
            content,
            created_at: Some(self.next_stamp(at)),
            record_id: Some(owner.to_string()),
            operation_id: operation_id.clone(),
            record_view_id: Some(record_view_id),
        };
        let seq = self.next_seq();
        let membership = match &operation_id {
            Some(op) => self.membership_to_add(op, owner),
            None => Vec::new(),
        };
        let member_seqs: Vec<i64> = membership.iter().map(|_| self.next_seq()).collect();
        self.transaction(|tx| {
            tx.insert(
                Insert::File,
                [
                    text(&file_id),
                    text(file_name),
                    text(mime_type),
                    Cell::Blob(bytes),
                    opt_text(stored.created_at.as_deref()),
                ],
            )?;
            insert_value(tx, &stored, seq, owner, field_id)?;
            for ((a, r), s) in membership.iter().zip(&member_seqs) {
                insert_member(tx, a, r, *s)?;
            }
            Ok(())
        })?;
        self.attach_value(owner, field_id, stored.clone(), false);
        self.apply_membership(membership);
        self.reindex(owner);
        Ok(stored)
    }

    /// A stored file: (name, MIME type, bytes).
    pub fn file(&self, id: &str) -> ApiResult<Option<(String, String, Vec<u8>)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT file_name, mime_type, bytes FROM files WHERE id = ?1",
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }

    /// Bulk loading for the seed: many writes in one transaction, inserted by a
    /// writer thread many rows a statement while `work` makes the next ones.
    pub fn bulk<R>(&mut self, work: impl FnOnce(&mut Store) -> ApiResult<R>) -> ApiResult<R> {
        // While it lasts, a rollback journal instead of the write-ahead log: the
        // new pages of a new store are then written once, not to the log and
        // again to the file, and a crash still leaves the store as it was.
        self.conn.pragma_update(None, "journal_mode", "DELETE")?;
        // A page cache large enough that the transaction is seldom spilled to
        // the file page by page (256 MB at most, given back afterwards).
        self.conn.pragma_update(None, "cache_size", -262_144)?;
        let conn = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
        let (bulk, writer) = match BulkWriter::start(conn) {
            Ok(started) => started,
            Err((conn, e)) => {
                self.conn = conn;
                let _ = self.after_bulk();
                return Err(e);
            }
        };
        self.bulk = Some(bulk);
        let out = work(self);
        let bulk = self.bulk.take();
        // Everything sent or nothing: without the commit, the writer rolls back.
        let sent = match (&out, bulk) {
            (Ok(_), Some(bulk)) => bulk.commit(),
            _ => Ok(()),
        };
        // The search rows of everything written, built once, while the writer finishes.
        self.index = Arc::new(SearchIndex::from_records(
            self.order.iter().filter_map(|id| self.records.get(id)),
        ));
        let written = match writer.join() {
            Ok(Some((conn, written))) => {
                self.conn = conn;
                written
            }
            // The store is left without its file: the caller can only give up.
            _ => Err(ApiError::internal("the bulk writer stopped unexpectedly")),
        };
        let restored = self.after_bulk();
        // The first failure says why: a failed insert before the send it broke.
        match (out, written) {
            (_, Err(e)) | (Err(e), Ok(_)) => Err(e),
            (Ok(_), Ok(false)) => Err(sent
                .err()
                .unwrap_or_else(|| ApiError::internal("the bulk was not committed"))),
            (Ok(r), Ok(true)) => restored.map(|_| r),
        }
    }

    /// Puts back the journal and cache of an ordinary store after a bulk.
    fn after_bulk(&mut self) -> ApiResult<()> {
        self.conn.pragma_update(None, "cache_size", -2_000)?;
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Store {
        /// Every row of every table, in the order written, with its rowid.
        fn dump(&self) -> Vec<String> {
            let mut out = Vec::new();
            let tables: Vec<String> = self
                .conn
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            for table in tables {
                let mut stmt = self
                    .conn
                    .prepare(&format!("SELECT rowid, * FROM {table} ORDER BY rowid"))
                    .unwrap();
                let columns = stmt.column_count();
                let mut rows = stmt.query([]).unwrap();
                while let Some(row) = rows.next().unwrap() {
                    let cells: Vec<String> = (0..columns)
                        .map(|i| format!("{:?}", row.get::<_, rusqlite::types::Value>(i).unwrap()))
                        .collect();
                    out.push(format!("{table}: {}", cells.join(" | ")));
                }
            }
            out
        }
    }

    #[test]
    fn the_bulk_seed_writes_what_one_write_at_a_time_does() {
        let (bulk_dir, one_dir) = (TempDir::new("bulk"), TempDir::new("one"));
        let mut bulk = Store::open(&bulk_dir.0).unwrap();
        crate::seed::seed(&mut bulk, 60).unwrap();
        let mut one = Store::open(&one_dir.0).unwrap();
        crate::seed::seed_write_by_write(&mut one, 60).unwrap();
        let (bulk_rows, one_rows) = (bulk.dump(), one.dump());
        assert!(bulk_rows.len() > 700, "{}", bulk_rows.len());
        assert_eq!(bulk_rows, one_rows);
        assert_eq!(bulk.order, one.order);
        for id in &one.order {
            assert_eq!(bulk.records[id], one.records[id]);
        }
        assert_eq!(json_text(&bulk.activities), json_text(&one.activities));
        assert_eq!(bulk.record_sets, one.record_sets);
        assert_eq!(json_text(&bulk.fields), json_text(&one.fields));
        assert_eq!(json_text(&bulk.slices), json_text(&one.slices));
        // The index built once at the end holds what the index kept up to date write by write does.
        let query = kalbio::core::query::SearchRecordsQuery {
            search_text: Some("CMP-00".into()),
            ..Default::default()
        };
        let (search, _) = kalbio::core::search::CompiledSearch::with_scopes(&query, 0).unwrap();
        let found = search.run(&*bulk.index, None);
        assert!(found.len() > 60);
        assert_eq!(found, search.run(&*one.index, None));
        // And a store reopened reads back what the bulk left in memory.
        drop(bulk);
        let reopened = Store::open(&bulk_dir.0).unwrap();
        for id in &one.order {
            assert_eq!(reopened.records[id], one.records[id]);
        }
    }

    #[test]
    fn numbers_and_their_decimal_strings_make_one_key() {
        let key = |v: Value| lookup_key(&[("f".to_string(), v)]);
        assert_eq!(key(json!(7)), key(json!("7")));
        assert_eq!(key(json!(7.0)), key(json!("7")));
        assert_eq!(key(json!(-0.0)), key(json!(0)));
        assert_eq!(key(json!(7.5)), key(json!("7.5")));
        assert_ne!(key(json!("07")), key(json!(7)));
        assert_ne!(key(json!("7.0")), key(json!(7)));
        assert_eq!(
            key(json!(9_007_199_254_740_992u64)),
            key(json!("9007199254740992"))
        );
    }

    /// A fresh folder under the system's temporary one, removed when dropped.
    struct TempDir(std::path::PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let dir = std::env::temp_dir().join(format!(
                "kalbio-sandbox-{name}-{}-{}",
                std::process::id(),
                random_hex(6)
            ));
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn record_views_record_sets_and_programs_survive_a_reopen() {
        let dir = TempDir::new("reopen");
        let (record, set, program) = {
            let mut store = Store::open(&dir.0).unwrap();
            crate::seed::seed(&mut store, 12).unwrap();
            let record = store.order.first().cloned().unwrap();
            let ic50 = store
                .fields
                .iter()
                .find(|f| f.named("IC50"))
                .unwrap()
                .id
                .clone();
            let op = store.activities.first().unwrap().id.clone();
            let value = NewValue {
                field_id: ic50,
                content: json!(5),
                operation_id: Some(op),
                record_view_id: Some("view-1".into()),
            };
            let written = store.add_value(&record, value, Stamp::Now).unwrap();
            assert_eq!(written.record_view_id, Some(Some("view-1".to_string())));
            let set = store.record_sets.first().unwrap().clone();
            let program = store.programs.first().unwrap().id.clone();
            (record, set, program)
        };
        let store = Store::open(&dir.0).unwrap();
        let values: Vec<&RecordValue> = store.records[&record]
            .record_values
            .values()
            .flatten()
            .collect();
        assert!(values.iter().any(|v| v.record_view() == Some("view-1")));
        // Every value says which view it was written to, null when none.
        assert!(values.iter().all(|v| v.record_view_id.is_some()));
        assert_eq!(store.record_sets.first(), Some(&set));
        assert_eq!(
            store.record_set_members(&set.id).unwrap().len(),
            set.record_ids.len()
        );
        assert!(!set.record_ids.is_empty());
        let members = store.program_members(&program).unwrap();
        assert!(!members.is_empty() && members.len() < store.records.len());
        assert!(store.program_members("nope").is_none());
        assert!(store.record_set_members("nope").is_none());
    }

    #[test]
    fn a_store_written_before_record_views_gains_the_column() {
        let dir = TempDir::new("migrate");
        std::fs::create_dir_all(&dir.0).unwrap();
        {
            let conn = Connection::open(dir.0.join("sandbox.sqlite3")).unwrap();
            // SCHEMA is the first release's tables; the column comes with MIGRATIONS.
            conn.execute_batch(SCHEMA).unwrap();
            conn.execute_batch(
                "INSERT INTO records VALUES ('r', 1, '2026-01-01T00:00:00.000Z', 's', 'R', NULL, NULL);
                 INSERT INTO record_values(id, seq, owner_id, field_id, content, created_at, record_id, operation_id, is_key)
                   VALUES ('v', 2, 'r', 'f', '1', NULL, 'r', NULL, 0);",
            )
            .unwrap();
            let columns: Vec<String> = conn
                .prepare("PRAGMA table_info(record_values)")
                .unwrap()
                .query_map([], |r| r.get(1))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert!(!columns.iter().any(|c| c == "record_view_id"));
        }
        let store = Store::open(&dir.0).unwrap();
        let value = &store.records["r"].record_values["f"][0];
        assert_eq!(value.record_view_id, Some(None));
        // Opening again finds the column there and changes nothing.
        drop(store);
        assert!(Store::open(&dir.0).is_ok());
    }
}
