//! The hint line: the focused pane's own keys first, then the general ones, rendered from
//! the key table. It always fits: when the full labels (`<l> logs`, `<shift-l> logs of
//! owner's pods`) do not, each hint is shortened to its first key and a word or two; what
//! still does not fit is left to `<?> more`, which the full help lists.

use std::borrow::Cow;

use ratatui::text::Span;

use crate::action::Action;
use crate::keymap::{Ctx, Keymap, ResolvedBinding};
use crate::theme::Theme;

/// General actions worth a hint in every pane, after the pane's own. Help is not among
/// them: the line always ends with it (`<?> help`, or `<?> more` when hints were left out).
const LEAD_HINTS: [Action; 3] = [Action::Command, Action::Filter, Action::Quit];

/// Changes made less often than the pane's everyday keys: hinted after the lead general
/// keys, with the sort keys (the help lists them all).
const LATE_HINTS: [Action; 3] = [Action::CreateDeployment, Action::Expose, Action::SetImage];

/// A word or two per action, for a narrow hint line. Where one action means different
/// things by pane (`enter` uses a namespace, diffs a revision, opens an object) the first
/// word of the pane's own description says it.
fn short(action: Action, desc: &'static str) -> &'static str {
    let first_word = || desc.split_whitespace().next().unwrap_or(desc);
    match action {
        Action::Select | Action::Back | Action::Submit | Action::Cancel => first_word(),
        Action::History if desc.starts_with("close") => "close",
        Action::Quit => "quit",
        Action::Help => "help",
        Action::Command => "cmd",
        Action::Filter => "filter",
        Action::Logs => "logs",
        Action::LogsOwner => "owner",
        Action::LogsPrevious => "prev",
        Action::PortForward => "forward",
        Action::StopForward => "stop",
        Action::History => "history",
        Action::Rollback => "undo",
        Action::Restart => "restart",
        Action::Scale => "scale",
        Action::TogglePause => "pause",
        Action::Delete if desc == "uninstall" => desc,
        Action::Delete => "delete",
        Action::Yaml => "yaml",
        Action::Describe => "describe",
        Action::Events => "events",
        Action::Edit => "edit",
        Action::Shell => "shell",
        Action::AllNamespaces => "all ns",
        Action::Copy => "copy",
        Action::ToggleWide => "wide",
        Action::Reveal => "reveal",
        Action::Complete => "complete",
        Action::ToggleFollow => "follow",
        Action::ToggleTimestamps => "time",
        Action::ToggleWrap => "wrap",
        Action::SaveLogs => "save",
        Action::SearchNext => "next",
        Action::SearchPrev => "prev match",
        Action::FocusNext | Action::FocusPrev if desc.ends_with("field") => desc,
        Action::FocusNext => "next pane",
        Action::Zoom => "zoom",
        Action::Suspend => "suspend",
        Action::Confirm => "yes",
        Action::CreateDeployment => "new",
        Action::Expose => "expose",
        Action::SetImage => "image",
        Action::Values => "values",
        Action::AllValues => "all values",
        Action::Manifest => "manifest",
        Action::Notes => "notes",
        Action::Hooks => "hooks",
        _ => desc,
    }
}

/// The bindings to hint at for `ctx`, most useful first: the pane's own actions, the lead
/// general ones, the pane's sort keys, then the rest of the general ones. A general binding
/// whose key the pane binds itself (`/` searches the logs) is left out.
fn ordered(keymap: &Keymap, ctx: Ctx) -> Vec<&ResolvedBinding> {
    let own = ctx.chain().first().copied().unwrap_or(Ctx::Global);
    let shadowed = |b: &ResolvedBinding| {
        own != Ctx::Global
            && keymap
                .in_ctx(own)
                .any(|o| o.keys.iter().any(|k| b.keys.contains(k)))
    };
    // Sorting, scope, the events view and the rarer changes are the pane's too, but come
    // after the general lead keys; so does `enter` in a table, which opens the row as k9s's
    // users expect.
    let table = matches!(
        own,
        Ctx::Pods | Ctx::Workloads | Ctx::Services | Ctx::Resources | Ctx::Helm
    );
    let is_sort = move |b: &&ResolvedBinding| {
        b.action.name().starts_with("sort_")
            || matches!(b.action, Action::AllNamespaces | Action::Events)
            || LATE_HINTS.contains(&b.action)
            || (table && b.action == Action::Select)
    };
    let general = |lead: bool| {
        keymap
            .in_ctx(Ctx::Global)
            .filter(move |b| LEAD_HINTS.contains(&b.action) == lead)
            .filter(|b| b.action != Action::Help && !shadowed(b))
    };
    let mut out: Vec<&ResolvedBinding> = Vec::new();
    if own != Ctx::Global {
        out.extend(keymap.in_ctx(own).filter(|b| !is_sort(b)));
    }
    out.extend(general(true));
    if own != Ctx::Global {
        out.extend(keymap.in_ctx(own).filter(is_sort));
    }
    out.extend(general(false));
    out
}

/// `(key, text)` of one hint, full or short; what the user may not do says so.
fn label(b: &ResolvedBinding, full: bool, denied: bool) -> (String, Cow<'static, str>) {
    let (key, text) = if full {
        (b.keys_label(), b.desc)
    } else {
        (b.first_key_label(), short(b.action, b.desc))
    };
    match (denied, full) {
        (false, _) => (key, Cow::Borrowed(text)),
        (true, true) => (key, Cow::Owned(format!("{text} (not permitted)"))),
        (true, false) => (key, Cow::Owned(format!("{text}✗"))),
    }
}

fn width(key: &str, text: &str) -> usize {
    // " <key> text"
    use unicode_width::UnicodeWidthStr;
    key.width() + text.width() + 4
}

/// `<key> text` spans for `ctx` that fit in `max` columns, ending with the help key.
/// Actions `denied` says the user may not do are dimmed and marked.
pub fn spans<'a>(
    keymap: &Keymap,
    ctx: Ctx,
    max: u16,
    theme: &Theme,
    denied: &dyn Fn(Action) -> bool,
) -> Vec<Span<'a>> {
    let max = usize::from(max);
    let bindings = ordered(keymap, ctx);
    let help = keymap
        .in_ctx(Ctx::Global)
        .find(|b| b.action == Action::Help)
        .map_or_else(|| "?".to_string(), ResolvedBinding::first_key_label);
    let total = |full: bool| -> usize {
        bindings
            .iter()
            .map(|b| {
                let (k, t) = label(b, full, denied(b.action));
                width(&k, &t)
            })
            .sum::<usize>()
            + width(&help, "help")
    };
    let full = total(true) <= max;
    let room = max.saturating_sub(width(&help, "more"));
    let mut used = 0;
    let mut out = Vec::new();
    let mut dropped = false;
    for b in &bindings {
        let refused = denied(b.action);
        let (key, text) = label(b, full, refused);
        let w = width(&key, &text);
        if used + w > room {
            // Later hints are less useful; a shorter one may still fit.
            dropped = true;
            continue;
        }
        used += w;
        let (key_style, text_style) = if refused {
            let dim = theme
                .muted
                .add_modifier(ratatui::style::Modifier::CROSSED_OUT);
            (dim, dim)
        } else {
            (theme.key, theme.hint)
        };
        out.push(Span::styled(format!(" <{key}>"), key_style));
        out.push(Span::styled(format!(" {text}"), text_style));
    }
    // In the help itself its key closes it (and is hinted as such).
    if ctx != Ctx::Help {
        out.push(Span::styled(format!(" <{help}>"), theme.key));
        out.push(Span::styled(
            if dropped { " more" } else { " help" },
            theme.hint,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(ctx: Ctx, max: u16) -> String {
        let theme = Theme::default_theme();
        spans(&Keymap::default(), ctx, max, &theme, &|_| false)
            .iter()
            .map(|s| s.content.to_string())
            .collect()
    }

    #[test]
    fn the_panes_own_keys_come_first_and_the_line_always_fits() {
        for max in [80u16, 120, 160, 200] {
            for ctx in [Ctx::Pods, Ctx::Workloads, Ctx::Resources, Ctx::Logs] {
                let line = text(ctx, max);
                assert!(
                    unicode_width::UnicodeWidthStr::width(line.as_str()) <= usize::from(max),
                    "{ctx:?} at {max}: {line}"
                );
            }
        }
        let pods = text(Ctx::Pods, 160);
        for key in ["<l>", "<shift-f>", "<h>", "<ctrl-d>", "<y>", "<d>"] {
            assert!(pods.contains(key), "{key}: {pods}");
        }
        assert!(pods.starts_with(" <l>"), "{pods}");
        for key in ["<:>", "</>", "<?>"] {
            assert!(pods.contains(key), "{key}: {pods}");
        }
        let narrow = text(Ctx::Pods, 80);
        assert!(narrow.contains("<l> logs"), "{narrow}");
        assert!(narrow.ends_with("<?> more"), "{narrow}");
    }
}
