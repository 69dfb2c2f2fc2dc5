//! Building the PAdES SignedData (ETSI EN 319 142-1 §6.3, baseline B-B; CAdES-detached).
//!
//! ```text
//! ContentInfo { id-signedData, SignedData {
//!     version 1, digestAlgorithms { <hash> },
//!     encapContentInfo { id-data }                       -- detached: no eContent
//!     certificates [0] { signer, chain… }                -- the DER exactly as given
//!     signerInfos { SignerInfo {
//!         sid issuerAndSerialNumber, digestAlgorithm <hash>,
//!         signedAttrs [0] { content-type id-data, message-digest <document digest>,
//!                           signing-certificate-v2 }      -- no signing-time (the time is /M)
//!         signatureAlgorithm, signature,
//!         unsignedAttrs [1] { … from the hook, e.g. the signature time-stamp } } } } }
//! ```
//!
//! The `cms` crate's `SignerInfoBuilder` and `SignedDataBuilder` do the work. The token is
//! reached through a small adapter implementing the `signature` traits the builder wants;
//! the builder turns signer errors into `der::ErrorKind::Failed`, so the adapter keeps the real
//! [`TokenError`] aside and [`build_signed_data`] returns it.
//!
//! The builder holds certificates as parsed `x509_cert::Certificate`s and re-encodes them,
//! which is not byte-exact for some real certificates (GeneralizedTime validity before 2050
//! comes back as UTCTime, breaking the certificate's own signature). So the builder makes a
//! SignedData without certificates, and [`SignedDataOut`] writes it again with the
//! certificates as the raw DER the signer gave.

use std::cell::RefCell;
use std::fmt;

use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::IssuerAndSerialNumber;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    DigestAlgorithmIdentifiers, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfos,
};
use const_oid::db::rfc5911::{ID_DATA, ID_SIGNED_DATA};
use der::asn1::{AnyRef, BitString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use signature::Keypair;
use spki::{
    AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier, EncodePublicKey,
    SignatureBitStringEncoding, SubjectPublicKeyInfoOwned,
};
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

use super::algorithm::{digest_algorithm, digest_len, signature_algorithm};
use super::ess::signing_certificate_v2_attribute;
use super::{AttributeSourceError, CmsError};
use crate::pki::CertificateError;
use crate::token::{DocumentSigner, TokenError};

/// Adds unsigned attributes once the signature value is known: it receives the SignerInfo's
/// `signature` octets and returns the attributes to add (for B-T, `id-aa-signatureTimeStampToken`
/// with a time-stamp token over those octets). Not called by [`estimate_signed_data_len`].
pub type UnsignedAttributesHook<'a> =
    dyn Fn(&[u8]) -> Result<Vec<Attribute>, Box<dyn AttributeSourceError>> + 'a;

/// Options for [`build_signed_data`] and [`estimate_signed_data_len`].
#[derive(Default)]
pub struct CmsOptions<'a> {
    /// Called after signing to add unsigned attributes (see [`UnsignedAttributesHook`]).
    pub unsigned_attributes: Option<&'a UnsignedAttributesHook<'a>>,
    /// Upper bound of the DER length of the attributes the hook adds (e.g. a time-stamp token
    /// with its TSA chain), which [`estimate_signed_data_len`] counts since the dry run does not
    /// call the hook.
    pub unsigned_attributes_reserve: usize,
    /// Refuse a CMS larger than this many bytes ([`CmsError::TooLarge`]), e.g. the room in the
    /// PDF's `/Contents` placeholder.
    pub max_len: Option<usize>,
}

impl fmt::Debug for CmsOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CmsOptions")
            .field("unsigned_attributes", &self.unsigned_attributes.is_some())
            .field(
                "unsigned_attributes_reserve",
                &self.unsigned_attributes_reserve,
            )
            .field("max_len", &self.max_len)
            .finish()
    }
}

/// Builds the DER ContentInfo of a detached PAdES SignedData over `document_digest` (the hash
/// of the PDF's byte ranges, made with `signer.scheme().hash()`), signed by `signer`.
///
/// The token is asked to sign exactly once. On a token failure the [`TokenError`] comes back
/// as [`CmsError::Signer`].
pub fn build_signed_data(
    signer: &dyn DocumentSigner,
    document_digest: &[u8],
    options: &CmsOptions<'_>,
) -> Result<Vec<u8>, CmsError> {
    let cms = assemble(signer, document_digest, options, Mode::Sign)?;
    if let Some(max) = options.max_len
        && cms.len() > max
    {
        return Err(CmsError::TooLarge {
            len: cms.len(),
            max,
        });
    }
    Ok(cms)
}

