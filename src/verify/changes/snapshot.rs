//! What one revision of the document looks like to the change rules: its catalog, pages and
//! their annotations, form fields and widgets, validation data, tagged structure, and which
//! object plays which role.
//!
//! Everything is read through the bounded reader and walked with explicit bounds (depth, count,
//! visited sets), so a hostile file costs bounded work. A structure that cannot be read is an
//! `Err`; the caller turns it into a finding.

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap, HashSet};

use crate::pdf::limits::{MAX_FIELD_TREE_DEPTH, MAX_PAGE_TREE_DEPTH};
use crate::pdf::{Dictionary, Object, ObjectId, PdfError, PdfFile, StructureProblem};

use super::values::name_text;

/// Pages walked per revision.
pub(super) const MAX_PAGES: usize = 100_000;
/// Annotations read per revision.
pub(super) const MAX_ANNOTATIONS: usize = 100_000;
/// Form fields read per revision.
pub(super) const MAX_FIELDS: usize = 20_000;
/// Structure elements read per revision.
pub(super) const MAX_STRUCTURE_ELEMENTS: usize = 200_000;
/// Depth of the structure tree and of number trees.
const MAX_STRUCTURE_DEPTH: usize = 256;

/// What an object is to the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Role {
    Catalog,
    PageTreeNode,
    Page(usize),
    AnnotsArray(usize),
    /// An annotation that is not a form widget, on a page (1-based), with its subtype.
    Annotation(usize, String),
    /// A stream or dictionary of an annotation's `/AP`.
    AnnotationAppearance(usize, String),
    /// A form field (index into [`Snapshot::fields`]).
    Field(usize),
    /// A field's indirect `/Kids` array.
    FieldKids(usize),
    /// A widget of a field (a separate object, or the field itself when merged).
    Widget(usize),
    /// A stream or dictionary of a field widget's `/AP`.
    FieldAppearance(usize),
    /// The signature dictionary in a signature field's `/V`.
    SignatureValue(usize),
    /// A signature field's `/Lock` dictionary.
    FieldLock(usize),
    /// The `/AcroForm` dictionary.
    Form,
    /// The indirect `/Fields` array.
    FieldsArray,
    /// The Document Security Store or one of its parts.
    Dss,
    /// The document information dictionary.
    Info,
    /// The catalog's XMP metadata stream.
    Metadata,
    /// A page's content stream, or the array holding them (1-based page).
    PageContent(usize),
    /// A page's indirect `/Resources`.
    PageResources(usize),
    /// A font in a page's resources.
    PageFont(usize),
    /// An XObject (image, form) in a page's resources.
    PageXObject(usize),
    /// Another resource of a page (graphics states, colour spaces, patterns …).
    PageResource(usize),
}

/// A page.
#[derive(Debug, Clone)]
pub(super) struct PageInfo {
    pub id: ObjectId,
    pub dict: Dictionary,
    /// The indirect `/Annots` array, if the page has one.
    pub annots_array: Option<ObjectId>,
    pub annots: Vec<AnnotInfo>,
    /// Resources, own or inherited (§7.7.3.4), and the node that holds them.
    pub resources: Option<Object>,
}

/// An annotation listed by a page's `/Annots`.
#[derive(Debug, Clone)]
pub(super) struct AnnotInfo {
    /// `None` for an annotation written inline in the array.
    pub id: Option<ObjectId>,
    pub dict: Dictionary,
}

impl AnnotInfo {
    pub fn subtype(&self) -> String {
        self.dict
            .get_name(b"Subtype")
            .map_or_else(|| "?".to_owned(), name_text)
    }

    pub fn is_widget(&self) -> bool {
        self.dict.get_name(b"Subtype") == Some(b"Widget")
    }
}

/// The interactive form dictionary.
#[derive(Debug, Clone)]
pub(super) struct FormInfo {
    pub id: Option<ObjectId>,
    pub dict: Dictionary,
    pub fields_array: Option<ObjectId>,
    /// The `/Fields` entries (references; anything else is kept as found).
    pub roots: Vec<Object>,
}

