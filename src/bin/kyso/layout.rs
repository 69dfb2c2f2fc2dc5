//! `kyso sign --profile …`: from the visible-signature options (and a saved signing profile in
//! the settings file) to a `layout::VisibleSignature` and the `/Reason` it records. Options on
//! the command line win over the saved profile.

use std::path::PathBuf;

use kyso::layout::{
    CopyForm, IssuerLayout, LayoutError, LeaderLayout, Profile, Stamp, VisibleSignature,
    parse_date, parse_rect,
};
use kyso::message::{Explain, Message};
use kyso::pdf::image::PngImage;
use kyso::pki::trust::TrustStore;
use kyso::settings::{Settings, SigningProfile, authority_reason};

use crate::args::SignArgs;

/// What the visible-signature options resolve to.
#[derive(Debug, Default)]
pub struct Resolved {
    pub visible: Option<VisibleSignature>,
    /// `/Reason` for the leader: "KT. CHỦ TỊCH — PHÓ CHỦ TỊCH".
    pub reason: Option<String>,
    /// Certificate and token named by the saved profile.
    pub certificate: Option<String>,
    pub token: Option<String>,
}

/// Resolves the options; `Ok(Resolved::default())` when no visible signature is asked for.
pub fn resolve(args: &SignArgs) -> Result<Resolved, Message> {
    let settings = load_settings(args)?;
    let saved = match &args.settings_profile {
        Some(name) => Some(settings.profile(name).map_err(|e| e.message())?.clone()),
        None => None,
    };
    let profile = match (&args.profile, &saved) {
        (Some(p), _) => Profile::parse(p).map_err(|e| e.message())?,
        (None, Some(saved)) => saved.kind.into(),
        (None, None) => {
            return if visible_options_used(args) {
                Err(LayoutError::MissingOption {
                    profile: "sign",
                    option: "--profile leader|issuer|attachment|copy",
                }
                .message())
            } else {
                Ok(Resolved::default())
            };
        }
    };
    let saved = saved.unwrap_or_else(|| SigningProfile::new("", profile));
    let trust = if profile == Profile::Issuer {
        trust_store(&args.trust, &settings.trust_anchors)?
    } else {
        TrustStore::empty()
    };
    let visible = build(args, profile, &saved, &settings, trust).map_err(|e| e.message())?;
    let reason = match profile {
        Profile::Leader => authority_reason(
            args.authority
                .as_deref()
                .or(saved.authority_prefix.as_deref()),
            args.title.as_deref().or(saved.title.as_deref()),
        ),
        _ => None,
    };
    Ok(Resolved {
        visible: Some(visible),
        reason,
        certificate: saved.certificate.clone(),
        token: saved.token.clone(),
    })
}

fn visible_options_used(args: &SignArgs) -> bool {
    args.image.is_some()
        || args.seal.is_some()
        || args.rect.is_some()
        || args.anchor.is_some()
        || args.number.is_some()
        || args.date.is_some()
        || args.copy_form.is_some()
        || args.number_rect.is_some()
        || args.date_rect.is_some()
}

fn load_settings(args: &SignArgs) -> Result<Settings, Message> {
    match &args.settings {
        Some(path) => Settings::load(path).map_err(|e| e.message()),
        None if args.settings_profile.is_some() => {
            Settings::load_default().map_err(|e| e.message())
        }
        None => Ok(Settings::default()),
    }
}

fn build(
    args: &SignArgs,
    profile: Profile,
    saved: &SigningProfile,
    settings: &Settings,
    trust: TrustStore,
) -> Result<VisibleSignature, LayoutError> {
    let missing = |option| LayoutError::MissingOption {
        profile: profile.as_str(),
        option,
    };
    let rect = args.rect.as_deref().map(parse_rect).transpose()?;
    Ok(match profile {
        Profile::Leader => {
            let image = args.image.as_ref().or(saved.image.as_ref());
            let image = image.ok_or_else(|| missing("--image PNG"))?;
            VisibleSignature::Leader(LeaderLayout {
                image: PngImage::open(image)?,
                anchor: args.anchor.clone(),
                rect,
                page: Some(library_page(args.page.unwrap_or(-1))),
            })
        }
        Profile::Issuer => {
            let seal = args.seal.as_ref().or(saved.seal.as_ref());
            let seal = PngImage::open(seal.ok_or_else(|| missing("--seal PNG"))?)?;
            let seal_mm = IssuerLayout::seal_width_mm(&seal, args.seal_size.or(saved.seal_mm));
            let rect_of = |given: &Option<String>| given.as_deref().map(parse_rect).transpose();
            let number = match &args.number {
                Some(text) => Some(Stamp::number(text, rect_of(&args.number_rect)?)),
                None => None,
            };
            let date = match &args.date {
                Some(text) => Some(Stamp::date(parse_date(text)?, rect_of(&args.date_rect)?)),
                None => None,
            };
            VisibleSignature::Issuer(IssuerLayout {
                seal,
                seal_mm,
                number,
                date,
                stamp_page: 0,
                trust,
            })
        }
        Profile::Attachment => VisibleSignature::Attachment {
            number: args.number.clone().ok_or_else(|| missing("--number"))?,
        },
        Profile::Copy => {
            let form = args.copy_form.as_deref().or(saved.copy_form.as_deref());
            let form = CopyForm::parse(form.ok_or_else(|| missing("--copy-form"))?)?;
            // Empty: the signer certificate's organisation, filled in once the key is open.
            let organisation = args
                .organisation
                .clone()
                .or(saved.organisation.clone())
                .or(settings.office_name.clone())
                .unwrap_or_default();
            VisibleSignature::Copy { form, organisation }
        }
    })
}

/// The CLI counts pages from 1 (-1 = last); the library from 0 (-1 = last).
fn library_page(page: i64) -> i64 {
    if page > 0 { page - 1 } else { page }
}

/// The shipped anchors plus the given files.
fn trust_store(given: &[PathBuf], saved: &[PathBuf]) -> Result<TrustStore, Message> {
    // The shipped anchors are checked against their fingerprints; failing that is a broken
    // installation, and the user's own anchors still apply.
    let mut store = TrustStore::shipped().unwrap_or_else(|_| TrustStore::empty());
    for path in given.iter().chain(saved) {
        let bytes = std::fs::read(path).map_err(|e| {
            Message::new(
                "trust-unreadable",
                format!("Không đọc được chứng thư gốc {}: {e}", path.display()),
                format!("Cannot read the trust anchor {}: {e}", path.display()),
            )
        })?;
        store
            .add_anchor_pem_or_der(&bytes)
            .map_err(|e| e.message())?;
    }
    Ok(store)
}

/// Fills in the copying organisation from the signer's certificate when none was given.
pub fn complete_with_signer(visible: &mut Option<VisibleSignature>, certificate_der: &[u8]) {
    if let Some(VisibleSignature::Copy { organisation, .. }) = visible
        && organisation.is_empty()
    {
        *organisation = kyso::pki::CertificateInfo::from_der(certificate_der)
            .ok()
            .and_then(|c| c.organisation.or(c.common_name))
            .unwrap_or_default();
    }
}
