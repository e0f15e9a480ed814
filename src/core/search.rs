//! Running a `SearchRecordsQuery` over records in memory: the sandbox's search
//! and the client's `queryCached` are this one function.

use crate::core::filter::{CompiledFilter, FieldValue, FilterPropError, SortKey, View};
use crate::core::model::Record;
use crate::core::query::SearchRecordsQuery;
use crate::core::select::{latest_value, ValueScope};
use crate::core::time;
use serde_json::Value;
use std::cmp::Ordering;
use std::collections::HashSet;

/// Why a query cannot run.
#[derive(Debug, Clone, PartialEq)]
pub enum SearchError {
    /// A filter's `filter_prop` has the wrong shape for its rule.
    FilterProp(FilterPropError),
    /// A filter or sort names no field.
    MissingField(&'static str),
    /// The query uses a parameter this engine does not evaluate.
    Unsupported(&'static str),
    /// A parameter cannot be read.
    Invalid(&'static str),
}

impl std::fmt::Display for SearchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SearchError::FilterProp(e) => e.fmt(f),
            SearchError::MissingField(what) => write!(f, "each of {what} needs a field id"),
            SearchError::Unsupported(what) => write!(f, "{what} is not supported"),
            SearchError::Invalid(what) => write!(f, "{what} cannot be read"),
        }
    }
}

struct Filter {
    field_id: String,
    compiled: CompiledFilter,
}

struct Sort {
    field_id: String,
    descending: bool,
}

/// A query checked and ready to run many times.
pub struct CompiledSearch {
    filters: Vec<Filter>,
    sorts: Vec<Sort>,
    entity_slice_id: Option<String>,
    identifier_ids: Option<HashSet<String>>,
    search_text: Option<String>,
    limit: Option<usize>,
    operation_id: Option<String>,
    /// Whether the query names a scope (activity, record sets, program) whose
    /// records the caller passes to [`CompiledSearch::run`].
    scoped: bool,
}

/// The memberships a query names, which the records themselves do not carry:
/// the caller looks them up and passes the records they allow to
/// [`CompiledSearch::run`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scopes {
    /// `operation_id`: the records the activity contains.
    pub operation_id: Option<String>,
    /// `record_set_id`: the records of this record set.
    pub record_set_id: Option<String>,
    /// `record_set_ids`: the records of any of these record sets.
    pub record_set_ids: Option<Vec<String>>,
    /// `program_id`: the records of this program.
    pub program_id: Option<String>,
}

impl CompiledSearch {
    /// Checks the query. Relative date rules are fixed against `now_ms`. Record
    /// sets and programs are unsupported here (records do not say which they
    /// belong to); the server's search uses [`CompiledSearch::with_scopes`].
    pub fn new(query: &SearchRecordsQuery, now_ms: i64) -> Result<Self, SearchError> {
        if query.record_set_id.is_some() {
            return Err(SearchError::Unsupported("record_set_id"));
        }
        if query.record_set_ids.is_some() {
            return Err(SearchError::Unsupported("record_set_ids"));
        }
        if query.program_id.is_some() {
            return Err(SearchError::Unsupported("program_id"));
        }
        Self::compile(query, now_ms)
    }

    /// Checks a query that may name record sets and a program, and answers the
    /// scopes it names. [`CompiledSearch::run`] then takes the records every
    /// named scope allows (the intersection of their memberships).
    pub fn with_scopes(
        query: &SearchRecordsQuery,
        now_ms: i64,
    ) -> Result<(Self, Scopes), SearchError> {
        let record_set_ids = query
            .record_set_id_list()
            .map_err(|_| SearchError::Invalid("record_set_ids"))?;
        let scopes = Scopes {
            operation_id: query.operation_id.clone(),
            record_set_id: query.record_set_id.clone(),
            record_set_ids,
            program_id: query.program_id.clone(),
        };
        let mut search = Self::compile(query, now_ms)?;
        search.scoped = scopes != Scopes::default();
        Ok((search, scopes))
    }

