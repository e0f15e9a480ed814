//! The snapshot: the record store's own binary form, written so that a page can
//! keep it (in IndexedDB) and restore the store without the network.
//!
//! # Layout
//!
//! A snapshot is one byte sequence: a header, then a body cut into chunks of at
//! most [`MAX_CHUNK`] bytes (under every browser's limit for one stored value).
//! All integers in the header are little-endian.
//!
//! | bytes | what |
//! | --- | --- |
//! | 0..8 | magic `KALBSNAP` |
//! | 8..12 | format version ([`VERSION`]) |
//! | 12..16 | number of body chunks, `n` |
//! | 16..24 | body length |
//! | 24..32 | when it was saved, ms since the epoch |
//! | 32..36 | chunk size (every chunk but the last is this long) |
//! | 36..40 | flags, 0 (room for encryption and other variants) |
//! | 40..40+4n | the CRC-32C of each body chunk, in order |
//! | then 4 | the CRC-32C of the header before it |
//!
//! The body holds, in this order: the interned ids ([`Symbols`]) the records
//! name; the key-field, data-field and activity lists the client holds, each
//! with its fetch time, as their wire JSON; and the records, each with its
//! fetch time, from the least to the most recently used. Numbers in the body are
//! LEB128 varints (signed ones zigzagged), texts a varint length and UTF-8.
//!
//! # Integrity
//!
//! CRC-32C detects every error burst of up to 32 bits, so every single-byte
//! change of a chunk is caught with certainty; the header's own CRC covers the
//! lengths and the table of chunk CRCs, which binds each chunk to its place, and
//! the header fixes the total length, so every truncation (and any byte added)
//! is caught before the body is read. This guards against torn and damaged
//! writes, not against someone forging a snapshot: that is what encrypting the
//! chunks (AES-GCM, in the browser) is for. Past the checks, the body is still
//! read as untrusted input: every count is checked against the bytes left, every
//! place against what it points into, nesting is bounded ([`MAX_DEPTH`]), and a
//! failure is a [`Discarded`], never a panic.
//!
//! # Versions, and adding a member
//!
//! A snapshot is a cache of what the server holds, so a snapshot of another
//! format version is simply discarded (`version`) and the records fetched again.
//! The record encoding destructures every stored type whole ([`CompactRecord`],
//! [`StoredValue`], [`Group`], [`Rare`]), so a member added to one of them does
//! not compile until it is written here: write it in `put_record`/`put_value`,
//! read it back in `Reader::record`/`Reader::value`, and bump [`VERSION`]. The
//! field and activity lists travel as the models' wire JSON, so a member added to
//! `EntityField` or `Activity` rides along with no change here; a list the
//! models no longer read is discarded as `version`.

use super::{
    CompactRecord, Content, Group, Id, Rare, StoredValue, Sym, Symbols, NO_SYM, NO_VALUE,
    OWNER_NONE, OWNER_SELF, STYLE_DATE, STYLE_NONE, STYLE_TEXT,
};
use crate::core::model::{Activity, EntityField};
use serde_json::Value;

/// The first eight bytes of every snapshot.
pub const MAGIC: [u8; 8] = *b"KALBSNAP";
/// The format version this code writes and reads.
pub const VERSION: u32 = 1;
/// The longest chunk: under 8 MB, whichever way a browser counts a megabyte.
pub const MAX_CHUNK: usize = 8_000_000;
/// How deeply lists may nest in a content (serde_json reads JSON to 128 levels).
pub const MAX_DEPTH: usize = 160;
/// The header's bytes before the table of chunk CRCs.
const FIXED_HEADER: usize = 40;

/// Why a snapshot was not restored: the words `restore()` reports as `discarded`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discarded {
    /// Truncated, damaged or not a snapshot at all; what was wrong, for logs and tests.
    Corrupt(&'static str),
    /// Written by another format version (or holding lists the models no longer read).
    Version(u32),
}

impl Discarded {
    /// The reason as `restore()` reports it: `"corrupt"` or `"version"`.
    pub fn reason(&self) -> &'static str {
        match self {
            Discarded::Corrupt(_) => "corrupt",
            Discarded::Version(_) => "version",
        }
    }
}

