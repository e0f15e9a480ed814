//! The compact record: how the client holds a cached record. The wire shape
//! (`model::Record`) spends a heap `String` on every uuid, a copy of every field
//! id per record, a `serde_json::Value` per content and an ISO text per stamp;
//! V8 shares repeated keys between objects and beat that layout on memory. Here:
//!
//! - field, activity and entity-slice ids are interned once per client
//!   ([`Symbols`]) and stored as a `u32`;
//! - other uuids are 16 bytes when they are canonical (lower-case) uuids, text
//!   otherwise ([`Id`]);
//! - stamps are parsed once into integer microseconds, with the form they were
//!   written in, so that they print back exactly; any other text stays text;
//! - contents are numbers, booleans, short texts held inline, texts, lists, and
//!   JSON only for objects ([`Content`]);
//! - a record's values sit in one contiguous slice, grouped by field, and each
//!   field's current value (the default scope of `getValueContent`) is chosen
//!   once, when the record is stored: the filter engine reads it directly.
//!
//! Records are decoded straight from the response bytes ([`decode_records`]),
//! without building the wire-shaped record first, and print back exactly the
//! wire shape ([`RecordJson`]).

use crate::core::filter::{FieldValue, View};
use crate::core::hash::FastMap;
use crate::core::time;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, SerializeStruct, Serializer};
use serde::Serialize;
use serde_json::Value;
use std::cmp::Ordering;
use std::fmt::{self, Write as _};

/// An interned id (field, activity, entity slice): its number in [`Symbols`].
pub type Sym = u32;

/// No id (a null activity).
pub const NO_SYM: Sym = u32::MAX;
/// An id the symbols have never seen: equal to no stored id.
pub const UNKNOWN_SYM: Sym = u32::MAX - 1;

/// The interned ids of one client. They are few (fields, activities, entity
/// slices) and kept for the client's life, so that a record held by JS after
/// its eviction can still name its fields.
#[derive(Debug, Default)]
pub struct Symbols {
    names: Vec<Box<str>>,
    index: FastMap<Box<str>, Sym>,
}

impl Symbols {
    /// The symbol of an id, interning it the first time.
    pub fn intern(&mut self, name: &str) -> Sym {
        if let Some(&sym) = self.index.get(name) {
            return sym;
        }
        let sym = self.names.len() as Sym;
        self.names.push(name.into());
        self.index.insert(name.into(), sym);
        sym
    }

    /// The symbol of an id if it was interned, else [`UNKNOWN_SYM`].
    pub fn find(&self, name: &str) -> Sym {
        self.index.get(name).copied().unwrap_or(UNKNOWN_SYM)
    }

    /// The id a symbol stands for ("" for none).
    pub fn name(&self, sym: Sym) -> &str {
        self.names.get(sym as usize).map_or("", |n| n)
    }

    fn optional(&self, sym: Sym) -> Option<&str> {
        (sym != NO_SYM).then(|| self.name(sym))
    }
}

// ----- ids -----

/// A uuid as 16 bytes when it is one in canonical (lower-case) form; any other id as text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Id {
    /// A canonical uuid.
    Uuid([u8; 16]),
    /// Anything else, as given.
    Text(Box<str>),
}

/// Where each of a uuid's 16 bytes has its two hex digits in the text: the dashes
/// sit at 8, 13, 18 and 23.
const UUID_DIGITS_AT: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/// The 16 bytes of a lower-case uuid text, or `None`.
pub fn parse_uuid(text: &str) -> Option<[u8; 16]> {
    parse_uuid_bytes(text.as_bytes())
}

/// [`parse_uuid`] of a text's bytes.
fn parse_uuid_bytes(bytes: &[u8]) -> Option<[u8; 16]> {
    let bytes: &[u8; 36] = bytes.try_into().ok()?;
    if bytes[8] != b'-' || bytes[13] != b'-' || bytes[18] != b'-' || bytes[23] != b'-' {
        return None;
    }
    let mut out = [0u8; 16];
    // Digits are looked up without a branch each; a character that is not one sets
    // a high bit, checked once at the end.
    let mut not_hex = 0u8;
    let digit = |at: usize| {
        let b = bytes.get(at).copied().unwrap_or(0);
        HEX_VALUES.get(usize::from(b)).copied().unwrap_or(0xff)
    };
    for (slot, &at) in out.iter_mut().zip(UUID_DIGITS_AT.iter()) {
        let (hi, lo) = (digit(at), digit(at + 1));
        not_hex |= hi | lo;
        *slot = (hi << 4) | (lo & 15);
    }
    (not_hex < 16).then_some(out)
}

/// Each byte's value as a lower-case hex digit; 0xff for any other byte.
#[allow(clippy::indexing_slicing)] // indexed at compile time: nothing to panic at run time
const HEX_VALUES: [u8; 256] = {
    let mut values = [0xffu8; 256];
    let mut d = 0;
    while d < 10 {
        values[b'0' as usize + d] = d as u8;
        d += 1;
    }
    let mut d = 0;
    while d < 6 {
        values[b'a' as usize + d] = 10 + d as u8;
        d += 1;
    }
    values
};

/// A uuid's 36 characters: lower-case hex with dashes.
fn uuid_ascii(bytes: &[u8; 16]) -> [u8; 36] {
    let mut text = [b'-'; 36];
    for (&b, &at) in bytes.iter().zip(UUID_DIGITS_AT.iter()) {
        if let (Some(pair), Some(digits)) =
            (text.get_mut(at..at + 2), HEX_PAIRS.get(usize::from(b)))
        {
            pair.copy_from_slice(digits);
        }
    }
    text
}

/// Each byte's two lower-case hex digits (indexed at compile time: nothing to panic at run time).
#[allow(clippy::indexing_slicing)]
const HEX_PAIRS: [[u8; 2]; 256] = {
    let digits = b"0123456789abcdef";
    let mut pairs = [[0u8; 2]; 256];
    let mut b = 0;
    while b < 256 {
        pairs[b] = [digits[b >> 4], digits[b & 15]];
        b += 1;
    }
    pairs
};

impl Id {
    /// The id of a text.
    pub fn new(text: &str) -> Id {
        match parse_uuid(text) {
            Some(bytes) => Id::Uuid(bytes),
            None => Id::Text(text.into()),
        }
    }

    /// Whether this is the id written as `text`.
    pub fn is(&self, text: &str) -> bool {
        match self {
            Id::Uuid(bytes) => parse_uuid(text).is_some_and(|b| b == *bytes),
            Id::Text(own) => **own == *text,
        }
    }

    /// A 64-bit digest of the id, for maps that key by it and check the id on a hit.
    pub fn digest(&self) -> u64 {
        use std::hash::BuildHasher;
        std::hash::BuildHasherDefault::<crate::core::hash::FastHasher>::default().hash_one(self)
    }

    /// The id as text, written without the formatting machinery (ids are printed
    /// by the thousand for query answers and columns).
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.push_to(&mut out);
        out
    }

    /// Appends the id's text to `out`.
    pub fn push_to(&self, out: &mut String) {
        match self {
            Id::Uuid(bytes) => {
                out.push_str(std::str::from_utf8(&uuid_ascii(bytes)).unwrap_or_default())
            }
            Id::Text(text) => out.push_str(text),
        }
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Id::Uuid(bytes) => {
                f.write_str(std::str::from_utf8(&uuid_ascii(bytes)).unwrap_or_default())
            }
            Id::Text(text) => f.write_str(text),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        struct Text;
        impl Visitor<'_> for Text {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an id")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
                Ok(Id::new(v))
            }
        }
        d.deserialize_str(Text)
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Id::Uuid(bytes) => {
                s.serialize_str(std::str::from_utf8(&uuid_ascii(bytes)).unwrap_or_default())
            }
            Id::Text(text) => s.serialize_str(text),
        }
    }
}

