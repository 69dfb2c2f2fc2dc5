//! Validation status indications of ETSI EN 319 102-1 §5.1.3: the main indication of a
//! validation (TOTAL-PASSED, TOTAL-FAILED, INDETERMINATE) and the sub-indication that says why
//! it is not TOTAL-PASSED.
//!
//! Every check of the validator names the sub-indication its failure implies, so the verdict
//! can be read off the findings instead of being decided a second time.

use std::fmt;

use serde::Serialize;

/// The main status indication (ETSI EN 319 102-1 §5.1.3, Table 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Indication {
    /// The checks passed.
    #[serde(rename = "TOTAL-PASSED")]
    TotalPassed,
    /// A check proved the signature not valid: a wrong format, a wrong hash, a signature
    /// value that does not verify, a revoked or expired signer.
    #[serde(rename = "TOTAL-FAILED")]
    TotalFailed,
    /// The results do not allow to say whether the signature is valid or not.
    #[serde(rename = "INDETERMINATE")]
    Indeterminate,
}

impl Indication {
    /// The spelling of the standard: `TOTAL-PASSED`, `TOTAL-FAILED`, `INDETERMINATE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Indication::TotalPassed => "TOTAL-PASSED",
            Indication::TotalFailed => "TOTAL-FAILED",
            Indication::Indeterminate => "INDETERMINATE",
        }
    }
}

impl fmt::Display for Indication {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The sub-indications of ETSI EN 319 102-1 §5.1.3 (Table 5), each under the main indication
/// it belongs to (see [`SubIndication::indication`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum SubIndication {
    // --- TOTAL-FAILED ---
    /// The signature is not conformant to a supported format: a ByteRange that does not
    /// exclude exactly its `/Contents`, a CMS that does not parse, a required attribute missing.
    FormatFailure,
    /// The hash of the signed data does not match the hash the signature covers.
    HashFailure,
    /// The signature value does not verify with the signer's public key.
    SigCryptoFailure,
    /// The signing certificate was revoked before the signing time.
    Revoked,
    /// The signing certificate had expired before the signing time.
    Expired,
    /// The signing certificate was not yet valid at the signing time.
    NotYetValid,

    // --- INDETERMINATE ---
    /// A constraint on the signature (its attributes, its format) is not met.
    SigConstraintsFailure,
    /// A constraint on the certificate chain is not met.
    ChainConstraintsFailure,
    /// The certificate chain could not be processed for another reason.
    CertificateChainGeneralFailure,
    /// An algorithm or key is below the required security level (or not accepted at all),
    /// with no proof of existence before it became so.
    CryptoConstraintsFailure,
    /// The validation policy could not be processed.
    PolicyProcessingError,
    /// The signature policy the signature names is not available.
    SignaturePolicyNotAvailable,
    /// Time-stamps are not in the order they must be.
    TimestampOrderFailure,
    /// The signing certificate cannot be identified.
    NoSigningCertificateFound,
    /// No chain to a trust anchor could be built.
    NoCertificateChainFound,
    /// The signing certificate is revoked and there is no proof the signature existed before.
    RevokedNoPoe,
    /// A CA certificate of the chain is revoked and there is no proof of existence before.
    RevokedCaNoPoe,
    /// The signing time is outside the certificate's validity with no proof of existence.
    OutOfBoundsNoPoe,
    /// The signing time is outside the certificate's validity; the certificate is not revoked.
    OutOfBoundsNotRevoked,
    /// An algorithm became too weak and there is no proof of existence from before.
    CryptoConstraintsFailureNoPoe,
    /// No proof of existence of the signed object at the time that matters.
    NoPoe,
    /// Revocation information is not available yet; trying later may give an answer.
    TryLater,
    /// The signed data cannot be obtained.
    SignedDataNotFound,
    /// Any other reason.
    Generic,
}

