//! `enter` on a row opens what is inside it (a Deployment's ReplicaSets, a Service's pods,
//! a CRD's objects …, see `model::drill`; a pod's containers and probes, see
//! `model::containers`); `esc` walks back the way the user came, one view at a time, with
//! the row they had selected.

use std::sync::Arc;

use crate::effect::{Effect, Scope};
use crate::model::discovery::ApiKind;
use crate::model::drill::{Drill, DrillTo};
use crate::model::objects::{ObjectEffect, ObjectRef, Selector};
use crate::model::rows::RowKey;
use crate::msg::Notice;
use crate::state::{AppState, Awaiting, MainView, Pane};

/// What a drill-down narrowed the main view to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Narrow {
    pub selector: Selector,
    /// For the title: `deployment web`.
    pub label: String,
}

/// A view to walk back to.
#[derive(Debug, Clone)]
struct Crumb {
    view: MainView,
    api: Option<Arc<ApiKind>>,
    scope: Scope,
    narrow: Option<Narrow>,
    filter: String,
    selected: Option<RowKey>,
}

/// The drill-down state of the main view.
#[derive(Debug, Clone, Default)]
pub struct Trail {
    pub narrow: Option<Narrow>,
    crumbs: Vec<Crumb>,
    /// The row to select again once it is listed (after walking back).
    reselect: Option<RowKey>,
}

impl Trail {
    /// Selects `key` once the main view lists it (a row just created).
    pub fn select_when_listed(&mut self, key: RowKey) {
        self.reselect = Some(key);
    }

    pub fn selector(&self) -> Selector {
        self.narrow
            .as_ref()
            .map(|n| n.selector.clone())
            .unwrap_or_default()
    }

    pub fn depth(&self) -> usize {
        self.crumbs.len()
    }

    /// A view chosen by `:` starts a new trail.
    pub fn forget(&mut self) {
        self.narrow = None;
        self.crumbs.clear();
        self.reselect = None;
    }
}

/// `enter` in the main view: asks the server where the selected object leads. A
/// CustomResourceDefinition leads to its own resource without asking.
pub fn on_select(st: &mut AppState) -> Option<Vec<Effect>> {
    if st.focus != Pane::Main || st.forwards_open {
        return None;
    }
    // A pod leads to its containers (as in k9s): a view over the pod fetched now.
    if st.view == MainView::Pods {
        let obj = st.main_table().selected_object()?;
        return Some(super::objects::open_containers(st, obj));
    }
    let obj = st.main_table().selected_object()?;
    if obj
        .kind
        .is("apiextensions.k8s.io", "CustomResourceDefinition")
    {
        let resolved = st.discovery.resolve(&obj.name);
        return Some(match resolved {
            Some(found) => {
                remember(st);
                super::update::open_resolved(st, &obj.name, found)
            }
            None => st.discovery.ask_again(&obj.name),
        });
    }
    st.awaiting = Some(Awaiting::Drill(obj.clone()));
    Some(vec![Effect::Object(ObjectEffect::Drill(obj))])
}

/// `shift-e`: the events of the selected object (of the focused pane), narrowed by the field
/// selector kubectl uses (`involvedObject.name=…,involvedObject.kind=…`).
pub fn events_of_selected(st: &mut AppState) -> Vec<Effect> {
    let Some(obj) = st.table(st.focus).selected_object() else {
        st.notify(Notice::warning("nothing selected"));
        return Vec::new();
    };
    let events = st
        .discovery
        .catalog
        .kinds()
        .iter()
        .find(|k| k.object.is("", "Event"))
        .cloned();
    let Some(events) = events else {
        st.notify(Notice::warning("the server serves no events"));
        return Vec::new();
    };
    remember(st);
    // A namespace's events are the events in it; any other object's are narrowed to it by
    // the field selector kubectl uses, in its namespace (everywhere for cluster-scoped ones).
    let namespace = obj.kind.is("", "Namespace");
    st.trail.narrow = (!namespace).then(|| Narrow {
        selector: Selector {
            labels: None,
            fields: Some(format!(
                "involvedObject.name={},involvedObject.kind={}",
                obj.name, obj.kind.kind
            )),
        },
        label: format!("{} {}", obj.kind.kind.to_ascii_lowercase(), obj.name),
    });
    let scope = match (&obj.namespace, namespace) {
        (Some(ns), _) => Scope::Namespace(ns.as_str().into()),
        (None, true) => Scope::Namespace(obj.name.as_str().into()),
        (None, false) => Scope::All,
    };
    show(st, Target::Generic(events), scope, "")
}

