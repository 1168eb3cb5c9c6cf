//! The view registry: one description per main view — what it watches, what the header
//! calls its rows, its key context, its `:` commands, which rollout kind it shows, what
//! `shift-f` forwards to. Adding a typed view is a module for its rows and table, a
//! [`MainView`] variant, one entry here and one arm in `AppState::main_table`. Every other
//! kind is shown by the generic view, [`MainView::Resources`] (see `state::resources`).

use crate::effect::ResourceKind;
use crate::keymap::Ctx;
use crate::model::portforward::TargetKind;
use crate::model::rollout::Workload;
use crate::state::prompt::{CommandKind, CommandSpec};

/// The resource views the main pane can show. The discriminant indexes [`VIEWS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MainView {
    Pods = 0,
    Deployments = 1,
    StatefulSets = 2,
    DaemonSets = 3,
    Services = 4,
    /// Any other kind, as the server's table (the kind is in `AppState::resources`).
    Resources = 5,
    /// Helm releases, from their records.
    Helm = 6,
}

/// Everything that differs between views, in one place.
pub struct ViewSpec {
    pub view: MainView,
    /// Pane title: `Pods(default)[12]`.
    pub title: &'static str,
    /// The header's word before the row count.
    pub count_label: &'static str,
    /// What a typed view watches (`None`: the generic view's kind is chosen at run time).
    pub kind: Option<ResourceKind>,
    /// The API resource a typed view shows (group, plural), so that every name discovery
    /// gives it (`deployments.apps`) opens the typed view.
    pub resource: Option<(&'static str, &'static str)>,
    pub ctx: Ctx,
    /// The `:` command that opens the view, with its aliases.
    pub command: Option<CommandSpec>,
    /// The rollout kind of a workload view (history, rollback, restart, scale).
    pub workload: Option<Workload>,
    /// What `shift-f` forwards to from a row, when the view's rows can be forwarded to.
    pub forward: Option<TargetKind>,
}

const fn view_command(
    names: &'static [&'static str],
    view: MainView,
    desc: &'static str,
) -> Option<CommandSpec> {
    Some(CommandSpec {
        names,
        kind: CommandKind::View(view),
        takes_namespace: true,
        desc,
        completes: (&[], &[]),
    })
}

pub const VIEWS: [ViewSpec; 7] = [
    ViewSpec {
        view: MainView::Pods,
        title: "Pods",
        count_label: "pods ",
        kind: Some(ResourceKind::Pods),
        resource: Some(("", "pods")),
        ctx: Ctx::Pods,
        command: view_command(
            &["pods", "po", "pod"],
            MainView::Pods,
            "pods [NAMESPACE|all]",
        ),
        workload: None,
        forward: Some(TargetKind::Pod),
    },
    ViewSpec {
        view: MainView::Deployments,
        title: "Deployments",
        count_label: "deployments ",
        kind: Some(ResourceKind::Deployments),
        resource: Some(("apps", "deployments")),
        ctx: Ctx::Workloads,
        command: view_command(
            &["deploy", "dp", "deployments", "deployment"],
            MainView::Deployments,
            "deployments [NAMESPACE|all]",
        ),
        workload: Some(Workload::Deployment),
        forward: Some(TargetKind::Deployment),
    },
    ViewSpec {
        view: MainView::StatefulSets,
        title: "StatefulSets",
        count_label: "statefulsets ",
        kind: Some(ResourceKind::StatefulSets),
        resource: Some(("apps", "statefulsets")),
        ctx: Ctx::Workloads,
        command: view_command(
            &["sts", "statefulsets", "statefulset"],
            MainView::StatefulSets,
            "statefulsets [NAMESPACE|all]",
        ),
        workload: Some(Workload::StatefulSet),
        forward: Some(TargetKind::StatefulSet),
    },
    ViewSpec {
        view: MainView::DaemonSets,
        title: "DaemonSets",
        count_label: "daemonsets ",
        kind: Some(ResourceKind::DaemonSets),
        resource: Some(("apps", "daemonsets")),
        ctx: Ctx::Workloads,
        command: view_command(
            &["ds", "daemonsets", "daemonset"],
            MainView::DaemonSets,
            "daemonsets [NAMESPACE|all]",
        ),
        workload: Some(Workload::DaemonSet),
        // kubectl cannot port-forward to a DaemonSet either.
        forward: None,
    },
    ViewSpec {
        view: MainView::Services,
        title: "Services",
        count_label: "services ",
        kind: Some(ResourceKind::Services),
        resource: Some(("", "services")),
        ctx: Ctx::Services,
        command: view_command(
            &["svc", "services", "service"],
            MainView::Services,
            "services [NAMESPACE|all]",
        ),
        workload: None,
        forward: Some(TargetKind::Service),
    },
    ViewSpec {
        view: MainView::Resources,
        title: "Resources",
        count_label: "objects ",
        kind: None,
        resource: None,
        ctx: Ctx::Resources,
        command: None,
        workload: None,
        forward: None,
    },
    ViewSpec {
        view: MainView::Helm,
        title: "Helm",
        count_label: "releases ",
        kind: Some(ResourceKind::HelmReleases),
        resource: None,
        ctx: Ctx::Helm,
        command: view_command(
            &["helm", "releases", "release"],
            MainView::Helm,
            "helm [NAMESPACE|all]",
        ),
        workload: None,
        forward: None,
    },
];

impl MainView {
    pub fn spec(self) -> &'static ViewSpec {
        &VIEWS[self as usize]
    }

    pub fn title(self) -> &'static str {
        self.spec().title
    }

    pub fn count_label(self) -> &'static str {
        self.spec().count_label
    }

    /// What a typed view watches; `None` for the generic view.
    pub fn kind(self) -> Option<ResourceKind> {
        self.spec().kind
    }

    /// The typed view that shows `group`/`plural`, if one does.
    pub fn for_resource(group: &str, plural: &str) -> Option<MainView> {
        VIEWS
            .iter()
            .find(|v| v.resource == Some((group, plural)))
            .map(|v| v.view)
    }

    /// The workload kind of a rollout view (deploy, sts, ds); `None` for the others.
    pub fn workload(self) -> Option<Workload> {
        self.spec().workload
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_view_is_described_at_its_own_index() {
        for (i, spec) in VIEWS.iter().enumerate() {
            assert_eq!(spec.view as usize, i, "{}", spec.title);
            if let Some(command) = &spec.command {
                assert_eq!(command.kind, CommandKind::View(spec.view));
            }
        }
    }
}