/// A form field (ISO 32000-1 §12.7.3).
#[derive(Debug, Clone)]
pub(super) struct FieldInfo {
    /// Fully qualified name (`parent.child`), `#n` for a field without `/T` at the root.
    pub name: String,
    pub id: Option<ObjectId>,
    pub dict: Dictionary,
    /// `/FT`, inherited.
    pub field_type: Option<Vec<u8>>,
    /// `/V`, inherited.
    pub value: Option<Object>,
    pub kids_array: Option<ObjectId>,
    /// Kids that are fields (have `/T`), in order.
    pub child_fields: Vec<Object>,
    /// Widgets: the field itself when it is merged with its widget, else its kids without `/T`.
    pub widgets: Vec<AnnotInfo>,
}

impl FieldInfo {
    pub fn is_signature(&self) -> bool {
        self.field_type.as_deref() == Some(b"Sig")
    }

    /// Whether `/V` holds something (a signature field is signed, a text field filled).
    pub fn has_value(&self) -> bool {
        !matches!(self.value, None | Some(Object::Null))
    }
}

/// The tagged-PDF structure tree (§14.7), reduced to what the change rules compare.
#[derive(Debug, Clone, Default)]
pub(super) struct StructureTree {
    pub root_id: Option<ObjectId>,
    pub root: Dictionary,
    /// Indirect structure elements: dictionary without `/K`, and the kids.
    pub elements: BTreeMap<ObjectId, (Dictionary, Vec<StructKid>)>,
    /// The parent tree (a number tree), key → value.
    pub parent_tree: BTreeMap<i64, Object>,
    /// Every indirect object that belongs to the tree.
    pub objects: HashSet<u32>,
}

/// A kid of a structure element.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum StructKid {
    /// Another element (indirect).
    Element(ObjectId),
    /// A marked-content identifier, a marked-content reference or an inline element.
    Content(Object),
    /// An object reference (`/OBJR`) to an annotation or widget.
    ObjectRef(ObjectId),
}

impl StructureTree {
    /// Whether an element only points at annotations: the bookkeeping a writer does for a new
    /// annotation or signature widget.
    pub fn is_annotation_only(&self, id: ObjectId) -> bool {
        self.elements.get(&id).is_some_and(|(_, kids)| {
            !kids.is_empty() && kids.iter().all(|k| matches!(k, StructKid::ObjectRef(_)))
        })
    }

    /// An element's kids without annotation bookkeeping (OBJR kids, annotation-only elements).
    pub fn content_kids(&self, kids: &[StructKid]) -> Vec<StructKid> {
        kids.iter()
            .filter(|k| match k {
                StructKid::ObjectRef(_) => false,
                StructKid::Element(id) => !self.is_annotation_only(*id),
                StructKid::Content(_) => true,
            })
            .cloned()
            .collect()
    }
}

/// The parts of the validation data (DSS).
#[derive(Debug, Clone, Default)]
pub(super) struct DssInfo {
    pub id: Option<ObjectId>,
    pub dict: Dictionary,
    /// Every indirect object inside the DSS.
    pub objects: HashSet<u32>,
    /// Whether the DSS holds only what ETSI EN 319 142-1 §5.4.2 lists.
    pub well_formed: bool,
}

/// One revision, as the change rules see it.
pub(super) struct Snapshot<'f> {
    pub file: &'f PdfFile,
    pub trailer: Dictionary,
    pub catalog_id: ObjectId,
    pub catalog: Dictionary,
    pub pages: Vec<PageInfo>,
    pub page_nodes: Vec<ObjectId>,
    pub form: Option<FormInfo>,
    pub fields: Vec<FieldInfo>,
    pub dss: Option<DssInfo>,
    structure: OnceCell<Result<Option<StructureTree>, PdfError>>,
    roles: OnceCell<HashMap<u32, Vec<Role>>>,
}

