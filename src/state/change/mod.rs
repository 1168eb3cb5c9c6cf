//! Create, expose, set image and apply in the app: the keys and `:` commands that start
//! them, the form dialog, and the answers. Every change is refused under `--readonly`; none
//! is destructive, so the dialog or command the user typed is the only question (apply
//! shows what it will send and asks once).

pub mod form;

use std::path::PathBuf;

use crate::action::Action;
use crate::effect::{Effect, Scope};
use crate::model::change::create::{self, CreateSpec};
use crate::model::change::expose::{self, ExposeSpec, PROTOCOLS, SERVICE_TYPES};
use crate::model::change::{ChangeEffect, PrepareEffect};
use crate::model::objects::{ObjectKind, ObjectRef};
use crate::msg::Notice;
use crate::state::objects::selected_object;
use crate::state::{AppState, Pane};

pub use form::{FieldValue, Form, FormField, Purpose};

const NAME: &str = "name";
const IMAGE: &str = "image";
const REPLICAS: &str = "replicas";
const PORT: &str = "port";
const TYPE: &str = "type";
const TARGET_PORT: &str = "target port";
const PROTOCOL: &str = "protocol";
const CONTAINER: &str = "container";

fn change(effect: ChangeEffect) -> Vec<Effect> {
    vec![Effect::Change(Box::new(effect))]
}

/// The namespace a change made from the current view goes to.
fn current_namespace(st: &mut AppState, what: &str) -> Option<String> {
    match &st.scope {
        Scope::Namespace(ns) => Some(ns.to_string()),
        Scope::All => {
            st.notify(Notice::error(format!(
                "{what}: pick a namespace first (:ns NAME)"
            )));
            None
        }
    }
}

/// The keys that start a change on the main view; `None` leaves the action alone.
pub fn on_action(st: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    if !matches!(
        action,
        Action::CreateDeployment | Action::Expose | Action::SetImage
    ) || st.focus != Pane::Main
    {
        return None;
    }
    let what = match action {
        Action::CreateDeployment => "create",
        Action::Expose => "expose",
        _ => "set image",
    };
    if st.refused_readonly(what) {
        return Some(Vec::new());
    }
    Some(match action {
        Action::CreateDeployment => open_create_form(st),
        Action::Expose => match selected_object(st) {
            Some(obj) => open_expose(st, obj),
            None => nothing_selected(st),
        },
        _ => match selected_object(st) {
            Some(obj) => open_set_image(st, obj),
            None => nothing_selected(st),
        },
    })
}

fn nothing_selected(st: &mut AppState) -> Vec<Effect> {
    st.notify(Notice::warning("nothing selected"));
    Vec::new()
}

fn open_create_form(st: &mut AppState) -> Vec<Effect> {
    let Some(namespace) = current_namespace(st, "create") else {
        return Vec::new();
    };
    st.overlays.open(Form::new(
        format!("Create Deployment in {namespace}"),
        Purpose::CreateDeployment { namespace },
        vec![
            FormField::text(NAME, ""),
            FormField::text(IMAGE, ""),
            FormField::number(REPLICAS, "1"),
            FormField::number(PORT, ""),
        ],
    ));
    Vec::new()
}

fn exposable(kind: &ObjectKind) -> bool {
    kind.is("apps", "Deployment")
        || kind.is("apps", "ReplicaSet")
        || kind.is("", "Pod")
        || kind.is("", "Service")
}

fn open_expose(st: &mut AppState, obj: ObjectRef) -> Vec<Effect> {
    if !exposable(&obj.kind) {
        st.notify(Notice::error(format!(
            "cannot expose a {}: only Deployments, ReplicaSets, Pods and Services",
            obj.kind.kind
        )));
        return Vec::new();
    }
    let mut form = Form::new(
        format!("Expose {}", obj.label()),
        Purpose::Expose {
            target: obj.clone(),
            source: None,
            protocol_default: "TCP".into(),
            flags: ExposeSpec::default(),
        },
        vec![
            FormField::choice(TYPE, SERVICE_TYPES.map(String::from).to_vec(), 0),
            FormField::text(PORT, ""),
            FormField::text(TARGET_PORT, ""),
            FormField::text(NAME, obj.name.clone()),
            FormField::choice(PROTOCOL, PROTOCOLS.map(String::from).to_vec(), 0),
        ],
    );
    form.loading = true;
    st.overlays.open(form);
    vec![Effect::Prepare(PrepareEffect::ExposeSource(obj))]
}

