//! User intents. Keys resolve to these through the key table (`keymap.rs`); the config file
//! names them in snake_case to rebind keys, so renaming a variant is a breaking change.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    /// Stop rkt like any job (`ctrl-z`): the terminal goes back to the shell, `fg` resumes.
    Suspend,
    Help,
    /// Open the `:` command line.
    Command,
    /// Open the `/` filter prompt for the focused table.
    Filter,
    FocusNext,
    FocusPrev,
    /// Toggle the focused pane between its place in the layout and the full screen.
    Zoom,
    /// Close the topmost thing: help, zoom, then the focused table's filter.
    Back,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Enter on a row (namespaces: switch the pods pane to it).
    Select,
    /// Copy the selected row's name to the clipboard.
    Copy,
    /// Show pods of all namespaces.
    AllNamespaces,
    SortName,
    SortNamespace,
    SortReady,
    SortStatus,
    SortRestarts,
    SortAge,
    SortIp,
    SortNode,
    /// Generic tables: sort by the column right (left) of the current sort column.
    SortNextColumn,
    SortPrevColumn,
    /// Generic tables: show the priority > 0 columns too (`kubectl get -o wide`).
    ToggleWide,
    /// Show the selected Secret with its values decoded.
    Reveal,
    /// The events of the selected object (the events view, narrowed to it).
    Events,
    /// Prompt editing (command line and filter).
    Submit,
    Cancel,
    Complete,
    DeleteBack,
    ClearLine,
    /// Stream the selected pod's logs (a container picker first for several containers).
    Logs,
    /// Stream the logs of every pod of the selected pod's owner, prefixed by pod.
    LogsOwner,
    /// The previous container's logs (`kubectl logs -p`); in the logs view, a toggle.
    LogsPrevious,
    /// Logs view: keep scrolling to the newest line.
    ToggleFollow,
    ToggleTimestamps,
    ToggleWrap,
    /// Logs view: write the buffer to a file.
    SaveLogs,
    SearchNext,
    SearchPrev,
    /// Open the port-forward dialog for the selected pod (or service/workload).
    PortForward,
    /// Stop the selected port-forward (asks first); an inactive one leaves the list.
    StopForward,
    /// Start the selected inactive port-forward again (stopped, or saved).
    StartForward,
    /// Save the selected port-forward for this context, or forget a saved one.
    SaveForward,
    /// Open the selected port-forward's URL in the browser.
    OpenUrl,
    /// Switch to the selected kubeconfig context (`:ctx`).
    SwitchContext,
    /// Rollout history of the selected workload (or of a pod's owner).
    History,
    /// Roll back (to the selected revision, or the previous one), after confirmation.
    Rollback,
    /// `kubectl rollout restart`, after confirmation.
    Restart,
    /// Scale: prompt for replicas, then confirm.
    Scale,
    /// Pause a rollout, or resume a paused one, after confirmation.
    TogglePause,
    /// Delete the selected object, after confirmation (refused in --readonly).
    Delete,
    /// Show the selected object as YAML.
    Yaml,
    /// Show a `kubectl describe`-like text of the selected object, with its events.
    Describe,
    /// Open the form that creates a Deployment (name, image, replicas, port).
    CreateDeployment,
    /// Open the expose dialog for the selected Deployment, ReplicaSet, Pod or Service.
    Expose,
    /// Change the image of one of the selected workload's containers.
    SetImage,
    /// Edit the selected object in `$KUBE_EDITOR` / `$EDITOR` / `vi`, as `kubectl edit`.
    Edit,
    /// A shell in the selected pod's container (a picker first for several).
    Shell,
    /// Helm: the values the user supplied to the selected release (revision).
    Values,
    /// Helm: every value, the chart's defaults included.
    AllValues,
    /// Helm: the rendered manifest.
    Manifest,
    /// Helm: the chart's notes.
    Notes,
    /// Helm: the hooks.
    Hooks,
    /// Answer yes to a confirmation (delete, rollback, restart, scale, pause, stop forward).
    Confirm,
}

impl Action {
    /// The snake_case name used in the config file.
    pub fn name(self) -> String {
        serde_yaml::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| format!("{self:?}"))
    }

    /// Parses a config-file action name.
    pub fn from_name(name: &str) -> Option<Action> {
        serde_yaml::from_value(serde_yaml::Value::String(name.to_owned())).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!(Action::SortRestarts.name(), "sort_restarts");
        assert_eq!(Action::from_name("page_down"), Some(Action::PageDown));
        assert_eq!(Action::from_name("nope"), None);
    }
}
