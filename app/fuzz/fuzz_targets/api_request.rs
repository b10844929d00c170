//! The REST API's decision requests: any JSON body. Either it does not deserialise (a 4xx naming
//! the field) or the decision engine answers without panicking.
#![no_main]

use app::domain::Policy;
use app::domain::decide::{self, ReceiveSituation, SendSituation};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let domains = vec!["acme.example".to_string()];
    let policy = Policy::default();
    if let Ok(s) = serde_json::from_slice::<SendSituation>(data) {
        let _ = decide::decide_send(&policy, &domains, &s);
    }
    if let Ok(s) = serde_json::from_slice::<ReceiveSituation>(data) {
        let _ = decide::decide_receive(&policy, &domains, &s);
    }
});
