//! Network Security: whether the suite may be reached from anywhere or from designated IP
//! addresses and ranges only.

use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkAccess {
    #[default]
    AllowAll,
    DesignatedIpsOnly,
}

impl NetworkAccess {
    pub fn label(self) -> &'static str {
        match self {
            NetworkAccess::AllowAll => "Allow access from all",
            NetworkAccess::DesignatedIpsOnly => "Allow access from designated IPs only",
        }
    }
}

/// One allowed address or range: an IPv4/IPv6 address or a CIDR range without host bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AllowedNetwork(IpNet);

impl AllowedNetwork {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("Enter an IP address or range.".into());
        }
        if let Ok(addr) = s.parse::<IpAddr>() {
            return Ok(Self(IpNet::from(addr)));
        }
        match s.parse::<IpNet>() {
            Ok(net) if net.trunc() == net => Ok(Self(net)),
            Ok(net) => Err(format!(
                "{s} has bits set after the prefix; did you mean {}?",
                net.trunc()
            )),
            Err(_) => Err(format!(
                "'{s}' is not an IPv4 or IPv6 address or CIDR range (like 203.0.113.0/24)."
            )),
        }
    }

    pub fn contains(&self, addr: IpAddr) -> bool {
        self.0.contains(&addr)
    }
}

impl std::fmt::Display for AllowedNetwork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A single address shows without its /32 or /128.
        if self.0.prefix_len() == self.0.max_prefix_len() {
            write!(f, "{}", self.0.addr())
        } else {
            write!(f, "{}", self.0)
        }
    }
}

impl TryFrom<String> for AllowedNetwork {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<AllowedNetwork> for String {
    fn from(value: AllowedNetwork) -> Self {
        value.to_string()
    }
}

/// The designated addresses: no duplicates, at most `MAX_ENTRIES`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<AllowedNetwork>", into = "Vec<AllowedNetwork>")]
pub struct AllowedNetworks(Vec<AllowedNetwork>);

impl AllowedNetworks {
    pub const MAX_ENTRIES: usize = 200;

    pub fn new(list: Vec<AllowedNetwork>) -> Result<Self, String> {
        if list.len() > Self::MAX_ENTRIES {
            return Err(format!(
                "At most {} addresses and ranges can be listed.",
                Self::MAX_ENTRIES
            ));
        }
        for (i, n) in list.iter().enumerate() {
            if list[..i].contains(n) {
                return Err(format!("{n} is listed twice."));
            }
        }
        Ok(Self(list))
    }

    /// Parses one entry per line (blank lines ignored), naming the first bad line.
    pub fn parse_lines(text: &str) -> Result<Self, String> {
        let mut list: Vec<(usize, AllowedNetwork)> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let net = AllowedNetwork::parse(line).map_err(|e| format!("Line {}: {e}", n + 1))?;
            if let Some((first, _)) = list.iter().find(|(_, seen)| *seen == net) {
                return Err(format!(
                    "Line {}: {net} is listed twice (first on line {}).",
                    n + 1,
                    first + 1
                ));
            }
            list.push((n, net));
        }
        if list.len() > Self::MAX_ENTRIES {
            let (n, _) = list[Self::MAX_ENTRIES];
            return Err(format!(
                "Line {}: at most {} addresses and ranges can be listed.",
                n + 1,
                Self::MAX_ENTRIES
            ));
        }
        Self::new(list.into_iter().map(|(_, net)| net).collect())
    }

    pub fn iter(&self) -> impl Iterator<Item = &AllowedNetwork> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn to_lines(&self) -> String {
        self.0
            .iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl TryFrom<Vec<AllowedNetwork>> for AllowedNetworks {
    type Error = String;
    fn try_from(value: Vec<AllowedNetwork>) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<AllowedNetworks> for Vec<AllowedNetwork> {
    fn from(value: AllowedNetworks) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn addresses_and_ranges_parse() {
        for ok in [
            "203.0.113.7",
            "203.0.113.0/24",
            "2001:db8::/32",
            "::1",
            " 10.0.0.0/8 ",
        ] {
            assert!(AllowedNetwork::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            AllowedNetwork::parse("203.0.113.7").map(|n| n.to_string()),
            Ok("203.0.113.7".to_string())
        );
        for bad in [
            "",
            "300.1.1.1",
            "10.0.0.0/33",
            "example.com",
            "10.0.0",
            "2001:db8::/129",
        ] {
            assert!(AllowedNetwork::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn host_bits_after_the_prefix_are_refused_with_a_suggestion() {
        let err = AllowedNetwork::parse("10.1.2.3/8")
            .err()
            .unwrap_or_default();
        assert!(err.contains("did you mean 10.0.0.0/8"), "{err}");
    }

    #[test]
    fn duplicates_are_refused_even_when_written_differently() {
        let err = AllowedNetworks::parse_lines("203.0.113.7\n203.0.113.7/32").err();
        assert_eq!(
            err.as_deref(),
            Some("Line 2: 203.0.113.7 is listed twice (first on line 1).")
        );
        let err = AllowedNetworks::parse_lines("2001:db8::1\n2001:DB8:0::1").err();
        assert!(err.is_some());
    }

    #[test]
    fn bad_lines_are_named() {
        let err = AllowedNetworks::parse_lines("10.0.0.0/8\n\nnonsense").err();
        assert!(err.is_some_and(|e| e.starts_with("Line 3:")));
    }

    proptest! {
        #[test]
        fn parse_never_panics(raw in "\\PC{0,60}") {
            let _ = AllowedNetwork::parse(&raw);
            let _ = AllowedNetworks::parse_lines(&raw);
        }

        #[test]
        fn ipv4_networks_round_trip(a in any::<u32>(), prefix in 0u8..=32) {
            let net = ipnet::Ipv4Net::new(std::net::Ipv4Addr::from(a), prefix).map(|n| n.trunc());
            if let Ok(net) = net {
                let parsed = AllowedNetwork::parse(&net.to_string());
                prop_assert!(parsed.is_ok());
                let shown = parsed.map(|p| p.to_string()).unwrap_or_default();
                prop_assert_eq!(AllowedNetwork::parse(&shown).map(|p| p.to_string()), Ok(shown.clone()));
            }
        }
    }
}
