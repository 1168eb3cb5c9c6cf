//! Turns an untrusted log line into text that is safe to put on a terminal.
//!
//! A log line may contain anything a process wrote. SGR colour sequences are kept as
//! styles (so coloured logs stay coloured); every other escape or control sequence — cursor
//! moves, clear screen, OSC (title changes, OSC 52 clipboard writes), DCS/APC/PM/SOS strings,
//! bells, backspaces, stray carriage returns, 8-bit C1 controls — is removed, and an escape
//! that is cut off at the end of the line is shown inert as `␛`. Tabs are expanded. Invalid
//! UTF-8 becomes U+FFFD. The result holds no C0 or C1 control character and no ESC.

use ratatui::style::{Color, Modifier, Style};
use unicode_width::UnicodeWidthChar;

/// How an inert escape character is shown.
pub const INERT_ESC: char = '␛';
const TAB_WIDTH: usize = 8;

/// Sanitized text plus the style runs that colour it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StyledText {
    /// Printable text only: no ESC, no C0/C1 controls.
    pub text: String,
    /// `(byte offset, style)`: the style applies from the offset to the next run's offset.
    /// Empty for plain lines (the common case costs no allocation).
    pub runs: Vec<(u32, Style)>,
}

impl StyledText {
    /// The text cut into `(segment, style)` pieces, in order.
    pub fn segments(&self) -> impl Iterator<Item = (&str, Style)> + '_ {
        let first = match self.runs.first() {
            Some((0, _)) => None,
            _ => Some((0usize, Style::default())),
        };
        let starts: Vec<(usize, Style)> = first
            .into_iter()
            .chain(self.runs.iter().map(|(o, s)| (*o as usize, *s)))
            .collect();
        (0..starts.len()).filter_map(move |i| {
            let (start, style) = starts[i];
            let end = starts.get(i + 1).map_or(self.text.len(), |(e, _)| *e);
            let seg = self.text.get(start..end)?;
            (!seg.is_empty()).then_some((seg, style))
        })
    }
}

/// Decodes `bytes` lossily and sanitizes them.
pub fn sanitize_bytes(bytes: &[u8]) -> StyledText {
    // Fast path for the common line: printable ASCII/UTF-8 with no C0, DEL or C1 (encoded
    // as 0xC2 0x80..=0x9F) — copied as is.
    let plain = !bytes.iter().enumerate().any(|(i, &b)| {
        b < 0x20 || b == 0x7f || (b == 0xc2 && matches!(bytes.get(i + 1), Some(0x80..=0x9f)))
    });
    if plain {
        if let Ok(s) = std::str::from_utf8(bytes) {
            return StyledText {
                text: s.to_owned(),
                runs: Vec::new(),
            };
        }
    }
    sanitize(&String::from_utf8_lossy(bytes))
}

/// Sanitizes one line of (already decoded) log text.
pub fn sanitize(input: &str) -> StyledText {
    let mut out = Builder::default();
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.next() {
                None => out.push(INERT_ESC),
                Some('[') => csi(&mut chars, &mut out),
                Some(']' | 'P' | '_' | '^' | 'X') => skip_string(&mut chars),
                // ESC with intermediates, e.g. `ESC ( B` (charset): drop through the final byte.
                Some(' '..='/') => {
                    while chars.next_if(|c| (' '..='/').contains(c)).is_some() {}
                    chars.next();
                }
                // Two-character escapes (`ESC c` reset, `ESC 7` save cursor, …): drop both.
                Some(_) => {}
            },
            '\u{9b}' => csi(&mut chars, &mut out),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\t' => out.tab(),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.finish()
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// Skips an OSC/DCS/APC/PM/SOS string up to its terminator (BEL, ST, or `ESC \`).
/// An unterminated string runs to the end of the line and is dropped entirely.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                chars.next_if_eq(&'\\');
                return;
            }
            _ => {}
        }
    }
}

/// Parses a CSI sequence after its introducer. SGR (`m`) becomes a style; anything else is
/// dropped. A sequence broken by an unexpected character or the end of the line is shown
/// inert (`␛[` plus what was read), so nothing half-parsed reaches the terminal.
fn csi(chars: &mut Chars<'_>, out: &mut Builder) {
    let mut params = String::new();
    let mut intermediates = false;
    loop {
        match chars.peek().copied() {
            Some(c @ '0'..='?') if !intermediates => {
                params.push(c);
                chars.next();
            }
            Some(' '..='/') => {
                intermediates = true;
                chars.next();
            }
            Some(c @ '@'..='~') => {
                chars.next();
                if c == 'm' && !intermediates {
                    out.sgr(&params);
                }
                return;
            }
            _ => {
                out.push(INERT_ESC);
                out.push('[');
                params.chars().for_each(|c| out.push(c));
                return;
            }
        }
    }
}

#[derive(Default)]
struct Builder {
    text: String,
    runs: Vec<(u32, Style)>,
    style: Style,
    column: usize,
}

impl Builder {
    fn push(&mut self, c: char) {
        self.text.push(c);
        self.column += c.width().unwrap_or(0);
    }

    fn tab(&mut self) {
        let spaces = TAB_WIDTH - self.column % TAB_WIDTH;
        for _ in 0..spaces {
            self.push(' ');
        }
    }