impl std::fmt::Display for Discarded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Discarded::Corrupt(what) => write!(f, "corrupt snapshot: {what}"),
            Discarded::Version(v) if *v == VERSION => {
                f.write_str("snapshot holding lists the models no longer read")
            }
            Discarded::Version(v) => write!(f, "snapshot of format version {v}, not {VERSION}"),
        }
    }
}

fn corrupt<T>(what: &'static str) -> Result<T, Discarded> {
    Err(Discarded::Corrupt(what))
}

/// A list the client holds, with when it was fetched (ms since the epoch).
#[derive(Debug, Clone, PartialEq)]
pub struct HeldList<T> {
    /// When the list was fetched.
    pub fetched_at: i64,
    /// The list.
    pub list: Vec<T>,
}

/// The field and activity lists a snapshot carries, borrowed for writing.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListsRef<'a> {
    /// The key fields, with their fetch time.
    pub key_fields: Option<(i64, &'a [EntityField])>,
    /// The data fields, with their fetch time.
    pub data_fields: Option<(i64, &'a [EntityField])>,
    /// The activities, with their fetch time.
    pub activities: Option<(i64, &'a [Activity])>,
}

/// A snapshot read back: what the store held when it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Restored {
    /// When the snapshot was written, ms since the epoch.
    pub saved_at: i64,
    /// The records, least recently used first, each with its fetch time.
    pub records: Vec<(i64, CompactRecord)>,
    /// The key fields, if the client held them.
    pub key_fields: Option<HeldList<EntityField>>,
    /// The data fields, if the client held them.
    pub data_fields: Option<HeldList<EntityField>>,
    /// The activities, if the client held them.
    pub activities: Option<HeldList<Activity>>,
}

/// A snapshot written: one buffer, the header first, handed out as chunks.
///
/// The whole snapshot is encoded into one buffer, then cut: encoding is one
/// pass of copying the store's own bytes, far shorter than moving them into
/// storage, which is where the writer must yield; the chunks are slices of that
/// buffer, so cutting costs no copy, and the reader takes the chunks joined again
/// (the order a browser reads them back into one wasm buffer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    bytes: Vec<u8>,
    header_len: usize,
    chunk_size: usize,
}

impl Encoded {
    /// The whole snapshot: what [`read`] takes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The snapshot in pieces of at most [`MAX_CHUNK`] bytes: the header, then
    /// the body's chunks. Joined in this order they are [`Encoded::bytes`].
    pub fn chunks(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let (header, body) = self.bytes.split_at(self.header_len.min(self.bytes.len()));
        std::iter::once(header).chain(body.chunks(self.chunk_size.max(1)))
    }

    /// The snapshot's length in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the snapshot is empty (never: it has a header).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

// ----- CRC-32C (Castagnoli), eight bytes a step -----

#[allow(clippy::indexing_slicing)] // indexed at compile time: nothing to panic at run time
const CRC_TABLES: [[u32; 256]; 8] = {
    let mut tables = [[0u32; 256]; 8];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0x82f6_3b78 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        tables[0][n] = c;
        n += 1;
    }
    let mut t = 1;
    while t < 8 {
        let mut n = 0;
        while n < 256 {
            let prev = tables[t - 1][n];
            tables[t][n] = (prev >> 8) ^ tables[0][(prev & 0xff) as usize];
            n += 1;
        }
        t += 1;
    }
    tables
};

fn table(t: usize, byte: u32) -> u32 {
    CRC_TABLES
        .get(t)
        .and_then(|row| row.get((byte & 0xff) as usize))
        .copied()
        .unwrap_or(0)
}

/// The CRC-32C of `bytes`.
pub fn crc32c(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let eight: [u8; 8] = w.try_into().unwrap_or([0; 8]);
        let lo = u32::from_le_bytes([eight[0], eight[1], eight[2], eight[3]]) ^ crc;
        let hi = u32::from_le_bytes([eight[4], eight[5], eight[6], eight[7]]);
        crc = table(7, lo)
            ^ table(6, lo >> 8)
            ^ table(5, lo >> 16)
            ^ table(4, lo >> 24)
            ^ table(3, hi)
            ^ table(2, hi >> 8)
            ^ table(1, hi >> 16)
            ^ table(0, hi >> 24);
    }
    for &b in words.remainder() {
        crc = (crc >> 8) ^ table(0, (crc ^ u32::from(b)) & 0xff);
    }
    !crc
}

