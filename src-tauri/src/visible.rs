//! The visible signature the Sign screen asks for, turned into the layout issue's
//! `kyso::layout::VisibleSignature` (NĐ 30/2020 Phụ lục I profiles). Drawing and placing are
//! the core's; this only checks what the web view sent.

use std::path::PathBuf;

use kyso::layout::{
    CopyForm, IssuerLayout, LeaderLayout, Rect, Stamp, VisibleSignature, parse_date,
};
use kyso::message::Explain;
use kyso::pdf::image::PngImage;
use kyso::pki::trust::TrustStore;
use serde::Deserialize;

use crate::error::{CommandError, CommandResult};

/// One of the layout profiles, with what the Sign screen shows for it (a saved signing profile
/// only fills these fields in on the screen).
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "profile", rename_all = "kebab-case")]
pub enum VisibleRequest {
    /// The leader's handwritten-signature image, in the box placed on the preview (an empty
    /// signature field in the document wins, as the layout rules say).
    #[serde(rename_all = "camelCase")]
    Leader {
        image: PathBuf,
        /// `[x1, y1, x2, y2]` in PDF points, origin bottom-left.
        rect: Option<Rect>,
        /// 1-based page; negative from the end.
        page: Option<i64>,
        /// The signer's title ("PHÓ CHỦ TỊCH") and authority ("KT. CHỦ TỊCH"), from a saved
        /// signing profile: the signature's `/Reason` when none is typed.
        #[serde(default)]
        title: Option<String>,
        #[serde(default)]
        authority: Option<String>,
    },
    /// The records clerk's issuing signature: the seal over the leader's visible signature,
    /// which must already be in the document and valid (Đ.32.2 NĐ 30/2020), and the number and
    /// date stamped after "Số:" and over "ngày … tháng … năm".
    #[serde(rename_all = "camelCase")]
    Issuer {
        seal: PathBuf,
        /// The seal's width in millimetres; `None`: from the PNG, else 36 mm.
        seal_mm: Option<f64>,
        number: Option<String>,
        /// `YYYY-MM-DD`; `None`: today in Vietnam.
        date: Option<String>,
    },
    /// An attachment: its number and symbol, top right of page 1.
    Attachment { number: String },
    /// An electronic copy: SAO Y / SAO LỤC / TRÍCH SAO and the copying organisation.
    Copy { form: String, organisation: String },
}

impl VisibleRequest {
    /// The core's visible signature. `trust` is what the issuer's check of the leader's
    /// signature chains to (the app's trust store).
    pub fn to_signature(&self, trust: &TrustStore) -> CommandResult<VisibleSignature> {
        let layout = |e: kyso::layout::LayoutError| CommandError(e.message());
        Ok(match self {
            VisibleRequest::Leader {
                image, rect, page, ..
            } => VisibleSignature::Leader(LeaderLayout {
                image: PngImage::open(image).map_err(|e| CommandError(e.message()))?,
                anchor: None,
                rect: rect.map(checked_rect).transpose()?,
                page: Some(match page {
                    Some(p) if *p > 0 => p - 1,
                    Some(p) => *p,
                    None => -1,
                }),
            }),
            VisibleRequest::Issuer {
                seal,
                seal_mm,
                number,
                date,
            } => {
                let seal = PngImage::open(seal).map_err(|e| CommandError(e.message()))?;
                let number = number.as_deref().map(str::trim).filter(|n| !n.is_empty());
                let date = match date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
                    Some(text) => parse_date(text).map_err(layout)?,
                    None => kyso::vn_time::now().date(),
                };
                VisibleSignature::Issuer(IssuerLayout {
                    seal_mm: IssuerLayout::seal_width_mm(&seal, *seal_mm),
                    seal,
                    number: number.map(|n| Stamp::number(n, None)),
                    date: Some(Stamp::date(date, None)),
                    stamp_page: 0,
                    trust: trust.clone(),
                })
            }
            VisibleRequest::Attachment { number } => VisibleSignature::Attachment {
                number: non_empty(number, "số và ký hiệu", "number and symbol")?,
            },
            VisibleRequest::Copy { form, organisation } => VisibleSignature::Copy {
                form: CopyForm::parse(form).map_err(layout)?,
                organisation: non_empty(organisation, "tên cơ quan sao", "copying organisation")?,
            },
        })
    }

    /// The `/Reason` a leader's signature records when none is typed: "KT. CHỦ TỊCH — PHÓ CHỦ
    /// TỊCH" (`kyso::settings::authority_reason`, as `kyso sign --settings-profile`).
    pub fn reason(&self) -> Option<String> {
        match self {
            VisibleRequest::Leader {
                title, authority, ..
            } => kyso::settings::authority_reason(authority.as_deref(), title.as_deref()),
            _ => None,
        }
    }

    pub fn profile(&self) -> &'static str {
        match self {
            VisibleRequest::Leader { .. } => "leader",
            VisibleRequest::Issuer { .. } => "issuer",
            VisibleRequest::Attachment { .. } => "attachment",
            VisibleRequest::Copy { .. } => "copy",
        }
    }
}

