//! The comparison of the signed revision with one later revision, rule by rule.
//!
//! Reject by default (pyHanko's `StandardDiffPolicy`, style example 4): every object a later
//! revision defines must be accounted for. An object is accounted for when it is rewritten
//! identically, when a rule below recognises it as part of an allowed change (then the change
//! is listed), when a rule lists it as a disallowed change, or when it is new and nothing
//! reaches it. Whatever is left is a disallowed change of its own.
//!
//! Rules, in order: trailer; catalog; form fields (new signatures, signing and filling existing
//! fields, FieldMDP locks); the interactive form dictionary; pages and their annotations; the
//! DSS; the tagged structure; then the roles objects had in the signed revision (page
//! content, fonts, images … can never be overwritten); then what is left.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::pdf::{Dictionary, Object, ObjectId, XrefEntry};

use super::kind::{CertificationLevel, ChangeKind, Permission};
use super::snapshot::{AnnotInfo, FieldInfo, Role, Snapshot, StructKid, StructureTree};
use super::values::{changed_keys, name_text, references, same_object, same_value};
use super::{Change, Context};

/// New objects followed when collecting what an allowed change brings with it.
const MAX_CLAIM_WALK: usize = 100_000;
/// Objects visited when naming what an overwritten object was part of.
const MAX_LOCATE_WALK: usize = 100_000;

/// Field and widget entries that filling in a field (or signing an empty signature field)
/// changes: pyHanko's `VALUE_UPDATE_KEYS` (`/V` value, `/AS` appearance state, `/AP`
/// appearance, `/F` widget flags, `/DA` default appearance, `/Q` quadding, `/Ff` field flags,
/// `/Type`), and `/I`, the selected indices of a choice field (§12.7.4.4).
const FILL_KEYS: [&[u8]; 9] = [b"V", b"AS", b"AP", b"F", b"DA", b"Q", b"Ff", b"Type", b"I"];

/// What a signature field's `/V` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SignatureValue {
    /// Nothing: an empty field.
    Empty,
    /// A signature dictionary whose ByteRange ends where a revision after the signed one ends.
    Genuine { timestamp: bool, certifying: bool },
    /// Anything else.
    Fake,
}

/// One comparison: the signed revision against revision `revision`.
pub(super) struct Comparison<'a, 'f> {
    ctx: &'a Context<'a>,
    old: &'a Snapshot<'f>,
    new: &'a Snapshot<'f>,
    revision: usize,
    /// Objects the revision defines (and members of object streams it rewrites).
    touched: BTreeSet<u32>,
    /// Objects of the signed revision that now have another value.
    changed: BTreeSet<u32>,
    /// Objects that did not exist in the signed revision.
    created: BTreeSet<u32>,
    /// Objects of the signed revision that were freed (or replaced by another generation).
    freed: BTreeSet<u32>,
    /// Objects accounted for without a change of their own to list.
    explained: HashSet<u32>,
    /// New objects an allowed (or already listed) change brings with it.
    claimed: HashSet<u32>,
    /// Objects a disallowed change names.
    disallowed: HashSet<u32>,
    /// Fields of the new revision that this comparison found added, with the permission the
    /// addition needs.
    added_fields: HashMap<usize, Permission>,
    /// Fields of the signed revision whose value or appearance changed, with the permission
    /// that change needs (`Never` when it is not allowed at all).
    field_transitions: HashMap<usize, Permission>,
    pub changes: Vec<Change>,
}

impl<'a, 'f> Comparison<'a, 'f> {
    pub fn new(
        ctx: &'a Context<'a>,
        old: &'a Snapshot<'f>,
        new: &'a Snapshot<'f>,
        revision: usize,
        touched: BTreeSet<u32>,
    ) -> Self {
        Comparison {
            ctx,
            old,
            new,
            revision,
            touched,
            changed: BTreeSet::new(),
            created: BTreeSet::new(),
            freed: BTreeSet::new(),
            explained: HashSet::new(),
            claimed: HashSet::new(),
            disallowed: HashSet::new(),
            added_fields: HashMap::new(),
            field_transitions: HashMap::new(),
            changes: Vec::new(),
        }
    }

    /// Runs every rule.
    pub fn run(mut self) -> Vec<Change> {
        self.sort_touched();
        self.trailer_rule();
        self.catalog_rule();
        self.fields_rule();
        self.form_rule();
        self.pages_rule();
        self.dss_rule();
        self.structure_rule();
        self.role_rule();
        self.freed_rule();
        self.leftovers();
        self.changes
    }

    fn level(&self) -> CertificationLevel {
        self.ctx.level
    }

    /// Lists a change. `locked`: a FieldMDP lock covers it, so it is not allowed whatever the
    /// certification permits.
    fn push(
        &mut self,
        object: Option<ObjectId>,
        kind: ChangeKind,
        permission: Permission,
        locked: bool,
    ) {
        let allowed = !locked && self.level().permits(permission);
        let message = kind.message(permission, allowed, self.level());
        if let Some(id) = object {
            self.explained.insert(id.number);
            if !allowed {
                self.disallowed.insert(id.number);
            }
        }
        self.changes.push(Change {
            object,
            revision: Some(self.revision),
            kind,
            permission,
            allowed,
            message,
        });
    }

    fn never(&mut self, object: Option<ObjectId>, kind: ChangeKind) {
        self.push(object, kind, Permission::Never, false);
    }

    fn is_changed(&self, id: Option<ObjectId>) -> bool {
        id.is_some_and(|id| self.changed.contains(&id.number))
    }

    /// Whether `id` is an object of the signed revision that this revision left as it was.
    fn is_old_and_untouched(&self, id: ObjectId) -> bool {
        self.old.is_live(id)
            && !self.changed.contains(&id.number)
            && !self.created.contains(&id.number)
    }

    /// Whether the object is part of what the new revision shows (new or rewritten), so that
    /// its appearing in an allowed structure needs no reveal check.
    fn is_fresh(&self, id: ObjectId) -> bool {
        self.created.contains(&id.number) || self.changed.contains(&id.number)
    }

    /// Claims a new object (and, later, the new objects it reaches) for a change already
    /// judged.
    fn claim(&mut self, id: Option<ObjectId>) {
        if let Some(id) = id
            && self.created.contains(&id.number)
        {
            self.claimed.insert(id.number);
        }
    }

    /// Claims the new objects a value refers to.
    fn claim_value(&mut self, value: &Object) {
        for id in references(value) {
            self.claim(Some(id));
        }
    }