// ----- writing -----

/// Writes a snapshot of `records` (least recently used first, each with its
/// fetch time), the `symbols` they name and the client's `lists`, in chunks of
/// at most [`MAX_CHUNK`] bytes.
pub fn write<'r>(
    saved_at: i64,
    symbols: &Symbols,
    records: impl IntoIterator<Item = (i64, &'r CompactRecord)>,
    lists: ListsRef<'_>,
) -> Encoded {
    write_chunked(saved_at, symbols, records, lists, MAX_CHUNK)
}

/// [`write`] with chunks of at most `chunk_size` bytes (1 to [`MAX_CHUNK`]).
pub fn write_chunked<'r>(
    saved_at: i64,
    symbols: &Symbols,
    records: impl IntoIterator<Item = (i64, &'r CompactRecord)>,
    lists: ListsRef<'_>,
    chunk_size: usize,
) -> Encoded {
    let mut w = Writer::default();
    w.uint(symbols.names.len() as u64);
    for name in &symbols.names {
        w.text(name);
    }
    w.list(lists.key_fields.map(|(at, l)| (at, serde_json::to_vec(l))));
    w.list(lists.data_fields.map(|(at, l)| (at, serde_json::to_vec(l))));
    w.list(lists.activities.map(|(at, l)| (at, serde_json::to_vec(l))));
    let records: Vec<(i64, &CompactRecord)> = records.into_iter().collect();
    w.uint(records.len() as u64);
    for (fetched_at, record) in records {
        w.int(fetched_at);
        w.record(record);
    }
    seal_chunked(saved_at, &w.out, chunk_size)
}

/// Frames any body bytes as a snapshot of this version, with checksums that
/// hold: for tests and the fuzz target, which reach the body reader this way.
pub fn seal(saved_at: i64, body: &[u8]) -> Encoded {
    seal_chunked(saved_at, body, MAX_CHUNK)
}

