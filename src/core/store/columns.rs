//! Each field's current value per cache slot, side by side, in a form the filter
//! engine tests without reading the record: a query over 10,000 cached records
//! then reads a few small arrays instead of three allocations per record.
//!
//! A cell either holds the current value or says "read the record":
//!
//! - a number column holds the current value when it is a stored float
//!   (`Content::Float`, always finite); `NaN` reads the record;
//! - a category column holds a code for the current value when it is a short text
//!   (`Content::Short`) among the first [`MAX_CATEGORIES`] distinct ones the field
//!   showed; `0` reads the record. A filter is evaluated once per code and query.
//!
//! Cells are a redundant view of the records: a cell that says "read the record" is
//! always correct, so a column starts all `NaN` / `0` and every store of a record
//! rewrites its slot in every column.

use super::{CompactRecord, Content, Id, Sym, SHORT};
use crate::core::hash::FastMap;

/// How many distinct short texts a field's category column names (codes 1 to 255).
pub const MAX_CATEGORIES: usize = 255;

/// One field's cells.
#[derive(Debug, Default)]
pub struct FieldColumn {
    /// By slot: the current value when it is a float; `NaN`: read the record.
    pub numbers: Vec<f64>,
    /// By slot: the code of the current value when it is a named short text; `0`:
    /// read the record.
    pub categories: Vec<u8>,
    /// The named texts: code 1 first.
    pub names: Vec<Content>,
    codes: FastMap<(u8, [u8; SHORT]), u8>,
}

/// The cells of every field that showed a float or a short text, and each slot's
/// record uuid.
#[derive(Debug, Default)]
pub struct Columns {
    fields: Vec<(Sym, FieldColumn)>,
    /// By slot: the record's id when it is a uuid; `None`: read the record. A list
    /// of ids for JavaScript is then written without visiting each record.
    uuids: Vec<Option<[u8; 16]>>,
}

/// Writes `value` at `at`, growing the column with `fill` (the "read the record" cell).
fn put<T: Copy>(column: &mut Vec<T>, at: usize, value: T, fill: T) {
    if at >= column.len() {
        column.resize(at + 1, fill);
    }
    if let Some(cell) = column.get_mut(at) {
        *cell = value;
    }
}

/// Whether a column for a field would hold this current value.
fn columnable(content: &Content) -> bool {
    matches!(content, Content::Float(_) | Content::Short { .. })
}

/// A current value as a cell holds it.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    /// A stored float (`Content::Float`).
    Number(f64),
    /// A value: a named short text with its category code, or (code 0) a value
    /// read from the record.
    Named(u8, &'a Content),
}

impl FieldColumn {
    /// The current value at `slot` when a cell holds it.
    pub fn cell(&self, slot: usize) -> Option<Cell<'_>> {
        if let Some(&n) = self.numbers.get(slot).filter(|n| !n.is_nan()) {
            return Some(Cell::Number(n));
        }
        let code = *self.categories.get(slot)?;
        let name = self.names.get(usize::from(code).checked_sub(1)?)?;
        Some(Cell::Named(code, name))
    }

    /// The code of a short text, naming it when there is room; 0 when there is none.
    fn code(&mut self, len: u8, bytes: [u8; SHORT]) -> u8 {
        if let Some(&code) = self.codes.get(&(len, bytes)) {
            return code;
        }
        if self.names.len() >= MAX_CATEGORIES {
            return 0;
        }
        self.names.push(Content::Short { len, bytes });
        let code = u8::try_from(self.names.len()).unwrap_or(0);
        self.codes.insert((len, bytes), code);
        code
    }

    /// Rewrites one slot's cells for the current value `content` (None: no value).
    fn set(&mut self, slot: usize, content: Option<&Content>) {
        let (number, code) = match content {
            Some(Content::Float(x)) => (*x, 0),
            Some(&Content::Short { len, bytes }) => (f64::NAN, self.code(len, bytes)),
            _ => (f64::NAN, 0),
        };
        if !number.is_nan() || slot < self.numbers.len() {
            put(&mut self.numbers, slot, number, f64::NAN);
        }
        if code != 0 || slot < self.categories.len() {
            put(&mut self.categories, slot, code, 0);
        }
    }
}

impl Columns {
    /// A field's cells, if it has a column.
    pub fn column(&self, field: Sym) -> Option<&FieldColumn> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, column)| column)
    }

    /// Rewrites a slot for the record now stored in it: every column gets the
    /// record's current value of its field (or "read the record"), and a field of
    /// the record that shows a float or short text for the first time gets a column.
    pub fn set(&mut self, slot: usize, record: &CompactRecord) {
        let uuid = match record.id() {
            Id::Uuid(bytes) => Some(*bytes),
            Id::Text(_) => None,
        };
        put(&mut self.uuids, slot, uuid, None);
        for (field, column) in &mut self.fields {
            column.set(slot, record.current(*field).map(|v| &v.content));
        }
        for (field, value) in record.current_by_field() {
            if columnable(&value.content) && !self.fields.iter().any(|(f, _)| *f == field) {
                let mut column = FieldColumn::default();
                column.set(slot, Some(&value.content));
                self.fields.push((field, column));
            }
        }
    }

    /// The uuid of the record stored at `slot`, when its id is one.
    pub fn uuid(&self, slot: usize) -> Option<&[u8; 16]> {
        self.uuids.get(slot)?.as_ref()
    }

    /// Forgets every cell.
    pub fn clear(&mut self) {
        self.fields.clear();
        self.uuids.clear();
    }
}
