//! PDF objects (ISO 32000-1 §7.3), as the reader returns them and the writer takes them.
//!
//! Stream data is never held here: a [`Stream`] only records where its bytes are in the file, so
//! a 100 MB image costs nothing until someone asks for it.

use std::fmt;

/// An indirect object's identity: object number and generation (ISO 32000-1 §7.3.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId {
    /// Object number (positive in valid files).
    pub number: u32,
    /// Generation number.
    pub generation: u16,
}

impl ObjectId {
    /// An object id.
    pub const fn new(number: u32, generation: u16) -> Self {
        ObjectId { number, generation }
    }
}

impl fmt::Display for ObjectId {
    /// As a reference is written: `12 0 R`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} R", self.number, self.generation)
    }
}

/// A string object: the bytes after escapes are decoded, and how it was written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PdfString {
    /// The string's bytes (escapes and hex digits decoded).
    pub bytes: Vec<u8>,
    /// Written as a hexadecimal string `<…>` rather than a literal string `(…)`.
    pub hex: bool,
}

impl PdfString {
    /// A literal string `(…)`.
    pub fn literal(bytes: impl Into<Vec<u8>>) -> Self {
        PdfString {
            bytes: bytes.into(),
            hex: false,
        }
    }

    /// A hexadecimal string `<…>`.
    pub fn hex(bytes: impl Into<Vec<u8>>) -> Self {
        PdfString {
            bytes: bytes.into(),
            hex: true,
        }
    }
}

/// A dictionary: keys are name bytes (without `/`), in the order they were read or inserted.
///
/// Kept as a vector of pairs: dictionaries are small, the order is what the file had (useful for
/// byte-exact comparisons later), and no hashing crate is needed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dictionary {
    entries: Vec<(Vec<u8>, Object)>,
}

impl Dictionary {
    /// An empty dictionary.
    pub fn new() -> Self {
        Dictionary::default()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the dictionary has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &[u8]) -> Option<&Object> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_slice() == key)
            .map(|(_, v)| v)
    }

    /// The value of `key` for changing in place.
    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut Object> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k.as_slice() == key)
            .map(|(_, v)| v)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key` to `value`. An existing entry keeps its position; a new one goes last.
    /// Returns the previous value.
    pub fn insert(&mut self, key: impl Into<Vec<u8>>, value: Object) -> Option<Object> {
        let key = key.into();
        match self.get_mut(&key) {
            Some(slot) => Some(std::mem::replace(slot, value)),
            None => {
                self.entries.push((key, value));
                None
            }
        }
    }

    /// Removes `key` and returns its value.
    pub fn remove(&mut self, key: &[u8]) -> Option<Object> {
        let index = self.entries.iter().position(|(k, _)| k.as_slice() == key)?;
        Some(self.entries.remove(index).1)
    }

    /// Entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &Object)> {
        self.entries.iter().map(|(k, v)| (k.as_slice(), v))
    }

    /// The name value of `key` (without `/`), if it is a direct name.
    pub fn get_name(&self, key: &[u8]) -> Option<&[u8]> {
        self.get(key).and_then(Object::as_name)
    }

    /// The integer value of `key`, if it is a direct integer.
    pub fn get_integer(&self, key: &[u8]) -> Option<i64> {
        self.get(key).and_then(Object::as_integer)
    }

    /// Builds a dictionary from entries already known to have distinct keys.
    pub(crate) fn from_entries_unchecked(entries: Vec<(Vec<u8>, Object)>) -> Self {
        Dictionary { entries }
    }
}

impl<K: Into<Vec<u8>>> FromIterator<(K, Object)> for Dictionary {
    fn from_iter<I: IntoIterator<Item = (K, Object)>>(iter: I) -> Self {
        let mut dict = Dictionary::new();
        for (k, v) in iter {
            dict.insert(k, v);
        }
        dict
    }
}

/// A stream object: its dictionary and where its (still encoded) data lies in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    /// The stream dictionary.
    pub dict: Dictionary,
    /// Absolute offset of the first data byte (after `stream` and its end-of-line).
    pub data_offset: u64,
    /// Length of the encoded data (the resolved `/Length`).
    pub data_len: u64,
}

/// A PDF object.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    /// `null`.
    Null,
    /// `true` or `false`.
    Boolean(bool),
    /// An integer.
    Integer(i64),
    /// A real number.
    Real(f64),
    /// A literal or hexadecimal string.
    String(PdfString),
    /// A name, decoded (`#xx` escapes resolved), without the leading `/`.
    Name(Vec<u8>),
    /// An array.
    Array(Vec<Object>),
    /// A dictionary.
    Dictionary(Dictionary),
    /// A stream (only as an indirect object's value).
    Stream(Stream),
    /// An indirect reference `n g R`.
    Reference(ObjectId),
}

impl Object {
    /// A name object from its bytes (without `/`).
    pub fn name(name: impl Into<Vec<u8>>) -> Object {
        Object::Name(name.into())
    }

    /// The integer value, if this is an integer.
    pub fn as_integer(&self) -> Option<i64> {
        match self {
            Object::Integer(i) => Some(*i),
            _ => None,
        }
    }

    /// The numeric value of an integer or real.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            // Precision loss above 2^53 does not matter for coordinates.
            Object::Integer(i) => Some(*i as f64),
            Object::Real(r) => Some(*r),
            _ => None,
        }
    }

    /// The name bytes, if this is a name.
    pub fn as_name(&self) -> Option<&[u8]> {
        match self {
            Object::Name(n) => Some(n),
            _ => None,
        }
    }

    /// The string, if this is a string.
    pub fn as_string(&self) -> Option<&PdfString> {
        match self {
            Object::String(s) => Some(s),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&Vec<Object>> {
        match self {
            Object::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The dictionary, if this is a dictionary, or the dictionary of a stream.
    pub fn as_dict(&self) -> Option<&Dictionary> {
        match self {
            Object::Dictionary(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        }
    }

    /// The referenced id, if this is a reference.
    pub fn as_reference(&self) -> Option<ObjectId> {
        match self {
            Object::Reference(id) => Some(*id),
            _ => None,
        }
    }

    /// The stream, if this is a stream.
    pub fn as_stream(&self) -> Option<&Stream> {
        match self {
            Object::Stream(s) => Some(s),
            _ => None,
        }
    }

    /// The type's name as ISO 32000-1 calls it, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Object::Null => "null",
            Object::Boolean(_) => "boolean",
            Object::Integer(_) => "integer",
            Object::Real(_) => "real",
            Object::String(_) => "string",
            Object::Name(_) => "name",
            Object::Array(_) => "array",
            Object::Dictionary(_) => "dictionary",
            Object::Stream(_) => "stream",
            Object::Reference(_) => "reference",
        }
    }
}

impl From<ObjectId> for Object {
    fn from(id: ObjectId) -> Self {
        Object::Reference(id)
    }
}

impl From<Dictionary> for Object {
    fn from(dict: Dictionary) -> Self {
        Object::Dictionary(dict)
    }
}

impl From<PdfString> for Object {
    fn from(s: PdfString) -> Self {
        Object::String(s)
    }
}

impl From<i64> for Object {
    fn from(i: i64) -> Self {
        Object::Integer(i)
    }
}

impl From<bool> for Object {
    fn from(b: bool) -> Self {
        Object::Boolean(b)
    }
}

impl From<Vec<Object>> for Object {
    fn from(a: Vec<Object>) -> Self {
        Object::Array(a)
    }
}