fn seal_chunked(saved_at: i64, body: &[u8], chunk_size: usize) -> Encoded {
    let chunk_size = chunk_size.clamp(1, MAX_CHUNK);
    let crcs: Vec<u32> = body.chunks(chunk_size).map(crc32c).collect();
    let header_len = FIXED_HEADER + 4 * crcs.len() + 4;
    let mut out = Vec::with_capacity(header_len + body.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(crcs.len() as u32).to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&saved_at.to_le_bytes());
    out.extend_from_slice(&(chunk_size as u32).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    for crc in crcs {
        out.extend_from_slice(&crc.to_le_bytes());
    }
    let header_crc = crc32c(&out);
    out.extend_from_slice(&header_crc.to_le_bytes());
    out.extend_from_slice(body);
    Encoded {
        bytes: out,
        header_len,
        chunk_size,
    }
}

#[derive(Default)]
struct Writer {
    out: Vec<u8>,
}

/// A symbol as written: 0 for none, the symbol plus one otherwise.
fn sym_code(sym: Sym) -> u64 {
    if sym == NO_SYM {
        0
    } else {
        u64::from(sym) + 1
    }
}

impl Writer {
    fn uint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.out.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.out.push(v as u8);
    }

    fn int(&mut self, v: i64) {
        self.uint(((v << 1) ^ (v >> 63)) as u64);
    }

    fn byte(&mut self, b: u8) {
        self.out.push(b);
    }

    fn bytes(&mut self, b: &[u8]) {
        self.uint(b.len() as u64);
        self.out.extend_from_slice(b);
    }

    fn text(&mut self, t: &str) {
        self.bytes(t.as_bytes());
    }

    fn sym(&mut self, sym: Sym) {
        self.uint(sym_code(sym));
    }

    fn id(&mut self, id: &Id) {
        match id {
            Id::Uuid(bytes) => {
                self.byte(0);
                self.out.extend_from_slice(bytes);
            }
            Id::Text(text) => {
                self.byte(1);
                self.text(text);
            }
        }
    }

    fn ids(&mut self, ids: &[Id]) {
        self.uint(ids.len() as u64);
        for id in ids {
            self.id(id);
        }
    }

    /// A list the models print as JSON (they always do); absent is 0.
    fn list(&mut self, list: Option<(i64, serde_json::Result<Vec<u8>>)>) {
        match list {
            Some((at, Ok(json))) => {
                self.byte(1);
                self.int(at);
                self.bytes(&json);
            }
            _ => self.byte(0),
        }
    }

    fn content(&mut self, c: &Content) {
        match c {
            Content::Null => self.byte(0),
            Content::Bool(false) => self.byte(1),
            Content::Bool(true) => self.byte(2),
            Content::Int(i) => {
                self.byte(3);
                self.int(*i);
            }
            Content::Float(f) => {
                self.byte(4);
                self.out.extend_from_slice(&f.to_bits().to_le_bytes());
            }
            Content::Short { .. } | Content::Text(_) => {
                self.byte(5);
                self.text(c.as_str().unwrap_or_default());
            }
            Content::List(items) => {
                self.byte(6);
                self.uint(items.len() as u64);
                for item in items.iter() {
                    self.content(item);
                }
            }
            Content::Json(v) => {
                self.byte(7);
                self.bytes(&serde_json::to_vec(v).unwrap_or_default());
            }
        }
    }

    fn record(&mut self, record: &CompactRecord) {
        // Whole, so that a member added to the record is a compile error here.
        let CompactRecord {
            id,
            created_micros,
            created_style,
            slice,
            initial_operation,
            identifier,
            groups,
            values,
            ids,
            identifier_count,
            sub_count,
            rare,
        } = record;
        self.id(id);
        self.int(*created_micros);
        self.byte(*created_style);
        self.sym(*slice);
        self.sym(*initial_operation);
        match identifier {
            None => self.byte(0),
            Some(text) => {
                self.byte(1);
                self.text(text);
            }
        }
        self.uint(groups.len() as u64);
        for group in groups.iter() {
            let Group {
                field,
                start,
                len,
                current,
            } = group;
            self.sym(*field);
            self.uint(u64::from(*start));
            self.uint(u64::from(*len));
            // NO_VALUE as 0, a place as itself plus one.
            self.uint(if *current == NO_VALUE {
                0
            } else {
                u64::from(*current) + 1
            });
        }
        self.uint(values.len() as u64);
        for value in values.iter() {
            self.value(value);
        }
        self.ids(ids);
        self.uint(u64::from(*identifier_count));
        self.uint(u64::from(*sub_count));
        match rare.as_deref() {
            None => self.byte(0),
            Some(Rare { texts, views }) => {
                self.byte(1);
                self.uint(texts.len() as u64);
                for text in texts.iter() {
                    self.text(text);
                }
                self.uint(views.len() as u64);
                for (place, view) in views.iter() {
                    self.uint(u64::from(*place));
                    self.sym(*view);
                }
            }
        }
    }

    fn value(&mut self, value: &StoredValue) {
        let StoredValue {
            id,
            content,
            created,
            operation,
            owner,
            created_style,
            flags,
        } = value;
        self.out.extend_from_slice(id);
        self.content(content);
        self.int(*created);
        self.byte(*created_style);
        self.sym(*operation);
        self.uint(u64::from(*owner));
        self.byte(*flags);
    }
}

// ----- reading -----

/// Reads a snapshot (its chunks joined in order), interning the ids it names
/// into `symbols`; resolves to what the store held, or why it was discarded.
/// Nothing is kept of a snapshot that is discarded but the ids interned, which
/// a store keeps for its life anyway.
pub fn read(bytes: &[u8], symbols: &mut Symbols) -> Result<Restored, Discarded> {
    let (saved_at, body) = check(bytes)?;
    let mut r = Reader {
        rest: body,
        syms: Vec::new(),
    };
    let count = r.count(1)?;
    let mut syms: Vec<Sym> = Vec::with_capacity(count);
    for _ in 0..count {
        let name = r.text()?;
        syms.push(symbols.intern(name));
    }
    r.syms = syms;
    let key_fields = r.list::<EntityField>()?;
    let data_fields = r.list::<EntityField>()?;
    let activities = r.list::<Activity>()?;
    // A record takes at least 14 bytes: its fetch time, an id (a kind and a
    // length at least) and eleven members of at least one byte each.
    let count = r.count(14)?;
    let mut records = Vec::with_capacity(count);
    for _ in 0..count {
        let fetched_at = r.int()?;
        records.push((fetched_at, r.record()?));
    }
    if !r.rest.is_empty() {
        return corrupt("bytes after the records");
    }
    Ok(Restored {
        saved_at,
        records,
        key_fields,
        data_fields,
        activities,
    })
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
    Some(u32::from_le_bytes(b))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b: [u8; 8] = bytes.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(b))
}

