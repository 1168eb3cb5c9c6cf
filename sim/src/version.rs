//! Which Kubernetes release the simulation answers as (1.28 … 1.33): what `/version` says,
//! and the features clients must detect rather than assume — aggregated discovery `v2`
//! (served from 1.30; `v2beta1` before) and the `v5.channel.k8s.io` exec protocol (1.30).

/// The oldest and newest minor versions the simulation can answer as.
pub const OLDEST: u32 = 28;
pub const NEWEST: u32 = 33;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerVersion {
    pub minor: u32,
}

impl Default for ServerVersion {
    fn default() -> Self {
        ServerVersion { minor: NEWEST }
    }
}

impl ServerVersion {
    /// `1.28` (or `v1.28`, `1.28.15`); a minor outside 28..=33 is an error.
    pub fn parse(text: &str) -> Result<ServerVersion, String> {
        let t = text.trim().trim_start_matches('v');
        let mut parts = t.split('.');
        let (major, minor) = (
            parts.next(),
            parts.next().and_then(|m| m.parse::<u32>().ok()),
        );
        match (major, minor) {
            (Some("1"), Some(minor)) if (OLDEST..=NEWEST).contains(&minor) => {
                Ok(ServerVersion { minor })
            }
            _ => Err(format!(
                "{text:?}: the simulation answers as Kubernetes 1.{OLDEST} … 1.{NEWEST}"
            )),
        }
    }

    /// `v1.33.1`: a patch release that exists for each minor.
    pub fn git_version(self) -> String {
        let patch = match self.minor {
            28 => 15,
            29 => 14,
            30 => 13,
            31 => 9,
            32 => 5,
            _ => 1,
        };
        format!("v1.{}.{patch}", self.minor)
    }

    /// `apidiscovery.k8s.io/v2` is served (GA in 1.30); older servers answer `v2beta1` only.
    pub fn aggregated_v2(self) -> bool {
        self.minor >= 30
    }

    /// Exec speaks `v5.channel.k8s.io` (its stdin close), on by default from 1.30.
    pub fn exec_v5(self) -> bool {
        self.minor >= 30
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_within_the_supported_range() {
        assert_eq!(
            ServerVersion::parse("1.28").unwrap().git_version(),
            "v1.28.15"
        );
        assert_eq!(ServerVersion::parse("v1.33.1").unwrap().minor, 33);
        assert!(ServerVersion::parse("1.27").is_err());
        assert!(ServerVersion::parse("2.30").is_err());
        assert!(!ServerVersion::parse("1.29").unwrap().aggregated_v2());
        assert!(ServerVersion::default().exec_v5());
    }
}
