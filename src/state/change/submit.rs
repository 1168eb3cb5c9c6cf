//! The form's keys, and what `enter` does for each purpose: check the input, show the
//! review (create, apply), send the change.

use crate::action::Action;
use crate::effect::Effect;
use crate::model::change::create;
use crate::model::change::expose::{self, ExposeSpec};
use crate::model::change::image;
use crate::model::change::ChangeEffect;
use crate::msg::Notice;
use crate::state::AppState;

use super::{change, Form, Purpose, CONTAINER, IMAGE, NAME, PORT, PROTOCOL, REPLICAS};
use super::{TARGET_PORT, TYPE};

pub fn on_form_char(st: &mut AppState, c: char) -> Vec<Effect> {
    if let Some(form) = st.overlays.get_mut::<Form>() {
        if form.review.is_none() && !form.loading {
            form.type_char(c);
        }
    }
    Vec::new()
}

pub fn on_form_action(st: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(form) = st.overlays.get_mut::<Form>() else {
        return Vec::new();
    };
    let editing = form.review.is_none() && !form.loading;
    match action {
        Action::Quit => st.quit = true,
        Action::Cancel | Action::Back => {
            // Esc on the review of a form goes back to its fields; otherwise it cancels.
            if form.review.is_some() && !form.fields.is_empty() && !form.auto_submit {
                form.review = None;
            } else {
                st.overlays.close::<Form>();
                st.notify(Notice::info("cancelled"));
            }
        }
        Action::FocusNext | Action::Down if editing && !on_choice(form) => form.move_focus(1),
        Action::FocusPrev | Action::Up if editing && !on_choice(form) => form.move_focus(-1),
        Action::FocusNext if editing => form.move_focus(1),
        Action::FocusPrev if editing => form.move_focus(-1),
        Action::Down if editing => choose(form, 1),
        Action::Up if editing => choose(form, -1),
        Action::DeleteBack if editing => form.backspace(),
        Action::ClearLine if editing => form.clear_field(),
        Action::Submit if !form.loading => return submit(st),
        _ => {}
    }
    Vec::new()
}

fn on_choice(form: &Form) -> bool {
    form.fields
        .get(form.focus)
        .is_some_and(|f| matches!(f.value, super::FieldValue::Choice { .. }))
}

/// Up/down on a choice; choosing another container puts its image in the image field.
fn choose(form: &mut Form, delta: isize) {
    form.choose(delta);
    let idx = match form
        .fields
        .iter()
        .find(|f| f.label == CONTAINER)
        .map(|f| &f.value)
    {
        Some(super::FieldValue::Choice { idx, .. }) => *idx,
        _ => 0,
    };
    if let Purpose::SetImage { containers, .. } = &*form.purpose {
        if let Some(image) = containers.get(idx).map(|c| c.image.clone()) {
            form.set_text(IMAGE, image);
        }
    }
}

/// `enter`: the review, or the change.
pub(super) fn submit(st: &mut AppState) -> Vec<Effect> {
    let Some(mut form) = st.overlays.close::<Form>() else {
        return Vec::new();
    };
    if st.refused_readonly("change") {
        return Vec::new();
    }
    match build(&mut form) {
        Ok(Some(effect)) => {
            st.notify(Notice::info(sending(&effect)));
            change(effect)
        }
        // Review shown (or fixed): the form stays.
        Ok(None) => {
            st.overlays.open(form);
            Vec::new()
        }
        Err(e) => {
            form.error = Some(e);
            form.review = None;
            form.auto_submit = false;
            st.overlays.open(form);
            Vec::new()
        }
    }
}

fn sending(effect: &ChangeEffect) -> String {
    match effect {
        ChangeEffect::Create { spec, .. } => format!("{} …", spec.command_line()),
        ChangeEffect::Expose { service, .. } => format!(
            "creating service {} …",
            service["metadata"]["name"].as_str().unwrap_or_default()
        ),
        ChangeEffect::SetImage { target, .. } => {
            format!("setting the image of {} …", target.label())
        }
        ChangeEffect::Apply { docs, .. } => format!("applying {} documents …", docs.len()),
    }
}

/// The change to send, `None` when the form moves to its review, or what is wrong.
fn build(form: &mut Form) -> Result<Option<ChangeEffect>, String> {
    let reviewed = form.review.is_some();
    match &*form.purpose {
        Purpose::CreateDeployment { namespace } => {
            let line = create_line(form);
            let words: Vec<&str> = line.split_whitespace().collect();
            let spec = create::parse(&words[1..])?;
            if !reviewed {
                form.review = Some(vec![format!(":{}", spec.command_line())]);
                return Ok(None);
            }
            Ok(Some(ChangeEffect::Create {
                namespace: Some(namespace.clone()),
                spec,
            }))
        }
        Purpose::Apply { docs, skipped } => Ok(Some(ChangeEffect::Apply {
            docs: docs.clone(),
            skipped: skipped.clone(),
        })),
        Purpose::Expose {
            target,
            source,
            protocol_default,
            ..
        } => {
            let source = source.as_ref().ok_or("still reading the object")?;
            let protocol = form.field(PROTOCOL);
            let service_type = form.field(TYPE);
            let spec = ExposeSpec {
                port: form.field(PORT).trim().to_string(),
                target_port: form.field(TARGET_PORT).trim().to_string(),
                // ClusterIP is the default: sent as kubectl sends it without --type.
                service_type: if service_type == "ClusterIP" {
                    String::new()
                } else {
                    service_type.to_string()
                },
                name: form.field(NAME).trim().to_string(),
                protocol: if protocol == protocol_default {
                    String::new()
                } else {
                    protocol.to_string()
                },
            };
            let service = expose::service_object(source, &spec)?;
            Ok(Some(ChangeEffect::Expose {
                namespace: target.namespace.clone().unwrap_or_default(),
                service,
            }))
        }
        Purpose::SetImage { target, containers } => {
            let idx = match form.fields.first().map(|f| &f.value) {
                Some(super::FieldValue::Choice { idx, .. }) => *idx,
                _ => 0,
            };
            let container = containers.get(idx).ok_or("no container to change")?;
            let new_image = form.field(IMAGE).trim().to_string();
            if let Some(why) = image::invalid_image(&new_image) {
                return Err(why);
            }
            if new_image == container.image {
                return Err(format!("{} already runs {new_image}", container.name));
            }
            Ok(Some(ChangeEffect::SetImage {
                target: target.clone(),
                container: container.clone(),
                image: new_image,
            }))
        }
    }
}

/// The form's fields as the `:create deployment` line they mean.
fn create_line(form: &Form) -> String {
    let mut line = format!("create deployment {}", form.field(NAME).trim());
    let image = form.field(IMAGE).trim();
    if !image.is_empty() {
        line.push_str(&format!(" --image={image}"));
    }
    let replicas = form.field(REPLICAS).trim();
    if !replicas.is_empty() {
        line.push_str(&format!(" --replicas={replicas}"));
    }
    let port = form.field(PORT).trim();
    if !port.is_empty() {
        line.push_str(&format!(" --port={port}"));
    }
    line
}
