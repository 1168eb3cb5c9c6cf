//! `:NAME` for any kind: what discovery says the server serves, kept fresh (read at start,
//! again when the command line opens, and once more when a name is not known, so a CRD
//! created a moment ago is found), and how a name picks a typed or the generic view.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use crate::effect::Effect;
use crate::model::discovery::{ApiKind, Catalog};
use crate::state::views::MainView;

/// Discovery as the state knows it.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    pub catalog: Catalog,
    /// When the last answer arrived.
    pub fetched: Option<Timestamp>,
    /// A request is out.
    pub in_flight: bool,
    /// A command that named no known kind, run again when the answer arrives.
    pub pending: Option<String>,
    /// The last failure, until an answer succeeds.
    pub error: Option<String>,
}

/// Discovery read this recently is not read again when the command line opens.
const FRESH_FOR: SignedDuration = SignedDuration::from_secs(2);

/// What a name typed after `:` opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Typed(MainView),
    Generic(Arc<ApiKind>),
}

impl Discovery {
    /// Asks the server again unless an answer is fresh or a request is out.
    pub fn refresh(&mut self, now: Timestamp) -> Vec<Effect> {
        let fresh = self
            .fetched
            .is_some_and(|t| now.duration_since(t) < FRESH_FOR);
        if self.in_flight || fresh {
            return Vec::new();
        }
        self.in_flight = true;
        vec![Effect::Discover]
    }

    /// Asks the server at once (a name was not known): `false` if a request is already out.
    pub fn ask_again(&mut self, command: &str) -> Vec<Effect> {
        self.pending = Some(command.to_string());
        if self.in_flight {
            return Vec::new();
        }
        self.in_flight = true;
        vec![Effect::Discover]
    }

    /// Takes the answer; returns the command waiting for it, if any.
    pub fn on_answer(&mut self, answer: Result<Catalog, String>, now: Timestamp) -> Option<String> {
        self.in_flight = false;
        match answer {
            Ok(catalog) => {
                self.catalog = catalog;
                self.fetched = Some(now);
                self.error = None;
            }
            Err(e) => self.error = Some(e),
        }
        self.pending.take()
    }

    /// The view `name` opens: a typed view for the kinds that have one, else the generic
    /// view, if the server serves such a kind and it can be listed.
    pub fn resolve(&self, name: &str) -> Option<Resolved> {
        let api = self.catalog.resolve(name)?;
        if let Some(view) = MainView::for_resource(&api.object.group, &api.object.plural) {
            return Some(Resolved::Typed(view));
        }
        Some(Resolved::Generic(api))
    }

    /// Every name `:` accepts for a kind, for completion.
    pub fn names(&self) -> Vec<String> {
        self.catalog.names()
    }
}
