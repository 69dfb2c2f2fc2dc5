//! The CMS parser (the `/Contents` of a signature) on arbitrary bytes: parsing, the inspection
//! a validator does, and the signature check over the raw signed-attribute bytes.
#![no_main]

use kyso::cms::{ParsedSignedData, TstInfo, check_signed_data};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = ParsedSignedData::parse(data) {
        let _ = parsed.content_digest_algorithm();
        if let Some(econtent) = &parsed.econtent {
            let _ = TstInfo::parse(econtent);
        }
    }
    // A digest of the right length for SHA-256 and for SHA-1 signatures.
    let _ = check_signed_data(data, &[0u8; 32]);
    let _ = check_signed_data(data, &[0u8; 20]);
});