    fn compile(query: &SearchRecordsQuery, now_ms: i64) -> Result<Self, SearchError> {
        if query
            .record_set_filters
            .as_ref()
            .is_some_and(|f| !f.is_empty())
        {
            return Err(SearchError::Unsupported("record_set_filters"));
        }
        let mut filters = Vec::new();
        for f in query.view_field_filters.iter().flatten() {
            let field_id = f
                .key_field_id
                .clone()
                .or_else(|| f.view_field_id.clone())
                .ok_or(SearchError::MissingField("view_field_filters"))?;
            let compiled = CompiledFilter::new(f.filter_type, &f.filter_prop, now_ms)
                .map_err(SearchError::FilterProp)?;
            filters.push(Filter { field_id, compiled });
        }
        for f in query.entity_field_filters.iter().flatten() {
            let field_id = f
                .field_id
                .clone()
                .ok_or(SearchError::MissingField("entity_field_filters"))?;
            let compiled = CompiledFilter::new(f.filter_type, &f.filter_prop, now_ms)
                .map_err(SearchError::FilterProp)?;
            filters.push(Filter { field_id, compiled });
        }
        let mut sorts = Vec::new();
        for s in query.view_field_sorts.iter().flatten() {
            let field_id = s
                .key_field_id
                .clone()
                .or_else(|| s.view_field_id.clone())
                .ok_or(SearchError::MissingField("view_field_sorts"))?;
            sorts.push(Sort {
                field_id,
                descending: s.descending,
            });
        }
        for s in query.entity_field_sorts.iter().flatten() {
            let field_id = s
                .field_id
                .clone()
                .ok_or(SearchError::MissingField("entity_field_sorts"))?;
            sorts.push(Sort {
                field_id,
                descending: s.descending,
            });
        }
        Ok(CompiledSearch {
            filters,
            sorts,
            entity_slice_id: query.entity_slice_id.clone(),
            identifier_ids: query
                .identifier_ids
                .as_ref()
                .map(|ids| ids.iter().cloned().collect()),
            search_text: query
                .search_text
                .as_ref()
                .map(|t| crate::core::fold::fold_case(t))
                .filter(|t| !t.is_empty()),
            limit: query.limit.map(|n| n as usize),
            operation_id: query.operation_id.clone(),
            scoped: query.operation_id.is_some(),
        })
    }

    /// The activity whose records the query is limited to, if any. The caller
    /// passes that activity's record ids to [`CompiledSearch::run`].
    pub fn operation_id(&self) -> Option<&str> {
        self.operation_id.as_deref()
    }

    /// The ids of the matching rows, sorted, at most `limit` of them. Without
    /// sorts the rows keep the index's order. `operation_records` are the
    /// members of the query's activity, when it names one; for a query from
    /// [`CompiledSearch::with_scopes`], the records all its scopes allow.
    pub fn run<R: Rows>(
        &self,
        index: &R,
        operation_records: Option<&HashSet<String>>,
    ) -> Vec<String> {
        self.run_rows(index, operation_records)
            .into_iter()
            .map(|at| index.id_string(at))
            .collect()
    }

