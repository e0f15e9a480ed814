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

const INSERTS: usize = 10;

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

/// One value of a row: borrowed where the write has it already, copied only
/// when the row is sent to the bulk's writer.
pub type Cell<'a> = ToSqlOutput<'a>;

pub fn text(s: &str) -> Cell<'_> {
    ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes()))
}

/// Text, or NULL.
pub fn opt_text(s: Option<&str>) -> Cell<'_> {
    s.map_or(null(), text)
}

pub fn owned(s: String) -> Cell<'static> {
    ToSqlOutput::Owned(Sql::Text(s))
}

pub fn int(n: i64) -> Cell<'static> {
    ToSqlOutput::Owned(Sql::Integer(n))
}

pub fn blob(bytes: &[u8]) -> Cell<'_> {
    ToSqlOutput::Borrowed(ValueRef::Blob(bytes))
}

pub fn null() -> Cell<'static> {
    ToSqlOutput::Owned(Sql::Null)
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
                    .execute(params_from_iter(row))?;
                Ok(())
            }
            Rows::Bulk(writer) => writer.add(insert, row),
        }
    }
}

/// Rows a statement inserts at once inside a bulk (10 columns × 64 rows stays
/// far below SQLite's limit on parameters).
const BATCH_ROWS: usize = 64;

/// Batches waiting for the writer thread at most, so that a slow disk holds the
/// seed back instead of filling memory.
const QUEUED_BATCHES: usize = 256;

enum ToWriter {
    /// The connection to write on, first: the writer begins a transaction.
    Start(Box<Connection>),
    Rows(Insert, Vec<Sql>),
    /// Everything was sent: commit the transaction.
    Commit,
}

/// The bulk's writer: rows gathered per table, sent to a thread that owns the
/// connection while the bulk lasts and inserts them in one transaction.
pub struct BulkWriter {
    batches: Vec<Vec<Sql>>,
    to_writer: SyncSender<ToWriter>,
}

/// The writer thread: gives the connection back, and whether it committed
/// (or rolled back because the bulk ended without asking for that).
pub type Writer = JoinHandle<Option<(Connection, ApiResult<bool>)>>;

impl BulkWriter {
    /// Hands `conn` to a new writer thread, which begins a transaction on it;
    /// gives it back if there can be no thread.
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
        let batches = (0..INSERTS).map(|_| Vec::new()).collect();
        Ok((BulkWriter { batches, to_writer }, writer))
    }

    fn add<const N: usize>(&mut self, insert: Insert, row: [Cell<'_>; N]) -> ApiResult<()> {
        let Some(batch) = self.batches.get_mut(insert as usize) else {
            return Err(ApiError::internal("unknown table"));
        };
        if batch.capacity() == 0 {
            batch.reserve_exact(BATCH_ROWS * N);
        }
        for cell in row {
            batch.push(match cell {
                ToSqlOutput::Borrowed(value) => Sql::from(value),
                ToSqlOutput::Owned(value) => value,
                _ => return Err(ApiError::internal("a row's value cannot be queued")),
            });
        }
        if batch.len() >= BATCH_ROWS * N {
            let full = std::mem::replace(batch, Vec::with_capacity(BATCH_ROWS * N));
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
        const ALL: [Insert; INSERTS] = [
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
        for insert in ALL {
            let rows = self
                .batches
                .get_mut(insert as usize)
                .map(std::mem::take)
                .unwrap_or_default();
            if !rows.is_empty() {
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
                ToWriter::Rows(insert, values) => {
                    let rows = values.len() / insert.head().1;
                    conn.prepare_cached(&insert.sql(rows))?
                        .execute(params_from_iter(values))?;
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
        assert_eq!(Insert::Value.sql(BATCH_ROWS).matches('?').count(), 640);
    }
}
