//! What a change after signing is, what it needs to be allowed, and how a clerk reads it.

use serde::Serialize;

use crate::message::Message;

/// The least a document's certification must permit for a change to be allowed
/// (ISO 32000-1 §12.8.2.2 Table 254 DocMDP `/P`, ETSI EN 319 142-1 §5.4 for validation data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Permission {
    /// Validation data and document time-stamps: allowed even at P=1 (PAdES, ETSI EN
    /// 319 142-1 §5.4: "the DSS and document time-stamps … do not invalidate" a certification).
    ValidationData,
    /// Signing: P=2 and P=3, and documents without a certification signature.
    Signing,
    /// Filling in existing form fields: P=2 and P=3, and documents without certification.
    FormFilling,
    /// Annotations: P=3, and documents without certification.
    Annotation,
    /// Never allowed after signing.
    Never,
}

/// The change permissions in force for a signature: those of the document's certification
/// signature (DocMDP), narrowed by any FieldMDP `/P` of the signatures before it (PDF 2.0,
/// ISO 32000-2 §12.8.2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CertificationLevel {
    /// No certification signature: approval signatures only. Signing, form filling and
    /// annotations are allowed and reported, as pyHanko and Adobe treat them.
    NotCertified,
    /// P=1: no changes (validation data and document time-stamps excepted).
    NoChanges,
    /// P=2: form filling and signing.
    FormFilling,
    /// P=3: form filling, signing and annotations.
    Annotations,
}

impl CertificationLevel {
    /// From a DocMDP or FieldMDP `/P` value (1, 2 or 3).
    pub fn from_p(p: u8) -> Self {
        match p {
            1 => CertificationLevel::NoChanges,
            2 => CertificationLevel::FormFilling,
            _ => CertificationLevel::Annotations,
        }
    }

    /// The `/P` value, if certified.
    pub fn p(self) -> Option<u8> {
        match self {
            CertificationLevel::NotCertified => None,
            CertificationLevel::NoChanges => Some(1),
            CertificationLevel::FormFilling => Some(2),
            CertificationLevel::Annotations => Some(3),
        }
    }

    /// The stricter of two levels.
    pub fn narrowed_by(self, other: CertificationLevel) -> Self {
        match (self, other) {
            (CertificationLevel::NotCertified, other) => other,
            (this, CertificationLevel::NotCertified) => this,
            (a, b) => a.min(b),
        }
    }

    /// Whether a change needing `permission` is allowed at this level.
    pub fn permits(self, permission: Permission) -> bool {
        match permission {
            Permission::ValidationData => true,
            Permission::Signing | Permission::FormFilling => self != CertificationLevel::NoChanges,
            Permission::Annotation => matches!(
                self,
                CertificationLevel::NotCertified | CertificationLevel::Annotations
            ),
            Permission::Never => false,
        }
    }
}