// ----- stamps -----

const DAY_US: i64 = 86_400_000_000;
/// No stamp (null).
const STYLE_NONE: u8 = 0xFF;
/// A stamp kept as text: `micros` is its place in the record's `texts`.
const STYLE_TEXT: u8 = 0xFE;
/// A date without a time.
const STYLE_DATE: u8 = 7;

/// A stamp as microseconds since the epoch, with the form it was written in:
/// the low 3 bits are the fraction's digits (0 to 6; 7: a date alone), the next
/// two the suffix (0 `Z`, 1 `+00:00`, 2 none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    micros: i64,
    style: u8,
}

impl Stamp {
    const NONE: Stamp = Stamp {
        micros: 0,
        style: STYLE_NONE,
    };

    /// Whether a stamp is present.
    pub fn is_some(self) -> bool {
        self.style != STYLE_NONE
    }
}

fn digits_at(b: &[u8], from: usize, count: usize) -> Option<i64> {
    let mut v = 0i64;
    for i in from..from + count {
        let d = *b.get(i)?;
        if !d.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(d - b'0');
    }
    Some(v)
}

/// Reads `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS[.f{1,6}]` followed by `Z`,
/// `+00:00` or nothing: the forms that print back exactly from microseconds.
fn parse_stamp(text: &str) -> Option<Stamp> {
    let b = text.as_bytes();
    let year = digits_at(b, 0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = u32::try_from(digits_at(b, 5, 2)?).ok()?;
    let day = u32::try_from(digits_at(b, 8, 2)?).ok()?;
    if !(1..=12).contains(&month) || day == 0 || day > time::days_in_month(year, month) {
        return None;
    }
    let days = time::days_from_civil(year, month, day);
    if b.len() == 10 {
        return Some(Stamp {
            micros: days * DAY_US,
            style: STYLE_DATE,
        });
    }
    if b.get(10) != Some(&b'T') || b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return None;
    }
    let (h, m, s) = (
        digits_at(b, 11, 2)?,
        digits_at(b, 14, 2)?,
        digits_at(b, 17, 2)?,
    );
    if h > 23 || m > 59 || s > 59 {
        return None;
    }
    let mut micros = days * DAY_US + (h * 3600 + m * 60 + s) * 1_000_000;
    let mut at = 19;
    let mut frac_digits = 0u8;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let mut frac = 0i64;
        while let Some(d) = b.get(at).filter(|d| d.is_ascii_digit()) {
            if frac_digits == 6 {
                return None;
            }
            frac = frac * 10 + i64::from(d - b'0');
            frac_digits += 1;
            at += 1;
        }
        if frac_digits == 0 {
            return None;
        }
        micros += frac * 10i64.pow(6 - u32::from(frac_digits));
    }
    let suffix = match b.get(at..) {
        Some(b"Z") => 0,
        Some(b"+00:00") => 1,
        Some(b"") => 2,
        _ => return None,
    };
    Some(Stamp {
        micros,
        style: frac_digits | (suffix << 3),
    })
}

fn push_digits(out: &mut String, value: i64, width: usize) {
    let _ = write!(out, "{value:0width$}");
}

fn write_stamp(stamp: Stamp, out: &mut String) {
    let days = stamp.micros.div_euclid(DAY_US);
    let rest = stamp.micros.rem_euclid(DAY_US);
    let (y, m, d) = time::civil_from_days(days);
    push_digits(out, y, 4);
    out.push('-');
    push_digits(out, i64::from(m), 2);
    out.push('-');
    push_digits(out, i64::from(d), 2);
    let digits = stamp.style & 7;
    if digits == STYLE_DATE {
        return;
    }
    let secs = rest / 1_000_000;
    out.push('T');
    push_digits(out, secs / 3600, 2);
    out.push(':');
    push_digits(out, secs / 60 % 60, 2);
    out.push(':');
    push_digits(out, secs % 60, 2);
    if digits > 0 {
        out.push('.');
        let frac = rest % 1_000_000 / 10i64.pow(6 - u32::from(digits));
        push_digits(out, frac, usize::from(digits));
    }
    match stamp.style >> 3 {
        0 => out.push('Z'),
        1 => out.push_str("+00:00"),
        _ => {}
    }
}

// ----- contents -----

/// The longest text held inline in a [`Content`].
const SHORT: usize = 14;

/// A value's content: any JSON value, held compactly.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer that fits an `i64`.
    Int(i64),
    /// Any other finite number.
    Float(f64),
    /// A text of at most 14 bytes, inline.
    Short {
        /// How many bytes of `bytes` are used.
        len: u8,
        /// The text's UTF-8 bytes.
        bytes: [u8; SHORT],
    },
    /// A longer text.
    Text(Box<str>),
    /// A list.
    List(Box<[Content]>),
    /// An object, or an integer beyond `i64`: kept as JSON.
    Json(Box<Value>),
}

impl Content {
    /// The content of a text.
    pub fn text(text: &str) -> Content {
        let len = text.len();
        if len <= SHORT {
            let mut bytes = [0u8; SHORT];
            if let Some(place) = bytes.get_mut(..len) {
                place.copy_from_slice(text.as_bytes());
                return Content::Short {
                    len: len as u8,
                    bytes,
                };
            }
        }
        Content::Text(text.into())
    }

    /// The content of a JSON value.
    pub fn from_value(value: &Value) -> Content {
        match value {
            Value::Null => Content::Null,
            Value::Bool(b) => Content::Bool(*b),
            Value::Number(n) => number_content(n),
            Value::String(s) => Content::text(s),
            Value::Array(items) => Content::List(items.iter().map(Content::from_value).collect()),
            Value::Object(_) => Content::Json(Box::new(value.clone())),
        }
    }

    /// The text, if the content is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Content::Short { len, bytes } => bytes
                .get(..usize::from(*len))
                .and_then(|b| std::str::from_utf8(b).ok()),
            Content::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The content as a JSON value.
    pub fn to_value(&self) -> Value {
        match self {
            Content::Null => Value::Null,
            Content::Bool(b) => Value::Bool(*b),
            Content::Int(i) => Value::from(*i),
            Content::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
            }
            Content::Short { .. } | Content::Text(_) => {
                Value::String(self.as_str().unwrap_or_default().to_string())
            }
            Content::List(items) => Value::Array(items.iter().map(Content::to_value).collect()),
            Content::Json(v) => (**v).clone(),
        }
    }
}

fn number_content(n: &serde_json::Number) -> Content {
    if let Some(i) = n.as_i64() {
        Content::Int(i)
    } else if n.is_f64() {
        n.as_f64().map_or(Content::Null, Content::Float)
    } else {
        Content::Json(Box::new(Value::Number(n.clone())))
    }
}

impl FieldValue for Content {
    fn view(&self) -> View<'_, Content> {
        match self {
            Content::Null => View::Null,
            Content::Bool(b) => View::Bool(*b),
            Content::Int(i) => View::Number((*i).into()),
            Content::Float(f) => serde_json::Number::from_f64(*f).map_or(View::Null, View::Number),
            Content::Short { .. } | Content::Text(_) => {
                View::Str(self.as_str().unwrap_or_default())
            }
            Content::List(items) => View::List(items),
            Content::Json(v) => match &**v {
                Value::Object(map) => View::Object(map),
                Value::Number(n) => View::Number(n.clone()),
                // The decoder puts only objects and big integers here.
                _ => View::Null,
            },
        }
    }

    fn json_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Serialize for Content {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Content::Null => s.serialize_unit(),
            Content::Bool(b) => s.serialize_bool(*b),
            Content::Int(i) => s.serialize_i64(*i),
            Content::Float(f) => s.serialize_f64(*f),
            Content::Short { .. } | Content::Text(_) => {
                s.serialize_str(self.as_str().unwrap_or_default())
            }
            Content::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items.iter() {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Content::Json(v) => v.serialize(s),
        }
    }
}

