//! `kubectl edit` in rkt: read the object, open the user's editor on it (in a private
//! temporary file: a Secret's data may be in it), then update it. Saved invalid or refused,
//! the editor reopens on the user's text with the error on top; after a conflict it reopens
//! on the object as it is now. The judging is `model::edit`; this is the loop.

use kube::Client;

use super::{editor, Handover};
use crate::cluster::edit::{read, update, UpdateError};
use crate::model::edit::{
    applied_text, editable, file_text, judge, prepare_update, strip_header, EditOutcome, Judged,
    CONFLICT_NOTE, EMPTY, NO_CHANGES, NO_VALID_CHANGES,
};
use crate::model::objects::ObjectRef;

/// What the editor is opened on.
fn shown(obj: &serde_json::Value, reasons: &[String]) -> Result<String, String> {
    let body = serde_yaml::to_string(&editable(obj)).map_err(|e| e.to_string())?;
    Ok(file_text(reasons, &body))
}

pub async fn run(client: &Client, obj: &ObjectRef, handover: &mut Handover) -> EditOutcome {
    match edit(client, obj, handover).await {
        Ok(outcome) => outcome,
        Err(why) => EditOutcome::Failed(why),
    }
}

async fn edit(
    client: &Client,
    obj: &ObjectRef,
    handover: &mut Handover,
) -> Result<EditOutcome, String> {
    let argv = editor::from_env()?;
    let mut current = read(client, obj).await?;
    // Created with mode 0600, removed when dropped.
    let file = tempfile::Builder::new()
        .prefix("rkt-edit-")
        .suffix(".yaml")
        .tempfile()
        .map_err(|e| format!("cannot create a temporary file: {e}"))?;
    let mut text = shown(&current, &[])?;
    // The body of a file reopened with errors: saved again as it was, the edit ends.
    let mut reopened: Option<String> = None;
    loop {
        std::fs::write(file.path(), &text)
            .map_err(|e| format!("cannot write {}: {e}", file.path().display()))?;
        handover
            .for_editor()
            .map_err(|e| format!("cannot hand the terminal to the editor: {e}"))?;
        editor::run(&argv, file.path()).await?;
        let bytes = std::fs::read(file.path())
            .map_err(|e| format!("cannot read {}: {e}", file.path().display()))?;
        let saved = String::from_utf8_lossy(&bytes).into_owned();
        let body = strip_header(&saved).to_string();
        if reopened.as_deref() == Some(body.as_str()) {
            return Ok(EditOutcome::Cancelled(NO_VALID_CHANGES.into()));
        }
        let why = match judge(&current, &saved) {
            Judged::Empty => return Ok(EditOutcome::Cancelled(EMPTY.into())),
            Judged::Unchanged => return Ok(EditOutcome::Cancelled(NO_CHANGES.into())),
            Judged::Invalid(why) => why,
            Judged::Changed(value) => {
                match update(client, obj, prepare_update(value, &current)).await {
                    Ok(()) => return Ok(EditOutcome::Applied(applied_text(obj))),
                    Err(UpdateError::Conflict) => {
                        current = read(client, obj).await?;
                        text = shown(&current, &[CONFLICT_NOTE.to_string()])?;
                        reopened = None;
                        continue;
                    }
                    Err(UpdateError::Rejected(why)) => why,
                }
            }
        };
        text = file_text(&[why], &body);
        reopened = Some(body);
    }
}
