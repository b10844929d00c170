//! Network Security's allowed IP/CIDR list, one entry per line as typed.
#![no_main]

use app::domain::network::{AllowedNetwork, AllowedNetworks};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match AllowedNetworks::parse_lines(text) {
        Ok(list) => {
            // Accepted entries print as entries that parse again.
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let net = AllowedNetwork::parse(line).expect("each accepted line parses alone");
                assert!(AllowedNetwork::parse(&net.to_string()).is_ok());
            }
            let _ = list;
        }
        Err(message) => assert!(message.starts_with("Line "), "names the line: {message}"),
    }
});