struct ContentSeed;

impl<'de> DeserializeSeed<'de> for ContentSeed {
    type Value = Content;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Content, D::Error> {
        d.deserialize_any(ContentVisitor)
    }
}

struct ContentVisitor;

impl<'de> Visitor<'de> for ContentVisitor {
    type Value = Content;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Content, E> {
        Ok(Content::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Content, E> {
        Ok(Content::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Content, E> {
        Ok(match i64::try_from(v) {
            Ok(i) => Content::Int(i),
            Err(_) => Content::Json(Box::new(Value::from(v))),
        })
    }
    fn visit_f64<E>(self, v: f64) -> Result<Content, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Content::Null, |_| Content::Float(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Content, E> {
        Ok(Content::text(v))
    }
    fn visit_unit<E>(self) -> Result<Content, E> {
        Ok(Content::Null)
    }
    fn visit_none<E>(self) -> Result<Content, E> {
        Ok(Content::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Content, D::Error> {
        ContentSeed.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Content, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(ContentSeed)? {
            items.push(item);
        }
        Ok(Content::List(items.into_boxed_slice()))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Content, A::Error> {
        let value = Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(Content::Json(Box::new(value)))
    }
}

use serde::Deserialize as _;

// ----- records -----

/// Who a value was written on: no record (a key value), the record itself, or a
/// place in the record's `ids`.
const OWNER_NONE: u16 = u16::MAX;
const OWNER_SELF: u16 = u16::MAX - 1;

/// One value of a record: 48 bytes in wasm32.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredValue {
    /// The uuid's bytes; for an id that is no canonical uuid, its place in the
    /// record's `texts` (the first four bytes, little-endian).
    id: [u8; 16],
    /// The content.
    pub content: Content,
    created: i64,
    /// The activity it was written in, or `NO_SYM`.
    pub operation: Sym,
    owner: u16,
    created_style: u8,
    /// [`ID_IS_TEXT`] and the state of `record_view_id` ([`VIEW_MASK`]).
    flags: u8,
}

/// In [`StoredValue::flags`]: the id is text, kept among the record's `texts`.
const ID_IS_TEXT: u8 = 1;
/// In [`StoredValue::flags`]: how the value's `record_view_id` travelled.
const VIEW_MASK: u8 = 0b110;
/// The wire left `record_view_id` out.
const VIEW_ABSENT: u8 = 0;
/// `record_view_id` was null.
const VIEW_NULL: u8 = 0b010;
/// `record_view_id` names a view, kept in the record's `views`.
const VIEW_SET: u8 = 0b100;

impl StoredValue {
    fn stamp(&self) -> Stamp {
        Stamp {
            micros: self.created,
            style: self.created_style,
        }
    }

    fn id_is_text(&self) -> bool {
        self.flags & ID_IS_TEXT != 0
    }

    fn view_state(&self) -> u8 {
        self.flags & VIEW_MASK
    }

    fn text_place(&self) -> usize {
        let [a, b, c, d, ..] = self.id;
        u32::from_le_bytes([a, b, c, d]) as usize
    }
}

/// One field's values in a record: `values[start..start + len]`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Group {
    field: Sym,
    start: u32,
    len: u32,
    /// The value shown by default (the newest own or key value), as a place in `values`.
    current: u32,
}

const NO_VALUE: u32 = u32::MAX;

/// A cached record, compact. Ids of fields, activities and the entity slice
/// are [`Sym`]s of the store's [`Symbols`].
#[derive(Debug, Clone, PartialEq)]
pub struct CompactRecord {
    id: Id,
    created_micros: i64,
    created_style: u8,
    slice: Sym,
    initial_operation: Sym,
    /// `record_identifier`; `None` when the server left it out.
    identifier: Option<Box<str>>,
    groups: Box<[Group]>,
    values: Box<[StoredValue]>,
    /// `identifier_ids`, then `sub_record_ids`, then other owners of values.
    ids: Box<[Id]>,
    identifier_count: u32,
    sub_count: u32,
    /// What few records need: texts and record views.
    rare: Option<Box<Rare>>,
}

/// The parts of a record most records leave empty, behind one pointer.
#[derive(Debug, Clone, PartialEq)]
struct Rare {
    /// Stamps that are not in a form printed back exactly, and ids that are not uuids.
    texts: Box<[Box<str>]>,
    /// The record views values were written to: (place in `values`, view), by place.
    views: Box<[(u32, Sym)]>,
}

/// Which values of a field to consider: the store's form of `select::ValueScope`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope<'a> {
    /// Keep only values written in this activity (plus key values).
    pub activity: Option<Sym>,
    /// Also consider values written on sub-records.
    pub include_sub_record_values: bool,
    /// Keep only values written on this sub-record.
    pub sub_record_id: Option<&'a str>,
}

impl CompactRecord {
    fn created(&self) -> Stamp {
        Stamp {
            micros: self.created_micros,
            style: self.created_style,
        }
    }

    fn texts(&self) -> &[Box<str>] {
        self.rare.as_deref().map_or(&[], |r| &r.texts)
    }

    fn views(&self) -> &[(u32, Sym)] {
        self.rare.as_deref().map_or(&[], |r| &r.views)
    }

    /// The record's uuid.
    pub fn id(&self) -> &Id {
        &self.id
    }

    /// The record's uuid as text.
    pub fn id_string(&self) -> String {
        self.id.text()
    }

    /// Human-readable name, e.g. `CMP-0042`; `None` when the server left it out.
    pub fn identifier(&self) -> Option<&str> {
        self.identifier.as_deref()
    }

    /// The entity slice's symbol ([`NO_SYM`] when the server left it out).
    pub fn slice(&self) -> Sym {
        self.slice
    }

    /// The creation stamp, as microseconds (the order of the cache's rows).
    pub fn created_micros(&self) -> i64 {
        self.stamp_key(self.created())
    }

    /// The creation stamp as written; `None` when the server left it out.
    pub fn created_at(&self) -> Option<String> {
        self.stamp_text(self.created())
    }

    /// The activity the record was created in.
    pub fn initial_operation(&self) -> Sym {
        self.initial_operation
    }

    /// Ids of the values that hold the record's key values.
    pub fn identifier_ids(&self) -> &[Id] {
        self.ids
            .get(..self.identifier_count as usize)
            .unwrap_or_default()
    }

    /// Ids of the record's sub-records.
    pub fn sub_record_ids(&self) -> &[Id] {
        let from = self.identifier_count as usize;
        self.ids
            .get(from..from + self.sub_count as usize)
            .unwrap_or_default()
    }

    /// The fields the record holds values for, in the order received.
    pub fn fields(&self) -> impl Iterator<Item = Sym> + '_ {
        self.groups.iter().map(|g| g.field)
    }

    fn group(&self, field: Sym) -> Option<&Group> {
        self.groups.iter().find(|g| g.field == field)
    }

    /// Every value of a field.
    pub fn values_of(&self, field: Sym) -> &[StoredValue] {
        self.group(field)
            .and_then(|g| {
                self.values
                    .get(g.start as usize..(g.start + g.len) as usize)
            })
            .unwrap_or_default()
    }

    /// The value a field shows by default (`getValueContent` without options).
    pub fn current(&self, field: Sym) -> Option<&StoredValue> {
        let group = self.group(field)?;
        self.values.get(group.current as usize)
    }

    /// The current value of each field that has one.
    pub fn current_values(&self) -> impl Iterator<Item = &StoredValue> + '_ {
        self.groups
            .iter()
            .filter_map(|g| self.values.get(g.current as usize))
    }

    /// Each field that has a current value, with it.
    pub fn current_by_field(&self) -> impl Iterator<Item = (Sym, &StoredValue)> + '_ {
        self.groups
            .iter()
            .filter_map(|g| Some((g.field, self.values.get(g.current as usize)?)))
    }

    /// When a value was written, in UTC milliseconds.
    pub fn written_ms(&self, value: &StoredValue) -> Option<i64> {
        match value.created_style {
            STYLE_NONE => None,
            STYLE_TEXT => self
                .texts()
                .get(value.created as usize)
                .and_then(|t| time::parse_iso(t)),
            _ => Some(value.created.div_euclid(1000)),
        }
    }

    /// The stamp as written, or `None` for null.
    fn stamp_text(&self, stamp: Stamp) -> Option<String> {
        match stamp.style {
            STYLE_NONE => None,
            STYLE_TEXT => Some(
                self.texts()
                    .get(stamp.micros as usize)
                    .map(|t| t.to_string())
                    .unwrap_or_default(),
            ),
            _ => {
                let mut out = String::with_capacity(27);
                write_stamp(stamp, &mut out);
                Some(out)
            }
        }
    }

    /// A stamp as a number that orders stamps in time (`i64::MIN` for text that is no date).
    fn stamp_key(&self, stamp: Stamp) -> i64 {
        match stamp.style {
            STYLE_NONE => i64::MIN,
            STYLE_TEXT => self
                .texts()
                .get(stamp.micros as usize)
                .and_then(|t| time::parse_iso_micros(t))
                .unwrap_or(i64::MIN),
            _ => stamp.micros,
        }
    }

    /// Orders two values' stamps exactly as `select::compare_created` orders
    /// their texts; a missing stamp is the oldest.
    fn compare_written(&self, a: &StoredValue, b: &StoredValue) -> Ordering {
        let (x, y) = (a.stamp(), b.stamp());
        match (x.is_some(), y.is_some()) {
            (false, false) => Ordering::Equal,
            (false, true) => Ordering::Less,
            (true, false) => Ordering::Greater,
            // Parsed stamps are exact UTC microseconds, whatever form they were written in.
            (true, true) if x.style != STYLE_TEXT && y.style != STYLE_TEXT => {
                x.micros.cmp(&y.micros)
            }
            (true, true) => crate::core::select::compare_created(
                self.stamp_text(x).as_deref(),
                self.stamp_text(y).as_deref(),
            ),
        }
    }

    fn owner_is(&self, value: &StoredValue, id: &str) -> bool {
        match value.owner {
            OWNER_NONE => false,
            OWNER_SELF => self.id.is(id),
            at => self.ids.get(usize::from(at)).is_some_and(|o| o.is(id)),
        }
    }

    /// A value's id.
    pub fn value_id(&self, value: &StoredValue) -> Id {
        if value.id_is_text() {
            Id::Text(self.value_id_text(value).into())
        } else {
            Id::Uuid(value.id)
        }
    }

    fn value_id_text(&self, value: &StoredValue) -> &str {
        self.texts().get(value.text_place()).map_or("", |t| t)
    }

    /// Whether a value's id is `id`.
    pub fn value_id_is(&self, value: &StoredValue, id: &Id) -> bool {
        match (value.id_is_text(), id) {
            (false, Id::Uuid(bytes)) => value.id == *bytes,
            (true, Id::Text(text)) => self.value_id_text(value) == &**text,
            _ => false,
        }
    }

    /// The record view a value was written to (`None` for null or absent).
    pub fn record_view(&self, value: &StoredValue) -> Option<Sym> {
        if value.view_state() != VIEW_SET {
            return None;
        }
        let place = self.values.iter().position(|v| std::ptr::eq(v, value))? as u32;
        self.views()
            .binary_search_by_key(&place, |(at, _)| *at)
            .ok()
            .and_then(|i| self.views().get(i))
            .map(|(_, view)| *view)
    }

    /// The value a field shows in a scope: the newest by `created_at` (the first
    /// listed wins a tie), the rules of `select::latest_of`.
    pub fn latest(&self, field: Sym, scope: Scope<'_>) -> Option<&StoredValue> {
        self.latest_in_view(field, scope, None)
    }

    /// [`CompactRecord::latest`] among the values written to the record view
    /// `record_view` when one is asked (key values and values of no view are left
    /// out, as `select::ValueScope::record_view_id` leaves them out).
    pub fn latest_in_view(
        &self,
        field: Sym,
        scope: Scope<'_>,
        record_view: Option<Sym>,
    ) -> Option<&StoredValue> {
        if scope.activity.is_none()
            && !scope.include_sub_record_values
            && scope.sub_record_id.is_none()
            && record_view.is_none()
        {
            return self.current(field);
        }
        self.latest_among(self.values_of(field), scope, record_view)
    }

    fn latest_among<'r>(
        &'r self,
        values: &'r [StoredValue],
        scope: Scope<'_>,
        record_view: Option<Sym>,
    ) -> Option<&'r StoredValue> {
        let mut best: Option<&StoredValue> = None;
        for value in values {
            let owned = value.owner != OWNER_NONE;
            if let Some(activity) = scope.activity {
                if value.operation != activity && owned {
                    continue;
                }
            }
            // A sub-record asked for selects its values alone (kalbio 0.7.0; 0.5.0
            // kept the record's own values first and so answered nothing).
            if !scope.include_sub_record_values
                && scope.sub_record_id.is_none()
                && owned
                && value.owner != OWNER_SELF
            {
                continue;
            }
            if let Some(sub) = scope.sub_record_id {
                if !self.owner_is(value, sub) {
                    continue;
                }
            }
            if record_view.is_some() && self.record_view(value) != record_view {
                continue;
            }
            let newer = best.is_none_or(|b| self.compare_written(value, b) == Ordering::Greater);
            if newer {
                best = Some(value);
            }
        }
        best
    }

