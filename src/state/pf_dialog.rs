//! The port-forward dialog (`shift-f`): choose a port, the local port and the address.
//! Pure state: the runtime loads the target's ports (and which local ports are free)
//! and starts the forward from the [`ForwardSpec`] the dialog builds.

use std::net::{IpAddr, Ipv4Addr};

use crate::model::portforward::{DialogPort, ForwardSpec, TargetRef};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The remote port: a choice among the offered ports, or typed when none are declared.
    Remote,
    Local,
    Address,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PfDialog {
    pub target: TargetRef,
    /// Waiting for the target's ports.
    pub loading: bool,
    pub ports: Vec<DialogPort>,
    pub port_idx: usize,
    /// Typed remote port, used when the target declares no ports.
    pub remote_input: String,
    pub local: String,
    pub address: String,
    pub field: Field,
    /// Why the last attempt failed (shown in the dialog; it stays open).
    pub error: Option<String>,
    /// The user typed a local port: moving between ports no longer replaces it.
    local_edited: bool,
}

pub const DEFAULT_ADDRESS: &str = "127.0.0.1";

impl PfDialog {
    pub fn new(target: TargetRef) -> PfDialog {
        PfDialog {
            target,
            loading: true,
            ports: Vec::new(),
            port_idx: 0,
            remote_input: String::new(),
            local: String::new(),
            address: DEFAULT_ADDRESS.to_string(),
            field: Field::Remote,
            error: None,
            local_edited: false,
        }
    }

    /// The target's ports arrived (or could not be loaded).
    pub fn loaded(&mut self, result: Result<Vec<DialogPort>, String>) {
        self.loading = false;
        match result {
            Ok(ports) => {
                // TCP only: kubectl refuses UDP, so do not offer it.
                self.ports = ports
                    .into_iter()
                    .filter(|p| !p.option.protocol.eq_ignore_ascii_case("UDP"))
                    .collect();
                self.port_idx = 0;
                self.suggest_local();
            }
            Err(e) => self.error = Some(e),
        }
    }

    fn suggest_local(&mut self) {
        if !self.local_edited {
            if let Some(p) = self.ports.get(self.port_idx) {
                self.local = p.suggested_local.to_string();
            }
        }
    }

    /// Up/down on the port list.
    pub fn move_port(&mut self, delta: isize) {
        if self.ports.is_empty() {
            return;
        }
        let last = self.ports.len() - 1;
        self.port_idx = self.port_idx.saturating_add_signed(delta).min(last);
        self.suggest_local();
    }

    pub fn next_field(&mut self) {
        self.field = match self.field {
            Field::Remote => Field::Local,
            Field::Local => Field::Address,
            Field::Address => Field::Remote,
        };
    }

    pub fn prev_field(&mut self) {
        self.field = match self.field {
            Field::Remote => Field::Address,
            Field::Local => Field::Remote,
            Field::Address => Field::Local,
        };
    }

    /// Typing goes to the focused text field.
    pub fn type_char(&mut self, c: char) {
        self.error = None;
        match self.field {
            Field::Remote if self.ports.is_empty() && c.is_ascii_digit() => {
                self.remote_input.push(c)
            }
            Field::Remote => {}
            Field::Local if c.is_ascii_digit() => {
                self.local_edited = true;
                self.local.push(c);
            }
            Field::Local => {}
            Field::Address => self.address.push(c),
        }
    }

    pub fn backspace(&mut self) {
        self.error = None;
        match self.field {
            Field::Remote => {
                self.remote_input.pop();
            }
            Field::Local => {
                self.local_edited = true;
                self.local.pop();
            }
            Field::Address => {
                self.address.pop();
            }
        }
    }

    /// The forward to start, or what is wrong with the input.
    pub fn spec(&self) -> Result<ForwardSpec, String> {
        if self.loading {
            return Err("still loading the ports".to_string());
        }
        let remote_port = match self.ports.get(self.port_idx) {
            Some(p) => p.option.remote_port,
            None => match self.remote_input.parse::<u16>() {
                Ok(p) if p > 0 => p,
                _ => return Err("type the remote port (1-65535)".to_string()),
            },
        };
        let local_port = self
            .local
            .parse::<u16>()
            .map_err(|_| format!("local port {:?} is not a number 0-65535", self.local))?;
        let address = parse_address(&self.address)?;
        Ok(ForwardSpec {
            target: self.target.clone(),
            remote_port,
            address,
            local_port,
        })
    }

    /// A warning while the address lets other machines connect: the forward carries the
    /// user's cluster credentials to whoever reaches it.
    pub fn exposure_warning(&self) -> Option<String> {
        parse_address(&self.address).ok().and_then(exposure_warning)
    }
}

/// `localhost` or an IP address; `localhost` is 127.0.0.1 (which listens on ::1 too).
fn parse_address(text: &str) -> Result<IpAddr, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    text.parse::<IpAddr>()
        .map_err(|_| format!("address {text:?} is not an IP address or localhost"))
}

/// The warning for a forward listening on `address`, unless it is a loopback address.
pub fn exposure_warning(address: IpAddr) -> Option<String> {
    (!address.is_loopback()).then(|| {
        format!(
            "⚠ {address} is reachable from other machines: anyone who connects uses the forward \
             with your cluster credentials"
        )
    })
}

#[cfg(test)]
#[path = "pf_dialog_tests.rs"]
mod tests;