/// The server's answer to `enter`: opens the view, if the user is still where they asked.
pub fn on_drilled(
    st: &mut AppState,
    from: ObjectRef,
    result: Result<Drill, String>,
) -> Vec<Effect> {
    if st.awaiting.as_ref() != Some(&Awaiting::Drill(from)) {
        return Vec::new();
    }
    st.awaiting = None;
    let drill = match result {
        Ok(d) => d,
        Err(e) => {
            st.notify(Notice::warning(e));
            return Vec::new();
        }
    };
    let target = match &drill.to {
        DrillTo::Pods => Target::Typed(MainView::Pods),
        DrillTo::Kind { group, plural } => match MainView::for_resource(group, plural) {
            Some(view) => Target::Typed(view),
            None => match st.discovery.catalog.kinds().iter().find(|k| {
                &*k.object.group == group.as_str() && &*k.object.plural == plural.as_str()
            }) {
                Some(api) => Target::Generic(api.clone()),
                None => {
                    st.notify(Notice::warning(format!("the server serves no {plural}")));
                    return Vec::new();
                }
            },
        },
    };
    remember(st);
    st.trail.narrow = Some(Narrow {
        selector: drill.selector.clone(),
        label: drill.label.clone(),
    });
    let scope = drill
        .namespace
        .as_deref()
        .map_or(Scope::All, |ns| Scope::Namespace(ns.into()));
    let effects = show(st, target, scope, "");
    if let Some(prefix) = &drill.name_prefix {
        st.main_table_mut().set_filter(prefix);
    }
    effects
}

enum Target {
    Typed(MainView),
    Generic(Arc<ApiKind>),
}

/// Shows a view with the trail's narrowing and `filter` (whose `-l`/`-f` the new watch
/// asks the server for), replacing the main watch.
fn show(st: &mut AppState, target: Target, scope: Scope, filter: &str) -> Vec<Effect> {
    st.forwards_open = false;
    st.contexts.open = false;
    st.focus = Pane::Main;
    st.scope = scope;
    match target {
        Target::Typed(view) => st.view = view,
        Target::Generic(api) => {
            st.view = MainView::Resources;
            st.resources.show(api);
        }
    }
    st.main_table_mut().clear();
    st.main_table_mut().set_filter(filter);
    st.restart_main_watch()
}

/// Keeps the current view to walk back to.
fn remember(st: &mut AppState) {
    let crumb = Crumb {
        view: st.view,
        api: st.resources.api.clone(),
        scope: st.scope.clone(),
        narrow: st.trail.narrow.clone(),
        filter: st.main_table().filter().to_string(),
        selected: st.main_table().selected_key(),
    };
    st.trail.crumbs.push(crumb);
}

/// `esc` with nothing else to close: back to the view the last `enter` came from.
pub fn back(st: &mut AppState) -> Option<Vec<Effect>> {
    let crumb = st.trail.crumbs.pop()?;
    st.trail.narrow = crumb.narrow;
    let target = match (crumb.view, crumb.api) {
        (MainView::Resources, Some(api)) => Target::Generic(api),
        (view, _) => Target::Typed(view),
    };
    let effects = show(st, target, crumb.scope, &crumb.filter);
    st.trail.reselect = crumb.selected;
    Some(effects)
}

/// After rows arrive in the main view: the row the user had selected before `enter`, once
/// it is listed again, is selected again.
pub fn reselect(st: &mut AppState) {
    if let Some(key) = st.trail.reselect.take() {
        if !st.main_table_mut().select(&key) {
            st.trail.reselect = Some(key);
        }
    }
}
