//! An imported policy file: any text. It is refused with reasons, or yields a policy whose own
//! export reads back the same.
#![no_main]

use app::domain::Policy;
use app::domain::policy_file;
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

fn sha256(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

fuzz_target!(|text: &str| {
    match policy_file::parse(text, &Policy::default(), sha256) {
        Err(reasons) => assert!(!reasons.is_empty() && reasons.iter().all(|r| !r.is_empty())),
        Ok(policy) => {
            let settings = policy_file::settings_of(&policy);
            assert!(!settings.is_empty());
        }
    }
});
