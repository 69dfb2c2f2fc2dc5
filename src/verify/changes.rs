//! Changes after signing: what every revision after a signature's own changed, and whether
//! the document's certification allows it.
//!
//! A signature protects the revision it closes (ISO 32000-1 §12.8.1); anything appended later
//! is unsigned. The viewers of the 2019–2021 studies were fooled exactly there: incremental
//! saving (ISA: page content replaced in an update), shadow attacks (hide, replace,
//! hide-and-replace: content placed in the signed bytes and switched on by a later update),
//! certification attacks (Evil Annotation, Sneaky Signature), signature wrapping. The analysis
//! follows pyHanko's `diff_analysis` (style example 4) and **rejects by default**: for each
//! later revision, every object it defines must be accounted for by a rule that recognises an
//! allowed change (module `rules`); anything left over is disallowed.
//!
//! What is allowed depends on the certification signature's DocMDP permission `/P`
//! (ISO 32000-1 §12.8.2.2, Table 254), narrowed by PDF 2.0 FieldMDP `/P` locks, with fields
//! locked by FieldMDP (§12.8.2.4) excluded:
//!
//! | change | not certified | P=1 | P=2 | P=3 |
//! |---|---|---|---|---|
//! | DSS, document time-stamps, `/Extensions`, `/Version`, `/Info`, XMP | yes | yes | yes | yes |
//! | later signatures with their fields and widgets | yes | no | yes | yes |
//! | filling in existing fields | yes, reported | no | yes | yes |
//! | annotations added, changed, removed | yes, reported | no | no | yes |
//! | page content, resources, fonts, images, page tree, other catalog entries, locked fields, signed fields, objects overwritten or freed | no | no | no | no |
//!
//! [`analyse`] compares the signed revision with each later revision; each change is listed
//! once, at the revision that first shows it, in a deterministic order, with a message for a
//! clerk. The work is bounded: beyond the limits below the answer is "disallowed, too many
//! changes to analyse", never "allowed".

mod kind;
mod rules;
mod snapshot;
mod values;

#[cfg(test)]
mod tests;

use std::collections::{BTreeSet, HashSet};

use serde::{Serialize, Serializer};

pub use kind::{CertificationLevel, ChangeKind, Permission};

use self::rules::{Comparison, live_id};
use self::snapshot::Snapshot;
use super::finding::Finding;
use super::indication::SubIndication;
use super::report::Modifications;
use super::revisions::{Closing, Revisions};
use crate::message::{Explain, Message};
use crate::pdf::{Object, ObjectId, PdfError, PdfFile, XrefEntry, XrefKind};

/// Later revisions compared with a signed one.
const MAX_LATER_REVISIONS: usize = 256;
/// Objects defined by later revisions, in all.
const MAX_TOUCHED_OBJECTS: usize = 50_000;
/// Objects of the signed revision read to find references that point at nothing.
const MAX_SCANNED_OBJECTS: usize = 200_000;
/// Each later revision is opened (its objects' offsets checked) and its pages and fields
/// walked: later revisions × (objects + pages + fields) is bounded too, so that many small
/// updates of a large document cannot multiply the work.
const MAX_REVISION_WORK: usize = 2_000_000;

/// What happened after one signature's revision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModificationFacts {
    /// `none` when nothing follows the signed revision, `allowed` when everything that follows
    /// is allowed, `disallowed` otherwise (the `modifications` of the report).
    pub level: Modifications,
    /// The revision the signature closes, if it closes one.
    pub signed_revision: Option<usize>,
    /// The DocMDP permission in force (`/P`), if the document is certified.
    pub certification: Option<u8>,
    /// Every change, allowed or not, once, in order of revision, then object.
    pub changes: Vec<Change>,
}