impl<'f> Snapshot<'f> {
    /// Reads the structure of `file` (one revision).
    pub fn read(file: &'f PdfFile) -> Result<Snapshot<'f>, PdfError> {
        let catalog_id = file.catalog_id();
        let catalog = file.catalog()?;
        let (pages, page_nodes) = read_pages(file, &catalog)?;
        let (form, fields) = read_form(file, &catalog)?;
        let dss = read_dss(file, &catalog)?;
        Ok(Snapshot {
            file,
            trailer: file.trailer().clone(),
            catalog_id,
            catalog,
            pages,
            page_nodes,
            form,
            fields,
            dss,
            structure: OnceCell::new(),
            roles: OnceCell::new(),
        })
    }

    /// The structure tree, read when first asked for.
    pub fn structure(&self) -> Result<Option<&StructureTree>, PdfError> {
        match self
            .structure
            .get_or_init(|| read_structure(self.file, &self.catalog))
        {
            Ok(tree) => Ok(tree.as_ref()),
            Err(e) => Err(clone_error(e)),
        }
    }

    /// Roles of objects: what each indirect object is to the document.
    pub fn roles(&self) -> &HashMap<u32, Vec<Role>> {
        self.roles.get_or_init(|| self.collect_roles())
    }

    /// Roles of one object number.
    pub fn roles_of(&self, number: u32) -> &[Role] {
        self.roles().get(&number).map_or(&[], Vec::as_slice)
    }

    /// Whether the object number is live (defined, not free) in this revision.
    pub fn is_live(&self, id: ObjectId) -> bool {
        match self.file.xref_entry(id.number) {
            Some(crate::pdf::XrefEntry::InFile { generation, .. }) => generation == id.generation,
            Some(crate::pdf::XrefEntry::Compressed { .. }) => id.generation == 0,
            _ => false,
        }
    }

    /// Index of a field by its object id.
    pub fn field_by_id(&self, id: ObjectId) -> Option<usize> {
        self.fields.iter().position(|f| f.id == Some(id))
    }

    /// The field a widget (by id) belongs to.
    pub fn field_of_widget(&self, id: ObjectId) -> Option<usize> {
        self.fields
            .iter()
            .position(|f| f.widgets.iter().any(|w| w.id == Some(id)))
    }

    fn collect_roles(&self) -> HashMap<u32, Vec<Role>> {
        let mut roles: HashMap<u32, Vec<Role>> = HashMap::new();
        let mut add = |id: Option<ObjectId>, role: Role| {
            if let Some(id) = id {
                let entry = roles.entry(id.number).or_default();
                if !entry.contains(&role) {
                    entry.push(role);
                }
            }
        };
        add(Some(self.catalog_id), Role::Catalog);
        for &node in &self.page_nodes {
            add(Some(node), Role::PageTreeNode);
        }
        for (index, page) in self.pages.iter().enumerate() {
            let number = index + 1;
            add(Some(page.id), Role::Page(number));
            add(page.annots_array, Role::AnnotsArray(number));
            for annot in &page.annots {
                if !annot.is_widget() {
                    add(annot.id, Role::Annotation(number, annot.subtype()));
                    for id in appearance_objects(self.file, &annot.dict) {
                        add(
                            Some(id),
                            Role::AnnotationAppearance(number, annot.subtype()),
                        );
                    }
                }
            }
            for id in page_content_objects(&page.dict) {
                add(Some(id), Role::PageContent(number));
            }
            if let Some(resources) = &page.resources {
                for (id, role) in resource_objects(self.file, resources, number) {
                    add(Some(id), role);
                }
            }
        }
        if let Some(form) = &self.form {
            add(form.id, Role::Form);
            add(form.fields_array, Role::FieldsArray);
        }
        for (index, field) in self.fields.iter().enumerate() {
            add(field.id, Role::Field(index));
            add(field.kids_array, Role::FieldKids(index));
            if let Some(Object::Reference(v)) = field.dict.get(b"V")
                && field.is_signature()
            {
                add(Some(*v), Role::SignatureValue(index));
            }
            if let Some(Object::Reference(lock)) = field.dict.get(b"Lock") {
                add(Some(*lock), Role::FieldLock(index));
            }
            for widget in &field.widgets {
                add(widget.id, Role::Widget(index));
                for id in appearance_objects(self.file, &widget.dict) {
                    add(Some(id), Role::FieldAppearance(index));
                }
            }
        }
        if let Some(dss) = &self.dss {
            for &number in &dss.objects {
                roles.entry(number).or_default().push(Role::Dss);
            }
        }
        if let Some(Object::Reference(info)) = self.trailer.get(b"Info") {
            roles.entry(info.number).or_default().push(Role::Info);
        }
        if let Some(Object::Reference(metadata)) = self.catalog.get(b"Metadata") {
            roles
                .entry(metadata.number)
                .or_default()
                .push(Role::Metadata);
        }
        roles
    }
}

/// `PdfError` is not `Clone` (it holds I/O errors); a cached failure is repeated as a
/// structure problem naming the same kind of trouble.
fn clone_error(e: &PdfError) -> PdfError {
    match e {
        PdfError::Structure(problem) => PdfError::Structure(problem.clone()),
        _ => PdfError::Structure(StructureProblem::NoPageTree),
    }
}

/// The objects of an annotation's appearance dictionary (`/AP`): the dictionary if indirect,
/// its `/N` `/R` `/D` streams, and the streams of appearance states (§12.5.5).
pub(super) fn appearance_objects(file: &PdfFile, annot: &Dictionary) -> Vec<ObjectId> {
    let mut out = Vec::new();
    let Some(ap) = annot.get(b"AP") else {
        return out;
    };
    let ap = match ap {
        Object::Reference(id) => {
            out.push(*id);
            match file.get(*id) {
                Ok(Object::Dictionary(d)) => d,
                _ => return out,
            }
        }
        Object::Dictionary(d) => d.clone(),
        _ => return out,
    };
    for key in [&b"N"[..], b"R", b"D"] {
        match ap.get(key) {
            Some(Object::Reference(id)) => {
                out.push(*id);
                // A reference to a dictionary of states: its streams are appearances too.
                if let Ok(Object::Dictionary(states)) = file.get(*id) {
                    out.extend(states.iter().filter_map(|(_, v)| v.as_reference()));
                }
            }
            Some(Object::Dictionary(states)) => {
                out.extend(states.iter().filter_map(|(_, v)| v.as_reference()));
            }
            _ => {}
        }
    }
    out
}

/// A page's content streams (and an indirect array of them).
fn page_content_objects(page: &Dictionary) -> Vec<ObjectId> {
    match page.get(b"Contents") {
        Some(Object::Reference(id)) => vec![*id],
        Some(Object::Array(items)) => items.iter().filter_map(Object::as_reference).collect(),
        _ => Vec::new(),
    }
}

/// A page's resources one level deep: the resources dictionary if indirect, its category
/// dictionaries if indirect, and the objects they name.
fn resource_objects(file: &PdfFile, resources: &Object, page: usize) -> Vec<(ObjectId, Role)> {
    let mut out = Vec::new();
    let dict = match resources {
        Object::Reference(id) => {
            out.push((*id, Role::PageResources(page)));
            match file.get(*id) {
                Ok(Object::Dictionary(d)) => d,
                _ => return out,
            }
        }
        Object::Dictionary(d) => d.clone(),
        _ => return out,
    };
    for (category, value) in dict.iter() {
        let role = match category {
            b"Font" => Role::PageFont(page),
            b"XObject" => Role::PageXObject(page),
            _ => Role::PageResource(page),
        };
        let entries = match value {
            Object::Reference(id) => {
                out.push((*id, Role::PageResources(page)));
                match file.get(*id) {
                    Ok(Object::Dictionary(d)) => d,
                    _ => continue,
                }
            }
            Object::Dictionary(d) => d.clone(),
            _ => continue,
        };
        for (_, item) in entries.iter() {
            if let Object::Reference(id) = item {
                out.push((*id, role.clone()));
            }
        }
    }
    out
}

fn bad_pages(node: ObjectId) -> PdfError {
    PdfError::Structure(StructureProblem::BadPageTree { node })
}

/// Leaf pages in order, with their inherited resources, and the intermediate nodes.
fn read_pages(
    file: &PdfFile,
    catalog: &Dictionary,
) -> Result<(Vec<PageInfo>, Vec<ObjectId>), PdfError> {
    let root = catalog
        .get(b"Pages")
        .and_then(Object::as_reference)
        .ok_or(PdfError::Structure(StructureProblem::NoPageTree))?;
    let mut pages = Vec::new();
    let mut nodes = Vec::new();
    let mut visited = HashSet::new();
    let mut annotation_count = 0usize;
    // (node id, inherited resources, depth)
    let mut stack: Vec<(ObjectId, Option<Object>, usize)> = vec![(root, None, 0)];
    while let Some((id, inherited, depth)) = stack.pop() {
        if !visited.insert(id) || depth > MAX_PAGE_TREE_DEPTH || pages.len() >= MAX_PAGES {
            return Err(bad_pages(id));
        }
        let Object::Dictionary(dict) = file.get(id)? else {
            return Err(bad_pages(id));
        };
        let resources = dict.get(b"Resources").cloned().or(inherited);
        let is_node = match dict.get_name(b"Type") {
            Some(b"Pages") => true,
            Some(b"Page") => false,
            Some(_) => return Err(bad_pages(id)),
            None => dict.contains_key(b"Kids"),
        };
        if is_node {
            nodes.push(id);
            let kids = match dict.get(b"Kids").map(|k| file.resolve(k)) {
                Some(Ok(Object::Array(kids))) => kids,
                Some(Err(e)) => return Err(e),
                _ => return Err(bad_pages(id)),
            };
            // Pushed in reverse so that pages come out in order.
            for kid in kids.iter().rev() {
                let kid = kid.as_reference().ok_or_else(|| bad_pages(id))?;
                stack.push((kid, resources.clone(), depth + 1));
            }
        } else {
            let (annots_array, annots) = read_annots(file, &dict, &mut annotation_count)?;
            pages.push(PageInfo {
                id,
                dict,
                annots_array,
                annots,
                resources,
            });
        }
    }
    Ok((pages, nodes))
}

/// A page's `/Annots`: the array's id when indirect, and each annotation.
fn read_annots(
    file: &PdfFile,
    page: &Dictionary,
    count: &mut usize,
) -> Result<(Option<ObjectId>, Vec<AnnotInfo>), PdfError> {
    let (array_id, items) = match page.get(b"Annots") {
        None | Some(Object::Null) => return Ok((None, Vec::new())),
        Some(Object::Reference(id)) => match file.get(*id)? {
            Object::Array(items) => (Some(*id), items),
            Object::Null => return Ok((Some(*id), Vec::new())),
            _ => return Err(not_a("/Annots")),
        },
        Some(Object::Array(items)) => (None, items.clone()),
        Some(_) => return Err(not_a("/Annots")),
    };
    let mut annots = Vec::with_capacity(items.len());
    for item in items {
        *count += 1;
        if *count > MAX_ANNOTATIONS {
            return Err(PdfError::LimitExceeded {
                limit: crate::pdf::Limit::ArrayLength(MAX_ANNOTATIONS),
                offset: None,
            });
        }
        match item {
            Object::Reference(id) => match file.get(id)? {
                Object::Dictionary(dict) => annots.push(AnnotInfo { id: Some(id), dict }),
                // A reference to nothing (or to a non-dictionary) shows nothing; it is still
                // listed, so that it changing later is seen.
                _ => annots.push(AnnotInfo {
                    id: Some(id),
                    dict: Dictionary::new(),
                }),
            },
            Object::Dictionary(dict) => annots.push(AnnotInfo { id: None, dict }),
            _ => {}
        }
    }
    Ok((array_id, annots))
}

fn not_a(path: &'static str) -> PdfError {
    PdfError::Structure(StructureProblem::WrongType {
        path,
        expected: crate::pdf::Expected::Array,
    })
}

/// The form dictionary and its fields (§12.7.2, §12.7.3), depth-first in `/Fields` order.
fn read_form(
    file: &PdfFile,
    catalog: &Dictionary,
) -> Result<(Option<FormInfo>, Vec<FieldInfo>), PdfError> {
    let (form_id, form) = match catalog.get(b"AcroForm") {
        None | Some(Object::Null) => return Ok((None, Vec::new())),
        Some(Object::Reference(id)) => match file.get(*id)? {
            Object::Dictionary(d) => (Some(*id), d),
            Object::Null => return Ok((None, Vec::new())),
            _ => return Err(not_a("/AcroForm")),
        },
        Some(Object::Dictionary(d)) => (None, d.clone()),
        Some(_) => return Err(not_a("/AcroForm")),
    };
    let (fields_array, roots) = match form.get(b"Fields") {
        None | Some(Object::Null) => (None, Vec::new()),
        Some(Object::Reference(id)) => match file.get(*id)? {
            Object::Array(items) => (Some(*id), items),
            _ => (Some(*id), Vec::new()),
        },
        Some(Object::Array(items)) => (None, items.clone()),
        Some(_) => return Err(not_a("/AcroForm /Fields")),
    };
    let mut fields = Vec::new();
    let mut visited = HashSet::new();
    // (field object, parent name, inherited FT, inherited V, depth), reversed for order.
    type Pending = (
        Object,
        Option<String>,
        Option<Vec<u8>>,
        Option<Object>,
        usize,
    );
    let mut stack: Vec<Pending> = roots
        .iter()
        .rev()
        .map(|r| (r.clone(), None, None, None, 0))
        .collect();
    let mut unnamed = 0usize;
    while let Some((object, parent, inherited_type, inherited_value, depth)) = stack.pop() {
        if fields.len() >= MAX_FIELDS || depth > MAX_FIELD_TREE_DEPTH {
            return Err(PdfError::LimitExceeded {
                limit: crate::pdf::Limit::ArrayLength(MAX_FIELDS),
                offset: None,
            });
        }
        let (id, dict) = match &object {
            Object::Reference(id) => {
                if !visited.insert(*id) {
                    // A field listed twice (sloppy writers do) or a loop: read once.
                    continue;
                }
                match file.get(*id)? {
                    Object::Dictionary(d) => (Some(*id), d),
                    _ => continue,
                }
            }
            Object::Dictionary(d) => (None, d.clone()),
            _ => continue,
        };
        let partial = dict
            .get(b"T")
            .and_then(Object::as_string)
            .map(|s| crate::pdf::decode_text_string(&s.bytes));
        let name = match (&parent, partial) {
            (Some(p), Some(t)) => format!("{p}.{t}"),
            (None, Some(t)) => t,
            (Some(p), None) => p.clone(),
            (None, None) => {
                unnamed += 1;
                format!("#{unnamed}")
            }
        };
        let field_type = dict.get_name(b"FT").map(<[u8]>::to_vec).or(inherited_type);
        let value = dict.get(b"V").cloned().or(inherited_value);
        let (kids_array, kids) = match dict.get(b"Kids") {
            Some(Object::Reference(kid_id)) => match file.get(*kid_id)? {
                Object::Array(items) => (Some(*kid_id), items),
                _ => (Some(*kid_id), Vec::new()),
            },
            Some(Object::Array(items)) => (None, items.clone()),
            _ => (None, Vec::new()),
        };
        let mut widgets = Vec::new();
        let mut child_fields = Vec::new();
        if kids.is_empty() {
            // A terminal field without kids is merged with its widget (§12.7.3.1).
            widgets.push(AnnotInfo {
                id,
                dict: dict.clone(),
            });
        }
        for kid in &kids {
            let kid_dict = match kid {
                Object::Reference(kid_id) => match file.get(*kid_id)? {
                    Object::Dictionary(d) => d,
                    _ => continue,
                },
                Object::Dictionary(d) => d.clone(),
                _ => continue,
            };
            if kid_dict.contains_key(b"T") {
                child_fields.push(kid.clone());
            } else {
                widgets.push(AnnotInfo {
                    id: kid.as_reference(),
                    dict: kid_dict,
                });
            }
        }
        for child in child_fields.iter().rev() {
            stack.push((
                child.clone(),
                Some(name.clone()),
                field_type.clone(),
                value.clone(),
                depth + 1,
            ));
        }
        fields.push(FieldInfo {
            name,
            id,
            dict,
            field_type,
            value,
            kids_array,
            child_fields,
            widgets,
        });
    }
    Ok((
        Some(FormInfo {
            id: form_id,
            dict: form,
            fields_array,
            roots,
        }),
        fields,
    ))
}

/// The DSS (ETSI EN 319 142-1 §5.4.2): `/Type /Certs /OCSPs /CRLs /VRI`; each VRI entry a
/// dictionary of `/Type /Cert /OCSP /CRL /TU /TS`; the arrays hold stream references.
fn read_dss(file: &PdfFile, catalog: &Dictionary) -> Result<Option<DssInfo>, PdfError> {
    let mut info = DssInfo {
        well_formed: true,
        ..DssInfo::default()
    };
    let dict = match catalog.get(b"DSS") {
        None | Some(Object::Null) => return Ok(None),
        Some(Object::Reference(id)) => {
            info.id = Some(*id);
            info.objects.insert(id.number);
            match file.get(*id)? {
                Object::Dictionary(d) => d,
                _ => {
                    info.well_formed = false;
                    return Ok(Some(info));
                }
            }
        }
        Some(Object::Dictionary(d)) => d.clone(),
        Some(_) => {
            info.well_formed = false;
            return Ok(Some(info));
        }
    };
    let arrays = [&b"Certs"[..], b"OCSPs", b"CRLs"];
    for (key, value) in dict.iter() {
        if arrays.contains(&key) {
            stream_array(file, value, &mut info)?;
        } else if key == b"VRI" {
            let vri = match value {
                Object::Reference(id) => {
                    info.objects.insert(id.number);
                    match file.get(*id)? {
                        Object::Dictionary(d) => d,
                        _ => {
                            info.well_formed = false;
                            continue;
                        }
                    }
                }
                Object::Dictionary(d) => d.clone(),
                _ => {
                    info.well_formed = false;
                    continue;
                }
            };
            for (_, entry) in vri.iter() {
                let entry = match entry {
                    Object::Reference(id) => {
                        info.objects.insert(id.number);
                        match file.get(*id)? {
                            Object::Dictionary(d) => d,
                            _ => {
                                info.well_formed = false;
                                continue;
                            }
                        }
                    }
                    Object::Dictionary(d) => d.clone(),
                    _ => {
                        info.well_formed = false;
                        continue;
                    }
                };
                for (key, value) in entry.iter() {
                    match key {
                        b"Cert" | b"OCSP" | b"CRL" => stream_array(file, value, &mut info)?,
                        b"TS" => match value {
                            Object::Reference(id) => {
                                info.objects.insert(id.number);
                            }
                            _ => info.well_formed = false,
                        },
                        b"Type" | b"TU" => {}
                        _ => info.well_formed = false,
                    }
                }
            }
        } else if key != b"Type" {
            info.well_formed = false;
        }
    }
    info.dict = dict;
    Ok(Some(info))
}

/// An array of stream references inside the DSS.
fn stream_array(file: &PdfFile, value: &Object, info: &mut DssInfo) -> Result<(), PdfError> {
    let items = match value {
        Object::Reference(id) => {
            info.objects.insert(id.number);
            match file.get(*id)? {
                Object::Array(items) => items,
                _ => {
                    info.well_formed = false;
                    return Ok(());
                }
            }
        }
        Object::Array(items) => items.clone(),
        _ => {
            info.well_formed = false;
            return Ok(());
        }
    };
    for item in items {
        match item {
            Object::Reference(id) => {
                info.objects.insert(id.number);
                if !matches!(file.get(id)?, Object::Stream(_)) {
                    info.well_formed = false;
                }
            }
            _ => info.well_formed = false,
        }
    }
    Ok(())
}

/// The structure tree: elements from `/StructTreeRoot /K`, and the parent tree.
fn read_structure(file: &PdfFile, catalog: &Dictionary) -> Result<Option<StructureTree>, PdfError> {
    let mut tree = StructureTree::default();
    let root = match catalog.get(b"StructTreeRoot") {
        None | Some(Object::Null) => return Ok(None),
        Some(Object::Reference(id)) => {
            tree.root_id = Some(*id);
            tree.objects.insert(id.number);
            match file.get(*id)? {
                Object::Dictionary(d) => d,
                _ => return Ok(Some(tree)),
            }
        }
        Some(Object::Dictionary(d)) => d.clone(),
        Some(_) => return Ok(Some(tree)),
    };
    // Elements, breadth-first from the root's /K.
    let mut queue: Vec<(Object, usize)> = match root.get(b"K") {
        Some(k) => vec![(k.clone(), 0)],
        None => Vec::new(),
    };
    let mut seen = HashSet::new();
    while let Some((value, depth)) = queue.pop() {
        if depth > MAX_STRUCTURE_DEPTH || tree.elements.len() >= MAX_STRUCTURE_ELEMENTS {
            return Err(PdfError::LimitExceeded {
                limit: crate::pdf::Limit::NestingDepth(MAX_STRUCTURE_DEPTH),
                offset: None,
            });
        }
        match value {
            Object::Array(items) => {
                queue.extend(items.into_iter().map(|item| (item, depth + 1)));
            }
            Object::Reference(id) => {
                if !seen.insert(id) {
                    continue;
                }
                let Object::Dictionary(dict) = file.get(id)? else {
                    continue;
                };
                tree.objects.insert(id.number);
                let mut kids = Vec::new();
                let mut children = Vec::new();
                if let Some(k) = dict.get(b"K") {
                    structure_kids(file, k, &mut kids, &mut children, &mut tree.objects)?;
                }
                queue.extend(
                    children
                        .into_iter()
                        .map(|c| (Object::Reference(c), depth + 1)),
                );
                let mut without_kids = dict.clone();
                without_kids.remove(b"K");
                tree.elements.insert(id, (without_kids, kids));
            }
            _ => {}
        }
    }
    if let Some(parent_tree) = root.get(b"ParentTree") {
        read_number_tree(file, parent_tree, &mut tree, 0)?;
    }
    for key in [&b"IDTree"[..], b"RoleMap", b"ClassMap"] {
        if let Some(Object::Reference(id)) = root.get(key) {
            tree.objects.insert(id.number);
        }
    }
    tree.root = root;
    Ok(Some(tree))
}

/// The kids of one structure element (§14.7.2 Table 323 `/K`).
fn structure_kids(
    file: &PdfFile,
    k: &Object,
    kids: &mut Vec<StructKid>,
    children: &mut Vec<ObjectId>,
    objects: &mut HashSet<u32>,
) -> Result<(), PdfError> {
    let items = match k {
        Object::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    for item in items {
        match &item {
            Object::Reference(id) => {
                let target = file.get(*id)?;
                let dict = target.as_dict();
                match dict.and_then(|d| d.get_name(b"Type")) {
                    Some(b"OBJR") => {
                        objects.insert(id.number);
                        match dict
                            .and_then(|d| d.get(b"Obj"))
                            .and_then(Object::as_reference)
                        {
                            Some(obj) => kids.push(StructKid::ObjectRef(obj)),
                            None => kids.push(StructKid::Content(item.clone())),
                        }
                    }
                    Some(b"MCR") => {
                        objects.insert(id.number);
                        kids.push(StructKid::Content(target.clone()));
                    }
                    _ if dict.is_some() => {
                        kids.push(StructKid::Element(*id));
                        children.push(*id);
                    }
                    _ => kids.push(StructKid::Content(item.clone())),
                }
            }
            Object::Dictionary(d) if d.get_name(b"Type") == Some(b"OBJR") => {
                match d.get(b"Obj").and_then(Object::as_reference) {
                    Some(obj) => kids.push(StructKid::ObjectRef(obj)),
                    None => kids.push(StructKid::Content(item.clone())),
                }
            }
            _ => kids.push(StructKid::Content(item.clone())),
        }
    }
    Ok(())
}

/// A number tree (§7.9.7): `/Nums` pairs and `/Kids` nodes.
fn read_number_tree(
    file: &PdfFile,
    node: &Object,
    tree: &mut StructureTree,
    depth: usize,
) -> Result<(), PdfError> {
    if depth > MAX_STRUCTURE_DEPTH || tree.parent_tree.len() > MAX_STRUCTURE_ELEMENTS {
        return Err(PdfError::LimitExceeded {
            limit: crate::pdf::Limit::NestingDepth(MAX_STRUCTURE_DEPTH),
            offset: None,
        });
    }
    let dict = match node {
        Object::Reference(id) => {
            if !tree.objects.insert(id.number) && depth > 0 {
                return Ok(());
            }
            match file.get(*id)? {
                Object::Dictionary(d) => d,
                _ => return Ok(()),
            }
        }
        Object::Dictionary(d) => d.clone(),
        _ => return Ok(()),
    };
    if let Some(Object::Array(items)) = dict.get(b"Nums").map(|n| file.resolve(n)).transpose()? {
        for pair in items.chunks(2) {
            let [key, value] = pair else { continue };
            let Some(key) = key.as_integer() else {
                continue;
            };
            // Values are arrays of elements (marked content of a page) or one element;
            // an indirect array belongs to the tree and is compared by its content.
            let value = match value {
                Object::Reference(id) => match file.get(*id)? {
                    Object::Array(items) => {
                        tree.objects.insert(id.number);
                        Object::Array(items)
                    }
                    _ => value.clone(),
                },
                other => other.clone(),
            };
            tree.parent_tree.insert(key, value);
        }
    }
    if let Some(Object::Array(kids)) = dict.get(b"Kids").map(|k| file.resolve(k)).transpose()? {
        for kid in kids {
            read_number_tree(file, &kid, tree, depth + 1)?;
        }
    }
    Ok(())
}