    /// [`CompiledSearch::run`]'s answer as row positions, for callers that write
    /// the ids out themselves.
    pub fn run_rows<R: Rows>(
        &self,
        index: &R,
        operation_records: Option<&HashSet<String>>,
    ) -> Vec<usize> {
        let filters: Vec<(Option<R::Field>, &CompiledFilter)> = self
            .filters
            .iter()
            .map(|f| (index.field(&f.field_id), &f.compiled))
            .collect();
        let sorts: Vec<(Option<R::Field>, bool)> = self
            .sorts
            .iter()
            .map(|s| (index.field(&s.field_id), s.descending))
            .collect();
        let slice = self.entity_slice_id.as_deref().map(|s| index.slice(s));
        // Each filter with its field's quick cells, when the rows keep them.
        let mut probes: Vec<Probe<'_, R::Value>> = filters
            .iter()
            .map(|(field, filter)| Probe::new(index.quick(*field), filter))
            .collect();
        // One pass over the rows, every filter of a row while its record is at hand.
        let mut candidates: Vec<usize> = Vec::new();
        for at in 0..index.positions() {
            if !self.row_qualifies(index, at, slice, operation_records) {
                continue;
            }
            let place = index.quick_place(at);
            let passes = filters
                .iter()
                .zip(probes.iter_mut())
                .all(|((field, filter), probe)| {
                    if let Some(answer) = probe.answer(place, filter) {
                        return answer;
                    }
                    // When the value was written is read only by the rule that needs it.
                    let written = if filter.needs_update_time() {
                        index.written(*field, at)
                    } else {
                        None
                    };
                    filter.matches(index.cell(*field, at), written)
                });
            if passes {
                candidates.push(at);
            }
        }
        if let Some(needle) = &self.search_text {
            let contains =
                |text: &str| crate::core::fold::fold_case(text).contains(needle.as_str());
            candidates.retain(|&at| {
                contains(index.identifier(at))
                    || index.any_cell(at, &mut |value| match value.view() {
                        View::Str(s) => contains(s),
                        View::List(items) => items.iter().any(|i| match i.view() {
                            View::Str(s) => contains(s),
                            _ => false,
                        }),
                        _ => false,
                    })
            });
        }
        let limit = self.limit.unwrap_or(usize::MAX);
        if sorts.is_empty() {
            candidates.truncate(limit);
            return candidates;
        }
        let found = candidates;
        let width = sorts.len();
        // One number per row when the query sorts by one field whose present values
        // are all numbers (the common sort of charts and tables), as an integer.
        let numbers = match sorts.as_slice() {
            [(field, descending)] => number_keys(index, *field, &found, *descending),
            _ => None,
        };
        // Otherwise one flat array of keys (a row's keys side by side).
        let mut keys: Vec<Option<SortKey>> = Vec::new();
        if numbers.is_none() {
            keys.reserve(found.len() * width);
            for &at in &found {
                for (field, _) in &sorts {
                    keys.push(
                        index
                            .cell(*field, at)
                            .filter(|v| !matches!(v.view(), View::Null))
                            .map(SortKey::of),
                    );
                }
            }
        }
        let compare = |a: &usize, b: &usize| -> Ordering {
            if let Some(numbers) = &numbers {
                if let (Some(x), Some(y)) = (numbers.get(*a), numbers.get(*b)) {
                    if x != y {
                        return x.cmp(y);
                    }
                }
            }
            for (i, (_, descending)) in sorts.iter().enumerate() {
                let order = match (
                    keys.get(a * width + i).and_then(Option::as_ref),
                    keys.get(b * width + i).and_then(Option::as_ref),
                ) {
                    (None, None) => Ordering::Equal,
                    // Records without a value come last in both directions.
                    (None, Some(_)) => Ordering::Greater,
                    (Some(_), None) => Ordering::Less,
                    (Some(x), Some(y)) if *descending => y.cmp(x),
                    (Some(x), Some(y)) => x.cmp(y),
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
            match (found.get(*a), found.get(*b)) {
                (Some(&ra), Some(&rb)) => index.tie_break(ra, rb),
                _ => Ordering::Equal,
            }
        };
        let mut order: Vec<usize> = match &numbers {
            Some(numbers) => order_by_keys(numbers),
            None => (0..found.len()).collect(),
        };
        if let Some(numbers) = &numbers {
            // Ordered by key in linear time; now each run of equal keys by the full
            // order (the same comparison: ties go by identifier), as far as the limit.
            let mut start = 0;
            while start < order.len().min(limit) {
                let key = order.get(start).and_then(|&i| numbers.get(i));
                let mut end = start + 1;
                while end < order.len() && order.get(end).and_then(|&i| numbers.get(i)) == key {
                    end += 1;
                }
                if end - start > 1 {
                    if let Some(run) = order.get_mut(start..end) {
                        run.sort_unstable_by(compare);
                    }
                }
                start = end;
            }
            order.truncate(limit);
        } else if limit < order.len() {
            // Only the first `limit` need sorting: pick them in linear time first.
            order.select_nth_unstable_by(limit, compare);
            order.truncate(limit);
        }
        if numbers.is_none() {
            order.sort_unstable_by(compare);
        }
        order
            .into_iter()
            .filter_map(|i| found.get(i).copied())
            .collect()
    }

    /// The checks that do not read field values: slice, activity, identifiers.
    fn row_qualifies<R: Rows>(
        &self,
        index: &R,
        at: usize,
        slice: Option<R::Slice>,
        operation_records: Option<&HashSet<String>>,
    ) -> bool {
        if !index.present(at) {
            return false;
        }
        if let Some(slice) = slice {
            if !index.in_slice(at, slice) {
                return false;
            }
        }
        if self.scoped && !operation_records.is_some_and(|ids| index.id_in(at, ids)) {
            return false;
        }
        if let Some(ids) = &self.identifier_ids {
            if !index.id_in(at, ids) && !index.identifier_id_in(at, ids) {
                return false;
            }
        }
        true
    }
}

/// The one sort key of each row when the query sorts by one field whose present
/// values are all numbers (`None` when a text is among them): an integer that
/// orders as `f64::total_cmp` orders the numbers (reversed when descending), with
/// `u64::MAX`, which no number maps to (only a NaN would), for rows without a
/// value: they come last in both directions.
fn number_keys<R: Rows>(
    index: &R,
    field: Option<R::Field>,
    found: &[usize],
    descending: bool,
) -> Option<Vec<u64>> {
    let mut keys = Vec::with_capacity(found.len());
    let quick = index.quick(field);
    let key = |n: f64| {
        let bits = n.to_bits();
        let ascending = if bits >> 63 == 1 {
            !bits
        } else {
            bits | 1 << 63
        };
        if descending {
            !ascending
        } else {
            ascending
        }
    };
    for &at in found {
        // A float cell is the number `SortKey::of` reads from the record.
        if let Some(n) = quick.as_ref().and_then(|q| q.number(index.quick_place(at))) {
            keys.push(key(n));
            continue;
        }
        keys.push(match index.cell(field, at).map(|v| (v.view(), v)) {
            None | Some((View::Null, _)) => u64::MAX,
            Some((_, value)) => match SortKey::of(value) {
                SortKey::Number(n) => key(n),
                SortKey::Text(_) => return None,
            },
        });
    }
    Some(keys)
}

/// The positions of `keys` in the order of their values, equal keys in the order
/// given: a radix sort, a byte at a time from the lowest, skipping the bytes that
/// every key shares (the high bytes of numbers of one magnitude).
fn order_by_keys(keys: &[u64]) -> Vec<usize> {
    let mut counts = vec![[0usize; 256]; 8];
    for &key in keys {
        for (byte, count) in counts.iter_mut().enumerate() {
            if let Some(c) = count.get_mut(((key >> (8 * byte)) & 0xff) as usize) {
                *c += 1;
            }
        }
    }
    let mut pairs: Vec<(u64, usize)> = keys.iter().copied().zip(0..).collect();
    let mut spare: Vec<(u64, usize)> = vec![(0, 0); pairs.len()];
    for (byte, count) in counts.iter_mut().enumerate() {
        // A byte that every key shares leaves the order as it is.
        if count.contains(&keys.len()) {
            continue;
        }
        // Each digit's first place in the next order.
        let mut next = 0;
        for c in count.iter_mut() {
            let here = *c;
            *c = next;
            next += here;
        }
        for &(key, at) in &pairs {
            if let Some(place) = count.get_mut(((key >> (8 * byte)) & 0xff) as usize) {
                if let Some(slot) = spare.get_mut(*place) {
                    *slot = (key, at);
                }
                *place += 1;
            }
        }
        std::mem::swap(&mut pairs, &mut spare);
    }
    pairs.into_iter().map(|(_, at)| at).collect()
}

/// One field's current values side by side, kept by rows that can (the client's
/// store): a cell holds the value, or says to read the record (`NaN`, code 0).
pub struct Quick<'a, V> {
    /// By place: the current value when it is a stored float; `NaN` otherwise.
    pub numbers: &'a [f64],
    /// By place: the code of the current value when it is a named text (its
    /// value is `names[code - 1]`); 0 otherwise.
    pub categories: &'a [u8],
    /// The named values.
    pub names: &'a [V],
}

impl<V> Quick<'_, V> {
    /// The float cell at `place`, when it holds the value.
    fn number(&self, place: usize) -> Option<f64> {
        self.numbers.get(place).copied().filter(|n| !n.is_nan())
    }
}

