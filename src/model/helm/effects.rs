//! What the Helm view asks of the cluster, and the answers. The runtime hands a
//! [`HelmEffect`] to `cluster::helm::run` in a task and sends back the [`HelmMsg`].

use super::ReleaseRef;

/// One of a revision's texts (`helm get values|manifest|notes|hooks`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The user-supplied values.
    Values,
    /// Every value, the chart's defaults included.
    AllValues,
    Manifest,
    Notes,
    Hooks,
    /// The manifest diff of this revision against the deployed one.
    Diff,
}

impl Part {
    /// The text view's title for `release` at `revision`.
    pub fn title(self, release: &ReleaseRef, revision: i64) -> String {
        let what = match self {
            Part::Values => "values",
            Part::AllValues => "all values",
            Part::Manifest => "manifest",
            Part::Notes => "notes",
            Part::Hooks => "hooks",
            Part::Diff => "manifest diff (deployed → this)",
        };
        format!("helm {what} {} revision {revision}", release.label())
    }
}

/// A rollback the user looked at: which revision, from which latest one, and what changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollbackPlan {
    pub release: ReleaseRef,
    /// The revision to go back to.
    pub to: i64,
    /// The highest revision when the plan was made: the rollback is refused if the release
    /// has another one by the time it is confirmed.
    pub latest: i64,
    /// The chart and app version of the target revision.
    pub chart: String,
    pub app_version: String,
    /// The manifest diff, deployed → target.
    pub diff: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelmEffect {
    /// Read one text of a revision (answers [`HelmMsg::Text`]).
    Show {
        release: ReleaseRef,
        revision: i64,
        part: Part,
    },
    /// Look at the release now and say what rolling back to `revision` changes (answers
    /// [`HelmMsg::Planned`]).
    PlanRollback { release: ReleaseRef, revision: i64 },
    /// Carry out a confirmed rollback (answers [`HelmMsg::Done`]).
    Rollback(Box<RollbackPlan>),
    /// Uninstall the release whose highest revision is `latest` (answers [`HelmMsg::Done`]).
    Uninstall { release: ReleaseRef, latest: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelmMsg {
    Text {
        title: String,
        result: Result<String, String>,
    },
    Planned {
        release: ReleaseRef,
        revision: i64,
        plan: Result<RollbackPlan, String>,
    },
    /// A rollback or uninstall ended: what it did, or why not.
    Done {
        release: ReleaseRef,
        result: Result<String, String>,
    },
}
