//! The rows a write adds, and where they go: straight into the write's
//! transaction, or, inside [`crate::store::Store::bulk`], to a writer thread that
//! inserts them many rows a statement while the seed goes on making the next.

use crate::error::{ApiError, ApiResult};
use rusqlite::types::{ToSqlOutput, Value as Sql, ValueRef};
use rusqlite::{params_from_iter, Connection};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

/// The inserts the store makes, one per table (both kinds of value rows are one,
/// so that their rows keep the order they were written in).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Insert {
    Field,
    Activity,
    Slice,
    Program,
    RecordSet,
    Record,
    /// id, seq, owner_id, field_id, content, created_at, record_id, operation_id, is_key, record_view_id.
    Value,
    ActivityRecord,
    File,
    RecordSetRecord,
}

/// Every insert, in the order of their discriminants.
const ALL: [Insert; 10] = [
    Insert::Field,
    Insert::Activity,
    Insert::Slice,
    Insert::Program,
    Insert::RecordSet,
    Insert::Record,
    Insert::Value,
    Insert::ActivityRecord,
    Insert::File,
    Insert::RecordSetRecord,
];

impl Insert {
    /// The statement up to `VALUES`, and how many columns a row has.
    fn head(self) -> (&'static str, usize) {
        match self {
            Insert::Field => ("INSERT INTO fields(id, seq, json) VALUES ", 3),
            Insert::Activity => ("INSERT INTO activities(id, seq, json) VALUES ", 3),
            Insert::Slice => ("INSERT INTO slices(id, seq, json) VALUES ", 3),
            Insert::Program => ("INSERT INTO programs(id, seq, json) VALUES ", 3),
            Insert::RecordSet => ("INSERT INTO record_sets(id, seq, json) VALUES ", 3),
            Insert::Record => ("INSERT INTO records(id, seq, created_at, entity_slice_id, record_identifier, initial_operation_id, parent_id) VALUES ", 7),
            Insert::Value => ("INSERT INTO record_values(id, seq, owner_id, field_id, content, created_at, record_id, operation_id, is_key, record_view_id) VALUES ", 10),
            Insert::ActivityRecord => ("INSERT OR IGNORE INTO activity_records(activity_id, record_id, seq) VALUES ", 3),
            Insert::File => ("INSERT INTO files(id, file_name, mime_type, bytes, created_at) VALUES ", 5),
            Insert::RecordSetRecord => ("INSERT INTO record_set_records(record_set_id, record_id, seq) VALUES ", 3),
        }
    }

    /// The statement inserting `rows` rows.
    fn sql(self, rows: usize) -> String {
        let (head, columns) = self.head();
        let row = format!("({})", vec!["?"; columns].join(", "));
        format!("{head}{}", vec![row; rows.max(1)].join(", "))
    }
}

/// One value of a row, as the write has it: nothing is copied for a write made
/// now, and a bulk copies it into its batch's bytes.
pub enum Cell<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    Owned(String),
    /// A JSON value, stored as its compact text.
    Json(&'a serde_json::Value),
    Blob(&'a [u8]),
}

pub fn text(s: &str) -> Cell<'_> {
    Cell::Text(s)
}

/// Text, or NULL.
pub fn opt_text(s: Option<&str>) -> Cell<'_> {
    s.map_or(Cell::Null, Cell::Text)
}

impl Cell<'_> {
    fn to_sql(&self) -> ToSqlOutput<'_> {
        match self {
            Cell::Null => ToSqlOutput::Owned(Sql::Null),
            Cell::Int(n) => ToSqlOutput::Owned(Sql::Integer(*n)),
            Cell::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Cell::Owned(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Cell::Json(v) => ToSqlOutput::Owned(Sql::Text(v.to_string())),
            Cell::Blob(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        }
    }
}

/// Where a write's rows go.
pub enum Rows<'a> {
    /// Into the write's own transaction, now.
    Now(&'a Connection),
    /// To the bulk's writer thread, in batches.
    Bulk(&'a mut BulkWriter),
}

impl Rows<'_> {
    /// Adds one row (its values in the order of [`Insert::head`]'s columns).
    pub fn insert<const N: usize>(&mut self, insert: Insert, row: [Cell<'_>; N]) -> ApiResult<()> {
        debug_assert_eq!(insert.head().1, N);
        match self {
            Rows::Now(conn) => {
                conn.prepare_cached(&insert.sql(1))?
                    .execute(params_from_iter(row.iter().map(Cell::to_sql)))?;
                Ok(())
            }
            Rows::Bulk(writer) => writer.add(insert, row),
        }
    }
}

/// Rows a statement inserts at once inside a bulk (10 columns × 256 rows stays
/// far below SQLite's limit on parameters).
const BATCH_ROWS: usize = 256;

/// Batches waiting for the writer thread at most, so that a slow disk holds the
/// seed back instead of filling memory.
const QUEUED_BATCHES: usize = 256;

/// A value in a batch: text and blobs are ranges of the batch's bytes.
enum Slot {
    Null,
    Int(i64),
    Text(usize, usize),
    Blob(usize, usize),
}

/// Rows of one table on their way to the writer: their values, with the text
/// of all of them in one buffer (two allocations a batch, not one a value).
struct Batch {
    slots: Vec<Slot>,
    bytes: Vec<u8>,
}

impl Batch {
    fn new(columns: usize) -> Batch {
        Batch {
            slots: Vec::with_capacity(BATCH_ROWS * columns),
            bytes: Vec::with_capacity(BATCH_ROWS * columns * 24),
        }
    }

    fn push(&mut self, cell: Cell<'_>) {
        let start = self.bytes.len();
        let slot = match cell {
            Cell::Null => Slot::Null,
            Cell::Int(n) => Slot::Int(n),
            Cell::Text(s) => {
                self.bytes.extend_from_slice(s.as_bytes());
                Slot::Text(start, self.bytes.len())
            }
            Cell::Owned(s) => {
                self.bytes.extend_from_slice(s.as_bytes());
                Slot::Text(start, self.bytes.len())
            }
            Cell::Json(v) => {
                // The same text as `Value`'s `to_string`.
                if serde_json::to_writer(&mut self.bytes, v).is_err() {
                    self.bytes.truncate(start);
                    self.bytes.extend_from_slice(b"null");
                }
                Slot::Text(start, self.bytes.len())
            }
            Cell::Blob(b) => {
                self.bytes.extend_from_slice(b);
                Slot::Blob(start, self.bytes.len())
            }
        };
        self.slots.push(slot);
    }

    /// The values, to bind.
    fn values(&self) -> impl Iterator<Item = ToSqlOutput<'_>> {
        self.slots.iter().map(|slot| {
            ToSqlOutput::Borrowed(match *slot {
                Slot::Null => ValueRef::Null,
                Slot::Int(n) => ValueRef::Integer(n),
                Slot::Text(a, b) => ValueRef::Text(self.bytes.get(a..b).unwrap_or_default()),
                Slot::Blob(a, b) => ValueRef::Blob(self.bytes.get(a..b).unwrap_or_default()),
            })
        })
    }
}