fn open_set_image(st: &mut AppState, obj: ObjectRef) -> Vec<Effect> {
    let workload = obj.kind.is("apps", "Deployment")
        || obj.kind.is("apps", "StatefulSet")
        || obj.kind.is("apps", "DaemonSet");
    if !workload {
        st.notify(Notice::error(format!(
            "set image works on Deployments, StatefulSets and DaemonSets, not a {}",
            obj.kind.kind
        )));
        return Vec::new();
    }
    let mut form = Form::new(
        format!("Set image of {}", obj.label()),
        Purpose::SetImage {
            target: obj.clone(),
            containers: Vec::new(),
        },
        vec![
            FormField::choice(CONTAINER, Vec::new(), 0),
            FormField::text(IMAGE, ""),
        ],
    );
    form.loading = true;
    st.overlays.open(form);
    vec![Effect::Prepare(PrepareEffect::Containers(obj))]
}

/// `:create …`, `:expose …`, `:apply -f PATH` (the words after the command name).
pub fn on_command(st: &mut AppState, command: &str, words: &[&str]) -> Vec<Effect> {
    if st.refused_readonly(command) {
        return Vec::new();
    }
    let result = match command {
        "create" => command_create(st, words),
        "expose" => command_expose(st, words),
        _ => command_apply(words),
    };
    match result {
        Ok(effects) => effects,
        Err(e) => {
            st.notify(Notice::error(e));
            Vec::new()
        }
    }
}

fn command_create(st: &mut AppState, words: &[&str]) -> Result<Vec<Effect>, String> {
    let spec = create::parse(words)?;
    let namespace = match spec {
        CreateSpec::Namespace(_) => None,
        CreateSpec::Deployment(_) => match current_namespace(st, "create deployment") {
            Some(ns) => Some(ns),
            None => return Ok(Vec::new()),
        },
    };
    Ok(change(ChangeEffect::Create { namespace, spec }))
}

fn command_expose(st: &mut AppState, words: &[&str]) -> Result<Vec<Effect>, String> {
    let cmd = expose::parse(words)?;
    let one_of = |options: &[&str], v: &str, what: &str| {
        if v.is_empty() || options.iter().any(|o| o.eq_ignore_ascii_case(v)) {
            Ok(())
        } else {
            Err(format!("expose: {what} {v:?}: use {}", options.join(", ")))
        }
    };
    one_of(&SERVICE_TYPES, &cmd.spec.service_type, "--type")?;
    one_of(&PROTOCOLS, &cmd.spec.protocol, "--protocol")?;
    let Some(namespace) = current_namespace(st, "expose") else {
        return Ok(Vec::new());
    };
    let (group, version, kind, plural) = cmd.kind.resource();
    let obj = ObjectRef {
        kind: ObjectKind::new(group, version, kind, plural, true),
        namespace: Some(namespace),
        name: cmd.name.clone(),
    };
    // The form, filled from the flags, sends as soon as the object is read; it stays open
    // only to show what is wrong.
    let effects = open_expose(st, obj);
    if let Some(form) = st.overlays.get_mut::<Form>() {
        form.auto_submit = true;
        if let Purpose::Expose { flags, .. } = &mut *form.purpose {
            *flags = cmd.spec;
        }
    }
    Ok(effects)
}

fn command_apply(words: &[&str]) -> Result<Vec<Effect>, String> {
    let path = match words {
        ["-f", path] => path,
        [one] => one.strip_prefix("-f=").ok_or("usage: apply -f PATH")?,
        _ => return Err("usage: apply -f PATH (a file or a directory)".to_string()),
    };
    if path.is_empty() {
        return Err("usage: apply -f PATH".to_string());
    }
    Ok(vec![Effect::Prepare(PrepareEffect::ReadFiles(
        PathBuf::from(path),
    ))])
}

mod answers;
mod submit;

pub use answers::on_msg;
pub use submit::{on_form_action, on_form_char};

#[cfg(test)]
mod tests;