/// Checks the header and every chunk; answers when it was saved and the body.
fn check(bytes: &[u8]) -> Result<(i64, &[u8]), Discarded> {
    if bytes.get(..8) != Some(MAGIC.as_slice()) {
        return corrupt("not a snapshot");
    }
    // The version first: another version may lay its header out otherwise.
    let version = u32_at(bytes, 8).ok_or(Discarded::Corrupt("truncated header"))?;
    if version != VERSION {
        return Err(Discarded::Version(version));
    }
    let short = Discarded::Corrupt("truncated header");
    let chunks = u32_at(bytes, 12).ok_or(short)? as usize;
    // The table is read only if the input can hold it.
    let header_len = chunks
        .checked_mul(4)
        .and_then(|t| t.checked_add(FIXED_HEADER + 4))
        .filter(|&len| len <= bytes.len())
        .ok_or(short)?;
    let header_crc = u32_at(bytes, header_len - 4).ok_or(short)?;
    if crc32c(bytes.get(..header_len - 4).ok_or(short)?) != header_crc {
        return corrupt("header checksum");
    }
    let body_len = u64_at(bytes, 16).ok_or(short)?;
    let saved_at = u64_at(bytes, 24).ok_or(short)? as i64;
    let chunk_size = u32_at(bytes, 32).ok_or(short)? as usize;
    if u32_at(bytes, 36) != Some(0) {
        return corrupt("unknown flags");
    }
    if chunk_size == 0 || chunk_size > MAX_CHUNK {
        return corrupt("chunk size");
    }
    let body = bytes.get(header_len..).unwrap_or_default();
    if body.len() as u64 != body_len {
        return corrupt("length");
    }
    if body.len().div_ceil(chunk_size) != chunks {
        return corrupt("chunk count");
    }
    for (at, chunk) in body.chunks(chunk_size).enumerate() {
        if u32_at(bytes, FIXED_HEADER + 4 * at) != Some(crc32c(chunk)) {
            return corrupt("chunk checksum");
        }
    }
    Ok((saved_at, body))
}

struct Reader<'b> {
    rest: &'b [u8],
    /// The store's symbol for each symbol the snapshot names.
    syms: Vec<Sym>,
}

impl<'b> Reader<'b> {
    fn byte(&mut self) -> Result<u8, Discarded> {
        let (&b, rest) = self
            .rest
            .split_first()
            .ok_or(Discarded::Corrupt("truncated body"))?;
        self.rest = rest;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&'b [u8], Discarded> {
        if n > self.rest.len() {
            return corrupt("a length beyond the body");
        }
        let (taken, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(taken)
    }

    fn uint(&mut self) -> Result<u64, Discarded> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let part = u64::from(b & 0x7f);
            if shift == 63 && part > 1 {
                return corrupt("varint overflow");
            }
            v |= part << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        corrupt("varint overflow")
    }

    fn u32(&mut self) -> Result<u32, Discarded> {
        u32::try_from(self.uint()?).or(corrupt("a number beyond 32 bits"))
    }

    fn int(&mut self) -> Result<i64, Discarded> {
        let v = self.uint()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    /// A count of things each taking at least `min_bytes`: never more than the
    /// bytes left could hold, so no count makes the reader allocate beyond its input.
    fn count(&mut self, min_bytes: usize) -> Result<usize, Discarded> {
        let n = self.uint()?;
        if n > (self.rest.len() / min_bytes.max(1)) as u64 {
            return corrupt("a count beyond the body");
        }
        Ok(n as usize)
    }

    fn text(&mut self) -> Result<&'b str, Discarded> {
        let len = self.count(1)?;
        std::str::from_utf8(self.take(len)?).or(corrupt("a text that is not UTF-8"))
    }

    fn sym(&mut self) -> Result<Sym, Discarded> {
        match self.uint()? {
            0 => Ok(NO_SYM),
            n => usize::try_from(n - 1)
                .ok()
                .and_then(|at| self.syms.get(at))
                .copied()
                .ok_or(Discarded::Corrupt("an unknown id")),
        }
    }