fn non_empty(text: &str, vi: &str, en: &str) -> CommandResult<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(CommandError::new(
            "visible-missing",
            format!("Hãy nhập {vi}"),
            format!("Enter the {en}"),
        ));
    }
    Ok(text.to_owned())
}

/// The same rules as `kyso sign --rect`: finite, on a page-sized plane, not empty.
fn checked_rect(rect: Rect) -> CommandResult<Rect> {
    let text = rect.map(|v| v.to_string()).join(",");
    kyso::layout::parse_rect(&text).map_err(|e| CommandError(e.message()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issuer_stamps_today_in_vietnam_unless_a_date_is_given() {
        let seal = concat!(env!("CARGO_MANIFEST_DIR"), "/icons/icon.png");
        let issuer = |date: Option<&str>| VisibleRequest::Issuer {
            seal: PathBuf::from(seal),
            seal_mm: None,
            number: Some(" 45/QĐ-UBND ".into()),
            date: date.map(str::to_owned),
        };
        let VisibleSignature::Issuer(layout) =
            issuer(None).to_signature(&TrustStore::empty()).unwrap()
        else {
            panic!("an issuer layout");
        };
        let today = kyso::layout::vietnamese_date(kyso::vn_time::now().date());
        assert_eq!(layout.date.unwrap().text, today);
        assert_eq!(layout.number.unwrap().text, "45/QĐ-UBND");
        let VisibleSignature::Issuer(layout) = issuer(Some("2026-04-26"))
            .to_signature(&TrustStore::empty())
            .unwrap()
        else {
            panic!("an issuer layout");
        };
        assert_eq!(layout.date.unwrap().text, "ngày 26 tháng 4 năm 2026");
        let bad = issuer(Some("26/4/2026")).to_signature(&TrustStore::empty());
        assert!(!bad.unwrap_err().0.vi.is_empty());
        let leader: VisibleRequest = serde_json::from_value(serde_json::json!({
            "profile": "leader", "image": seal, "rect": null, "page": null,
            "title": "PHÓ CHỦ TỊCH", "authority": "KT. CHỦ TỊCH"
        }))
        .unwrap();
        assert_eq!(
            leader.reason().as_deref(),
            Some("KT. CHỦ TỊCH — PHÓ CHỦ TỊCH")
        );
    }

    #[test]
    fn profiles_come_from_tagged_json() {
        let copy: VisibleRequest = serde_json::from_value(serde_json::json!({
            "profile": "copy", "form": "SAO Y", "organisation": "Văn phòng UBND tỉnh"
        }))
        .unwrap();
        assert!(matches!(
            copy.to_signature(&TrustStore::empty()).unwrap(),
            VisibleSignature::Copy {
                form: CopyForm::SaoY,
                ..
            }
        ));
        let empty = VisibleRequest::Attachment { number: " ".into() };
        assert_eq!(
            empty.to_signature(&TrustStore::empty()).unwrap_err().0.code,
            "visible-missing"
        );
        let bad = checked_rect([f64::NAN, 0.0, 10.0, 10.0]).unwrap_err();
        assert!(!bad.0.vi.is_empty());
        assert_eq!(
            checked_rect([300.0, 80.0, 100.0, 160.0]).unwrap(),
            [100.0, 80.0, 300.0, 160.0]
        );
    }
}
