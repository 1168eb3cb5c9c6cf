//! The runtime's answers: the object to expose, the containers, the files to apply, and
//! the outcome of each change.

use crate::effect::Effect;
use crate::effect::Scope;
use crate::model::change::apply::{self, ApplyDoc};
use crate::model::change::expose;
use crate::model::change::ChangeMsg;
use crate::model::objects::ObjectRef;
use crate::model::rows::RowKey;
use crate::msg::Notice;
use crate::state::objects::TextView;
use crate::state::{AppState, MainView};

use super::submit::submit;
use super::{FieldValue, Form, Purpose, CONTAINER, IMAGE, NAME, PORT, PROTOCOL, TARGET_PORT, TYPE};

pub fn on_msg(st: &mut AppState, msg: ChangeMsg) -> Vec<Effect> {
    st.dirty = true;
    match msg {
        ChangeMsg::ExposeSource { obj, result } => on_expose_source(st, &obj, result),
        ChangeMsg::Containers { obj, result } => on_containers(st, &obj, result),
        ChangeMsg::Files { path, result } => on_files(st, &path, result),
        ChangeMsg::Created { obj, result } => {
            match result {
                Ok(()) => {
                    st.notify(Notice::info(format!(
                        "{}/{} created",
                        obj.kind.label(),
                        obj.name
                    )));
                    select_created(st, &obj);
                }
                Err(e) => st.notify(Notice::error(format!(
                    "create {}/{}: {e}",
                    obj.kind.label(),
                    obj.name
                ))),
            }
            Vec::new()
        }
        ChangeMsg::Exposed { obj, result } => {
            match result {
                Ok(node_ports) => {
                    let ports = node_ports
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ");
                    let tail = match node_ports.len() {
                        0 => String::new(),
                        1 => format!(" (NodePort {ports})"),
                        _ => format!(" (NodePorts {ports})"),
                    };
                    st.notify(Notice::info(format!("service/{} exposed{tail}", obj.name)));
                    select_created(st, &obj);
                }
                Err(e) => st.notify(Notice::error(format!("expose: service {}: {e}", obj.name))),
            }
            Vec::new()
        }
        ChangeMsg::ImageSet { target, result } => match result {
            Ok(text) => {
                st.notify(Notice::info(text));
                show_history(st, &target)
            }
            Err(e) => {
                st.notify(Notice::error(e));
                Vec::new()
            }
        },
        ChangeMsg::Applied { results, skipped } => {
            let mut lines = Vec::new();
            for (label, result) in results {
                lines.push(match result {
                    Ok(outcome) => format!("{label} {}", outcome.word()),
                    Err(e) => format!("{label} error: {e}"),
                });
            }
            lines.extend(skipped.into_iter().map(|e| format!("not sent: {e}")));
            st.overlays
                .open(TextView::with_lines("apply results".into(), lines));
            Vec::new()
        }
    }
}

/// The new object, once its row arrives, is selected if the view shows its kind.
fn select_created(st: &mut AppState, obj: &ObjectRef) {
    let shown = match st.view {
        MainView::Deployments => obj.kind.is("apps", "Deployment"),
        MainView::Services => obj.kind.is("", "Service"),
        _ => false,
    };
    let in_scope = match (&st.scope, &obj.namespace) {
        (Scope::All, _) => true,
        (Scope::Namespace(ns), Some(o)) => **ns == **o,
        _ => false,
    };
    if shown && in_scope && !st.forwards_open {
        let key = match &obj.namespace {
            Some(ns) => RowKey::namespaced(ns, &obj.name),
            None => RowKey::cluster(&obj.name),
        };
        if !st.main_table_mut().select(&key) {
            st.trail.select_when_listed(key);
        }
    }
}

/// After a new image: the workload's rollout history, where the new revision shows.
fn show_history(st: &mut AppState, target: &ObjectRef) -> Vec<Effect> {
    let key = RowKey::namespaced(
        target.namespace.as_deref().unwrap_or_default(),
        &target.name,
    );
    let open_for_it = st.rollout.history.as_ref().is_some_and(|h| {
        *h.owner.namespace == *target.namespace.as_deref().unwrap_or_default()
            && *h.owner.name == target.name
    });
    if open_for_it || st.view.workload().is_none() {
        return Vec::new();
    }
    match st.workloads.get(&key).cloned() {
        Some(row) => crate::state::rollouts::app::open_history(st, row),
        None => Vec::new(),
    }
}

/// The form for this object takes it; an answer for a form since closed is dropped.
fn form_for<'a>(st: &'a mut AppState, obj: &ObjectRef) -> Option<&'a mut Form> {
    st.overlays.get_mut::<Form>().filter(|f| match &*f.purpose {
        Purpose::Expose { target, .. } | Purpose::SetImage { target, .. } => target == obj,
        _ => false,
    })
}