    fn id(&mut self) -> Result<Id, Discarded> {
        match self.byte()? {
            0 => {
                let mut bytes = [0u8; 16];
                bytes.copy_from_slice(self.take(16)?);
                Ok(Id::Uuid(bytes))
            }
            1 => {
                let text = self.text()?;
                // What `Id::new` would make of it, so that ids compare as before.
                match Id::new(text) {
                    Id::Text(t) => Ok(Id::Text(t)),
                    Id::Uuid(_) => corrupt("a uuid written as text"),
                }
            }
            _ => corrupt("an id's kind"),
        }
    }

    fn ids(&mut self) -> Result<Box<[Id]>, Discarded> {
        let count = self.count(2)?;
        let mut ids = Vec::with_capacity(count);
        for _ in 0..count {
            ids.push(self.id()?);
        }
        Ok(ids.into_boxed_slice())
    }

    fn list<T: serde::de::DeserializeOwned>(&mut self) -> Result<Option<HeldList<T>>, Discarded> {
        match self.byte()? {
            0 => Ok(None),
            1 => {
                let fetched_at = self.int()?;
                let len = self.count(1)?;
                let json = self.take(len)?;
                // The checksums held, so these are bytes this format wrote: a list
                // that does not decode is one the models have changed since.
                let list = serde_json::from_slice(json).or(Err(Discarded::Version(VERSION)))?;
                Ok(Some(HeldList { fetched_at, list }))
            }
            _ => corrupt("a list's presence"),
        }
    }

    fn content(&mut self, depth: usize) -> Result<Content, Discarded> {
        Ok(match self.byte()? {
            0 => Content::Null,
            1 => Content::Bool(false),
            2 => Content::Bool(true),
            3 => Content::Int(self.int()?),
            4 => {
                let mut bits = [0u8; 8];
                bits.copy_from_slice(self.take(8)?);
                let f = f64::from_bits(u64::from_le_bytes(bits));
                if !f.is_finite() {
                    return corrupt("a number that is not finite");
                }
                Content::Float(f)
            }
            5 => Content::text(self.text()?),
            6 => {
                if depth >= MAX_DEPTH {
                    return corrupt("lists nested too deeply");
                }
                let count = self.count(1)?;
                let mut items = Vec::with_capacity(count);
                for _ in 0..count {
                    items.push(self.content(depth + 1)?);
                }
                Content::List(items.into_boxed_slice())
            }
            7 => {
                let len = self.count(1)?;
                let value: Value =
                    serde_json::from_slice(self.take(len)?).or(corrupt("a JSON content"))?;
                // The store keeps only objects and integers beyond i64 as JSON.
                if !matches!(value, Value::Object(_) | Value::Number(_)) {
                    return corrupt("a JSON content that is no object");
                }
                Content::Json(Box::new(value))
            }
            _ => return corrupt("a content's kind"),
        })
    }

    fn value(&mut self) -> Result<StoredValue, Discarded> {
        let mut id = [0u8; 16];
        id.copy_from_slice(self.take(16)?);
        let content = self.content(0)?;
        let created = self.int()?;
        let created_style = self.byte()?;
        let operation = self.sym()?;
        let owner = u16::try_from(self.uint()?).or(corrupt("an owner"))?;
        let flags = self.byte()?;
        if flags & !(super::ID_IS_TEXT | super::VIEW_MASK) != 0
            || flags & super::VIEW_MASK == super::VIEW_MASK
        {
            return corrupt("a value's flags");
        }
        Ok(StoredValue {
            id,
            content,
            created,
            operation,
            owner,
            created_style,
            flags,
        })
    }