/// A filter's look at its field's quick cells during one query: numbers are
/// compared directly, and a named text is tested once per query, not once per row.
struct Probe<'a, V> {
    quick: Option<Quick<'a, V>>,
    /// By code - 1: not tested yet (0), fails (1), passes (2).
    answers: Vec<u8>,
}

impl<'a, V: FieldValue> Probe<'a, V> {
    fn new(quick: Option<Quick<'a, V>>, filter: &CompiledFilter) -> Self {
        // The update time is not in the cells: that rule reads the record.
        let quick = quick.filter(|_| !filter.needs_update_time());
        let answers = vec![0; quick.as_ref().map_or(0, |q| q.names.len())];
        Probe { quick, answers }
    }

    /// The filter's answer from the cells at `place`, when they hold the value.
    fn answer(&mut self, place: usize, filter: &CompiledFilter) -> Option<bool> {
        let quick = self.quick.as_ref()?;
        if let Some(n) = quick.number(place) {
            if let Some(answer) = filter.matches_float(n) {
                return Some(answer);
            }
        }
        let code = usize::from(*quick.categories.get(place)?).checked_sub(1)?;
        let known = self.answers.get_mut(code)?;
        if *known == 0 {
            *known = 1 + u8::from(filter.matches(quick.names.get(code), None));
        }
        Some(*known == 2)
    }
}