impl SubIndication {
    /// The main indication this sub-indication belongs to.
    pub fn indication(self) -> Indication {
        use SubIndication::*;
        match self {
            FormatFailure | HashFailure | SigCryptoFailure | Revoked | Expired | NotYetValid => {
                Indication::TotalFailed
            }
            SigConstraintsFailure
            | ChainConstraintsFailure
            | CertificateChainGeneralFailure
            | CryptoConstraintsFailure
            | PolicyProcessingError
            | SignaturePolicyNotAvailable
            | TimestampOrderFailure
            | NoSigningCertificateFound
            | NoCertificateChainFound
            | RevokedNoPoe
            | RevokedCaNoPoe
            | OutOfBoundsNoPoe
            | OutOfBoundsNotRevoked
            | CryptoConstraintsFailureNoPoe
            | NoPoe
            | TryLater
            | SignedDataNotFound
            | Generic => Indication::Indeterminate,
        }
    }

    /// The spelling of the standard, e.g. `HASH_FAILURE`.
    pub fn as_str(self) -> &'static str {
        use SubIndication::*;
        match self {
            FormatFailure => "FORMAT_FAILURE",
            HashFailure => "HASH_FAILURE",
            SigCryptoFailure => "SIG_CRYPTO_FAILURE",
            Revoked => "REVOKED",
            Expired => "EXPIRED",
            NotYetValid => "NOT_YET_VALID",
            SigConstraintsFailure => "SIG_CONSTRAINTS_FAILURE",
            ChainConstraintsFailure => "CHAIN_CONSTRAINTS_FAILURE",
            CertificateChainGeneralFailure => "CERTIFICATE_CHAIN_GENERAL_FAILURE",
            CryptoConstraintsFailure => "CRYPTO_CONSTRAINTS_FAILURE",
            PolicyProcessingError => "POLICY_PROCESSING_ERROR",
            SignaturePolicyNotAvailable => "SIGNATURE_POLICY_NOT_AVAILABLE",
            TimestampOrderFailure => "TIMESTAMP_ORDER_FAILURE",
            NoSigningCertificateFound => "NO_SIGNING_CERTIFICATE_FOUND",
            NoCertificateChainFound => "NO_CERTIFICATE_CHAIN_FOUND",
            RevokedNoPoe => "REVOKED_NO_POE",
            RevokedCaNoPoe => "REVOKED_CA_NO_POE",
            OutOfBoundsNoPoe => "OUT_OF_BOUNDS_NO_POE",
            OutOfBoundsNotRevoked => "OUT_OF_BOUNDS_NOT_REVOKED",
            CryptoConstraintsFailureNoPoe => "CRYPTO_CONSTRAINTS_FAILURE_NO_POE",
            NoPoe => "NO_POE",
            TryLater => "TRY_LATER",
            SignedDataNotFound => "SIGNED_DATA_NOT_FOUND",
            Generic => "GENERIC",
        }
    }
}

impl fmt::Display for SubIndication {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialized_as_the_standard_spells_them() {
        assert_eq!(
            serde_json::to_string(&Indication::TotalPassed).unwrap(),
            "\"TOTAL-PASSED\""
        );
        assert_eq!(
            serde_json::to_string(&Indication::Indeterminate).unwrap(),
            "\"INDETERMINATE\""
        );
        for sub in [
            SubIndication::HashFailure,
            SubIndication::CryptoConstraintsFailureNoPoe,
            SubIndication::OutOfBoundsNotRevoked,
            SubIndication::CertificateChainGeneralFailure,
        ] {
            assert_eq!(
                serde_json::to_string(&sub).unwrap(),
                format!("\"{}\"", sub.as_str())
            );
        }
    }

    #[test]
    fn sub_indications_belong_to_their_main_indication() {
        assert_eq!(
            SubIndication::SigCryptoFailure.indication(),
            Indication::TotalFailed
        );
        assert_eq!(
            SubIndication::FormatFailure.indication(),
            Indication::TotalFailed
        );
        assert_eq!(
            SubIndication::CryptoConstraintsFailure.indication(),
            Indication::Indeterminate
        );
        assert_eq!(
            SubIndication::NoCertificateChainFound.indication(),
            Indication::Indeterminate
        );
    }
}
