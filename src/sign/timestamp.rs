//! PAdES B-T: the signature time-stamp (ETSI EN 319 142-1 §5.3, RFC 3161 Appendix A).
//!
//! Once the token has produced the signature value, the TSA is asked — once — for a token
//! over those octets, and the token is added to the SignerInfo as the unsigned attribute
//! id-aa-signatureTimeStampToken, through [`CmsOptions::unsigned_attributes`]. The room for it
//! in `/Contents` is reserved beforehand ([`TOKEN_RESERVE`]); a token that does not fit, or a
//! TSA that does not answer, fails the signing with no output: never a silent B-B.
//!
//! [`CmsOptions::unsigned_attributes`]: crate::cms::CmsOptions::unsigned_attributes
//! [`TOKEN_RESERVE`]: crate::pki::tsp::TOKEN_RESERVE

use std::cell::RefCell;

use const_oid::ObjectIdentifier;
use der::asn1::SetOfVec;
use der::{Any, Decode};
use time::OffsetDateTime;
use x509_cert::attr::Attribute;

use super::SignError;
use crate::cms::{AttributeSourceError, CmsError};
use crate::pki::tsp::{TimeStampToken, TsaClient, TsaError, TsaTrust};

/// id-aa-signatureTimeStampToken (RFC 3161 Appendix A; RFC 2985's smime arc).
pub const ID_AA_SIGNATURE_TIME_STAMP_TOKEN: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");

/// What a signature's (or a document's) time-stamp says, for reports and the journal.
#[derive(Debug, Clone)]
pub struct TimestampSummary {
    /// genTime of the token.
    pub time: OffsetDateTime,
    /// The TSA's address.
    pub tsa_url: String,
    /// The TSA certificate's subject.
    pub tsa_subject: String,
    /// Whether the TSA chained to a trusted root.
    pub trust: TsaTrust,
    /// Length of the token, DER.
    pub token_len: usize,
}

impl TimestampSummary {
    pub(crate) fn new(tsa: &TsaClient, token: &TimeStampToken) -> Self {
        TimestampSummary {
            time: token.gen_time,
            tsa_url: tsa.url().to_owned(),
            tsa_subject: token.tsa.subject.clone(),
            trust: token.trust.clone(),
            token_len: token.der.len(),
        }
    }
}

/// Asks the TSA for the signature time-stamp when the CMS builder calls, and keeps the token
/// (to report its time) and the client's own error (which the builder would flatten).
pub(crate) struct SignatureTimestamper<'a> {
    tsa: &'a TsaClient,
    token: RefCell<Option<TimeStampToken>>,
}

impl<'a> SignatureTimestamper<'a> {
    pub(crate) fn new(tsa: &'a TsaClient) -> Self {
        SignatureTimestamper {
            tsa,
            token: RefCell::new(None),
        }
    }

    /// The unsigned attributes for the signature value `signature`: one
    /// id-aa-signatureTimeStampToken with the token as received. One TSA request per call.
    pub(crate) fn attributes(
        &self,
        signature: &[u8],
    ) -> Result<Vec<Attribute>, Box<dyn AttributeSourceError>> {
        let token = self.tsa.timestamp(signature).map_err(boxed)?;
        let value = Any::from_der(&token.der).map_err(|e| {
            boxed(TsaError::BadResponse {
                url: self.tsa.url().to_owned(),
                detail: format!("the token is not DER: {e}"),
            })
        })?;
        let mut values = SetOfVec::new();
        values.insert(value).map_err(|e| {
            boxed(TsaError::BadResponse {
                url: self.tsa.url().to_owned(),
                detail: e.to_string(),
            })
        })?;
        *self.token.borrow_mut() = Some(token);
        Ok(vec![Attribute {
            oid: ID_AA_SIGNATURE_TIME_STAMP_TOKEN,
            values,
        }])
    }

    /// What the token says, once [`Self::attributes`] succeeded.
    pub(crate) fn summary(&self) -> Option<TimestampSummary> {
        self.token
            .borrow()
            .as_ref()
            .map(|token| TimestampSummary::new(self.tsa, token))
    }
}

fn boxed(error: TsaError) -> Box<dyn AttributeSourceError> {
    Box::new(error)
}

/// A CMS error as a signing error, with the time-stamp client's own error brought out when the
/// unsigned-attribute hook failed (the journal and the CLI tell "TSA down" from the rest).
pub(crate) fn sign_error(error: CmsError) -> SignError {
    match error {
        CmsError::UnsignedAttributes(inner) if is_tsa_error(&*inner) => {
            let message = inner.message().en;
            let inner: Box<dyn std::error::Error + Send + Sync> = inner;
            match inner.downcast::<TsaError>() {
                Ok(tsa) => SignError::Timestamp(*tsa),
                // `is_tsa_error` said it is one; keep the words if the type says otherwise.
                Err(_) => SignError::Container(CmsError::Encoding(message)),
            }
        }
        other => SignError::from(other),
    }
}

fn is_tsa_error(error: &dyn AttributeSourceError) -> bool {
    let error: &(dyn std::error::Error + 'static) = error;
    error.is::<TsaError>()
}