    /// The record's key values as (field, content) pairs: for each field, its first
    /// value that is one of the identifier values.
    pub fn key_pairs<'s>(&self, symbols: &'s Symbols) -> Vec<(&'s str, &Content)> {
        let identifiers = self.identifier_ids();
        // As kalbio 0.7.0 builds its key index: the field's first value that is one
        // of the identifier values, wherever it sits in the list.
        self.groups
            .iter()
            .filter_map(|g| {
                let values = self
                    .values
                    .get(g.start as usize..(g.start + g.len) as usize)?;
                let key = values
                    .iter()
                    .find(|v| identifiers.iter().any(|i| self.value_id_is(v, i)))?;
                Some((symbols.name(g.field), &key.content))
            })
            .collect()
    }

    /// An estimate of the bytes the record holds on the heap, for tests and figures.
    pub fn heap_bytes(&self) -> usize {
        let content = |c: &Content| match c {
            Content::Text(t) => t.len(),
            Content::List(items) => items.len() * std::mem::size_of::<Content>(),
            Content::Json(_) => 64,
            _ => 0,
        };
        std::mem::size_of::<CompactRecord>()
            + self.identifier.as_deref().map_or(0, str::len)
            + self.groups.len() * std::mem::size_of::<Group>()
            + self.values.len() * std::mem::size_of::<StoredValue>()
            + self
                .values
                .iter()
                .map(|v| content(&v.content))
                .sum::<usize>()
            + self.ids.len() * std::mem::size_of::<Id>()
            + std::mem::size_of_val(self.views())
    }
}