impl ModificationFacts {
    /// The changes that are not allowed.
    pub fn disallowed(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| !c.allowed)
    }

    /// The ETSI EN 319 102-1 sub-indication the analysis implies: a signed document changed
    /// in a way its signature (or certification) does not permit is not the document that was
    /// signed: TOTAL-FAILED, FORMAT_FAILURE (as EU DSS reports DocMDP/FieldMDP violations).
    pub fn sub_indication(&self) -> Option<SubIndication> {
        (self.level == Modifications::Disallowed).then_some(SubIndication::FormatFailure)
    }

    /// As report findings: a failure per disallowed change, a note per allowed one.
    pub fn findings(&self) -> Vec<Finding> {
        self.changes
            .iter()
            .map(|change| {
                let finding = if change.allowed {
                    Finding::info(change.message.clone())
                } else {
                    Finding::failure(SubIndication::FormatFailure, change.message.clone())
                };
                finding.with_detail(change.detail())
            })
            .collect()
    }
}

/// One change after signing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The object that changed (`12 0 R`), when the change is about one.
    #[serde(serialize_with = "serialize_object")]
    pub object: Option<ObjectId>,
    /// The revision that first shows it; `None` for bytes after the last revision.
    pub revision: Option<usize>,
    /// What changed.
    #[serde(flatten)]
    pub kind: ChangeKind,
    /// What the change needs to be allowed.
    pub permission: Permission,
    /// Whether the document's certification and locks allow it.
    pub allowed: bool,
    /// For a clerk, Vietnamese first.
    pub message: Message,
}

impl Change {
    /// Technical detail for the report's details view.
    pub fn detail(&self) -> String {
        let mut detail = format!("change {}", self.kind.code());
        if let Some(object) = self.object {
            detail.push_str(&format!(", object {object}"));
        }
        if let Some(revision) = self.revision {
            detail.push_str(&format!(", revision {revision}"));
        }
        detail
    }
}

fn serialize_object<S: Serializer>(
    object: &Option<ObjectId>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match object {
        Some(id) => serializer.serialize_str(&id.to_string()),
        None => serializer.serialize_none(),
    }
}

/// FieldMDP locks of the signatures in the signed revision (ISO 32000-1 §12.8.2.4 and the
/// signature field `/Lock` dictionary, §12.7.4.5 Table 233).
#[derive(Debug, Clone, Default)]
pub(crate) struct Locks {
    rules: Vec<LockRule>,
}

#[derive(Debug, Clone)]
enum LockRule {
    /// `/Action /All`.
    All,
    /// `/Action /Include`: the fields named.
    Include(HashSet<String>),
    /// `/Action /Exclude`: all fields but those named.
    Exclude(HashSet<String>),
}

impl Locks {
    /// Whether a field (fully qualified name) is locked.
    pub fn is_locked(&self, name: &str) -> bool {
        self.rules.iter().any(|rule| match rule {
            LockRule::All => true,
            LockRule::Include(fields) => fields.contains(name),
            LockRule::Exclude(fields) => !fields.contains(name),
        })
    }
}

/// What every comparison for one signature shares.
pub(crate) struct Context<'a> {
    revisions: &'a Revisions,
    /// `c + d` of the signature's ByteRange.
    signed_end: u64,
    /// The revision it closes (0 when none).
    signed_revision: usize,
    level: CertificationLevel,
    /// Whether the signed revision is certified (a DocMDP signature).
    certified: bool,
    locks: Locks,
    /// References in the signed revision that point at nothing (free or undefined objects).
    dangling: HashSet<ObjectId>,
    /// Numbers the signed revision lists as free.
    freed_in_signed: HashSet<u32>,
    /// Offsets of the file's cross-reference streams.
    xref_stream_offsets: HashSet<u64>,
}