enum ToWriter {
    /// The connection to write on, first: the writer begins a transaction.
    Start(Box<Connection>),
    Rows(Insert, Batch),
    /// Everything was sent: commit the transaction.
    Commit,
}

/// The bulk's writer: rows gathered per table, sent to a thread that owns the
/// connection while the bulk lasts and inserts them in one transaction.
pub struct BulkWriter {
    batches: Vec<Batch>,
    to_writer: SyncSender<ToWriter>,
}

/// The writer thread: gives the connection back, and whether it committed
/// (or rolled back because the bulk ended without asking for that).
pub type Writer = JoinHandle<Option<(Connection, ApiResult<bool>)>>;

impl BulkWriter {
    /// Hands `conn` to a new writer thread, which begins a transaction on it;
    /// gives it back if there can be no thread.
    // Made once a bulk: the size of its error does not matter.
    #[allow(clippy::result_large_err)]
    pub fn start(conn: Connection) -> Result<(BulkWriter, Writer), (Connection, ApiError)> {
        let (to_writer, from_bulk) = sync_channel(QUEUED_BATCHES);
        let writer = match std::thread::Builder::new()
            .name("sandbox-bulk-writer".into())
            .spawn(move || write_rows(from_bulk))
        {
            Ok(writer) => writer,
            Err(e) => {
                let e = ApiError::internal(format!("cannot start the bulk writer: {e}"));
                return Err((conn, e));
            }
        };
        if let Err(unsent) = to_writer.send(ToWriter::Start(Box::new(conn))) {
            if let ToWriter::Start(conn) = unsent.0 {
                return Err((*conn, ApiError::internal("the bulk writer stopped")));
            }
        }
        let batches = ALL.iter().map(|i| Batch::new(i.head().1)).collect();
        Ok((BulkWriter { batches, to_writer }, writer))
    }

    fn add<const N: usize>(&mut self, insert: Insert, row: [Cell<'_>; N]) -> ApiResult<()> {
        let Some(batch) = self.batches.get_mut(insert as usize) else {
            return Err(ApiError::internal("unknown table"));
        };
        for cell in row {
            batch.push(cell);
        }
        if batch.slots.len() >= BATCH_ROWS * N {
            let full = std::mem::replace(batch, Batch::new(N));
            self.send(ToWriter::Rows(insert, full))?;
        }
        Ok(())
    }

    fn send(&self, message: ToWriter) -> ApiResult<()> {
        self.to_writer
            .send(message)
            .map_err(|_| ApiError::internal("the bulk writer stopped"))
    }

    /// Sends the rows still gathered and asks for the commit.
    pub fn commit(mut self) -> ApiResult<()> {
        for (insert, rows) in ALL.into_iter().zip(std::mem::take(&mut self.batches)) {
            if !rows.slots.is_empty() {
                self.send(ToWriter::Rows(insert, rows))?;
            }
        }
        self.send(ToWriter::Commit)
    }
}

/// Begins a transaction on the connection sent first, inserts what arrives next;
/// commits when told to, rolls back when an insert fails or the bulk is dropped
/// without a commit.
fn write_rows(from_bulk: Receiver<ToWriter>) -> Option<(Connection, ApiResult<bool>)> {
    let Ok(ToWriter::Start(conn)) = from_bulk.recv() else {
        return None;
    };
    let conn = *conn;
    let result = (|| {
        conn.execute_batch("BEGIN")?;
        for message in from_bulk {
            match message {
                ToWriter::Start(_) => return Err(ApiError::internal("the bulk began twice")),
                ToWriter::Rows(insert, batch) => {
                    let rows = batch.slots.len() / insert.head().1;
                    conn.prepare_cached(&insert.sql(rows))?
                        .execute(params_from_iter(batch.values()))?;
                }
                ToWriter::Commit => {
                    conn.execute_batch("COMMIT")?;
                    return Ok(true);
                }
            }
        }
        Ok(false)
    })();
    if !matches!(result, Ok(true)) && !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    Some((conn, result))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_has_a_parameter_per_column_and_row() {
        assert_eq!(
            Insert::ActivityRecord.sql(2),
            "INSERT OR IGNORE INTO activity_records(activity_id, record_id, seq) VALUES (?, ?, ?), (?, ?, ?)"
        );
        assert_eq!(Insert::Value.sql(BATCH_ROWS).matches('?').count(), 2560);
    }
}