// ----- printing the wire shape -----

/// A record with the symbols that name its ids: serializes to exactly the wire shape.
pub struct RecordJson<'a> {
    /// The record.
    pub record: &'a CompactRecord,
    /// The symbols of the store it came from.
    pub symbols: &'a Symbols,
}

struct Stamped<'a>(&'a CompactRecord, Stamp);

impl Serialize for Stamped<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.stamp_text(self.1) {
            Some(text) => s.serialize_str(&text),
            None => s.serialize_unit(),
        }
    }
}

struct OptionalSym<'a>(&'a Symbols, Sym);

impl Serialize for OptionalSym<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.optional(self.1) {
            Some(name) => s.serialize_str(name),
            None => s.serialize_unit(),
        }
    }
}

/// One value in its wire shape.
pub struct ValueJson<'a> {
    record: &'a CompactRecord,
    value: &'a StoredValue,
    symbols: &'a Symbols,
}

impl<'a> ValueJson<'a> {
    /// A value of `record`, printable as the wire's `RecordValue`.
    pub fn new(record: &'a CompactRecord, value: &'a StoredValue, symbols: &'a Symbols) -> Self {
        ValueJson {
            record,
            value,
            symbols,
        }
    }
}

struct Owner<'a>(&'a CompactRecord, u16);

impl Serialize for Owner<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.1 {
            OWNER_NONE => s.serialize_unit(),
            OWNER_SELF => self.0.id.serialize(s),
            at => match self.0.ids.get(usize::from(at)) {
                Some(id) => id.serialize(s),
                None => s.serialize_unit(),
            },
        }
    }
}

struct ValueIdJson<'a>(&'a CompactRecord, &'a StoredValue);

impl Serialize for ValueIdJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.1.id_is_text() {
            s.serialize_str(self.0.value_id_text(self.1))
        } else {
            Id::Uuid(self.1.id).serialize(s)
        }
    }
}

/// A value's `record_view_id`: null, or the view's id.
struct ViewJson<'a>(&'a CompactRecord, &'a StoredValue, &'a Symbols);

impl Serialize for ViewJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.record_view(self.1) {
            Some(view) => s.serialize_str(self.2.name(view)),
            None => s.serialize_unit(),
        }
    }
}

impl Serialize for ValueJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = self.value;
        let with_view = v.view_state() != VIEW_ABSENT;
        let mut out = s.serialize_struct("RecordValue", 5 + usize::from(with_view))?;
        out.serialize_field("id", &ValueIdJson(self.record, v))?;
        out.serialize_field("content", &v.content)?;
        out.serialize_field("created_at", &Stamped(self.record, v.stamp()))?;
        out.serialize_field("record_id", &Owner(self.record, v.owner))?;
        out.serialize_field("operation_id", &OptionalSym(self.symbols, v.operation))?;
        if with_view {
            out.serialize_field("record_view_id", &ViewJson(self.record, v, self.symbols))?;
        }
        out.end()
    }
}

/// A record's `record_values` in the wire shape.
pub struct ValuesJson<'a>(pub &'a CompactRecord, pub &'a Symbols);

impl Serialize for ValuesJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let record = self.0;
        let mut map = s.serialize_map(Some(record.groups.len()))?;
        for g in record.groups.iter() {
            let values = record
                .values
                .get(g.start as usize..(g.start + g.len) as usize)
                .unwrap_or_default();
            map.serialize_entry(self.1.name(g.field), &ValueList(record, values, self.1))?;
        }
        map.end()
    }
}

struct ValueList<'a>(&'a CompactRecord, &'a [StoredValue], &'a Symbols);

impl Serialize for ValueList<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for value in self.1 {
            seq.serialize_element(&ValueJson::new(self.0, value, self.2))?;
        }
        seq.end()
    }
}

impl Serialize for RecordJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.record;
        let mut out = s.serialize_struct("Record", 8)?;
        out.serialize_field("id", &r.id)?;
        out.serialize_field("created_at", &Stamped(r, r.created()))?;
        out.serialize_field("entity_slice_id", &OptionalSym(self.symbols, r.slice))?;
        out.serialize_field("identifier_ids", r.identifier_ids())?;
        out.serialize_field("record_identifier", &r.identifier)?;
        out.serialize_field("record_values", &ValuesJson(r, self.symbols))?;
        out.serialize_field(
            "initial_operation_id",
            &OptionalSym(self.symbols, r.initial_operation),
        )?;
        out.serialize_field("sub_record_ids", r.sub_record_ids())?;
        out.end()
    }
}

// ----- decoding -----

/// Reusable lists for decoding, so that a record's parts are allocated once at their exact size.
#[derive(Default)]
struct Scratch {
    groups: Vec<Group>,
    values: Vec<StoredValue>,
    owners: Vec<Id>,
    texts: Vec<Box<str>>,
}

/// Decodes records straight into their compact form.
pub struct Decoder<'s> {
    symbols: &'s mut Symbols,
    scratch: Scratch,
}

impl<'s> Decoder<'s> {
    /// A decoder interning into `symbols`.
    pub fn new(symbols: &'s mut Symbols) -> Self {
        Decoder {
            symbols,
            scratch: Scratch::default(),
        }
    }

    /// One record from JSON bytes.
    pub fn record(&mut self, bytes: &[u8]) -> Result<CompactRecord, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(utf8(bytes)?);
        let record = RecordSeed(self).deserialize(&mut de)?;
        de.end()?;
        Ok(record)
    }

    /// A JSON list of records from bytes.
    pub fn records(&mut self, bytes: &[u8]) -> Result<Vec<CompactRecord>, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(utf8(bytes)?);
        let list = ListSeed(self).deserialize(&mut de)?;
        de.end()?;
        Ok(list)
    }

    /// The answer of `GET /records/identifiers`: `[{ "record": Record }, …]`.
    pub fn identified_records(
        &mut self,
        bytes: &[u8],
    ) -> Result<Vec<CompactRecord>, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(utf8(bytes)?);
        let list = IdentifiedSeed(self).deserialize(&mut de)?;
        de.end()?;
        Ok(list)
    }
}

/// A value from a JSON body, read the way the record decoder reads records (the
/// text checked once, then serde_json's `StrRead`), so that the package holds
/// one instantiation of serde_json's parser instead of one per reader.
pub fn from_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_str(utf8(bytes)?)
}

/// The body as text, checked once: the decoder then reads its strings without
/// checking each again.
fn utf8(bytes: &[u8]) -> Result<&str, serde_json::Error> {
    std::str::from_utf8(bytes).map_err(|e| {
        <serde_json::Error as serde::de::Error>::custom(format!(
            "invalid UTF-8 at byte {}",
            e.valid_up_to()
        ))
    })
}

/// Decodes a JSON list of records from bytes, interning into `symbols`.
pub fn decode_records(
    bytes: &[u8],
    symbols: &mut Symbols,
) -> Result<Vec<CompactRecord>, serde_json::Error> {
    Decoder::new(symbols).records(bytes)
}

struct ListSeed<'d, 's>(&'d mut Decoder<'s>);

impl<'de> DeserializeSeed<'de> for ListSeed<'_, '_> {
    type Value = Vec<CompactRecord>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ListSeed<'_, '_> {
    type Value = Vec<CompactRecord>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(record) = seq.next_element_seed(RecordSeed(self.0))? {
            out.push(record);
        }
        Ok(out)
    }
}

struct IdentifiedSeed<'d, 's>(&'d mut Decoder<'s>);

