//! The form dialog of the changes (create a Deployment, expose, set image, apply): fields
//! typed or chosen, then — for create and apply — a review of what will be sent, where
//! `enter` runs it and `esc` cancels. Pure state.

use crate::model::change::apply::ApplyDoc;
use crate::model::change::expose::{ExposeSource, ExposeSpec};
use crate::model::change::image::ContainerImage;
use crate::model::objects::ObjectRef;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    Text(String),
    /// One of `options`; up/down change it.
    Choice {
        options: Vec<String>,
        idx: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormField {
    pub label: &'static str,
    pub value: FieldValue,
    /// Only digits are typed into it.
    pub digits: bool,
}

impl FormField {
    pub fn text(label: &'static str, value: impl Into<String>) -> FormField {
        FormField {
            label,
            value: FieldValue::Text(value.into()),
            digits: false,
        }
    }
    pub fn number(label: &'static str, value: impl Into<String>) -> FormField {
        FormField {
            digits: true,
            ..FormField::text(label, value)
        }
    }
    pub fn choice(label: &'static str, options: Vec<String>, idx: usize) -> FormField {
        FormField {
            label,
            value: FieldValue::Choice { options, idx },
            digits: false,
        }
    }

    /// The text, or the chosen option.
    pub fn get(&self) -> &str {
        match &self.value {
            FieldValue::Text(t) => t,
            FieldValue::Choice { options, idx } => options.get(*idx).map_or("", String::as_str),
        }
    }
}

/// What the form is for, with what it needs to build the change.
// One per open form, and boxed there: the size of the largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    /// `:create deployment` by form: name, image, replicas, port.
    CreateDeployment { namespace: String },
    /// Expose `target`; `source` is read from the server first.
    Expose {
        target: ObjectRef,
        source: Option<ExposeSource>,
        /// The object's protocol: another one chosen is sent as `--protocol`.
        protocol_default: String,
        /// What `:expose` gave as flags (they win over the object's defaults).
        flags: ExposeSpec,
    },
    /// Set the image of one of `target`'s containers (read from the server first).
    SetImage {
        target: ObjectRef,
        containers: Vec<ContainerImage>,
    },
    /// `:apply -f`: the documents to send (no fields; only the review).
    Apply {
        docs: Vec<ApplyDoc>,
        /// Documents that cannot be sent, with why (reported with the results).
        skipped: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub title: String,
    /// Boxed: an expose form carries the object's selector, labels and ports.
    pub purpose: Box<Purpose>,
    pub fields: Vec<FormField>,
    pub focus: usize,
    /// Waiting for the server (the object to expose, the containers).
    pub loading: bool,
    /// What will be sent, shown before it is: `enter` sends it, `esc` cancels.
    pub review: Option<Vec<String>>,
    pub error: Option<String>,
    /// Submit as soon as loaded (a `:` command filled it).
    pub auto_submit: bool,
}

impl Form {
    pub fn new(title: String, purpose: Purpose, fields: Vec<FormField>) -> Form {
        Form {
            title,
            purpose: Box::new(purpose),
            fields,
            focus: 0,
            loading: false,
            review: None,
            error: None,
            auto_submit: false,
        }
    }

    /// Chooses the option equal (ignoring case) to `value` in a choice field.
    pub fn choose_named(&mut self, label: &str, value: &str) {
        if let Some(FormField {
            value: FieldValue::Choice { options, idx },
            ..
        }) = self.field_mut(label)
        {
            if let Some(i) = options.iter().position(|o| o.eq_ignore_ascii_case(value)) {
                *idx = i;
            }
        }
    }

    pub fn field(&self, label: &str) -> &str {
        self.fields
            .iter()
            .find(|f| f.label == label)
            .map_or("", FormField::get)
    }

    pub fn field_mut(&mut self, label: &str) -> Option<&mut FormField> {
        self.fields.iter_mut().find(|f| f.label == label)
    }

    pub fn set_text(&mut self, label: &str, text: impl Into<String>) {
        if let Some(f) = self.field_mut(label) {
            f.value = FieldValue::Text(text.into());
        }
    }

    pub fn move_focus(&mut self, delta: isize) {
        let n = self.fields.len() as isize;
        if n > 0 {
            self.focus = ((self.focus as isize + delta).rem_euclid(n)) as usize;
        }
    }

    /// Up/down on a choice field.
    pub fn choose(&mut self, delta: isize) {
        self.error = None;
        if let Some(FormField {
            value: FieldValue::Choice { options, idx },
            ..
        }) = self.fields.get_mut(self.focus)
        {
            if !options.is_empty() {
                let n = options.len() as isize;
                *idx = ((*idx as isize + delta).rem_euclid(n)) as usize;
            }
        }
    }

    pub fn type_char(&mut self, c: char) {
        self.error = None;
        if let Some(f) = self.fields.get_mut(self.focus) {
            if let FieldValue::Text(t) = &mut f.value {
                if !f.digits || c.is_ascii_digit() {
                    t.push(c);
                }
            }
        }
    }

    pub fn backspace(&mut self) {
        self.error = None;
        if let Some(FormField {
            value: FieldValue::Text(t),
            ..
        }) = self.fields.get_mut(self.focus)
        {
            t.pop();
        }
    }

    pub fn clear_field(&mut self) {
        self.error = None;
        if let Some(FormField {
            value: FieldValue::Text(t),
            ..
        }) = self.fields.get_mut(self.focus)
        {
            t.clear();
        }
    }
}
