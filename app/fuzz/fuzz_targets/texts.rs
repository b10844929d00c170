//! Free text from admins: warning texts and security level names.
#![no_main]

use app::domain::security_level::LevelName;
use app::domain::warning_text::WarningText;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match WarningText::parse(text) {
        Ok(t) => {
            assert!(t.as_str().chars().count() <= WarningText::MAX_CHARS);
            assert_eq!(t.as_str(), text, "kept as typed");
        }
        Err(message) => assert!(!message.is_empty()),
    }
    if let Err(message) = LevelName::parse(text) {
        assert!(!message.is_empty());
    }
});