impl<'de> DeserializeSeed<'de> for IdentifiedSeed<'_, '_> {
    type Value = Vec<CompactRecord>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for IdentifiedSeed<'_, '_> {
    type Value = Vec<CompactRecord>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of { record }")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(record) = seq.next_element_seed(WrapperSeed(&mut *self.0))? {
            out.push(record);
        }
        Ok(out)
    }
}

/// `{ "record": Record }`.
struct WrapperSeed<'d, 's>(&'d mut Decoder<'s>);

impl<'de> DeserializeSeed<'de> for WrapperSeed<'_, '_> {
    type Value = CompactRecord;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<CompactRecord, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for WrapperSeed<'_, '_> {
    type Value = CompactRecord;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct IdentifiedRecord")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CompactRecord, A::Error> {
        let mut record = None;
        while let Some(key) = map.next_key::<Text<'de>>()? {
            if key.0 == "record" {
                if record.is_some() {
                    return Err(duplicate("record"));
                }
                record = Some(map.next_value_seed(RecordSeed(&mut *self.0))?);
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        record.ok_or_else(|| de::Error::missing_field("record"))
    }
}

/// A string, borrowed from the input when it has no escapes.
struct Text<'de>(std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(std::borrow::Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(std::borrow::Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Where each element of a JSON array lies in `bytes` (start, end), found by
/// following strings and nesting without decoding anything, so that a long list
/// can be decoded a few elements at a time. `None` when the text is not one
/// array; an element that is not valid JSON is left for its decoder to refuse.
pub fn array_elements(bytes: &[u8]) -> Option<Vec<(usize, usize)>> {
    let blank = |b: &u8| matches!(b, b' ' | b'\n' | b'\r' | b'\t');
    let mut at = bytes.iter().position(|b| !blank(b))?;
    if bytes.get(at) != Some(&b'[') {
        return None;
    }
    at += 1;
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, None);
    while let Some(&b) = bytes.get(at) {
        match b {
            b'"' => {
                start.get_or_insert(at);
                // To the closing quote, over escaped characters: a string's plain
                // run is skipped in one tight loop (most of a list's bytes are uuids).
                at += 1;
                loop {
                    let run = bytes.get(at..)?;
                    at += run.iter().position(|&c| c == b'"' || c == b'\\')?;
                    match bytes.get(at)? {
                        b'\\' => at += 2,
                        _ => break,
                    }
                }
            }
            b'{' | b'[' => {
                start.get_or_insert(at);
                depth += 1;
            }
            b'}' | b']' if depth > 0 => depth -= 1,
            b']' => {
                match start {
                    Some(from) => out.push((from, at)),
                    // `[1,]`: a comma with no element after it.
                    None if !out.is_empty() => return None,
                    None => {}
                }
                let rest = bytes.get(at + 1..)?;
                return rest.iter().all(blank).then_some(out);
            }
            b',' if depth == 0 => {
                out.push((start?, at));
                start = None;
            }
            b if blank(&b) => {}
            _ => {
                start.get_or_insert(at);
            }
        }
        at += 1;
    }
    None
}

/// The length of a canonical uuid's text.
pub const UUID_LEN: usize = 36;

/// Ids of [`UUID_LEN`] ASCII characters each, written one after the other (the
/// text JavaScript joins them into), read without a string per id; `None` when
/// the text is not such a run (another length, or a character beyond ASCII).
pub fn id_list_from_joined(text: &str) -> Option<Vec<Id>> {
    if !text.is_ascii() || text.len() % UUID_LEN != 0 {
        return None;
    }
    let mut ids = Vec::with_capacity(text.len() / UUID_LEN);
    for chunk in text.as_bytes().chunks(UUID_LEN) {
        ids.push(match parse_uuid_bytes(chunk) {
            Some(uuid) => Id::Uuid(uuid),
            None => Id::Text(std::str::from_utf8(chunk).ok()?.into()),
        });
    }
    Some(ids)
}

/// A list of ids.
struct IdList;

impl<'de> DeserializeSeed<'de> for IdList {
    type Value = Vec<Id>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Id>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for IdList {
    type Value = Vec<Id>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Id>, A::Error> {
        let mut out = Vec::new();
        while let Some(text) = seq.next_element::<Text<'de>>()? {
            out.push(Id::new(&text.0));
        }
        Ok(out)
    }
}

/// The fields of a record or a value on the wire.
#[derive(Clone, Copy)]
enum Key {
    Id,
    CreatedAt,
    EntitySliceId,
    IdentifierIds,
    RecordIdentifier,
    RecordValues,
    InitialOperationId,
    SubRecordIds,
    Content,
    RecordId,
    OperationId,
    RecordViewId,
    Other,
}

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E>(self, v: &str) -> Result<Key, E> {
                Ok(match v {
                    "id" => Key::Id,
                    "created_at" => Key::CreatedAt,
                    "entity_slice_id" => Key::EntitySliceId,
                    "identifier_ids" => Key::IdentifierIds,
                    "record_identifier" => Key::RecordIdentifier,
                    "record_values" => Key::RecordValues,
                    "initial_operation_id" => Key::InitialOperationId,
                    "sub_record_ids" => Key::SubRecordIds,
                    "content" => Key::Content,
                    "record_id" => Key::RecordId,
                    "operation_id" => Key::OperationId,
                    "record_view_id" => Key::RecordViewId,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_identifier(V)
    }
}

struct RecordSeed<'d, 's>(&'d mut Decoder<'s>);

impl<'de> DeserializeSeed<'de> for RecordSeed<'_, '_> {
    type Value = CompactRecord;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<CompactRecord, D::Error> {
        d.deserialize_struct("Record", &[], self)
    }
}

/// A value as read, before its owner is placed among the record's ids.
struct RawValue<'de> {
    id: Id,
    content: Content,
    created: Option<Text<'de>>,
    owner: Option<Text<'de>>,
    operation: Sym,
    /// `None` when absent, `Some(NO_SYM)` for null.
    view: Option<Sym>,
}

fn duplicate<E: de::Error>(name: &'static str) -> E {
    E::duplicate_field(name)
}

impl<'de> Visitor<'de> for RecordSeed<'_, '_> {
    type Value = CompactRecord;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct Record")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CompactRecord, A::Error> {
        let decoder = self.0;
        let mut id: Option<Text<'de>> = None;
        let mut created: Option<Option<Text<'de>>> = None;
        let mut slice: Option<Sym> = None;
        let mut identifier_ids: Option<Vec<Id>> = None;
        let mut identifier: Option<Option<Text<'de>>> = None;
        // Each field's values, as read (a later duplicate key replaces an earlier one).
        let mut fields: Option<Vec<(Sym, Vec<RawValue<'de>>)>> = None;
        let mut initial: Option<Sym> = None;
        let mut subs: Option<Vec<Id>> = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Id => {
                    if id.is_some() {
                        return Err(duplicate("id"));
                    }
                    id = Some(map.next_value()?);
                }
                Key::CreatedAt => {
                    if created.is_some() {
                        return Err(duplicate("created_at"));
                    }
                    created = Some(map.next_value()?);
                }
                Key::EntitySliceId => {
                    if slice.is_some() {
                        return Err(duplicate("entity_slice_id"));
                    }
                    let text: Option<Text<'de>> = map.next_value()?;
                    slice = Some(text.map_or(NO_SYM, |t| decoder.symbols.intern(&t.0)));
                }
                Key::IdentifierIds => {
                    if identifier_ids.is_some() {
                        return Err(duplicate("identifier_ids"));
                    }
                    identifier_ids = Some(map.next_value_seed(IdList)?);
                }
                Key::RecordIdentifier => {
                    if identifier.is_some() {
                        return Err(duplicate("record_identifier"));
                    }
                    identifier = Some(map.next_value()?);
                }
                Key::RecordValues => {
                    if fields.is_some() {
                        return Err(duplicate("record_values"));
                    }
                    fields = Some(map.next_value_seed(FieldsSeed(decoder.symbols))?);
                }
                Key::InitialOperationId => {
                    if initial.is_some() {
                        return Err(duplicate("initial_operation_id"));
                    }
                    let text: Option<Text<'de>> = map.next_value()?;
                    initial = Some(text.map_or(NO_SYM, |t| decoder.symbols.intern(&t.0)));
                }
                Key::SubRecordIds => {
                    if subs.is_some() {
                        return Err(duplicate("sub_record_ids"));
                    }
                    subs = Some(map.next_value_seed(IdList)?);
                }
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        // Only the id is required (kalbio 0.7.0): a member left out reads as null.
        let id = id.ok_or_else(|| de::Error::missing_field("id"))?;
        decoder
            .build(
                &id.0,
                created.flatten().as_ref().map(|t| &*t.0),
                slice.unwrap_or(NO_SYM),
                identifier_ids.unwrap_or_default(),
                identifier.flatten().as_ref().map(|t| &*t.0),
                fields.unwrap_or_default(),
                initial.unwrap_or(NO_SYM),
                subs.unwrap_or_default(),
            )
            .map_err(de::Error::custom)
    }
}