/// Analyses what changed after the signature whose ByteRange covers `0..covered_end`.
pub fn analyse(file: &PdfFile, revisions: &Revisions, covered_end: u64) -> ModificationFacts {
    let mut facts = ModificationFacts {
        level: Modifications::None,
        signed_revision: None,
        certification: None,
        changes: Vec::new(),
    };
    let closing = revisions.closing(covered_end);
    let signed_revision = match closing {
        Closing::Revision { number } => Some(number),
        Closing::NoRevision => None,
    };
    facts.signed_revision = signed_revision;
    let later: Vec<usize> = revisions
        .revisions
        .iter()
        .filter(|r| signed_revision.is_none_or(|k| r.number > k))
        .filter(|r| r.end_offset > covered_end)
        .map(|r| r.number)
        .collect();
    let trailing = revisions.trailing;
    if signed_revision.is_some() && later.is_empty() && trailing.is_none() {
        return facts;
    }
    let mut changes = Vec::new();
    let finish = |facts: &mut ModificationFacts, mut changes: Vec<Change>| {
        if let Some(trailing) = trailing {
            changes.push(never_change(
                None,
                ChangeKind::TrailingBytes { len: trailing.len },
            ));
        }
        facts.changes = ordered(changes);
        facts.level = if facts.changes.iter().any(|c| !c.allowed) {
            Modifications::Disallowed
        } else {
            Modifications::Allowed
        };
    };

    let old_file = match file.at_revision(covered_end) {
        Ok(f) => f,
        Err(e) => {
            changes.push(unreadable(ChangeKind::SignedRevisionUnreadable, None, &e));
            finish(&mut facts, changes);
            return facts;
        }
    };
    let old = match Snapshot::read(&old_file) {
        Ok(s) => s,
        Err(e) => {
            changes.push(unreadable(ChangeKind::SignedRevisionUnreadable, None, &e));
            finish(&mut facts, changes);
            return facts;
        }
    };
    let continues = match signed_revision.and_then(|k| revisions.get(k)) {
        Some(revision) => revision
            .sections()
            .iter()
            .any(|s| s.offset == old_file.startxref()),
        None => false,
    };
    if !continues {
        changes.push(never_change(None, ChangeKind::XrefNotContinued));
    }

    let (level, certified) = certification(&old);
    facts.certification = level.p();
    let old_entries = old_file.xref_entries();
    let work = later
        .len()
        .saturating_mul(old_entries.len() + old.pages.len() + old.fields.len() + 1);
    if later.len() > MAX_LATER_REVISIONS || work > MAX_REVISION_WORK {
        changes.push(never_change(None, ChangeKind::TooManyChanges));
        finish(&mut facts, changes);
        return facts;
    }

    // What each later revision defines; for a signature that closes no revision, everything
    // the final file defines differently.
    let mut plan: Vec<(usize, u64, BTreeSet<u32>)> = Vec::new();
    let mut total = 0usize;
    if signed_revision.is_some() {
        for &number in &later {
            let Some(revision) = revisions.get(number) else {
                continue;
            };
            let objects = match revision.objects(file) {
                Ok(o) => o,
                Err(e) => {
                    changes.push(unreadable(ChangeKind::RevisionUnreadable, Some(number), &e));
                    continue;
                }
            };
            total += objects.len();
            if total > MAX_TOUCHED_OBJECTS {
                changes.push(never_change(None, ChangeKind::TooManyChanges));
                finish(&mut facts, changes);
                return facts;
            }
            plan.push((
                number,
                revision.end_offset,
                objects.iter().map(|o| o.number).collect(),
            ));
        }
    } else {
        let old_entries: std::collections::HashMap<u32, XrefEntry> =
            old_file.xref_entries().into_iter().collect();
        let differing: BTreeSet<u32> = file
            .xref_entries()
            .into_iter()
            .filter(|(n, e)| old_entries.get(n) != Some(e))
            .map(|(n, _)| n)
            .take(MAX_TOUCHED_OBJECTS + 1)
            .collect();
        if differing.len() > MAX_TOUCHED_OBJECTS {
            changes.push(never_change(None, ChangeKind::TooManyChanges));
            finish(&mut facts, changes);
            return facts;
        }
        let last = revisions.last().map_or(file.len(), |r| r.end_offset);
        let number = revisions.last().map_or(1, |r| r.number);
        plan.push((number, last, differing));
    }

    // Object streams of the signed revision: rewriting one changes every object inside.
    let containers: HashSet<u32> = old_entries
        .iter()
        .filter_map(|(_, e)| match e {
            XrefEntry::Compressed { stream, .. } => Some(*stream),
            _ => None,
        })
        .collect();
    let mut created_anywhere: HashSet<u32> = HashSet::new();
    for (_, _, touched) in &mut plan {
        let rewritten: Vec<u32> = touched
            .iter()
            .copied()
            .filter(|n| containers.contains(n))
            .collect();
        for stream in rewritten {
            if let Ok(members) = old_file.object_stream_members(stream) {
                touched.extend(members);
            }
        }
        created_anywhere.extend(
            touched
                .iter()
                .copied()
                .filter(|&n| live_id(n, old_file.xref_entry(n)).is_none()),
        );
    }

    let dangling = match dangling_references(&old_file, &old_entries, &created_anywhere) {
        Some(d) => d,
        None => {
            changes.push(never_change(None, ChangeKind::TooManyChanges));
            finish(&mut facts, changes);
            return facts;
        }
    };
    let context = Context {
        revisions,
        signed_end: covered_end,
        signed_revision: signed_revision.unwrap_or_else(|| {
            revisions
                .revisions
                .iter()
                .filter(|r| r.end_offset <= covered_end)
                .count()
        }),
        level,
        certified,
        locks: locks(&old),
        dangling,
        freed_in_signed: old_entries
            .iter()
            .filter(|(_, e)| matches!(e, XrefEntry::Free { .. }))
            .map(|(n, _)| *n)
            .collect(),
        xref_stream_offsets: xref_stream_offsets(file),
    };

    for (number, end, touched) in plan {
        let later_file;
        let new_file = if end == file.len() {
            file
        } else {
            match file.at_revision(end) {
                Ok(f) => {
                    later_file = f;
                    &later_file
                }
                Err(e) => {
                    changes.push(unreadable(ChangeKind::RevisionUnreadable, Some(number), &e));
                    continue;
                }
            }
        };
        let new = match Snapshot::read(new_file) {
            Ok(s) => s,
            Err(e) => {
                changes.push(unreadable(ChangeKind::RevisionUnreadable, Some(number), &e));
                continue;
            }
        };
        changes.extend(Comparison::new(&context, &old, &new, number, touched).run());
    }
    finish(&mut facts, changes);
    facts
}