/// What changed. Every variant names the object's role in words a clerk understands; the
/// object itself is in [`super::Change::object`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ChangeKind {
    // --- Kinds that can be allowed -------------------------------------------------------
    /// A later approval signature: a new signature field, or an empty one now signed.
    SignatureAdded {
        /// Fully qualified field name.
        field: String,
        /// Whether its widget shows on a page.
        visible: bool,
    },
    /// A document time-stamp (`/DocTimeStamp`, PAdES B-LTA) with its field.
    DocumentTimestampAdded { field: String },
    /// An empty, invisible signature field (a place for a later signer).
    EmptySignatureFieldAdded { field: String },
    /// The Document Security Store (`/DSS`, ETSI EN 319 142-1 §5.4.2) added or extended.
    ValidationDataAdded,
    /// The catalog's `/Version` or `/Extensions` changed.
    VersionInformationChanged { key: String },
    /// The document information dictionary (`/Info`) changed.
    DocumentInfoChanged,
    /// The XMP metadata stream changed.
    MetadataChanged,
    /// An existing form field's value and appearance changed (form filling).
    FormFieldFilled { field: String },
    /// A new annotation on a page.
    AnnotationAdded { page: usize, subtype: String },
    /// An existing annotation changed.
    AnnotationChanged { page: usize, subtype: String },
    /// An annotation removed.
    AnnotationRemoved { page: usize, subtype: String },
    /// A page's tab order (`/Tabs`) changed.
    TabOrderChanged { page: usize },
    /// The tagged-PDF structure tree gained or lost elements that only point at annotations
    /// or widgets.
    StructureTreeUpdated,

    // --- Kinds that are never allowed ----------------------------------------------------
    /// A page's content stream changed (incremental saving attack).
    PageContentChanged { page: usize },
    /// A page's resources changed.
    PageResourcesChanged { page: usize },
    /// A font a page uses was replaced (shadow replace).
    FontChanged { page: usize },
    /// An image or form XObject a page draws was replaced.
    ImageOrFormChanged { page: usize },
    /// Another entry of a page dictionary changed.
    PageChanged { page: usize, key: String },
    /// Pages added, removed or reordered, or a page tree node changed.
    PageTreeChanged,
    /// A catalog entry changed (`/OpenAction`, `/Names`, `/Outlines`, `/StructTreeRoot` …).
    CatalogEntryChanged { key: String },
    /// The trailer's `/Root` points at another catalog (shadow hide-and-replace).
    RootChanged,
    /// The DSS was removed.
    ValidationDataRemoved,
    /// The DSS added has entries or objects that are not validation data.
    ValidationDataMalformed,
    /// The catalog's `/Perms` was removed.
    PermissionsRemoved,
    /// The catalog's `/Perms` changed.
    PermissionsChanged,
    /// A second certification signature (ISO 32000-1 §12.8.1: at most one, and first).
    SecondCertification,
    /// A certification signature after this (approval) signature.
    CertificationAfterApproval,
    /// A new form field other than a signature field.
    FieldAdded { field: String },
    /// A form field (or one of its widgets) removed.
    FieldRemoved { field: String },
    /// An entry of a form field other than its value and appearance changed.
    FieldChanged { field: String, key: String },
    /// A widget's placement or flags changed.
    WidgetChanged { field: String },
    /// A field locked by a signature (FieldMDP) changed.
    LockedFieldChanged { field: String },
    /// A signed signature field's value, lock or appearance changed.
    SignatureFieldChanged { field: String },
    /// A signature field that shows an appearance without a real signature behind it
    /// (sneaky signature attack).
    SneakySignature { field: String },
    /// A signature field whose value is not a signature of this document.
    FakeSignatureValue { field: String },
    /// A widget annotation that belongs to no field.
    WidgetWithoutField { page: usize },
    /// An object present but unreachable when signed was made reachable (shadow hide).
    HiddenObjectRevealed,
    /// An object of the signed revision overwritten with a different value.
    ObjectOverwritten,
    /// An object of the signed revision freed.
    ObjectFreed,
    /// An object number freed before signing defined again, answering old references.
    ObjectResurrected,
    /// A reference that pointed at nothing when signed now points at a new object.
    DanglingReferenceFilled,
    /// An object repointed to other bytes inside the signed range (shadow replace, wrapping).
    ObjectInSignedBytes,
    /// A new object that no allowed change accounts for.
    UnexplainedObject,
    /// The tagged-PDF structure tree changed beyond annotation bookkeeping.
    StructureTreeChanged,
    /// An entry of the interactive form dictionary (`/AcroForm`) changed.
    FormChanged { key: String },
    /// The later cross-reference data does not continue the signed revision.
    XrefNotContinued,
    /// Bytes after the last revision.
    TrailingBytes { len: u64 },
    /// A later revision cannot be read.
    RevisionUnreadable,
    /// The signed revision cannot be read.
    SignedRevisionUnreadable,
    /// Too much changed to analyse within the bounds.
    TooManyChanges,
}

impl ChangeKind {
    /// The stable code of the change (`page-content-changed`, …), as serialized.
    pub fn code(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
            .unwrap_or_else(|| "change".to_owned())
    }