    // --- Sorting what the revision touched ---------------------------------------------

    /// Splits the touched objects into rewritten-identically (dropped), changed, created and
    /// freed, and lists the ones that point into the signed bytes or answer dangling
    /// references.
    fn sort_touched(&mut self) {
        let numbers: Vec<u32> = self.touched.iter().copied().collect();
        for number in numbers {
            let old_entry = self.old.file.xref_entry(number);
            let new_entry = self.new.file.xref_entry(number);
            let old_id = live_id(number, old_entry);
            let new_id = live_id(number, new_entry);
            match (old_id, new_id) {
                (None, None) => {}
                (Some(_), None) => {
                    self.freed.insert(number);
                }
                (Some(o), Some(n)) if o == n => {
                    let same = match (self.old.file.get(o), self.new.file.get(n)) {
                        (Ok(a), Ok(b)) => {
                            same_object(self.old.file, &a, self.new.file, &b).unwrap_or(false)
                        }
                        _ => false,
                    };
                    if same {
                        continue;
                    }
                    self.changed.insert(number);
                    if old_entry != new_entry && self.points_into_signed_bytes(new_entry) {
                        self.never(Some(n), ChangeKind::ObjectInSignedBytes);
                    }
                }
                (old, Some(n)) => {
                    // Another generation replaces the signed object: references to the old
                    // one now find nothing, and the number holds a new object.
                    if old.is_some() {
                        self.freed.insert(number);
                    }
                    self.created.insert(number);
                    if self.ctx.dangling.contains(&n) {
                        let kind = if self.ctx.freed_in_signed.contains(&number) {
                            ChangeKind::ObjectResurrected
                        } else {
                            ChangeKind::DanglingReferenceFilled
                        };
                        self.never(Some(n), kind);
                    }
                    if self.points_into_signed_bytes(new_entry) {
                        // An object in the signed bytes that the signed revision did not list:
                        // hidden then, listed now.
                        self.never(Some(n), ChangeKind::ObjectInSignedBytes);
                    }
                }
            }
        }
    }

    /// Whether an entry places its object inside the bytes the signature covers.
    fn points_into_signed_bytes(&self, entry: Option<XrefEntry>) -> bool {
        match entry {
            Some(XrefEntry::InFile { offset, .. }) => offset < self.ctx.signed_end,
            Some(XrefEntry::Compressed { stream, .. }) => {
                matches!(
                    self.new.file.xref_entry(stream),
                    Some(XrefEntry::InFile { offset, .. }) if offset < self.ctx.signed_end
                ) && !self.touched.contains(&stream)
            }
            _ => false,
        }
    }

    // --- Trailer ----------------------------------------------------------------------

    fn trailer_rule(&mut self) {
        if self.old.catalog_id != self.new.catalog_id {
            self.never(Some(self.new.catalog_id), ChangeKind::RootChanged);
        }
        // Of the trailer keys of ISO 32000-1 Table 15, /Root is judged above, /Size /Prev
        // /XRefStm /ID and /Info change with every update, and /Encrypt cannot appear (the
        // file would not open). Readers ignore any other key (LibreOffice's
        // /AdditionalStreams, for one), so a change there shows nothing.
        let old_info = self.old.trailer.get(b"Info").and_then(Object::as_reference);
        let new_info = self.new.trailer.get(b"Info").and_then(Object::as_reference);
        if old_info != new_info || self.is_changed(new_info) {
            self.push(
                new_info,
                ChangeKind::DocumentInfoChanged,
                Permission::ValidationData,
                false,
            );
            self.claim(new_info);
        }
    }

    // --- Catalog ----------------------------------------------------------------------

    fn catalog_rule(&mut self) {
        if self.old.catalog_id != self.new.catalog_id {
            return;
        }
        let catalog = Some(self.new.catalog_id);
        if !self.is_changed(catalog) {
            return;
        }
        self.explained.insert(self.new.catalog_id.number);
        let old = self.old.catalog.clone();
        let new = self.new.catalog.clone();
        for key in changed_keys(&old, &new) {
            let old_value = old.get(&key);
            let new_value = new.get(&key);
            match key.as_slice() {
                // Judged by their own rules below.
                b"DSS" | b"AcroForm" if new_value.is_some() => {}
                b"DSS" => self.never(catalog, ChangeKind::ValidationDataRemoved),
                b"AcroForm" => self.never(
                    catalog,
                    ChangeKind::CatalogEntryChanged {
                        key: "AcroForm".into(),
                    },
                ),
                b"Extensions" | b"Version" => {
                    self.push(
                        catalog,
                        ChangeKind::VersionInformationChanged {
                            key: name_text(&key),
                        },
                        Permission::ValidationData,
                        false,
                    );
                    if let Some(value) = new_value {
                        self.claim_value(value);
                    }
                }
                b"Metadata" => {
                    let id = new_value.and_then(Object::as_reference);
                    let is_stream =
                        id.is_some_and(|id| matches!(self.new.file.get(id), Ok(Object::Stream(_))));
                    if is_stream {
                        self.push(
                            id,
                            ChangeKind::MetadataChanged,
                            Permission::ValidationData,
                            false,
                        );
                        self.claim(id);
                    } else {
                        self.never(
                            catalog,
                            ChangeKind::CatalogEntryChanged {
                                key: "Metadata".into(),
                            },
                        );
                    }
                }
                b"Perms" => self.permissions_changed(old_value, new_value),
                b"Pages" => self.never(catalog, ChangeKind::PageTreeChanged),
                b"StructTreeRoot" => self.never(catalog, ChangeKind::StructureTreeChanged),
                // The "this document is tagged" marker (pyHanko exempts it too).
                b"MarkInfo" => self.push(
                    catalog,
                    ChangeKind::StructureTreeUpdated,
                    Permission::ValidationData,
                    false,
                ),
                _ => self.never(
                    catalog,
                    ChangeKind::CatalogEntryChanged {
                        key: name_text(&key),
                    },
                ),
            }
        }
    }