/// A change that is never allowed, outside any comparison.
fn never_change(object: Option<ObjectId>, kind: ChangeKind) -> Change {
    let message = kind.message(Permission::Never, false, CertificationLevel::NotCertified);
    Change {
        object,
        revision: None,
        kind,
        permission: Permission::Never,
        allowed: false,
        message,
    }
}

/// A revision that cannot be read, with the reader's own reason (which names the safety limit
/// when one was hit: depth, size, count or time), so the report says why.
fn unreadable(kind: ChangeKind, revision: Option<usize>, cause: &PdfError) -> Change {
    let mut change = never_change(None, kind);
    change.revision = revision;
    let why = cause.message();
    change.message = Message::new(
        change.message.code.clone(),
        format!("{}: {}", change.message.vi, why.vi),
        format!("{}: {}", change.message.en, why.en),
    );
    change
}

/// Each change once (the first revision that shows it), ordered by revision, object, kind.
fn ordered(changes: Vec<Change>) -> Vec<Change> {
    let mut seen: HashSet<(Option<ObjectId>, ChangeKind)> = HashSet::new();
    let mut out: Vec<Change> = Vec::with_capacity(changes.len());
    let mut sorted = changes;
    sorted.sort_by(|a, b| {
        let revision = |c: &Change| c.revision.unwrap_or(usize::MAX);
        (revision(a), a.object.map(|o| o.number), &a.kind).cmp(&(
            revision(b),
            b.object.map(|o| o.number),
            &b.kind,
        ))
    });
    for change in sorted {
        if seen.insert((change.object, change.kind.clone())) {
            out.push(change);
        }
    }
    out
}

/// The certification in force in the signed revision: DocMDP `/P` narrowed by FieldMDP `/P`.
/// A DocMDP that cannot be read counts as P=1, the strictest.
fn certification(old: &Snapshot<'_>) -> (CertificationLevel, bool) {
    let (mut level, certified) = match old.file.docmdp_permission() {
        Ok(Some(p)) => (CertificationLevel::from_p(p), true),
        Ok(None) => (CertificationLevel::NotCertified, false),
        Err(_) => (CertificationLevel::NoChanges, true),
    };
    for p in field_locks(old).into_iter().filter_map(|(_, p)| p) {
        level = level.narrowed_by(CertificationLevel::from_p(p));
    }
    (level, certified)
}

/// The FieldMDP locks of the signed revision's signatures.
fn locks(old: &Snapshot<'_>) -> Locks {
    Locks {
        rules: field_locks(old)
            .into_iter()
            .filter_map(|(r, _)| r)
            .collect(),
    }
}