    /// What it describes, in both languages.
    pub(super) fn describe(&self) -> (String, String) {
        use ChangeKind::*;
        let (vi, en): (String, String) = match self {
            SignatureAdded { field, visible } => {
                if *visible {
                    (
                        format!(
                            "Một chữ ký mới ('{field}'), có hình hiển thị trên trang, đã được \
                             thêm vào sau chữ ký này"
                        ),
                        format!(
                            "A new signature ('{field}'), shown on a page, was added after this \
                             one"
                        ),
                    )
                } else {
                    (
                        format!("Một chữ ký mới ('{field}') đã được thêm vào sau chữ ký này"),
                        format!("A new signature ('{field}') was added after this one"),
                    )
                }
            }
            DocumentTimestampAdded { field } => (
                format!("Dấu thời gian cho tài liệu ('{field}') đã được thêm vào sau chữ ký này"),
                format!("A document time-stamp ('{field}') was added after this signature"),
            ),
            EmptySignatureFieldAdded { field } => (
                format!("Một ô chữ ký trống ('{field}') đã được thêm vào"),
                format!("An empty signature field ('{field}') was added"),
            ),
            ValidationDataAdded => (
                "Dữ liệu kiểm tra chữ ký (chứng thư số, CRL, OCSP) đã được bổ sung vào tài liệu"
                    .into(),
                "Signature validation data (certificates, CRLs, OCSP responses) was added to \
                 the document"
                    .into(),
            ),
            VersionInformationChanged { key } => (
                format!("Thông tin phiên bản PDF (/{key}) của tài liệu đã được cập nhật"),
                format!("The document's PDF version information (/{key}) was updated"),
            ),
            DocumentInfoChanged => (
                "Thông tin mô tả tài liệu (phần mềm tạo, ngày sửa) đã được cập nhật".into(),
                "The document information (producer, modification date) was updated".into(),
            ),
            MetadataChanged => (
                "Siêu dữ liệu XMP của tài liệu đã được cập nhật".into(),
                "The document's XMP metadata was updated".into(),
            ),
            FormFieldFilled { field } => (
                format!("Ô nhập liệu '{field}' đã được điền hoặc sửa giá trị sau khi ký"),
                format!("The form field '{field}' was filled in or changed after signing"),
            ),
            AnnotationAdded { page, subtype } => (
                format!("Một ghi chú ({subtype}) đã được thêm vào trang {page} sau khi ký"),
                format!("An annotation ({subtype}) was added to page {page} after signing"),
            ),
            AnnotationChanged { page, subtype } => (
                format!("Một ghi chú ({subtype}) trên trang {page} đã bị sửa sau khi ký"),
                format!("An annotation ({subtype}) on page {page} was changed after signing"),
            ),
            AnnotationRemoved { page, subtype } => (
                format!("Một ghi chú ({subtype}) trên trang {page} đã bị xóa sau khi ký"),
                format!("An annotation ({subtype}) on page {page} was removed after signing"),
            ),
            TabOrderChanged { page } => (
                format!("Thứ tự chuyển ô (Tab) của trang {page} đã bị thay đổi sau khi ký"),
                format!("The tab order of page {page} changed after signing"),
            ),
            StructureTreeUpdated => (
                "Cấu trúc thẻ (tagged PDF) được cập nhật cho chữ ký hoặc ghi chú mới".into(),
                "The tagged-PDF structure was updated for new signatures or annotations".into(),
            ),
            PageContentChanged { page } => (
                format!("Nội dung trang {page} đã bị thay đổi sau khi ký"),
                format!("The content of page {page} changed after signing"),
            ),
            PageResourcesChanged { page } => (
                format!(
                    "Tài nguyên (phông chữ, hình ảnh) của trang {page} đã bị thay đổi sau khi ký"
                ),
                format!("The resources (fonts, images) of page {page} changed after signing"),
            ),
            FontChanged { page } => (
                format!("Phông chữ dùng trên trang {page} đã bị thay thế sau khi ký"),
                format!("A font used on page {page} was replaced after signing"),
            ),
            ImageOrFormChanged { page } => (
                format!("Hình ảnh hoặc hình vẽ trên trang {page} đã bị thay thế sau khi ký"),
                format!("An image or drawing on page {page} was replaced after signing"),
            ),
            PageChanged { page, key } => (
                format!("Thuộc tính /{key} của trang {page} đã bị thay đổi sau khi ký"),
                format!("The /{key} entry of page {page} changed after signing"),
            ),
            PageTreeChanged => (
                "Danh sách trang của tài liệu (thêm, bớt hoặc đổi thứ tự trang) đã bị thay đổi \
                 sau khi ký"
                    .into(),
                "The document's pages (added, removed or reordered) changed after signing"
                    .into(),
            ),
            CatalogEntryChanged { key } => {
                let (vi, en) = catalog_entry_name(key);
                (
                    format!("{vi} của tài liệu đã bị thay đổi sau khi ký"),
                    format!("The document's {en} changed after signing"),
                )
            }
            RootChanged => (
                "Tài liệu đã bị trỏ sang một danh mục gốc khác (/Root): nội dung hiển thị có thể \
                 là một tài liệu khác"
                    .into(),
                "The document now points at another root catalog (/Root): what is shown may be \
                 a different document"
                    .into(),
            ),
            ValidationDataRemoved => (
                "Dữ liệu kiểm tra chữ ký (DSS) đã bị xóa sau khi ký".into(),
                "The signature validation data (DSS) was removed after signing".into(),
            ),
            ValidationDataMalformed => (
                "Dữ liệu kiểm tra chữ ký (DSS) được thêm vào chứa những thứ không phải dữ liệu \
                 kiểm tra"
                    .into(),
                "The validation data (DSS) added holds things that are not validation data"
                    .into(),
            ),
            PermissionsRemoved => (
                "Quyền hạn chế sửa đổi của tài liệu (/Perms) đã bị xóa sau khi ký".into(),
                "The document's modification permissions (/Perms) were removed after signing"
                    .into(),
            ),
            PermissionsChanged => (
                "Quyền hạn chế sửa đổi của tài liệu (/Perms) đã bị thay đổi sau khi ký".into(),
                "The document's modification permissions (/Perms) changed after signing".into(),
            ),
            SecondCertification => (
                "Một chữ ký chứng nhận thứ hai đã được thêm vào: tài liệu chỉ được có một chữ ký \
                 chứng nhận"
                    .into(),
                "A second certification signature was added: a document may have only one"
                    .into(),
            ),
            CertificationAfterApproval => (
                "Một chữ ký chứng nhận đã được thêm vào sau chữ ký này: chữ ký chứng nhận phải là \
                 chữ ký đầu tiên"
                    .into(),
                "A certification signature was added after this signature: a certification \
                 signature must come first"
                    .into(),
            ),
            FieldAdded { field } => (
                format!("Một ô nhập liệu mới ('{field}') đã được thêm vào sau khi ký"),
                format!("A new form field ('{field}') was added after signing"),
            ),
            FieldRemoved { field } => (
                format!("Ô nhập liệu '{field}' (hoặc một phần hiển thị của nó) đã bị xóa sau khi ký"),
                format!("The form field '{field}' (or one of its widgets) was removed after signing"),
            ),
            FieldChanged { field, key } => (
                format!("Thuộc tính /{key} của ô nhập liệu '{field}' đã bị thay đổi sau khi ký"),
                format!("The /{key} entry of form field '{field}' changed after signing"),
            ),
            WidgetChanged { field } => (
                format!("Vị trí hoặc cách hiển thị của ô '{field}' đã bị thay đổi sau khi ký"),
                format!("The placement or display flags of field '{field}' changed after signing"),
            ),
            LockedFieldChanged { field } => (
                format!("Ô '{field}' đã bị một chữ ký khóa lại nhưng vẫn bị thay đổi"),
                format!("The field '{field}' is locked by a signature but was changed"),
            ),
            SignatureFieldChanged { field } => (
                format!(
                    "Ô chữ ký đã ký '{field}' (giá trị, khóa hoặc hình hiển thị) đã bị thay đổi"
                ),
                format!(
                    "The signed signature field '{field}' (value, lock or appearance) was changed"
                ),
            ),
            SneakySignature { field } => (
                format!(
                    "Ô chữ ký '{field}' hiện hình trên trang nhưng không có chữ ký thật phía sau \
                     (tấn công 'chữ ký lén')"
                ),
                format!(
                    "The signature field '{field}' shows an appearance on the page without a \
                     real signature behind it (sneaky signature attack)"
                ),
            ),
            FakeSignatureValue { field } => (
                format!("Ô chữ ký '{field}' chứa một giá trị không phải chữ ký thật của tài liệu"),
                format!(
                    "The signature field '{field}' holds a value that is not a real signature of \
                     the document"
                ),
            ),
            WidgetWithoutField { page } => (
                format!(
                    "Một vùng hiển thị của biểu mẫu không thuộc ô nào đã được thêm vào trang {page}"
                ),
                format!("A form widget that belongs to no field was added to page {page}"),
            ),
            HiddenObjectRevealed => (
                "Một đối tượng có sẵn nhưng bị ẩn lúc ký đã được đưa ra hiển thị sau khi ký (tấn \
                 công 'shadow')"
                    .into(),
                "An object present but hidden when the document was signed was made visible \
                 afterwards (shadow attack)"
                    .into(),
            ),
            ObjectOverwritten => (
                "Một đối tượng của tài liệu đã ký bị ghi đè bằng nội dung khác".into(),
                "An object of the signed document was overwritten with different content".into(),
            ),
            ObjectFreed => (
                "Một đối tượng của tài liệu đã ký đã bị xóa".into(),
                "An object of the signed document was deleted".into(),
            ),
            ObjectResurrected => (
                "Một đối tượng đã bị xóa trước khi ký được khôi phục lại sau khi ký".into(),
                "An object deleted before signing was brought back after signing".into(),
            ),
            DanglingReferenceFilled => (
                "Một tham chiếu còn bỏ trống trong tài liệu đã ký được gán nội dung sau khi ký"
                    .into(),
                "A reference left empty in the signed document was given content after signing"
                    .into(),
            ),
            ObjectInSignedBytes => (
                "Một đối tượng bị trỏ sang vùng dữ liệu khác nằm bên trong phần đã ký (tấn công \
                 'shadow' hoặc 'wrapping')"
                    .into(),
                "An object was repointed to other bytes inside the signed range (shadow or \
                 wrapping attack)"
                    .into(),
            ),
            UnexplainedObject => (
                "Một đối tượng mới được thêm vào mà không thuộc loại thay đổi nào được phép".into(),
                "A new object was added that belongs to no allowed kind of change".into(),
            ),
            StructureTreeChanged => (
                "Cấu trúc thẻ (tagged PDF) của tài liệu đã bị thay đổi sau khi ký".into(),
                "The document's tagged-PDF structure changed after signing".into(),
            ),
            FormChanged { key } => (
                format!("Thuộc tính /{key} của biểu mẫu (AcroForm) đã bị thay đổi sau khi ký"),
                format!("The /{key} entry of the interactive form (AcroForm) changed after signing"),
            ),
            XrefNotContinued => (
                "Các lần cập nhật sau không nối tiếp phiên bản đã ký: bảng tham chiếu của tài liệu \
                 đã bị thay thế"
                    .into(),
                "The later updates do not continue the signed version: the document's \
                 cross-reference data was replaced"
                    .into(),
            ),
            TrailingBytes { len } => (
                format!(
                    "Có {len} byte được thêm vào sau phần kết thúc của tệp, ngoài mọi lần cập nhật \
                     hợp lệ"
                ),
                format!("{len} bytes were appended after the end of the file, outside any proper update"),
            ),
            RevisionUnreadable => (
                "Không đọc được một lần cập nhật được thực hiện sau khi ký".into(),
                "An update made after signing cannot be read".into(),
            ),
            SignedRevisionUnreadable => (
                "Không đọc được phiên bản tài liệu đã được ký, nên không kiểm tra được các thay đổi \
                 sau đó"
                    .into(),
                "The signed version of the document cannot be read, so later changes cannot be \
                 checked"
                    .into(),
            ),
            TooManyChanges => (
                "Có quá nhiều thay đổi sau khi ký để có thể phân tích hết".into(),
                "There are too many changes after signing to analyse".into(),
            ),
        };
        (vi, en)
    }