struct FieldsSeed<'s>(&'s mut Symbols);

impl<'de> DeserializeSeed<'de> for FieldsSeed<'_> {
    type Value = Vec<(Sym, Vec<RawValue<'de>>)>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FieldsSeed<'_> {
    type Value = Vec<(Sym, Vec<RawValue<'de>>)>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map from field id to record values")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out: Vec<(Sym, Vec<RawValue<'de>>)> = Vec::new();
        while let Some(field) = map.next_key::<Text<'de>>()? {
            let sym = self.0.intern(&field.0);
            let values = map.next_value_seed(ValuesSeed(self.0))?;
            match out.iter_mut().find(|(s, _)| *s == sym) {
                Some(slot) => slot.1 = values,
                None => out.push((sym, values)),
            }
        }
        Ok(out)
    }
}

struct ValuesSeed<'s>(&'s mut Symbols);

impl<'de> DeserializeSeed<'de> for ValuesSeed<'_> {
    type Value = Vec<RawValue<'de>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ValuesSeed<'_> {
    type Value = Vec<RawValue<'de>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of record values")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(value) = seq.next_element_seed(ValueSeed(self.0))? {
            out.push(value);
        }
        Ok(out)
    }
}

struct ValueSeed<'s>(&'s mut Symbols);

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = RawValue<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_struct("RecordValue", &[], self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = RawValue<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct RecordValue")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut id: Option<Id> = None;
        let mut content: Option<Content> = None;
        let mut created: Option<Option<Text<'de>>> = None;
        let mut owner: Option<Option<Text<'de>>> = None;
        let mut operation: Option<Sym> = None;
        let mut view: Option<Sym> = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Id => {
                    if id.is_some() {
                        return Err(duplicate("id"));
                    }
                    let text: Text<'de> = map.next_value()?;
                    id = Some(Id::new(&text.0));
                }
                Key::Content => {
                    if content.is_some() {
                        return Err(duplicate("content"));
                    }
                    content = Some(map.next_value_seed(ContentSeed)?);
                }
                Key::CreatedAt => {
                    if created.is_some() {
                        return Err(duplicate("created_at"));
                    }
                    created = Some(map.next_value()?);
                }
                Key::RecordId => {
                    if owner.is_some() {
                        return Err(duplicate("record_id"));
                    }
                    owner = Some(map.next_value()?);
                }
                Key::OperationId => {
                    if operation.is_some() {
                        return Err(duplicate("operation_id"));
                    }
                    let text: Option<Text<'de>> = map.next_value()?;
                    operation = Some(text.map_or(NO_SYM, |t| self.0.intern(&t.0)));
                }
                Key::RecordViewId => {
                    if view.is_some() {
                        return Err(duplicate("record_view_id"));
                    }
                    let text: Option<Text<'de>> = map.next_value()?;
                    view = Some(text.map_or(NO_SYM, |t| self.0.intern(&t.0)));
                }
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        Ok(RawValue {
            id: id.ok_or_else(|| de::Error::missing_field("id"))?,
            content: content.unwrap_or(Content::Null),
            created: created.flatten(),
            owner: owner.flatten(),
            operation: operation.unwrap_or(NO_SYM),
            view,
        })
    }
}

