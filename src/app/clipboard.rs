//! Copy to the system clipboard (arboard) or, without a display server (SSH, a bare
//! console), through the terminal with an OSC 52 escape.

use base64::Engine as _;

use crate::msg::Notice;
use crate::tui::Tui;

#[derive(Default)]
pub struct Clipboard {
    /// Kept alive: on X11 the copied text is served by this process while it lives.
    system: Option<arboard::Clipboard>,
}

fn has_display() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

/// The OSC 52 sequence that asks the terminal to set its clipboard.
pub fn osc52(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{encoded}\x07")
}

impl Clipboard {
    pub fn copy(&mut self, text: &str, tui: &mut Tui) -> Notice {
        let why_not_system = if has_display() {
            match self.copy_system(text) {
                Ok(()) => return Notice::info(format!("copied {text:?} to the clipboard")),
                Err(e) => format!("system clipboard failed: {e}"),
            }
        } else {
            "no display server".to_string()
        };
        match tui.write_raw(osc52(text).as_bytes()) {
            Ok(()) => Notice::info(format!(
                "copied {text:?} via OSC 52 (terminal clipboard; {why_not_system})"
            )),
            Err(e) => Notice::error(format!("copy failed: {why_not_system}; OSC 52: {e}")),
        }
    }

    fn copy_system(&mut self, text: &str) -> Result<(), arboard::Error> {
        if self.system.is_none() {
            self.system = Some(arboard::Clipboard::new()?);
        }
        match self.system.as_mut() {
            Some(c) => c.set_text(text.to_string()),
            None => Err(arboard::Error::ClipboardNotSupported),
        }
    }
}