    /// The message for a clerk. A change the certification does not permit says why.
    pub(super) fn message(
        &self,
        permission: Permission,
        allowed: bool,
        level: CertificationLevel,
    ) -> Message {
        let (mut vi, mut en) = self.describe();
        if !allowed && permission != Permission::Never {
            match level.p() {
                Some(p) => {
                    vi.push_str(&format!(
                        ", trong khi chữ ký chứng nhận của tài liệu (mức P={p}) không cho phép"
                    ));
                    en.push_str(&format!(
                        ", which the document's certification (level P={p}) does not permit"
                    ));
                }
                None => {
                    vi.push_str(", trong khi chữ ký trên ô đã khóa thay đổi này");
                    en.push_str(", which a signature's field lock does not permit");
                }
            }
        }
        Message::new(format!("change-{}", self.code()), vi, en)
    }
}

/// The catalog entries a clerk may know by name.
fn catalog_entry_name(key: &str) -> (String, String) {
    let (vi, en) = match key {
        "Outlines" => ("Mục lục (Outlines)", "outline (bookmarks)"),
        "OpenAction" => (
            "Hành động khi mở tài liệu (OpenAction)",
            "open action (/OpenAction)",
        ),
        "AA" => ("Hành động tự động (AA)", "automatic actions (/AA)"),
        "Names" => (
            "Bảng tên (tệp đính kèm, JavaScript, đích liên kết)",
            "name tree (attachments, JavaScript, destinations)",
        ),
        "StructTreeRoot" => ("Cấu trúc thẻ (StructTreeRoot)", "tagged structure"),
        "AcroForm" => ("Biểu mẫu (AcroForm)", "interactive form"),
        "Pages" => ("Cây trang (Pages)", "page tree"),
        "PageLabels" => ("Nhãn số trang (PageLabels)", "page labels"),
        "OCProperties" => ("Lớp nội dung (OCProperties)", "optional content (layers)"),
        "Dests" => ("Đích liên kết (Dests)", "destinations"),
        "URI" => ("Địa chỉ liên kết (URI)", "base URI"),
        "Perms" => ("Quyền hạn chế sửa đổi (Perms)", "permissions (/Perms)"),
        _ => return (format!("Mục /{key}"), format!("/{key} entry")),
    };
    (vi.to_owned(), en.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_permit_what_iso_32000_table_254_says() {
        use CertificationLevel as L;
        use Permission as P;
        for level in [
            L::NotCertified,
            L::NoChanges,
            L::FormFilling,
            L::Annotations,
        ] {
            assert!(level.permits(P::ValidationData), "{level:?}");
            assert!(!level.permits(P::Never), "{level:?}");
        }
        assert!(!L::NoChanges.permits(P::Signing));
        assert!(!L::NoChanges.permits(P::FormFilling));
        assert!(L::FormFilling.permits(P::Signing) && L::FormFilling.permits(P::FormFilling));
        assert!(!L::FormFilling.permits(P::Annotation));
        assert!(L::Annotations.permits(P::Annotation));
        assert!(L::NotCertified.permits(P::Annotation) && L::NotCertified.permits(P::Signing));
        assert_eq!(L::Annotations.narrowed_by(L::NoChanges), L::NoChanges);
        assert_eq!(L::NotCertified.narrowed_by(L::FormFilling), L::FormFilling);
        assert_eq!(L::FormFilling.narrowed_by(L::NotCertified), L::FormFilling);
    }

    #[test]
    fn codes_are_kebab_case_and_messages_name_the_page() {
        let kind = ChangeKind::PageContentChanged { page: 1 };
        assert_eq!(kind.code(), "page-content-changed");
        let message = kind.message(Permission::Never, false, CertificationLevel::NotCertified);
        assert_eq!(message.code, "change-page-content-changed");
        assert_eq!(message.vi, "Nội dung trang 1 đã bị thay đổi sau khi ký");
        assert_eq!(message.en, "The content of page 1 changed after signing");
        let evil = ChangeKind::AnnotationAdded {
            page: 2,
            subtype: "FreeText".into(),
        };
        let message = evil.message(
            Permission::Annotation,
            false,
            CertificationLevel::FormFilling,
        );
        assert!(message.vi.contains("P=2"), "{}", message.vi);
        assert!(message.en.contains("does not permit"), "{}", message.en);
    }
}
