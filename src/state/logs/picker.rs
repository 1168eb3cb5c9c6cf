//! The container picker shown before streaming a multi-container pod.

use super::{ContainerChoice, LogScope, LogTarget};

/// Chooses one container of a pod, or all of them (first entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerPicker {
    pub namespace: String,
    pub scope: LogScope,
    pub containers: Vec<String>,
    /// 0 = all containers, `i` = `containers[i - 1]`.
    pub selected: usize,
    pub previous: bool,
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
        }
    }

    /// The entries as shown, top to bottom.
    pub fn entries(&self) -> impl Iterator<Item = &str> {
        std::iter::once(Self::ALL_LABEL).chain(self.containers.iter().map(String::as_str))
    }

    pub fn len(&self) -> usize {
        self.containers.len() + 1
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn move_by(&mut self, delta: i64) {
        let last = self.len() - 1;
        self.selected = self
            .selected
            .saturating_add_signed(delta as isize)
            .min(last);
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
}
