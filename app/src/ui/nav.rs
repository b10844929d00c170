//! Navigation helpers shared by the pages.

/// Percent-encodes a value for a query string.
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The sign-in page that returns to `path` afterwards.
pub fn login_path(path: &str) -> String {
    if path.is_empty() || path == "/" {
        "/login".to_string()
    } else {
        format!("/login?next={}", encode_query_value(path))
    }
}

/// A full page load (not a client-side route change), so that the server re-reads the session.
pub fn hard_navigate(path: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = leptos::prelude::window().location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_path_keeps_the_page_asked_for() {
        assert_eq!(login_path("/security/mail"), "/login?next=/security/mail");
        assert_eq!(
            login_path("/audit?page=2&q=a b"),
            "/login?next=/audit%3Fpage%3D2%26q%3Da%20b"
        );
        assert_eq!(login_path("/"), "/login");
    }
}