    fn sgr(&mut self, params: &str) {
        let style = apply_sgr(self.style, params);
        if style == self.style {
            return;
        }
        self.style = style;
        let offset = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        match self.runs.last_mut() {
            Some((last, s)) if *last == offset => *s = style,
            _ => self.runs.push((offset, style)),
        }
    }

    fn finish(mut self) -> StyledText {
        // A line that only ever reset to the default style needs no runs at all.
        if self.runs.iter().all(|(_, s)| *s == Style::default()) {
            self.runs = Vec::new();
        }
        self.runs.shrink_to_fit();
        self.text.shrink_to_fit();
        StyledText {
            text: self.text,
            runs: self.runs,
        }
    }
}

/// Applies SGR parameters (`1;31`, `38;5;208`, `38;2;1;2;3`, `38:2::1:2:3`) to `style`.
/// Unknown parameters are ignored; concealment and blinking are not honoured.
pub fn apply_sgr(mut style: Style, params: &str) -> Style {
    if params.is_empty() {
        return Style::default();
    }
    let number = |p: &str| {
        if p.is_empty() {
            Some(0)
        } else {
            p.parse::<u32>().ok()
        }
    };
    let groups: Vec<&str> = params.split(';').collect();
    let mut i = 0;
    while i < groups.len() {
        let group = groups[i];
        i += 1;
        if group.contains(':') {
            // ITU form with sub-parameters: `38:5:n`, `38:2::r:g:b` or `38:2:r:g:b`.
            let subs: Vec<Option<u32>> = group.split(':').map(number).collect();
            if let (Some(Some(n @ (38 | 48))), Some(color)) =
                (subs.first(), colon_color(&subs[1..]))
            {
                style = set_color(style, *n, color);
            }
            continue;
        }
        let Some(n) = number(group) else { continue };
        style = match n {
            0 => Style::default(),
            1 => style.add_modifier(Modifier::BOLD),
            2 => style.add_modifier(Modifier::DIM),
            3 => style.add_modifier(Modifier::ITALIC),
            4 => style.add_modifier(Modifier::UNDERLINED),
            7 => style.add_modifier(Modifier::REVERSED),
            9 => style.add_modifier(Modifier::CROSSED_OUT),
            21 | 22 => style.remove_modifier(Modifier::BOLD | Modifier::DIM),
            23 => style.remove_modifier(Modifier::ITALIC),
            24 => style.remove_modifier(Modifier::UNDERLINED),
            27 => style.remove_modifier(Modifier::REVERSED),
            29 => style.remove_modifier(Modifier::CROSSED_OUT),
            30..=37 => style.fg(ansi_color(n - 30)),
            40..=47 => style.bg(ansi_color(n - 40)),
            90..=97 => style.fg(ansi_color(n - 90 + 8)),
            100..=107 => style.bg(ansi_color(n - 100 + 8)),
            39 => Style { fg: None, ..style },
            49 => Style { bg: None, ..style },
            38 | 48 => {
                // Semicolon form: `5;n` or `2;r;g;b` follow as separate parameters.
                let arg = |k: usize| groups.get(i + k).and_then(|g| number(g));
                let (color, used) = match arg(0) {
                    Some(5) => (arg(1).and_then(to_byte).map(Color::Indexed), 2),
                    Some(2) => (rgb(arg(1), arg(2), arg(3)), 4),
                    _ => (None, groups.len()),
                };
                i += used;
                match color {
                    Some(c) => set_color(style, n, c),
                    None => style,
                }
            }
            _ => style,
        };
    }
    style
}

fn set_color(style: Style, which: u32, color: Color) -> Style {
    if which == 38 {
        style.fg(color)
    } else {
        style.bg(color)
    }
}

fn to_byte(v: u32) -> Option<u8> {
    u8::try_from(v).ok()
}

fn rgb(r: Option<u32>, g: Option<u32>, b: Option<u32>) -> Option<Color> {
    Some(Color::Rgb(to_byte(r?)?, to_byte(g?)?, to_byte(b?)?))
}

fn colon_color(subs: &[Option<u32>]) -> Option<Color> {
    match subs.first().copied().flatten()? {
        5 => subs
            .get(1)
            .copied()
            .flatten()
            .and_then(to_byte)
            .map(Color::Indexed),
        2 if subs.len() >= 5 => rgb(subs[2], subs[3], subs[4]),
        2 => rgb(
            subs.get(1).copied()?,
            subs.get(2).copied()?,
            subs.get(3).copied()?,
        ),
        _ => None,
    }
}

fn ansi_color(n: u32) -> Color {
    match n {
        0 => Color::Black,
        1 => Color::Red,
        2 => Color::Green,
        3 => Color::Yellow,
        4 => Color::Blue,
        5 => Color::Magenta,
        6 => Color::Cyan,
        7 => Color::Gray,
        8 => Color::DarkGray,
        9 => Color::LightRed,
        10 => Color::LightGreen,
        11 => Color::LightYellow,
        12 => Color::LightBlue,
        13 => Color::LightMagenta,
        14 => Color::LightCyan,
        _ => Color::White,
    }
}

#[cfg(test)]
#[path = "sanitize_tests.rs"]
mod tests;