    fn record(&mut self) -> Result<CompactRecord, Discarded> {
        let id = self.id()?;
        let created_micros = self.int()?;
        let created_style = self.byte()?;
        let slice = self.sym()?;
        let initial_operation = self.sym()?;
        let identifier = match self.byte()? {
            0 => None,
            1 => Some(self.text()?.into()),
            _ => return corrupt("a record identifier's presence"),
        };
        let count = self.count(4)?;
        let mut groups = Vec::with_capacity(count);
        for _ in 0..count {
            let field = self.sym()?;
            let start = self.u32()?;
            let len = self.u32()?;
            let current = match self.u32()? {
                0 => NO_VALUE,
                n => n - 1,
            };
            groups.push(Group {
                field,
                start,
                len,
                current,
            });
        }
        // A value takes at least 22 bytes (its id's 16, then six members).
        let count = self.count(22)?;
        let mut values = Vec::with_capacity(count);
        for _ in 0..count {
            values.push(self.value()?);
        }
        let ids = self.ids()?;
        let identifier_count = self.u32()?;
        let sub_count = self.u32()?;
        let rare = match self.byte()? {
            0 => None,
            1 => {
                let count = self.count(1)?;
                let mut texts = Vec::with_capacity(count);
                for _ in 0..count {
                    texts.push(self.text()?.into());
                }
                let count = self.count(2)?;
                let mut views = Vec::with_capacity(count);
                for _ in 0..count {
                    views.push((self.u32()?, self.sym()?));
                }
                Some(Box::new(Rare {
                    texts: texts.into_boxed_slice(),
                    views: views.into_boxed_slice(),
                }))
            }
            _ => return corrupt("a record's rare part"),
        };
        let record = CompactRecord {
            id,
            created_micros,
            created_style,
            slice,
            initial_operation,
            identifier,
            groups: groups.into_boxed_slice(),
            values: values.into_boxed_slice(),
            ids,
            identifier_count,
            sub_count,
            rare,
        };
        validate(&record)?;
        Ok(record)
    }
}

/// The first and last microsecond of the years a parsed stamp can have (0000 to 9999).
const FIRST_MICROS: i64 = -62_167_219_200_000_000;
const END_MICROS: i64 = 253_402_300_800_000_000;

/// Whether a stamp can be printed and compared as the decoder would have made it.
fn stamp_ok(record: &CompactRecord, micros: i64, style: u8) -> bool {
    match style {
        STYLE_NONE => micros == 0,
        STYLE_TEXT => usize::try_from(micros).is_ok_and(|at| at < record.texts().len()),
        STYLE_DATE => (FIRST_MICROS..END_MICROS).contains(&micros) && micros % super::DAY_US == 0,
        // Fraction digits 0 to 6, then the suffix: 0 `Z`, 1 `+00:00`, 2 none.
        _ => style & 7 <= 6 && style >> 3 <= 2 && (FIRST_MICROS..END_MICROS).contains(&micros),
    }
}

/// Refuses a record whose places point outside it or whose stamps no decoder
/// writes, so that a restored record answers as one decoded from the wire.
fn validate(record: &CompactRecord) -> Result<(), Discarded> {
    let values = record.values.len() as u64;
    let ids = record.ids.len() as u64;
    if u64::from(record.identifier_count) + u64::from(record.sub_count) > ids {
        return corrupt("a record's id counts");
    }
    // The slice, the creation stamp and the identifier may be absent (kalbio 0.7.0).
    if !stamp_ok(record, record.created_micros, record.created_style) {
        return corrupt("a record's creation stamp");
    }
    for g in record.groups.iter() {
        let end = u64::from(g.start) + u64::from(g.len);
        let current_ok =
            g.current == NO_VALUE || (g.current >= g.start && u64::from(g.current) < end);
        if end > values || g.field == NO_SYM || !current_ok {
            return corrupt("a field's values");
        }
    }
    for v in record.values.iter() {
        if !stamp_ok(record, v.created, v.created_style) {
            return corrupt("a value's stamp");
        }
        if v.owner != OWNER_NONE && v.owner != OWNER_SELF && u64::from(v.owner) >= ids {
            return corrupt("a value's owner");
        }
        if v.id_is_text() && v.text_place() >= record.texts().len() {
            return corrupt("a value's id");
        }
    }
    let views = record.views();
    let sorted = views.windows(2).all(|w| match w {
        [a, b] => a.0 < b.0,
        _ => true,
    });
    let in_place = views.iter().all(|(at, view)| {
        *view != NO_SYM
            && record
                .values
                .get(*at as usize)
                .is_some_and(|v| v.view_state() == super::VIEW_SET)
    });
    let every_set = record
        .values
        .iter()
        .filter(|v| v.view_state() == super::VIEW_SET)
        .count()
        == views.len();
    if !sorted || !in_place || !every_set {
        return corrupt("a record's views");
    }
    Ok(())
}

#[cfg(test)]
mod tests;