/// Rows the engine can search: the sandbox's [`SearchIndex`] and the client's
/// record store both provide them. A row is a position from 0 to `positions()`;
/// a field's cell is its current value with the time it was written.
pub trait Rows {
    /// The values of cells.
    type Value: FieldValue;
    /// A field, looked up once per query.
    type Field: Copy;
    /// An entity slice, looked up once per query.
    type Slice: Copy;
    /// How many row positions there are (some may be empty).
    fn positions(&self) -> usize;
    /// Whether a position holds a record.
    fn present(&self, at: usize) -> bool;
    /// A field by id, if any row has it.
    fn field(&self, field_id: &str) -> Option<Self::Field>;
    /// An entity slice by id.
    fn slice(&self, slice_id: &str) -> Self::Slice;
    /// Whether the row belongs to the slice.
    fn in_slice(&self, at: usize, slice: Self::Slice) -> bool;
    /// A row's current value of a field.
    fn cell(&self, field: Option<Self::Field>, at: usize) -> Option<&Self::Value>;
    /// When a row's current value of a field was written (UTC ms).
    fn written(&self, field: Option<Self::Field>, at: usize) -> Option<i64>;
    /// Whether any current value of the row passes `test`.
    fn any_cell(&self, at: usize, test: &mut dyn FnMut(&Self::Value) -> bool) -> bool;
    /// Whether the row's id is among `ids`.
    fn id_in(&self, at: usize, ids: &HashSet<String>) -> bool;
    /// Whether one of the row's identifier value ids is among `ids`.
    fn identifier_id_in(&self, at: usize, ids: &HashSet<String>) -> bool;
    /// The row's human-readable name.
    fn identifier(&self, at: usize) -> &str;
    /// The row's id.
    fn id_string(&self, at: usize) -> String;
    /// The order of two rows whose sort keys are equal: by name, then id.
    fn tie_break(&self, a: usize, b: usize) -> Ordering;
    /// A field's quick cells, when the rows keep them.
    fn quick(&self, _field: Option<Self::Field>) -> Option<Quick<'_, Self::Value>> {
        None
    }
    /// Where a row's cells are in [`Quick`]'s columns.
    fn quick_place(&self, at: usize) -> usize {
        at
    }
}

impl Rows for SearchIndex {
    type Value = Value;
    type Field = u32;
    type Slice = usize;

    fn positions(&self) -> usize {
        self.rows.len()
    }
    fn present(&self, at: usize) -> bool {
        self.rows.get(at).is_some_and(|r| r.present)
    }
    fn field(&self, field_id: &str) -> Option<u32> {
        self.columns.get(field_id).copied()
    }
    fn slice(&self, slice_id: &str) -> usize {
        // Compared by text: the index's rows are few and the sandbox's own.
        self.slices
            .iter()
            .position(|s| s == slice_id)
            .unwrap_or(usize::MAX)
    }
    fn in_slice(&self, at: usize, slice: usize) -> bool {
        self.rows.get(at).is_some_and(|r| r.entity_slice == slice)
    }
    fn cell(&self, field: Option<u32>, at: usize) -> Option<&Value> {
        let cell = self.cells.get(field? as usize)?.get(at)?.as_ref()?;
        Some(&cell.content)
    }
    fn written(&self, field: Option<u32>, at: usize) -> Option<i64> {
        self.cells
            .get(field? as usize)?
            .get(at)?
            .as_ref()?
            .updated_ms
    }
    fn any_cell(&self, at: usize, test: &mut dyn FnMut(&Value) -> bool) -> bool {
        self.cells
            .iter()
            .filter_map(|column| column.get(at).and_then(Option::as_ref))
            .any(|cell| test(&cell.content))
    }
    fn id_in(&self, at: usize, ids: &HashSet<String>) -> bool {
        self.rows.get(at).is_some_and(|r| ids.contains(&r.id))
    }
    fn identifier_id_in(&self, at: usize, ids: &HashSet<String>) -> bool {
        self.rows
            .get(at)
            .is_some_and(|r| r.identifier_ids.iter().any(|i| ids.contains(i)))
    }
    fn identifier(&self, at: usize) -> &str {
        self.rows.get(at).map_or("", |r| r.identifier.as_str())
    }
    fn id_string(&self, at: usize) -> String {
        self.rows.get(at).map(|r| r.id.clone()).unwrap_or_default()
    }
    fn tie_break(&self, a: usize, b: usize) -> Ordering {
        match (self.rows.get(a), self.rows.get(b)) {
            (Some(ra), Some(rb)) => ra
                .identifier
                .cmp(&rb.identifier)
                .then_with(|| ra.id.cmp(&rb.id)),
            _ => Ordering::Equal,
        }
    }
}