    /// `/Perms`: removed, a certification added or replaced, or usage rights changed.
    fn permissions_changed(&mut self, old: Option<&Object>, new: Option<&Object>) {
        let catalog = Some(self.new.catalog_id);
        let Some(new) = new else {
            self.never(catalog, ChangeKind::PermissionsRemoved);
            return;
        };
        let dict = |file: &crate::pdf::PdfFile, value: Option<&Object>| -> Dictionary {
            match value.map(|v| file.resolve(v)) {
                Some(Ok(Object::Dictionary(d))) => d,
                _ => Dictionary::new(),
            }
        };
        let old = dict(self.old.file, old);
        let new = dict(self.new.file, Some(new));
        for key in changed_keys(&old, &new) {
            if key == b"DocMDP" {
                let kind = if old.contains_key(b"DocMDP") {
                    if new.contains_key(b"DocMDP") {
                        ChangeKind::SecondCertification
                    } else {
                        ChangeKind::PermissionsRemoved
                    }
                } else {
                    ChangeKind::CertificationAfterApproval
                };
                self.never(catalog, kind);
            } else {
                self.never(catalog, ChangeKind::PermissionsChanged);
            }
        }
    }

    // --- Form fields ------------------------------------------------------------------

    fn fields_rule(&mut self) {
        let old_names: HashMap<String, usize> = self
            .old
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.clone(), i))
            .collect();
        let new_names: HashSet<&str> = self.new.fields.iter().map(|f| f.name.as_str()).collect();
        for field in &self.old.fields {
            if !new_names.contains(field.name.as_str()) {
                let kind = ChangeKind::FieldRemoved {
                    field: field.name.clone(),
                };
                self.never(field.id, kind);
            }
        }
        for index in 0..self.new.fields.len() {
            let field = self.new.fields[index].clone();
            match old_names.get(&field.name) {
                None => self.field_added(index, &field),
                Some(&old_index) => self.field_compared(old_index, index),
            }
        }
    }

    /// A field that the signed revision did not have.
    fn field_added(&mut self, index: usize, field: &FieldInfo) {
        if let Some(id) = field.id
            && self.is_old_and_untouched(id)
        {
            self.never(Some(id), ChangeKind::HiddenObjectRevealed);
            return;
        }
        let name = field.name.clone();
        let visible = self.is_visible(field);
        let (kind, permission) = if field.is_signature() {
            match self.signature_value(field.value.as_ref()) {
                SignatureValue::Genuine {
                    certifying: true, ..
                } => (self.certification_kind(), Permission::Never),
                SignatureValue::Genuine {
                    timestamp: true, ..
                } => (
                    ChangeKind::DocumentTimestampAdded { field: name },
                    if visible {
                        Permission::Signing
                    } else {
                        Permission::ValidationData
                    },
                ),
                SignatureValue::Genuine { .. } => (
                    ChangeKind::SignatureAdded {
                        field: name,
                        visible,
                    },
                    Permission::Signing,
                ),
                SignatureValue::Empty if !visible => (
                    ChangeKind::EmptySignatureFieldAdded { field: name },
                    Permission::Signing,
                ),
                SignatureValue::Empty | SignatureValue::Fake if visible => (
                    ChangeKind::SneakySignature { field: name },
                    Permission::Never,
                ),
                _ => (
                    ChangeKind::FakeSignatureValue { field: name },
                    Permission::Never,
                ),
            }
        } else {
            (ChangeKind::FieldAdded { field: name }, Permission::Never)
        };
        self.added_fields.insert(index, permission);
        self.push(field.id, kind, permission, false);
        self.claim_field(field);
    }

    /// Claims a field's own new objects: the field, its kids array, widgets, their
    /// appearances, its value and lock.
    fn claim_field(&mut self, field: &FieldInfo) {
        self.claim(field.id);
        self.claim(field.kids_array);
        self.claim_value(&Object::Dictionary(field.dict.clone()));
        for widget in &field.widgets {
            self.claim(widget.id);
            self.claim_value(&Object::Dictionary(widget.dict.clone()));
        }
    }

    /// The change a new certification signature makes.
    fn certification_kind(&self) -> ChangeKind {
        if self.ctx.certified {
            ChangeKind::SecondCertification
        } else {
            ChangeKind::CertificationAfterApproval
        }
    }

    /// A field both revisions have.
    fn field_compared(&mut self, old_index: usize, new_index: usize) {
        let old = self.old.fields[old_index].clone();
        let new = self.new.fields[new_index].clone();
        let name = old.name.clone();
        let locked = self.ctx.locks.is_locked(&name);
        if old.id != new.id {
            self.never(
                new.id,
                ChangeKind::FieldChanged {
                    field: name,
                    key: "object".into(),
                },
            );
            return;
        }
        let mut keys = changed_keys(&old.dict, &new.dict);
        // Kids are compared below, field by field and widget by widget.
        keys.retain(|k| k != b"Kids");
        let widgets_changed = self.widgets_changed(&old, &new);
        let kids_changed = self.kids_changed(&old, &new);
        let appearance_changed = self.old.roles().iter().any(|(n, roles)| {
            roles.contains(&Role::FieldAppearance(old_index)) && self.changed.contains(n)
        });
        let other_keys: Vec<Vec<u8>> = keys
            .iter()
            .filter(|k| !FILL_KEYS.contains(&k.as_slice()))
            .cloned()
            .collect();
        let fill_changed = keys.iter().any(|k| FILL_KEYS.contains(&k.as_slice()))
            || widgets_changed == WidgetDiff::Filled
            || appearance_changed;
        if !other_keys.is_empty() || kids_changed || matches!(widgets_changed, WidgetDiff::Other(_))
        {
            let kind = if old.is_signature() && old.has_value() {
                ChangeKind::SignatureFieldChanged { field: name }
            } else if kids_changed {
                ChangeKind::FieldRemoved { field: name }
            } else if let WidgetDiff::Other(_) = widgets_changed {
                ChangeKind::WidgetChanged { field: name }
            } else {
                ChangeKind::FieldChanged {
                    field: name,
                    key: other_keys.first().map(|k| name_text(k)).unwrap_or_default(),
                }
            };
            self.field_transitions.insert(old_index, Permission::Never);
            self.never(new.id, kind);
            self.explain_field_objects(&old);
            return;
        }
        if !fill_changed {
            // Rewritten without a change that matters (its kids may have been rewritten).
            self.explain_field_objects(&old);
            return;
        }
        let visible = self.is_visible(&new);
        let field = || name.clone();
        let (kind, permission) = if old.is_signature() {
            if old.has_value() {
                (
                    ChangeKind::SignatureFieldChanged { field: field() },
                    Permission::Never,
                )
            } else {
                match self.signature_value(new.value.as_ref()) {
                    SignatureValue::Genuine {
                        certifying: true, ..
                    } => (self.certification_kind(), Permission::Never),
                    SignatureValue::Genuine {
                        timestamp: true, ..
                    } => (
                        ChangeKind::DocumentTimestampAdded { field: field() },
                        if visible {
                            Permission::Signing
                        } else {
                            Permission::ValidationData
                        },
                    ),
                    SignatureValue::Genuine { .. } => (
                        ChangeKind::SignatureAdded {
                            field: field(),
                            visible,
                        },
                        Permission::Signing,
                    ),
                    // An appearance given to an empty field: content without a signature.
                    SignatureValue::Empty if visible => (
                        ChangeKind::SneakySignature { field: field() },
                        Permission::Never,
                    ),
                    SignatureValue::Empty => (
                        ChangeKind::FieldChanged {
                            field: field(),
                            key: "AP".into(),
                        },
                        Permission::Signing,
                    ),
                    SignatureValue::Fake if visible => (
                        ChangeKind::SneakySignature { field: field() },
                        Permission::Never,
                    ),
                    SignatureValue::Fake => (
                        ChangeKind::FakeSignatureValue { field: field() },
                        Permission::Never,
                    ),
                }
            }
        } else {
            (
                ChangeKind::FormFieldFilled { field: field() },
                Permission::FormFilling,
            )
        };
        let (kind, permission) = if locked && permission != Permission::Never {
            (
                ChangeKind::LockedFieldChanged { field: field() },
                Permission::Never,
            )
        } else {
            (kind, permission)
        };
        self.field_transitions.insert(old_index, permission);
        self.push(new.id, kind, permission, false);
        self.explain_field_objects(&old);
        self.claim_field(&new);
    }

    /// Marks a field's own objects (field, kids array, widgets, appearances) as accounted for.
    fn explain_field_objects(&mut self, field: &FieldInfo) {
        let mut ids = vec![field.id, field.kids_array];
        ids.extend(field.widgets.iter().map(|w| w.id));
        for id in ids.into_iter().flatten() {
            self.explained.insert(id.number);
        }
    }

    /// How a field's separate widgets changed.
    fn widgets_changed(&self, old: &FieldInfo, new: &FieldInfo) -> WidgetDiff {
        let separate = |f: &FieldInfo| -> Vec<AnnotInfo> {
            f.widgets
                .iter()
                .filter(|w| w.id.is_none() || w.id != f.id)
                .cloned()
                .collect()
        };
        let (old_widgets, new_widgets) = (separate(old), separate(new));
        let old_ids: Vec<Option<ObjectId>> = old_widgets.iter().map(|w| w.id).collect();
        let new_ids: Vec<Option<ObjectId>> = new_widgets.iter().map(|w| w.id).collect();
        if old_ids != new_ids {
            return WidgetDiff::Other("Kids".into());
        }
        let mut diff = WidgetDiff::Same;
        for (a, b) in old_widgets.iter().zip(&new_widgets) {
            for key in changed_keys(&a.dict, &b.dict) {
                if FILL_KEYS.contains(&key.as_slice()) {
                    diff = WidgetDiff::Filled;
                } else {
                    return WidgetDiff::Other(name_text(&key));
                }
            }
        }
        diff
    }

    /// Whether a field lost kids or gained kids that are not new signature fields.
    fn kids_changed(&self, old: &FieldInfo, new: &FieldInfo) -> bool {
        let removed = old
            .child_fields
            .iter()
            .any(|k| !new.child_fields.contains(k));
        let added_other = new.child_fields.iter().any(|k| {
            !old.child_fields.contains(k)
                && !k.as_reference().is_some_and(|id| {
                    self.new
                        .field_by_id(id)
                        .is_some_and(|i| self.new.fields[i].is_signature())
                        && self.is_fresh(id)
                })
        });
        removed || added_other
    }

    /// What a signature field's `/V` holds, judged against the revisions of the file.
    fn signature_value(&self, value: Option<&Object>) -> SignatureValue {
        let Some(value) = value else {
            return SignatureValue::Empty;
        };
        let dict = match self.new.file.resolve(value) {
            Ok(Object::Null) => return SignatureValue::Empty,
            Ok(Object::Dictionary(d)) => d,
            _ => return SignatureValue::Fake,
        };
        let byte_range: Option<Vec<u64>> = dict
            .get(b"ByteRange")
            .and_then(Object::as_array)
            .and_then(|items| {
                items
                    .iter()
                    .map(|i| i.as_integer().and_then(|i| u64::try_from(i).ok()))
                    .collect()
            });
        let Some(&[0, _, c, d]) = byte_range.as_deref() else {
            return SignatureValue::Fake;
        };
        let Some(end) = c.checked_add(d) else {
            return SignatureValue::Fake;
        };
        let closes_later = match self.ctx.revisions.closing(end) {
            super::super::revisions::Closing::Revision { number } => {
                number > self.ctx.signed_revision
            }
            _ => false,
        };
        if !closes_later || dict.get(b"Contents").and_then(Object::as_string).is_none() {
            return SignatureValue::Fake;
        }
        let timestamp = dict.get_name(b"Type") == Some(b"DocTimeStamp")
            || dict.get_name(b"SubFilter") == Some(b"ETSI.RFC3161");
        let certifying = match dict.get(b"Reference").map(|r| self.new.file.resolve(r)) {
            Some(Ok(Object::Array(items))) => items.iter().any(|item| {
                matches!(self.new.file.resolve(item),
                    Ok(Object::Dictionary(r)) if r.get_name(b"TransformMethod") == Some(b"DocMDP"))
            }),
            _ => false,
        };
        SignatureValue::Genuine {
            timestamp,
            certifying,
        }
    }

    /// Whether a field shows anything: a widget with an area, not hidden, with a normal
    /// appearance (§12.5.3 flags Hidden and NoView, §12.5.5 `/AP /N`).
    fn is_visible(&self, field: &FieldInfo) -> bool {
        field.widgets.iter().any(|w| {
            let flags = w.dict.get_integer(b"F").unwrap_or(0);
            let hidden = flags & (2 | 32) != 0;
            let has_appearance = match w.dict.get(b"AP").map(|ap| self.new.file.resolve(ap)) {
                Some(Ok(Object::Dictionary(ap))) => ap.contains_key(b"N"),
                _ => false,
            };
            !hidden && has_appearance && has_area(self.new, &w.dict)
        })
    }

    // --- Interactive form dictionary ----------------------------------------------------

    fn form_rule(&mut self) {
        let old_form = self.old.form.clone();
        let Some(new_form) = self.new.form.clone() else {
            return;
        };
        // What the additions of this revision need; the form dictionary changing for them
        // needs no more.
        // Default resources and appearance entries serve the fields: they need what the
        // field changes of this revision need, or form filling when they change alone.
        let additions = self
            .added_fields
            .values()
            .chain(self.field_transitions.values())
            .copied()
            .filter(|&p| p != Permission::Never)
            .max()
            .unwrap_or(Permission::FormFilling);
        let old_dict = old_form
            .as_ref()
            .map(|f| f.dict.clone())
            .unwrap_or_default();
        let form_object = new_form.id;
        let rewritten = old_form.as_ref().map(|f| f.id) != Some(new_form.id)
            || self.is_changed(new_form.id)
            || (new_form.id.is_none() && self.is_changed(Some(self.new.catalog_id)));
        if rewritten {
            if let Some(id) = form_object
                && old_form.as_ref().and_then(|f| f.id) != Some(id)
                && self.is_old_and_untouched(id)
            {
                self.never(Some(id), ChangeKind::HiddenObjectRevealed);
            }
            for key in changed_keys(&old_dict, &new_form.dict) {
                match key.as_slice() {
                    b"Fields" => {}
                    b"SigFlags" => {}
                    b"DR" | b"DA" | b"Q" | b"NeedAppearances" => self.push(
                        form_object,
                        ChangeKind::FormChanged {
                            key: name_text(&key),
                        },
                        additions,
                        false,
                    ),
                    _ => self.never(
                        form_object,
                        ChangeKind::FormChanged {
                            key: name_text(&key),
                        },
                    ),
                }
            }
            if let Some(id) = form_object {
                self.explained.insert(id.number);
            }
            self.claim(form_object);
            self.claim_value(&Object::Dictionary(new_form.dict.clone()));
        }
        // The /Fields array: additions are new fields, judged above; removals were listed.
        let old_roots = old_form
            .as_ref()
            .map(|f| f.roots.clone())
            .unwrap_or_default();
        for root in &new_form.roots {
            if !old_roots.contains(root)
                && let Some(id) = root.as_reference()
                && self.is_old_and_untouched(id)
                && self.old.field_by_id(id).is_none()
            {
                self.never(Some(id), ChangeKind::HiddenObjectRevealed);
            }
        }
        if let Some(id) = new_form.fields_array {
            self.explained.insert(id.number);
            self.claim(Some(id));
        }
        if let Some(id) = old_form.and_then(|f| f.fields_array) {
            self.explained.insert(id.number);
        }
    }

    // --- Pages and annotations ----------------------------------------------------------

    fn pages_rule(&mut self) {
        let old_ids: Vec<ObjectId> = self.old.pages.iter().map(|p| p.id).collect();
        let new_ids: Vec<ObjectId> = self.new.pages.iter().map(|p| p.id).collect();
        if old_ids != new_ids {
            self.never(None, ChangeKind::PageTreeChanged);
        }
        for (index, new_page) in self.new.pages.clone().iter().enumerate() {
            let number = index + 1;
            let Some(old_page) = self.old.pages.iter().find(|p| p.id == new_page.id).cloned()
            else {
                continue;
            };
            let page = Some(new_page.id);
            let mut page_ok = true;
            for key in changed_keys(&old_page.dict, &new_page.dict) {
                match key.as_slice() {
                    b"Annots" => {}
                    b"Tabs" => self.push(
                        page,
                        ChangeKind::TabOrderChanged { page: number },
                        Permission::Annotation,
                        false,
                    ),
                    b"StructParents" if !old_page.dict.contains_key(b"StructParents") => {
                        // A page's first annotation with a structure parent.
                    }
                    b"Contents" => {
                        page_ok = false;
                        self.never(page, ChangeKind::PageContentChanged { page: number });
                    }
                    b"Resources" => {
                        page_ok = false;
                        self.never(page, ChangeKind::PageResourcesChanged { page: number });
                    }
                    _ => {
                        page_ok = false;
                        self.never(
                            page,
                            ChangeKind::PageChanged {
                                page: number,
                                key: name_text(&key),
                            },
                        );
                    }
                }
            }
            if page_ok {
                self.explained.insert(new_page.id.number);
            }
            self.annotations_compared(number, &old_page.annots, &new_page.annots);
            for id in [old_page.annots_array, new_page.annots_array]
                .into_iter()
                .flatten()
            {
                self.explained.insert(id.number);
                self.claim(Some(id));
            }
        }
    }

    /// One page's `/Annots`, old and new.
    fn annotations_compared(&mut self, page: usize, old: &[AnnotInfo], new: &[AnnotInfo]) {
        let same_entry = |a: &AnnotInfo, b: &AnnotInfo| match (a.id, b.id) {
            (Some(x), Some(y)) => x == y,
            (None, None) => super::values::same_dict(&a.dict, &b.dict),
            _ => false,
        };
        for removed in old.iter().filter(|a| !new.iter().any(|b| same_entry(a, b))) {
            if removed.is_widget() {
                let field = removed
                    .id
                    .and_then(|id| self.old.field_of_widget(id))
                    .map_or_else(|| "?".to_owned(), |i| self.old.fields[i].name.clone());
                self.never(removed.id, ChangeKind::FieldRemoved { field });
            } else {
                self.push(
                    removed.id,
                    ChangeKind::AnnotationRemoved {
                        page,
                        subtype: removed.subtype(),
                    },
                    Permission::Annotation,
                    false,
                );
            }
        }
        for added in new.iter().filter(|b| !old.iter().any(|a| same_entry(a, b))) {
            if let Some(id) = added.id
                && self.is_old_and_untouched(id)
            {
                self.never(Some(id), ChangeKind::HiddenObjectRevealed);
                continue;
            }
            let field = added.id.and_then(|id| self.new.field_of_widget(id));
            match field {
                Some(index) if self.added_fields.contains_key(&index) => {
                    // The widget of a field added in this comparison: judged with the field.
                }
                Some(index) => {
                    // A widget added to a field the signed revision had.
                    let name = self.new.fields[index].name.clone();
                    self.never(added.id, ChangeKind::WidgetChanged { field: name });
                }
                None if added.is_widget() => {
                    self.never(added.id, ChangeKind::WidgetWithoutField { page });
                    self.claim(added.id);
                    self.claim_value(&Object::Dictionary(added.dict.clone()));
                }
                None => {
                    self.push(
                        added.id,
                        ChangeKind::AnnotationAdded {
                            page,
                            subtype: added.subtype(),
                        },
                        Permission::Annotation,
                        false,
                    );
                    self.claim(added.id);
                    self.claim_value(&Object::Dictionary(added.dict.clone()));
                }
            }
        }
        for kept in new.iter().filter(|b| !b.is_widget()) {
            if let Some(id) = kept.id
                && self.is_changed(Some(id))
                && old.iter().any(|a| a.id == Some(id))
            {
                self.push(
                    Some(id),
                    ChangeKind::AnnotationChanged {
                        page,
                        subtype: kept.subtype(),
                    },
                    Permission::Annotation,
                    false,
                );
                self.claim_value(&Object::Dictionary(kept.dict.clone()));
            }
        }
    }

    // --- Validation data ----------------------------------------------------------------

    fn dss_rule(&mut self) {
        let Some(new_dss) = self.new.dss.clone() else {
            if self.old.dss.is_some() {
                self.never(Some(self.new.catalog_id), ChangeKind::ValidationDataRemoved);
            }
            return;
        };
        let old_objects = self
            .old
            .dss
            .as_ref()
            .map(|d| d.objects.clone())
            .unwrap_or_default();
        let old_dict = self.old.dss.as_ref().map(|d| d.dict.clone());
        let touched_here = new_dss
            .objects
            .iter()
            .any(|n| self.changed.contains(n) || self.created.contains(n))
            || old_dict.is_none_or(|d| !super::values::same_dict(&d, &new_dss.dict));
        if !touched_here {
            return;
        }
        if !new_dss.well_formed {
            self.never(new_dss.id, ChangeKind::ValidationDataMalformed);
        } else {
            self.push(
                new_dss.id,
                ChangeKind::ValidationDataAdded,
                Permission::ValidationData,
                false,
            );
        }
        for &number in &new_dss.objects {
            if self.created.contains(&number) {
                self.claimed.insert(number);
            } else if self.changed.contains(&number) && old_objects.contains(&number) {
                self.explained.insert(number);
            }
        }
    }

    // --- Tagged structure ---------------------------------------------------------------

    fn structure_rule(&mut self) {
        let (old_tree, new_tree) = match (self.old.structure(), self.new.structure()) {
            (Ok(None), Ok(None)) => return,
            (Ok(Some(a)), Ok(Some(b))) => (a.clone(), b.clone()),
            (Ok(_), Ok(_)) => return, // Added or removed: the catalog rule lists it.
            _ => {
                self.never(None, ChangeKind::StructureTreeChanged);
                return;
            }
        };
        let involved = old_tree
            .objects
            .iter()
            .chain(new_tree.objects.iter())
            .any(|n| self.changed.contains(n) || self.created.contains(n));
        if !involved {
            return;
        }
        let outcome = self.compare_structure(&old_tree, &new_tree);
        let object = new_tree.root_id;
        match outcome {
            Some(permission) => {
                self.push(object, ChangeKind::StructureTreeUpdated, permission, false)
            }
            None => self.never(object, ChangeKind::StructureTreeChanged),
        }
        for &number in old_tree.objects.iter().chain(new_tree.objects.iter()) {
            if self.changed.contains(&number) {
                self.explained.insert(number);
            } else if self.created.contains(&number) {
                self.claimed.insert(number);
            }
        }
    }

    /// `Some(permission)` when the trees differ only by annotation bookkeeping: OBJR kids,
    /// elements that only hold OBJR kids, and parent-tree entries for them.
    fn compare_structure(&self, old: &StructureTree, new: &StructureTree) -> Option<Permission> {
        // The root may change its kids, its parent tree and the next key, nothing else.
        let mut root_keys = changed_keys(&old.root, &new.root);
        root_keys.retain(|k| !matches!(k.as_slice(), b"K" | b"ParentTree" | b"ParentTreeNextKey"));
        if !root_keys.is_empty() {
            return None;
        }
        let mut permission = Permission::ValidationData;
        let mut annotations: HashSet<ObjectId> = HashSet::new();
        for (id, (dict, kids)) in &old.elements {
            match new.elements.get(id) {
                None if old.is_annotation_only(*id) => {
                    permission = permission.max(Permission::Annotation)
                }
                None => return None,
                Some((new_dict, new_kids)) => {
                    if !super::values::same_dict(dict, new_dict)
                        || old.content_kids(kids) != new.content_kids(new_kids)
                    {
                        return None;
                    }
                    let objrs = |k: &[StructKid]| -> HashSet<ObjectId> {
                        k.iter()
                            .filter_map(|k| match k {
                                StructKid::ObjectRef(o) => Some(*o),
                                _ => None,
                            })
                            .collect()
                    };
                    annotations.extend(objrs(kids).symmetric_difference(&objrs(new_kids)));
                }
            }
        }
        for (id, (_, kids)) in &new.elements {
            if !old.elements.contains_key(id) {
                if !new.is_annotation_only(*id) {
                    return None;
                }
                annotations.extend(kids.iter().filter_map(|k| match k {
                    StructKid::ObjectRef(o) => Some(*o),
                    _ => None,
                }));
            }
        }
        for (key, value) in &old.parent_tree {
            match new.parent_tree.get(key) {
                Some(other) if same_value(value, other) => {}
                // An entry for a removed annotation.
                None => permission = permission.max(Permission::Annotation),
                Some(_) => return None,
            }
        }
        for target in annotations {
            let needed = match self.new.field_of_widget(target) {
                Some(index) => self
                    .added_fields
                    .get(&index)
                    .copied()
                    .unwrap_or(Permission::Annotation),
                None => Permission::Annotation,
            };
            permission = permission.max(needed);
        }
        Some(permission.max(Permission::ValidationData))
    }

    // --- Roles in the signed revision ---------------------------------------------------

    /// Objects of the signed revision that changed, judged by what they were.
    fn role_rule(&mut self) {
        let changed: Vec<u32> = self.changed.iter().copied().collect();
        for number in changed {
            let roles = self.old.roles_of(number).to_vec();
            let id = self.new_id(number);
            for role in roles {
                match role {
                    Role::PageContent(page) => {
                        self.never(id, ChangeKind::PageContentChanged { page })
                    }
                    Role::PageResources(page) | Role::PageResource(page) => {
                        self.never(id, ChangeKind::PageResourcesChanged { page })
                    }
                    Role::PageFont(page) => self.never(id, ChangeKind::FontChanged { page }),
                    Role::PageXObject(page) => {
                        self.never(id, ChangeKind::ImageOrFormChanged { page })
                    }
                    Role::PageTreeNode => self.never(id, ChangeKind::PageTreeChanged),
                    Role::Info => {
                        if !self.explained.contains(&number) {
                            self.push(
                                id,
                                ChangeKind::DocumentInfoChanged,
                                Permission::ValidationData,
                                false,
                            );
                        }
                    }
                    Role::Metadata => {
                        let is_stream = id.is_some_and(|id| {
                            matches!(self.new.file.get(id), Ok(Object::Stream(_)))
                        });
                        if is_stream {
                            self.push(
                                id,
                                ChangeKind::MetadataChanged,
                                Permission::ValidationData,
                                false,
                            );
                        } else {
                            self.never(id, ChangeKind::ObjectOverwritten);
                        }
                    }
                    Role::Annotation(page, subtype) | Role::AnnotationAppearance(page, subtype) => {
                        if !self.explained.contains(&number) {
                            self.push(
                                id,
                                ChangeKind::AnnotationChanged { page, subtype },
                                Permission::Annotation,
                                false,
                            );
                        }
                    }
                    Role::SignatureValue(field) | Role::FieldLock(field) => {
                        let name = self.old.fields[field].name.clone();
                        self.never(id, ChangeKind::SignatureFieldChanged { field: name });
                    }
                    Role::FieldAppearance(field) => {
                        match self.field_transitions.get(&field).copied() {
                            Some(Permission::Never) => {
                                self.disallowed.insert(number);
                                self.explained.insert(number);
                            }
                            Some(_) => {
                                self.explained.insert(number);
                            }
                            None => {
                                let name = self.old.fields[field].name.clone();
                                self.never(
                                    id,
                                    ChangeKind::FieldChanged {
                                        field: name,
                                        key: "AP".into(),
                                    },
                                );
                            }
                        }
                    }
                    // Judged by the rules above.
                    Role::Catalog
                    | Role::Page(_)
                    | Role::AnnotsArray(_)
                    | Role::Field(_)
                    | Role::FieldKids(_)
                    | Role::Widget(_)
                    | Role::Form
                    | Role::FieldsArray
                    | Role::Dss => {}
                }
            }
        }
    }

    /// The id an object number has in the new revision.
    fn new_id(&self, number: u32) -> Option<ObjectId> {
        live_id(number, self.new.file.xref_entry(number))
    }

    /// Objects of the signed revision that were freed.
    fn freed_rule(&mut self) {
        let freed: Vec<u32> = self.freed.iter().copied().collect();
        let mut unroled = Vec::new();
        for number in freed {
            let roles = self.old.roles_of(number).to_vec();
            let old_id = live_id(number, self.old.file.xref_entry(number));
            if roles.is_empty() {
                unroled.push(number);
                continue;
            }
            let annotation_only = roles.iter().all(|r| {
                matches!(
                    r,
                    Role::Annotation(..) | Role::AnnotationAppearance(..) | Role::AnnotsArray(_)
                )
            });
            if annotation_only {
                if self.level().permits(Permission::Annotation) {
                    self.explained.insert(number);
                } else {
                    self.push(
                        old_id,
                        ChangeKind::ObjectFreed,
                        Permission::Annotation,
                        false,
                    );
                }
            } else {
                self.never(old_id, freed_kind(&roles));
            }
        }
        if unroled.is_empty() {
            return;
        }
        // Objects without a known role: harmless only if nothing in the signed revision
        // reached them.
        let located = self.locate(&unroled);
        for number in unroled {
            let old_id = live_id(number, self.old.file.xref_entry(number));
            match located.get(&number) {
                Some(place) => {
                    let kind = place.change_kind();
                    self.never(old_id, kind);
                }
                None => {
                    self.explained.insert(number);
                }
            }
        }
    }

    // --- What is left -------------------------------------------------------------------

    fn leftovers(&mut self) {
        // Changed objects that no rule accounted for.
        let unexplained: Vec<u32> = self
            .changed
            .iter()
            .copied()
            .filter(|n| !self.explained.contains(n))
            .collect();
        if !unexplained.is_empty() {
            let located = self.locate(&unexplained);
            for number in unexplained {
                let kind = located
                    .get(&number)
                    .map_or(ChangeKind::ObjectOverwritten, Place::change_kind);
                let id = self.new_id(number);
                self.never(id, kind);
            }
        }
        // New objects: claimed ones bring what they reach.
        self.close_claims();
        let structural = self.structural_objects();
        let mut referrers: HashMap<u32, u32> = HashMap::new();
        let sources: Vec<u32> = self
            .changed
            .iter()
            .chain(self.created.iter())
            .copied()
            .collect();
        for number in sources {
            if let Some(id) = self.new_id(number)
                && let Ok(value) = self.new.file.get(id)
            {
                for target in references(&value) {
                    referrers.entry(target.number).or_insert(number);
                }
            }
        }
        for key in [&b"Root"[..], b"Info"] {
            if let Some(Object::Reference(target)) = self.new.trailer.get(key) {
                referrers.entry(target.number).or_insert(0);
            }
        }
        let behind_disallowed = self.reached_from_disallowed();
        let created: Vec<u32> = self.created.iter().copied().collect();
        for number in created {
            if self.explained.contains(&number)
                || self.claimed.contains(&number)
                || structural.contains(&number)
                // Part of a change already listed as disallowed (a new page's content).
                || behind_disallowed.contains(&number)
            {
                continue;
            }
            if referrers.contains_key(&number) {
                let id = self.new_id(number);
                self.never(id, ChangeKind::UnexplainedObject);
            }
            // Otherwise nothing reaches it: it cannot show (pyHanko's orphaned objects).
        }
    }

    /// New objects that objects with a disallowed change reach through new objects.
    fn reached_from_disallowed(&self) -> HashSet<u32> {
        let mut reached = HashSet::new();
        let mut queue: Vec<u32> = self.disallowed.iter().copied().collect();
        let mut walked = 0usize;
        while let Some(number) = queue.pop() {
            walked += 1;
            if walked > MAX_CLAIM_WALK {
                break;
            }
            let Some(id) = self.new_id(number) else {
                continue;
            };
            let Ok(value) = self.new.file.get(id) else {
                continue;
            };
            for target in references(&value) {
                if self.created.contains(&target.number) && reached.insert(target.number) {
                    queue.push(target.number);
                }
            }
        }
        reached
    }

    /// Claims everything new that claimed objects reach.
    fn close_claims(&mut self) {
        // Objects of the signed revision rewritten as part of an allowed change bring their
        // new objects too (a filled field's new appearance brings its new font).
        let mut queue: Vec<u32> = self
            .claimed
            .iter()
            .copied()
            .chain(
                self.changed
                    .iter()
                    .copied()
                    .filter(|n| self.explained.contains(n) && !self.disallowed.contains(n)),
            )
            .collect();
        let mut walked = 0usize;
        while let Some(number) = queue.pop() {
            walked += 1;
            if walked > MAX_CLAIM_WALK {
                self.never(None, ChangeKind::TooManyChanges);
                return;
            }
            let Some(id) = self.new_id(number) else {
                continue;
            };
            let Ok(value) = self.new.file.get(id) else {
                continue;
            };
            for target in references(&value) {
                if self.created.contains(&target.number) && self.claimed.insert(target.number) {
                    queue.push(target.number);
                }
            }
        }
    }

    /// New objects that are cross-reference streams of this revision, or object streams.
    fn structural_objects(&self) -> HashSet<u32> {
        let mut out = HashSet::new();
        let candidates: Vec<u32> = self
            .created
            .iter()
            .copied()
            .filter(|n| !self.claimed.contains(n) && !self.explained.contains(n))
            .collect();
        if candidates.is_empty() {
            return out;
        }
        for number in candidates {
            let Some(id) = self.new_id(number) else {
                continue;
            };
            let Ok(Object::Stream(stream)) = self.new.file.get(id) else {
                continue;
            };
            match stream.dict.get_name(b"Type") {
                // A cross-reference stream is read by its offset, never by reference.
                Some(b"XRef") => {
                    let offset = match self.new.file.xref_entry(number) {
                        Some(XrefEntry::InFile { offset, .. }) => offset,
                        _ => u64::MAX,
                    };
                    if self.ctx.xref_stream_offsets.contains(&offset) {
                        out.insert(number);
                    }
                }
                // An object stream is read through the entries that name it.
                Some(b"ObjStm") => {
                    out.insert(number);
                }
                _ => {}
            }
        }
        out
    }

    /// Where objects of the signed revision were: a page's drawing, or a catalog entry.
    fn locate(&self, numbers: &[u32]) -> HashMap<u32, Place> {
        let wanted: HashSet<u32> = numbers.iter().copied().collect();
        let mut found: HashMap<u32, Place> = HashMap::new();
        let mut seen: HashSet<u32> = HashSet::new();
        let mut queue: std::collections::VecDeque<(ObjectId, Place)> = Default::default();
        for (index, page) in self.old.pages.iter().enumerate() {
            for key in [&b"Contents"[..], b"Resources"] {
                if let Some(value) = page.dict.get(key) {
                    for id in references(value) {
                        queue.push_back((id, Place::Page(index + 1)));
                    }
                }
            }
            if let Some(resources) = &page.resources {
                for id in references(resources) {
                    queue.push_back((id, Place::Page(index + 1)));
                }
            }
        }
        for (key, value) in self.old.catalog.iter() {
            if key == b"Pages" {
                continue;
            }
            for id in references(value) {
                queue.push_back((id, Place::Catalog(name_text(key))));
            }
        }
        let mut walked = 0usize;
        while let Some((id, place)) = queue.pop_front() {
            if !seen.insert(id.number) {
                continue;
            }
            walked += 1;
            if walked > MAX_LOCATE_WALK {
                break;
            }
            if wanted.contains(&id.number) {
                found.entry(id.number).or_insert_with(|| place.clone());
                if found.len() == wanted.len() {
                    break;
                }
            }
            let Ok(value) = self.old.file.get(id) else {
                continue;
            };
            let value = match value {
                // Do not climb back up the page tree or into other pages.
                Object::Dictionary(mut d) => {
                    d.remove(b"Parent");
                    d.remove(b"P");
                    Object::Dictionary(d)
                }
                other => other,
            };
            for target in references(&value) {
                queue.push_back((target, place.clone()));
            }
        }
        found
    }
}