impl Decoder<'_> {
    /// A stamp of a record being built: parsed, or kept among its texts.
    fn stamp(&mut self, text: &str) -> Stamp {
        parse_stamp(text).unwrap_or_else(|| {
            self.scratch.texts.push(text.into());
            Stamp {
                micros: (self.scratch.texts.len() - 1) as i64,
                style: STYLE_TEXT,
            }
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn build(
        &mut self,
        id: &str,
        created: Option<&str>,
        slice: Sym,
        mut ids: Vec<Id>,
        identifier: Option<&str>,
        fields: Vec<(Sym, Vec<RawValue<'_>>)>,
        initial_operation: Sym,
        subs: Vec<Id>,
    ) -> Result<CompactRecord, &'static str> {
        let scratch = std::mem::take(&mut self.scratch);
        let Scratch {
            mut groups,
            mut values,
            mut owners,
            mut texts,
        } = scratch;
        groups.clear();
        values.clear();
        owners.clear();
        texts.clear();
        self.scratch.texts = texts;
        let record_id = Id::new(id);
        let created = created.map_or(Stamp::NONE, |t| self.stamp(t));
        let identifier_count = ids.len() as u32;
        let sub_count = subs.len() as u32;
        let base = ids.len() + subs.len();
        let mut views: Vec<(u32, Sym)> = Vec::new();
        for (field, list) in fields {
            let start = values.len() as u32;
            for raw in list {
                let owner = match raw.owner {
                    None => OWNER_NONE,
                    Some(text) if record_id.is(&text.0) => OWNER_SELF,
                    Some(text) => {
                        // Usually a sub-record: named by its place among them.
                        let owner = Id::new(&text.0);
                        let at = match subs.iter().position(|o| *o == owner) {
                            Some(at) => ids.len() + at,
                            None => match owners.iter().position(|o| *o == owner) {
                                Some(at) => base + at,
                                None => {
                                    owners.push(owner);
                                    base + owners.len() - 1
                                }
                            },
                        };
                        u16::try_from(at)
                            .ok()
                            .filter(|at| *at < OWNER_SELF)
                            .ok_or("a record names more than 65533 ids")?
                    }
                };
                let stamp = match raw.created {
                    Some(text) => self.stamp(&text.0),
                    None => Stamp::NONE,
                };
                let (id, id_is_text) = match raw.id {
                    Id::Uuid(bytes) => (bytes, false),
                    Id::Text(text) => {
                        let [a, b, c, d] = (self.scratch.texts.len() as u32).to_le_bytes();
                        self.scratch.texts.push(text);
                        ([a, b, c, d, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], true)
                    }
                };
                let view_state = match raw.view {
                    None => VIEW_ABSENT,
                    Some(NO_SYM) => VIEW_NULL,
                    Some(view) => {
                        views.push((values.len() as u32, view));
                        VIEW_SET
                    }
                };
                values.push(StoredValue {
                    id,
                    content: raw.content,
                    created: stamp.micros,
                    created_style: stamp.style,
                    owner,
                    operation: raw.operation,
                    flags: if id_is_text { ID_IS_TEXT } else { 0 } | view_state,
                });
            }
            let len = values.len() as u32 - start;
            groups.push(Group {
                field,
                start,
                len,
                current: NO_VALUE,
            });
        }
        ids.reserve_exact(subs.len() + owners.len());
        ids.extend(subs);
        ids.append(&mut owners);
        let mut record = CompactRecord {
            id: record_id,
            created_micros: created.micros,
            created_style: created.style,
            slice,
            initial_operation,
            identifier: identifier.map(Into::into),
            groups: groups.as_slice().into(),
            values: values.drain(..).collect(),
            ids: ids.into_boxed_slice(),
            identifier_count,
            sub_count,
            rare: (!self.scratch.texts.is_empty() || !views.is_empty()).then(|| {
                Box::new(Rare {
                    texts: self.scratch.texts.drain(..).collect(),
                    views: views.into_boxed_slice(),
                })
            }),
        };
        let scope = Scope::default();
        let mut chosen = Vec::with_capacity(record.groups.len());
        for g in record.groups.iter() {
            let list = record
                .values
                .get(g.start as usize..(g.start + g.len) as usize)
                .unwrap_or_default();
            let best = record.latest_among(list, scope, None).and_then(|best| {
                list.iter()
                    .position(|v| std::ptr::eq(v, best))
                    .map(|at| g.start + at as u32)
            });
            chosen.push(best.unwrap_or(NO_VALUE));
        }
        for (g, current) in record.groups.iter_mut().zip(chosen) {
            g.current = current;
        }
        self.scratch.groups = groups;
        self.scratch.values = values;
        self.scratch.owners = owners;
        Ok(record)
    }
}

// ----- the store as the search engine's rows -----

/// Cached records in creation order, as rows for the search engine: the
/// engine reads each record's current values in place.
pub struct StoreRows<'a> {
    /// The records, in creation order.
    pub rows: Vec<&'a CompactRecord>,
    /// The symbols that name their ids.
    pub symbols: &'a Symbols,
    /// The cache's columns and each row's slot in them, when the rows are the cache's.
    pub cells: Option<(&'a columns::Columns, Vec<u32>)>,
}

impl crate::core::search::Rows for StoreRows<'_> {
    type Value = Content;
    type Field = Sym;
    type Slice = Sym;

    fn positions(&self) -> usize {
        self.rows.len()
    }
    fn present(&self, at: usize) -> bool {
        at < self.rows.len()
    }
    fn field(&self, field_id: &str) -> Option<Sym> {
        Some(self.symbols.find(field_id)).filter(|s| *s != UNKNOWN_SYM)
    }
    fn slice(&self, slice_id: &str) -> Sym {
        self.symbols.find(slice_id)
    }
    fn in_slice(&self, at: usize, slice: Sym) -> bool {
        self.rows.get(at).is_some_and(|r| r.slice == slice)
    }
    fn cell(&self, field: Option<Sym>, at: usize) -> Option<&Content> {
        Some(&self.rows.get(at)?.current(field?)?.content)
    }
    fn written(&self, field: Option<Sym>, at: usize) -> Option<i64> {
        let record = self.rows.get(at)?;
        record.written_ms(record.current(field?)?)
    }
    fn any_cell(&self, at: usize, test: &mut dyn FnMut(&Content) -> bool) -> bool {
        self.rows
            .get(at)
            .is_some_and(|r| r.current_values().any(|v| test(&v.content)))
    }
    fn id_in(&self, at: usize, ids: &std::collections::HashSet<String>) -> bool {
        self.rows
            .get(at)
            .is_some_and(|r| ids.contains(&r.id.text()))
    }
    fn identifier_id_in(&self, at: usize, ids: &std::collections::HashSet<String>) -> bool {
        self.rows.get(at).is_some_and(|r| {
            r.identifier_ids()
                .iter()
                .any(|i| ids.contains(&i.to_string()))
        })
    }
    fn identifier(&self, at: usize) -> &str {
        self.rows
            .get(at)
            .and_then(|r| r.identifier())
            .unwrap_or_default()
    }
    fn id_string(&self, at: usize) -> String {
        self.rows.get(at).map(|r| r.id.text()).unwrap_or_default()
    }
    fn quick(&self, field: Option<Sym>) -> Option<crate::core::search::Quick<'_, Content>> {
        let column = self.cells.as_ref()?.0.column(field?)?;
        Some(crate::core::search::Quick {
            numbers: &column.numbers,
            categories: &column.categories,
            names: &column.names,
        })
    }
    fn quick_place(&self, at: usize) -> usize {
        self.cells
            .as_ref()
            .and_then(|(_, slots)| slots.get(at))
            .map_or(usize::MAX, |&slot| slot as usize)
    }
    fn tie_break(&self, a: usize, b: usize) -> Ordering {
        match (self.rows.get(a), self.rows.get(b)) {
            (Some(x), Some(y)) => x
                .identifier
                .cmp(&y.identifier)
                .then_with(|| compare_ids(&x.id, &y.id)),
            _ => Ordering::Equal,
        }
    }
}

impl StoreRows<'_> {
    /// The cache slot of the row at `at`, when the rows are the cache's.
    pub fn slot(&self, at: usize) -> Option<usize> {
        let (_, slots) = self.cells.as_ref()?;
        Some(*slots.get(at)? as usize)
    }

    /// The ids of the rows at `found` as a JSON list, written in one buffer: what
    /// `queryCached` hands to JavaScript.
    pub fn ids_json(&self, found: &[usize]) -> String {
        let mut out: Vec<u8> = Vec::with_capacity(2 + found.len() * 39);
        out.push(b'[');
        // A uuid is read from the cache's column when it keeps one: the records
        // themselves lie all over memory.
        let uuid_at = |at: usize| self.cells.as_ref()?.0.uuid(self.slot(at)?);
        let present = found
            .iter()
            .filter_map(|&at| Some((at, self.rows.get(at)?)));
        for (n, (at, record)) in present.enumerate() {
            // `,"` + the uuid + `"`, written in one piece (the comma left out first).
            let skip = usize::from(n == 0);
            let id = match uuid_at(at) {
                Some(bytes) => IdView::Uuid(bytes),
                None => match &record.id {
                    Id::Uuid(bytes) => IdView::Uuid(bytes),
                    Id::Text(text) => IdView::Text(text),
                },
            };
            match id {
                IdView::Uuid(bytes) => {
                    let mut piece = [b'"'; 39];
                    if let Some(comma) = piece.first_mut() {
                        *comma = b',';
                    }
                    if let Some(middle) = piece.get_mut(2..38) {
                        middle.copy_from_slice(&uuid_ascii(bytes));
                    }
                    out.extend_from_slice(piece.get(skip..).unwrap_or_default());
                }
                IdView::Text(text) => {
                    if n > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(
                        serde_json::to_string(text).unwrap_or_default().as_bytes(),
                    )
                }
            }
        }
        out.push(b']');
        // Only ASCII and whole JSON texts were written.
        String::from_utf8(out).unwrap_or_default()
    }
}

/// An id as `ids_json` finds it.
enum IdView<'a> {
    Uuid(&'a [u8; 16]),
    Text(&'a str),
}

/// Orders ids as their texts order.
pub fn compare_ids(a: &Id, b: &Id) -> Ordering {
    match (a, b) {
        // Lower-case hex with dashes in fixed places orders as its bytes.
        (Id::Uuid(x), Id::Uuid(y)) => x.cmp(y),
        _ => a.to_string().cmp(&b.to_string()),
    }
}

pub mod columns;
pub mod snapshot;

#[cfg(test)]
mod tests;
