//! The container picker shown before streaming a multi-container pod.

use super::{ContainerChoice, LogScope, LogTarget};

/// What the chosen container is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickFor {
    /// Its logs (or all containers' logs: the first entry).
    Logs,
    /// A shell in it (one container: no "all" entry).
    Shell,
}

/// Chooses one container of a pod, or all of them (first entry) for logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerPicker {
    pub namespace: String,
    pub scope: LogScope,
    pub containers: Vec<String>,
    /// 0 = all containers, `i` = `containers[i - 1]`.
    pub selected: usize,
    pub previous: bool,
    pub purpose: PickFor,
}

impl ContainerPicker {
    pub const ALL_LABEL: &'static str = "all containers";

    pub fn new(
        namespace: String,
        scope: LogScope,
        containers: Vec<String>,
        previous: bool,
    ) -> Self {
        ContainerPicker {
            namespace,
            scope,
            containers,
            // The first container is what kubectl shows by default; start there.
            selected: 1,
            previous,
            purpose: PickFor::Logs,
        }
    }

    /// A picker for a shell in one of `pod`'s containers.
    pub fn for_shell(namespace: String, pod: String, containers: Vec<String>) -> Self {
        ContainerPicker {
            purpose: PickFor::Shell,
            ..Self::new(namespace, LogScope::Pod(pod), containers, false)
        }
    }

    /// The lowest `selected`: a shell has no "all containers" entry.
    fn first(&self) -> usize {
        match self.purpose {
            PickFor::Logs => 0,
            PickFor::Shell => 1,
        }
    }

    /// The entries as shown, top to bottom.
    pub fn entries(&self) -> impl Iterator<Item = &str> {
        std::iter::once(Self::ALL_LABEL)
            .chain(self.containers.iter().map(String::as_str))
            .skip(self.first())
    }

    /// The index among [`ContainerPicker::entries`] of the one selected.
    pub fn highlighted(&self) -> usize {
        self.selected.saturating_sub(self.first())
    }

    pub fn len(&self) -> usize {
        self.containers.len() + 1 - self.first()
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn move_by(&mut self, delta: i64) {
        let last = self.containers.len();
        self.selected = self
            .selected
            .saturating_add_signed(delta as isize)
            .clamp(self.first(), last.max(self.first()));
    }

    /// Moves to the first entry.
    pub fn top(&mut self) {
        self.selected = self.first();
    }

    pub fn choice(&self) -> ContainerChoice {
        match self.selected {
            0 => ContainerChoice::All,
            i => self
                .containers
                .get(i - 1)
                .map_or(ContainerChoice::Default, |c| {
                    ContainerChoice::Named(c.clone())
                }),
        }
    }

    /// The log target for the current choice.
    pub fn target(&self) -> LogTarget {
        LogTarget {
            namespace: self.namespace.clone(),
            scope: self.scope.clone(),
            container: self.choice(),
            previous: self.previous,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_one_or_all() {
        let mut p = ContainerPicker::new(
            "default".into(),
            LogScope::Pod("web".into()),
            vec!["web".into(), "log-shipper".into()],
            false,
        );
        assert_eq!(p.choice(), ContainerChoice::Named("web".into()));
        p.move_by(1);
        assert_eq!(p.choice(), ContainerChoice::Named("log-shipper".into()));
        p.move_by(5);
        assert_eq!(p.selected, 2);
        p.move_by(-10);
        assert_eq!(p.target().container, ContainerChoice::All);
        assert_eq!(
            p.entries().collect::<Vec<_>>(),
            vec!["all containers", "web", "log-shipper"]
        );
    }

    #[test]
    fn a_shell_picks_one_container() {
        let mut p = ContainerPicker::for_shell(
            "default".into(),
            "web".into(),
            vec!["web".into(), "log-shipper".into()],
        );
        assert_eq!(p.entries().collect::<Vec<_>>(), vec!["web", "log-shipper"]);
        assert_eq!(p.highlighted(), 0);
        p.move_by(-5);
        assert_eq!(p.choice(), ContainerChoice::Named("web".into()));
        p.top();
        assert_eq!(p.choice(), ContainerChoice::Named("web".into()));
        p.move_by(9);
        assert_eq!(p.highlighted(), 1);
        assert_eq!(p.choice(), ContainerChoice::Named("log-shipper".into()));
        assert_eq!(p.len(), 2);
    }
}