/// How a field's separate widgets changed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum WidgetDiff {
    Same,
    /// Only appearance and appearance state.
    Filled,
    /// Another entry (named), or widgets added or removed.
    Other(String),
}

/// Where an object of the signed revision was found.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    /// Drawn by a page (content, resources and what they use).
    Page(usize),
    /// Under a catalog entry.
    Catalog(String),
}

impl Place {
    fn change_kind(&self) -> ChangeKind {
        match self {
            Place::Page(page) => ChangeKind::PageResourcesChanged { page: *page },
            Place::Catalog(key) => ChangeKind::CatalogEntryChanged { key: key.clone() },
        }
    }
}

/// The change freeing an object with these roles makes.
fn freed_kind(roles: &[Role]) -> ChangeKind {
    for role in roles {
        match role {
            Role::PageContent(page) => return ChangeKind::PageContentChanged { page: *page },
            Role::PageResources(page) | Role::PageResource(page) => {
                return ChangeKind::PageResourcesChanged { page: *page };
            }
            Role::PageFont(page) => return ChangeKind::FontChanged { page: *page },
            Role::PageXObject(page) => return ChangeKind::ImageOrFormChanged { page: *page },
            Role::Page(_) | Role::PageTreeNode => return ChangeKind::PageTreeChanged,
            Role::Dss => return ChangeKind::ValidationDataRemoved,
            _ => {}
        }
    }
    ChangeKind::ObjectFreed
}

/// The id of a live object from its cross-reference entry.
pub(super) fn live_id(number: u32, entry: Option<XrefEntry>) -> Option<ObjectId> {
    match entry? {
        XrefEntry::InFile { generation, .. } => Some(ObjectId::new(number, generation)),
        XrefEntry::Compressed { .. } => Some(ObjectId::new(number, 0)),
        XrefEntry::Free { .. } => None,
    }
}

/// Whether an annotation's `/Rect` has an area. A rectangle that cannot be read counts as
/// visible: the safe side.
fn has_area(snapshot: &Snapshot<'_>, annot: &Dictionary) -> bool {
    let rect = match annot.get(b"Rect").map(|r| snapshot.file.resolve(r)) {
        Some(Ok(Object::Array(items))) => items,
        _ => return true,
    };
    let numbers: Option<Vec<f64>> = rect.iter().map(Object::as_number).collect();
    match numbers.as_deref() {
        Some([x1, y1, x2, y2]) => (x2 - x1).abs() * (y2 - y1).abs() > 0.0,
        _ => true,
    }
}