/// The length the CMS from [`build_signed_data`] will have at most, found by a dry run with a
/// dummy signature of `signer.max_signature_len()` bytes (the token is not touched), plus
/// `options.unsigned_attributes_reserve`. Callers size the PDF placeholder from it and add a
/// margin.
pub fn estimate_signed_data_len(
    signer: &dyn DocumentSigner,
    options: &CmsOptions<'_>,
) -> Result<usize, CmsError> {
    let hash = signer.scheme().hash();
    let placeholder_digest = vec![0u8; digest_len(hash)];
    let dry_run = CmsOptions {
        unsigned_attributes: None,
        unsigned_attributes_reserve: 0,
        max_len: None,
    };
    let cms = assemble(
        signer,
        &placeholder_digest,
        &dry_run,
        Mode::DryRun(signer.max_signature_len()),
    )?;
    // The hook's attributes go into a new `[1]` field (tag and length: at most 5 octets), and
    // the lengths of the five enclosing TLVs (SignerInfo, signerInfos, SignedData, `[0]`,
    // ContentInfo) may each need up to 3 more octets.
    let growth = if options.unsigned_attributes_reserve > 0 {
        options.unsigned_attributes_reserve + 5 + 5 * 3
    } else {
        0
    };
    Ok(cms.len() + growth)
}

#[derive(Clone, Copy)]
enum Mode {
    /// Ask the signer to sign.
    Sign,
    /// Put this many zero bytes in place of the signature.
    DryRun(usize),
}

fn assemble(
    signer: &dyn DocumentSigner,
    document_digest: &[u8],
    options: &CmsOptions<'_>,
    mode: Mode,
) -> Result<Vec<u8>, CmsError> {
    let scheme = signer.scheme();
    let hash = scheme.hash();
    if document_digest.len() != digest_len(hash) {
        return Err(CmsError::DigestLength {
            expected: digest_len(hash),
            actual: document_digest.len(),
        });
    }
    let certificate_der = signer.certificate_der();
    let certificate = Certificate::from_der(certificate_der)
        .map_err(|e| CmsError::SignerCertificate(CertificateError::Malformed(e)))?;
    let tbs = certificate.tbs_certificate();
    let encoding = |e: &dyn fmt::Display| CmsError::Encoding(e.to_string());

    let adapter = SignerAdapter {
        signer,
        mode,
        algorithm: signature_algorithm(scheme)?,
        public_key: SpkiKey(tbs.subject_public_key_info().clone()),
        failure: RefCell::new(None),
    };
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: tbs.issuer().clone(),
        serial_number: tbs.serial_number().clone(),
    });
    let content = EncapsulatedContentInfo {
        econtent_type: ID_DATA,
        econtent: None,
    };
    // The builder adds content-type (id-data) and message-digest itself; it adds no
    // signing-time, which PAdES baseline forbids.
    let mut signer_info =
        SignerInfoBuilder::new(sid, digest_algorithm(hash), &content, Some(document_digest))
            .map_err(|e| encoding(&e))?;
    signer_info
        .add_signed_attribute(signing_certificate_v2_attribute(
            certificate_der,
            &certificate,
        )?)
        .map_err(|e| encoding(&e))?;

    let hook_failure: RefCell<Option<Box<dyn AttributeSourceError>>> = RefCell::new(None);
    let add_unsigned =
        |info: &mut cms::signed_data::SignerInfo| -> Result<(), cms::builder::Error> {
            let (Mode::Sign, Some(hook)) = (mode, options.unsigned_attributes) else {
                return Ok(());
            };
            let attributes = hook(info.signature.as_bytes()).map_err(|e| {
                *hook_failure.borrow_mut() = Some(e);
                cms::builder::Error::Builder("unsigned attribute hook failed".into())
            })?;
            let set = info.unsigned_attrs.get_or_insert_with(SetOfVec::new);
            for attribute in attributes {
                set.insert(attribute)?;
            }
            Ok(())
        };

    let mut builder = SignedDataBuilder::new(&content);
    builder
        .add_digest_algorithm(digest_algorithm(hash))
        .map_err(|e| encoding(&e))?;
    let added =
        builder.add_signer_info_cb::<_, RawSignature, _>(signer_info, &adapter, add_unsigned);
    if let Err(e) = added {
        if let Some(token_error) = adapter.failure.borrow_mut().take() {
            return Err(CmsError::Signer(token_error));
        }
        if let Some(hook_error) = hook_failure.borrow_mut().take() {
            return Err(CmsError::UnsignedAttributes(hook_error));
        }
        return Err(encoding(&e));
    }
    let built = builder.build().map_err(|e| encoding(&e))?;
    let signed_data = built
        .content
        .decode_as::<SignedData>()
        .map_err(|e| encoding(&e))?;

    let mut certificates = SetOfVec::new();
    for der in std::iter::once(certificate_der).chain(signer.chain_der().iter().map(Vec::as_slice))
    {
        let raw = AnyRef::from_der(der)
            .map_err(|e| CmsError::SignerCertificate(CertificateError::Malformed(e)))?;
        // The same certificate twice (e.g. a chain that repeats the signer) is written once.
        if !certificates.iter().any(|c: &AnyRef<'_>| c == &raw) {
            certificates.insert(raw).map_err(|e| encoding(&e))?;
        }
    }
    let out = SignedDataOut {
        version: signed_data.version,
        digest_algorithms: signed_data.digest_algorithms,
        encap_content_info: signed_data.encap_content_info,
        certificates: Some(certificates),
        signer_infos: signed_data.signer_infos,
    };
    let content =
        Any::from_der(&out.to_der().map_err(|e| encoding(&e))?).map_err(|e| encoding(&e))?;
    ContentInfo {
        content_type: ID_SIGNED_DATA,
        content,
    }
    .to_der()
    .map_err(|e| encoding(&e))
}