/// A field's latest value, as the engine reads it.
#[derive(Debug, Clone)]
struct Cell {
    content: Value,
    updated_ms: Option<i64>,
}

/// What a row knows besides its field values.
#[derive(Debug, Clone)]
struct RowMeta {
    id: String,
    identifier: String,
    /// A place in the index's `slices`.
    entity_slice: usize,
    identifier_ids: Vec<String>,
    /// False once the record was removed; its row stays so others keep their places.
    present: bool,
}

/// Records laid out for searching, column by column: each field id becomes a
/// column holding every record's latest value of that field (the default scope
/// of `getValueContent`), so a filter reads one contiguous array. Rows keep the
/// order they were first added in.
#[derive(Debug, Default, Clone)]
pub struct SearchIndex {
    columns: crate::core::hash::FastMap<String, u32>,
    cells: Vec<Vec<Option<Cell>>>,
    rows: Vec<RowMeta>,
    positions: crate::core::hash::FastMap<String, usize>,
    /// The entity slices of the rows.
    slices: Vec<String>,
    /// Rows whose record was removed.
    removed: usize,
}

impl SearchIndex {
    /// An index of these records, in the order given.
    pub fn from_records<'r>(records: impl IntoIterator<Item = &'r Record>) -> Self {
        let mut index = SearchIndex::default();
        for record in records {
            index.upsert(record);
        }
        index
    }

    /// How many records the index holds.
    pub fn len(&self) -> usize {
        self.rows.len().saturating_sub(self.removed)
    }

    /// Whether the index holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the index has a row for this record, present or removed.
    pub fn has_row(&self, id: &str) -> bool {
        self.positions.contains_key(id)
    }

    /// How many rows are left from removed records.
    pub fn removed_rows(&self) -> usize {
        self.removed
    }

    /// Takes a record out of the answers; its row keeps its place for an `upsert`.
    pub fn remove(&mut self, id: &str) {
        let Some(&at) = self.positions.get(id) else {
            return;
        };
        let Some(meta) = self.rows.get_mut(at) else {
            return;
        };
        if !meta.present {
            return;
        }
        meta.present = false;
        self.removed += 1;
        for column in &mut self.cells {
            if let Some(slot) = column.get_mut(at) {
                *slot = None;
            }
        }
    }

    /// Adds a record at the end, or replaces its row where it stands.
    pub fn upsert(&mut self, record: &Record) {
        let at = match self.positions.get(&record.id) {
            Some(&at) => at,
            None => {
                let at = self.rows.len();
                self.positions.insert(record.id.clone(), at);
                self.rows.push(RowMeta {
                    id: record.id.clone(),
                    identifier: String::new(),
                    entity_slice: usize::MAX,
                    identifier_ids: Vec::new(),
                    present: true,
                });
                for column in &mut self.cells {
                    column.push(None);
                }
                at
            }
        };
        if let Some(meta) = self.rows.get_mut(at) {
            if !meta.present {
                meta.present = true;
                self.removed = self.removed.saturating_sub(1);
            }
            // The sandbox's records always have both; an absent one sorts and filters as "".
            meta.identifier = record.record_identifier.clone().unwrap_or_default();
            let slice = record.entity_slice_id.as_deref().unwrap_or_default();
            meta.entity_slice = match self.slices.iter().position(|s| s == slice) {
                Some(at) => at,
                None => {
                    self.slices.push(slice.to_string());
                    self.slices.len() - 1
                }
            };
            meta.identifier_ids.clone_from(&record.identifier_ids);
        }
        for column in &mut self.cells {
            if let Some(slot) = column.get_mut(at) {
                *slot = None;
            }
        }
        for field_id in record.record_values.keys() {
            let Some(value) = latest_value(record, field_id, ValueScope::default()) else {
                continue;
            };
            let column = match self.columns.get(field_id) {
                Some(&c) => c,
                None => {
                    let c = self.cells.len() as u32;
                    self.columns.insert(field_id.clone(), c);
                    self.cells.push(vec![None; self.rows.len()]);
                    c
                }
            };
            let updated_ms = value.created_at.as_deref().and_then(time::parse_iso);
            if let Some(slot) = self
                .cells
                .get_mut(column as usize)
                .and_then(|col| col.get_mut(at))
            {
                *slot = Some(Cell {
                    content: value.content.clone(),
                    updated_ms,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::filter::FilterRuleType;
    use crate::core::model::RecordValue;
    use crate::core::query::{FieldFilter, FieldSort};
    use serde_json::json;

    fn rec(n: u32, ic50: Option<f64>, assay: &str) -> Record {
        let mut values = std::collections::BTreeMap::new();
        if let Some(v) = ic50 {
            values.insert(
                "ic50".to_string(),
                vec![RecordValue {
                    id: format!("v{n}"),
                    content: json!(v),
                    created_at: Some("2026-01-01T00:00:00.000Z".into()),
                    record_id: Some(format!("r{n}")),
                    operation_id: None,
                    record_view_id: None,
                }],
            );
        }
        values.insert(
            "assay".to_string(),
            vec![RecordValue {
                id: format!("a{n}"),
                content: json!(assay),
                created_at: None,
                record_id: Some(format!("r{n}")),
                operation_id: None,
                record_view_id: None,
            }],
        );
        Record {
            id: format!("r{n}"),
            created_at: Some("2026-01-01T00:00:00.000Z".into()),
            entity_slice_id: Some("s".into()),
            identifier_ids: vec![],
            record_identifier: Some(format!("CMP-{n:04}")),
            record_values: values,
            initial_operation_id: None,
            sub_record_ids: vec![],
        }
    }

    #[test]
    fn filters_sort_and_limit() {
        let records = vec![
            rec(1, Some(30.0), "Kinase"),
            rec(2, Some(5.0), "Kinase"),
            rec(3, None, "Kinase"),
            rec(4, Some(1.0), "Binding"),
        ];
        let query = SearchRecordsQuery {
            entity_field_filters: Some(vec![FieldFilter {
                field_id: Some("assay".into()),
                filter_type: FilterRuleType::IsEqual,
                filter_prop: json!("Kinase"),
            }]),
            entity_field_sorts: Some(vec![FieldSort {
                field_id: Some("ic50".into()),
                descending: true,
            }]),
            ..Default::default()
        };
        let search = CompiledSearch::new(&query, 0).unwrap();
        assert_eq!(
            search.run(&SearchIndex::from_records(&records), None),
            vec!["r1", "r2", "r3"]
        );
        let limited = CompiledSearch::new(
            &SearchRecordsQuery {
                limit: Some(1),
                ..query
            },
            0,
        )
        .unwrap();
        assert_eq!(
            limited.run(&SearchIndex::from_records(&records), None),
            vec!["r1"]
        );
    }

    #[test]
    fn a_numeric_sort_orders_as_the_general_comparison_does() {
        // Ties, missing values and negative numbers, in both directions, with and
        // without a limit: the one-number path against the general one (a second
        // sort on a field no record has leaves the order to the first).
        // Rows are in the reverse order of their identifiers, so that ties are
        // broken by the comparison, not by where the rows happen to sit.
        let mut state = 7u64;
        let records: Vec<Record> = (0..400)
            .rev()
            .map(|n| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                let ic50 = match state >> 60 {
                    0 | 1 => None,
                    2 => Some(-1.5),
                    k => Some(((state >> 40) % 50) as f64 / f64::from(k as u32)),
                };
                rec(n, ic50, "Kinase")
            })
            .collect();
        let index = SearchIndex::from_records(&records);
        for descending in [false, true] {
            for limit in [None, Some(7), Some(1000)] {
                let sort = |fields: &[&str]| SearchRecordsQuery {
                    entity_field_sorts: Some(
                        fields
                            .iter()
                            .map(|f| FieldSort {
                                field_id: Some((*f).into()),
                                descending,
                            })
                            .collect(),
                    ),
                    limit,
                    ..Default::default()
                };
                let one = CompiledSearch::new(&sort(&["ic50"]), 0).unwrap();
                let general = CompiledSearch::new(&sort(&["ic50", "none"]), 0).unwrap();
                let answer = one.run(&index, None);
                assert_eq!(answer, general.run(&index, None));
                assert_eq!(answer.len(), limit.unwrap_or(400).min(400) as usize);
            }
        }
    }

    #[test]
    fn search_text_reads_identifiers_and_text_values() {
        let records = vec![rec(1, None, "Kinase"), rec(2, None, "Binding")];
        let by_text = SearchRecordsQuery {
            search_text: Some("BIND".into()),
            ..Default::default()
        };
        assert_eq!(
            CompiledSearch::new(&by_text, 0)
                .unwrap()
                .run(&SearchIndex::from_records(&records), None),
            vec!["r2"]
        );
        let by_name = SearchRecordsQuery {
            search_text: Some("cmp-0001".into()),
            ..Default::default()
        };
        assert_eq!(
            CompiledSearch::new(&by_name, 0)
                .unwrap()
                .run(&SearchIndex::from_records(&records), None),
            vec!["r1"]
        );
    }

    #[test]
    fn operation_scope_needs_the_activity_members() {
        let records = vec![rec(1, None, "x"), rec(2, None, "x")];
        let query = SearchRecordsQuery {
            operation_id: Some("op".into()),
            ..Default::default()
        };
        let search = CompiledSearch::new(&query, 0).unwrap();
        let members: HashSet<String> = ["r2".to_string()].into_iter().collect();
        assert_eq!(
            search.run(&SearchIndex::from_records(&records), Some(&members)),
            vec!["r2"]
        );
        assert!(search
            .run(&SearchIndex::from_records(&records), None)
            .is_empty());
    }

    #[test]
    fn record_set_and_program_scopes_take_the_records_they_allow() {
        let records = vec![rec(1, None, "x"), rec(2, None, "x"), rec(3, None, "x")];
        let query = SearchRecordsQuery {
            record_set_ids: Some("set-a, set-b".into()),
            program_id: Some("prog".into()),
            ..Default::default()
        };
        let (search, scopes) = CompiledSearch::with_scopes(&query, 0).unwrap();
        assert_eq!(
            scopes,
            Scopes {
                record_set_ids: Some(vec!["set-a".into(), "set-b".into()]),
                program_id: Some("prog".into()),
                ..Default::default()
            }
        );
        let allowed: HashSet<String> = ["r1".to_string(), "r3".to_string()].into_iter().collect();
        let index = SearchIndex::from_records(&records);
        assert_eq!(search.run(&index, Some(&allowed)), vec!["r1", "r3"]);
        // A scoped query without the records it allows finds nothing.
        assert!(search.run(&index, None).is_empty());
        // An unscoped one finds everything.
        let (all, scopes) = CompiledSearch::with_scopes(&SearchRecordsQuery::default(), 0).unwrap();
        assert_eq!(scopes, Scopes::default());
        assert_eq!(all.run(&index, None).len(), 3);
        let bad = SearchRecordsQuery {
            record_set_ids: Some("a,,b".into()),
            ..Default::default()
        };
        assert!(matches!(
            CompiledSearch::with_scopes(&bad, 0),
            Err(SearchError::Invalid("record_set_ids"))
        ));
    }

    #[test]
    fn unsupported_and_fieldless_queries_are_errors() {
        for q in [
            SearchRecordsQuery {
                record_set_id: Some("s".into()),
                ..Default::default()
            },
            SearchRecordsQuery {
                record_set_ids: Some("s".into()),
                ..Default::default()
            },
        ] {
            assert!(matches!(
                CompiledSearch::new(&q, 0),
                Err(SearchError::Unsupported(_))
            ));
        }
        let q = SearchRecordsQuery {
            program_id: Some("p".into()),
            ..Default::default()
        };
        assert!(matches!(
            CompiledSearch::new(&q, 0),
            Err(SearchError::Unsupported("program_id"))
        ));
        let q = SearchRecordsQuery {
            entity_field_sorts: Some(vec![FieldSort {
                field_id: None,
                descending: false,
            }]),
            ..Default::default()
        };
        assert!(matches!(
            CompiledSearch::new(&q, 0),
            Err(SearchError::MissingField(_))
        ));
    }

    #[test]
    fn keys_are_ordered_as_a_stable_sort_orders_them() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let shapes: [fn(u64) -> u64; 5] = [
            |r| r,                                           // every byte varies
            |r| r % 5,                                       // many ties
            |r| 0x4000_0000_0000_0000 | (r & 0xffff),        // the high bytes shared
            |r| if r % 3 == 0 { u64::MAX } else { r >> 40 }, // rows without a value
            |_| 7,                                           // one key
        ];
        for shape in shapes {
            for len in [0usize, 1, 2, 3, 17, 256, 1000] {
                let keys: Vec<u64> = (0..len).map(|_| shape(next())).collect();
                let mut expected: Vec<usize> = (0..len).collect();
                expected.sort_by_key(|&i| keys[i]);
                assert_eq!(order_by_keys(&keys), expected, "{keys:?}");
            }
        }
    }
}