fn fail(st: &mut AppState, e: String) -> Vec<Effect> {
    st.overlays.close::<Form>();
    st.notify(Notice::error(e));
    Vec::new()
}

fn on_expose_source(
    st: &mut AppState,
    obj: &ObjectRef,
    result: Result<serde_json::Value, String>,
) -> Vec<Effect> {
    if form_for(st, obj).is_none() {
        return Vec::new();
    }
    let source = match result.and_then(|v| expose::source_of(&v)) {
        Ok(s) => s,
        Err(e) => return fail(st, format!("expose: {e}")),
    };
    let Some(form) = form_for(st, obj) else {
        return Vec::new();
    };
    form.loading = false;
    let protocol = source
        .ports
        .first()
        .map_or_else(|| "TCP".to_string(), |(_, p)| p.clone());
    form.set_text(PORT, source.default_port());
    form.choose_named(PROTOCOL, &protocol);
    if let Purpose::Expose {
        source: slot,
        protocol_default,
        flags,
        ..
    } = &mut *form.purpose
    {
        *protocol_default = protocol;
        *slot = Some(source);
        let flags = flags.clone();
        for (label, value) in [
            (PORT, &flags.port),
            (TARGET_PORT, &flags.target_port),
            (NAME, &flags.name),
        ] {
            if !value.is_empty() {
                form.set_text(label, value.clone());
            }
        }
        form.choose_named(TYPE, &flags.service_type);
        form.choose_named(PROTOCOL, &flags.protocol);
    }
    if form.auto_submit {
        return submit(st);
    }
    Vec::new()
}

fn on_containers(
    st: &mut AppState,
    obj: &ObjectRef,
    result: Result<Vec<crate::model::change::image::ContainerImage>, String>,
) -> Vec<Effect> {
    if form_for(st, obj).is_none() {
        return Vec::new();
    }
    let containers = match result {
        Ok(c) if !c.is_empty() => c,
        Ok(_) => return fail(st, format!("{} has no containers", obj.label())),
        Err(e) => return fail(st, e),
    };
    let Some(form) = form_for(st, obj) else {
        return Vec::new();
    };
    form.loading = false;
    // The first regular container (what kubectl users mean most of the time).
    let idx = containers.iter().position(|c| !c.init).unwrap_or(0);
    if let Some(f) = form.field_mut(CONTAINER) {
        f.value = FieldValue::Choice {
            options: containers.iter().map(|c| c.label()).collect(),
            idx,
        };
    }
    form.set_text(IMAGE, containers[idx].image.clone());
    // With one container, typing starts in the image field.
    form.focus = if containers.len() == 1 { 1 } else { 0 };
    if let Purpose::SetImage {
        containers: slot, ..
    } = &mut *form.purpose
    {
        *slot = containers;
    }
    Vec::new()
}

fn on_files(
    st: &mut AppState,
    path: &std::path::Path,
    result: Result<Vec<(String, String)>, String>,
) -> Vec<Effect> {
    let files = match result {
        Ok(f) => f,
        Err(e) => {
            st.notify(Notice::error(format!("apply: {e}")));
            return Vec::new();
        }
    };
    let default_ns = match &st.scope {
        Scope::Namespace(ns) => ns.to_string(),
        Scope::All => "default".to_string(),
    };
    let mut docs: Vec<ApplyDoc> = Vec::new();
    let mut skipped = Vec::new();
    for (file, text) in &files {
        match apply::documents(file, text) {
            Ok(values) => {
                for v in values {
                    match apply::plan(&st.discovery.catalog, v, &default_ns) {
                        Ok(doc) => docs.push(doc),
                        Err(e) => skipped.push(e),
                    }
                }
            }
            Err(e) => skipped.push(e),
        }
    }
    if docs.is_empty() {
        let why = skipped
            .first()
            .cloned()
            .unwrap_or_else(|| format!("no documents in {}", path.display()));
        st.notify(Notice::error(format!("apply: {why}")));
        return Vec::new();
    }
    let mut review = vec![format!(
        "server-side apply (field manager rkt) of {} document{} from {}:",
        docs.len(),
        if docs.len() == 1 { "" } else { "s" },
        path.display()
    )];
    review.extend(docs.iter().map(|d| format!("  {}", d.obj.label())));
    review.extend(skipped.iter().map(|e| format!("  not sent: {e}")));
    let mut form = Form::new("Apply".into(), Purpose::Apply { docs, skipped }, Vec::new());
    form.review = Some(review);
    st.overlays.open(form);
    Vec::new()
}