/// SignedData as RFC 5652 §5.1 defines it, with the certificates kept as raw TLVs.
///
/// ```text
/// SignedData ::= SEQUENCE {
///   version CMSVersion,
///   digestAlgorithms DigestAlgorithmIdentifiers,
///   encapContentInfo EncapsulatedContentInfo,
///   certificates [0] IMPLICIT CertificateSet OPTIONAL,
///   crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,   -- never written here
///   signerInfos SignerInfos }
/// ```
#[derive(Sequence)]
struct SignedDataOut<'a> {
    version: CmsVersion,
    digest_algorithms: DigestAlgorithmIdentifiers,
    encap_content_info: EncapsulatedContentInfo,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    certificates: Option<SetOfVec<AnyRef<'a>>>,
    signer_infos: SignerInfos,
}

/// A signature value as the signer returned it (PKCS#1 octets, or a DER Ecdsa-Sig-Value).
struct RawSignature(Vec<u8>);

impl SignatureBitStringEncoding for RawSignature {
    fn to_bitstring(&self) -> der::Result<BitString> {
        BitString::from_bytes(&self.0)
    }
}

/// The signer's public key, only to satisfy the builder's `Keypair` bound.
#[derive(Clone)]
struct SpkiKey(SubjectPublicKeyInfoOwned);

impl EncodePublicKey for SpkiKey {
    fn to_public_key_der(&self) -> spki::Result<der::Document> {
        Ok(der::Document::encode_msg(&self.0)?)
    }
}

/// Lets the `cms` builder sign through a [`DocumentSigner`].
struct SignerAdapter<'a> {
    signer: &'a dyn DocumentSigner,
    mode: Mode,
    algorithm: AlgorithmIdentifierOwned,
    public_key: SpkiKey,
    /// The signer's own error, which the builder would otherwise flatten.
    failure: RefCell<Option<TokenError>>,
}

impl Keypair for SignerAdapter<'_> {
    type VerifyingKey = SpkiKey;

    fn verifying_key(&self) -> SpkiKey {
        self.public_key.clone()
    }
}

impl DynSignatureAlgorithmIdentifier for SignerAdapter<'_> {
    fn signature_algorithm_identifier(&self) -> spki::Result<AlgorithmIdentifierOwned> {
        Ok(self.algorithm.clone())
    }
}

impl signature::Signer<RawSignature> for SignerAdapter<'_> {
    /// `message` is the DER of the signed attributes (tag SET OF), which the signer hashes.
    fn try_sign(&self, message: &[u8]) -> Result<RawSignature, signature::Error> {
        match self.mode {
            Mode::DryRun(len) => Ok(RawSignature(vec![0; len])),
            Mode::Sign => self.signer.sign(message).map(RawSignature).map_err(|e| {
                *self.failure.borrow_mut() = Some(e);
                signature::Error::new()
            }),
        }
    }
}