/// Each lock of a signed signature field: the sig dictionary's `/Reference` FieldMDP
/// transform parameters and the field's `/Lock`, with their PDF 2.0 `/P`.
fn field_locks(old: &Snapshot<'_>) -> Vec<(Option<LockRule>, Option<u8>)> {
    let file = old.file;
    let dict = |value: &Object| match file.resolve(value) {
        Ok(Object::Dictionary(d)) => Some(d),
        _ => None,
    };
    let mut out = Vec::new();
    for field in old.fields.iter().filter(|f| f.is_signature()) {
        let Some(signature) = field.value.as_ref().and_then(dict) else {
            continue;
        };
        if !signature.contains_key(b"ByteRange") {
            continue;
        }
        let mut params = Vec::new();
        if let Some(Ok(Object::Array(references))) =
            signature.get(b"Reference").map(|r| file.resolve(r))
        {
            for reference in references.iter().filter_map(dict) {
                if reference.get_name(b"TransformMethod") == Some(b"FieldMDP")
                    && let Some(p) = reference.get(b"TransformParams").and_then(dict)
                {
                    params.push(p);
                }
            }
        }
        if let Some(lock) = field.dict.get(b"Lock").and_then(dict) {
            params.push(lock);
        }
        for p in params {
            let names = || -> HashSet<String> {
                match p.get(b"Fields").map(|f| file.resolve(f)) {
                    Some(Ok(Object::Array(items))) => items
                        .iter()
                        .filter_map(Object::as_string)
                        .map(|s| crate::pdf::decode_text_string(&s.bytes))
                        .collect(),
                    _ => HashSet::new(),
                }
            };
            let rule = match p.get_name(b"Action") {
                Some(b"All") => Some(LockRule::All),
                Some(b"Include") => Some(LockRule::Include(names())),
                Some(b"Exclude") => Some(LockRule::Exclude(names())),
                _ => None,
            };
            let level = p
                .get_integer(b"P")
                .and_then(|p| u8::try_from(p).ok())
                .filter(|p| (1..=3).contains(p));
            out.push((rule, level));
        }
    }
    out
}

/// References in the signed revision to objects it does not define (or defines free, or
/// with another generation), among the numbers later revisions create: a later object there
/// changes what the signed objects show. `None` when the revision is too large to scan.
fn dangling_references(
    old: &PdfFile,
    entries: &[(u32, XrefEntry)],
    created: &HashSet<u32>,
) -> Option<HashSet<ObjectId>> {
    let mut dangling = HashSet::new();
    if created.is_empty() {
        return Some(dangling);
    }
    let mut live: Vec<(u32, XrefEntry)> = entries
        .iter()
        .copied()
        .filter(|(n, e)| live_id(*n, Some(*e)).is_some())
        .collect();
    if live.len() > MAX_SCANNED_OBJECTS {
        return None;
    }
    // Objects of one object stream together, so that each stream is decoded once.
    live.sort_by_key(|&(n, e)| match e {
        XrefEntry::Compressed { stream, index } => (1, stream, index),
        _ => (0, n, 0),
    });
    let is_live = |id: ObjectId| live_id(id.number, old.xref_entry(id.number)) == Some(id);
    let mut note = |value: &Object| {
        for target in values::references(value) {
            if created.contains(&target.number) && !is_live(target) {
                dangling.insert(target);
            }
        }
    };
    // Of the trailer, only what readers follow.
    for key in [&b"Root"[..], b"Info"] {
        if let Some(value) = old.trailer().get(key) {
            note(value);
        }
    }
    for (number, entry) in live {
        let Some(id) = live_id(number, Some(entry)) else {
            continue;
        };
        if let Ok(value) = old.get(id) {
            note(&value);
        }
    }
    Some(dangling)
}

/// Offsets of every cross-reference stream of the file (sections and `/XRefStm`).
fn xref_stream_offsets(file: &PdfFile) -> HashSet<u64> {
    let mut out = HashSet::new();
    for section in file.sections_newest_first() {
        if section.kind == XrefKind::Stream {
            out.insert(section.offset);
        }
        if let Some(offset) = section.hybrid_stream {
            out.insert(offset);
        }
    }
    out
}
