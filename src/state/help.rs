//! The `?` help overlay: scrolling, and `/` to find a key by what it does.

use crate::action::Action;
use crate::effect::Effect;
use crate::state::{AppState, HelpState, Prompt, PromptKind};

pub fn on_action(st: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(help) = st.overlays.get_mut::<HelpState>() else {
        return Vec::new();
    };
    match action {
        // esc clears a filter first, then closes.
        Action::Back if !help.filter.is_empty() => help.filter.clear(),
        Action::Back | Action::Help => {
            st.overlays.close::<HelpState>();
        }
        Action::Filter => {
            let text = help.filter.clone();
            st.prompt = Some(Prompt::new(PromptKind::HelpFilter, text));
        }
        Action::Quit => st.quit = true,
        Action::Down => help.scroll += 1,
        Action::Up => help.scroll = help.scroll.saturating_sub(1),
        Action::PageDown => help.scroll += 10,
        Action::PageUp => help.scroll = help.scroll.saturating_sub(10),
        Action::Top => help.scroll = 0,
        Action::Bottom => help.scroll = usize::MAX / 2, // clamped by the renderer
        _ => {}
    }
    Vec::new()
}

/// The help's filter as typed; the list starts at the top again.
pub fn set_filter(st: &mut AppState, text: &str) {
    if let Some(help) = st.overlays.get_mut::<HelpState>() {
        help.filter = text.to_string();
        help.scroll = 0;
    }
}

/// Whether a help line (its keys, action name and description) answers `filter`: every
/// word of the filter appears in it, in any case.
pub fn matches(filter: &str, texts: &[&str]) -> bool {
    let haystack = texts.join(" ").to_lowercase();
    filter
        .to_lowercase()
        .split_whitespace()
        .all(|word| haystack.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_of_the_filter_must_appear_in_any_case() {
        let line = ["ctrl-d", "delete", "delete the selected object"];
        assert!(matches("", &line));
        assert!(matches("DEL", &line));
        assert!(matches("selected delete", &line));
        assert!(!matches("delete pod", &line));
    }
}
