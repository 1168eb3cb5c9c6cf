use super::*;

/// Nothing a terminal would act on survives: no ESC, no C0 except none at all, no C1, no DEL.
fn assert_inert(out: &StyledText) {
    for c in out.text.chars() {
        assert!(
            !c.is_control(),
            "control character U+{:04X} survived in {:?}",
            c as u32,
            out.text
        );
    }
}

fn plain(input: &str) -> String {
    let out = sanitize(input);
    assert_inert(&out);
    out.text
}

#[test]
fn plain_text_is_unchanged_and_costs_no_runs() {
    let out = sanitize("GET /healthz 200 1.2ms");
    assert_eq!(out.text, "GET /healthz 200 1.2ms");
    assert!(out.runs.is_empty());
}

#[test]
fn sgr_colours_become_styles() {
    let out = sanitize("\x1b[31merror\x1b[0m done");
    assert_inert(&out);
    assert_eq!(out.text, "error done");
    let segs: Vec<_> = out.segments().collect();
    assert_eq!(
        segs,
        vec![
            ("error", Style::default().fg(Color::Red)),
            (" done", Style::default())
        ]
    );
}

#[test]
fn sgr_256_truecolour_and_attributes() {
    let s = apply_sgr(Style::default(), "1;3;4;38;5;208;48;2;10;20;30");
    assert_eq!(s.fg, Some(Color::Indexed(208)));
    assert_eq!(s.bg, Some(Color::Rgb(10, 20, 30)));
    assert!(s
        .add_modifier
        .contains(Modifier::BOLD | Modifier::ITALIC | Modifier::UNDERLINED));
    let colon = apply_sgr(Style::default(), "38:2::1:2:3");
    assert_eq!(colon.fg, Some(Color::Rgb(1, 2, 3)));
    let colon_short = apply_sgr(Style::default(), "48:5:17;1");
    assert_eq!(colon_short.bg, Some(Color::Indexed(17)));
    assert!(colon_short.add_modifier.contains(Modifier::BOLD));
    // A parameter after a truecolour colour is still read as its own parameter.
    let then_bold = apply_sgr(Style::default(), "38;2;1;2;3;1");
    assert_eq!(then_bold.fg, Some(Color::Rgb(1, 2, 3)));
    assert!(then_bold.add_modifier.contains(Modifier::BOLD));
    assert_eq!(apply_sgr(then_bold, "0"), Style::default());
    assert_eq!(apply_sgr(then_bold, ""), Style::default());
    let bright = apply_sgr(Style::default(), "92;104");
    assert_eq!(
        (bright.fg, bright.bg),
        (Some(Color::LightGreen), Some(Color::LightBlue))
    );
    assert_eq!(apply_sgr(bright, "39").fg, None);
}

#[test]
fn out_of_range_sgr_values_are_ignored() {
    let s = apply_sgr(Style::default(), "38;5;999;38;2;300;0;0;99999999999999");
    assert_eq!(s.fg, None);
    let out = sanitize("\x1b[38;5mx\x1b[38;2;1mz");
    assert_inert(&out);
    assert_eq!(out.text, "xz");
}

#[test]
fn cursor_movement_and_screen_clear_are_removed() {
    assert_eq!(
        plain("a\x1b[2J\x1b[Hb\x1b[10;20Hc\x1b[Kd\x1b[1Ae\x1b[?1049h"),
        "abcde"
    );
    assert_eq!(plain("x\x1bcy\x1b7z\x1b8"), "xyz");
    assert_eq!(plain("charset\x1b(0 switch\x1b(B"), "charset switch");
}

#[test]
fn osc_title_and_clipboard_writes_are_removed() {
    assert_eq!(plain("before\x1b]0;pwned title\x07after"), "beforeafter");
    assert_eq!(plain("a\x1b]52;c;ZWNobyBwd25lZAo=\x1b\\b"), "ab");
    assert_eq!(plain("a\u{9d}52;c;ZWNobyA=\u{9c}b"), "ab");
    assert_eq!(
        plain("link \x1b]8;;http://evil\x1b\\text\x1b]8;;\x1b\\"),
        "link text"
    );
    // Unterminated OSC runs to the end of the line and is dropped entirely.
    assert_eq!(plain("x\x1b]52;c;ZWNobyBwd25lZAo="), "x");
}

#[test]
fn dcs_apc_pm_sos_strings_are_removed() {
    assert_eq!(plain("a\x1bPq#0;2;0;0;0\x1b\\b"), "ab");
    assert_eq!(plain("a\x1b_Gf=100;AAAA\x1b\\b"), "ab");
    assert_eq!(plain("a\x1b^private\x07b\x1bXsos\x1b\\c"), "abc");
    assert_eq!(plain("a\u{90}dcs\u{9c}b"), "ab");
}

#[test]
fn eight_bit_c1_controls_are_removed() {
    assert_eq!(plain("a\u{9b}2Jb"), "ab");
    assert_eq!(plain("a\u{9b}31mred"), "ared");
    assert_eq!(plain("x\u{85}\u{84}\u{8d}\u{96}y"), "xy");
}

#[test]
fn c0_controls_bells_backspace_and_stray_cr_are_removed() {
    assert_eq!(
        plain("ding\x07 \x08\x08ok\rover\x00\x7f\x0b\x0c"),
        "ding okover"
    );
    assert_eq!(plain("crlf\r"), "crlf");
}

#[test]
fn truncated_escapes_at_end_of_line_are_inert() {
    let out = sanitize("abc\x1b");
    assert_inert(&out);
    assert_eq!(out.text, "abc␛");
    assert_eq!(plain("abc\x1b[12;3"), "abc␛[12;3");
    assert_eq!(plain("abc\x1b[12\x1b[31mred"), "abc␛[12red");
    assert_eq!(plain("bad\x1b[1\u{7}x"), "bad␛[1x");
}

#[test]
fn invalid_utf8_becomes_replacement_characters() {
    let out = sanitize_bytes(b"ok \xff\xfe bytes \xc3");
    assert_inert(&out);
    assert_eq!(out.text, "ok \u{fffd}\u{fffd} bytes \u{fffd}");
    // A raw 8-bit CSI byte is not valid UTF-8 and cannot act as CSI.
    let out = sanitize_bytes(b"a\x9b2Jb");
    assert_inert(&out);
    assert_eq!(out.text, "a\u{fffd}2Jb");
}

#[test]
fn tabs_expand_to_columns_of_eight() {
    assert_eq!(plain("a\tb"), "a       b");
    assert_eq!(plain("\t|"), "        |");
    assert_eq!(plain("12345678\tx"), "12345678        x");
    // Colour sequences take no columns.
    assert_eq!(plain("\x1b[32mab\x1b[0m\tc"), "ab      c");
    // Wide characters take two.
    assert_eq!(plain("日本\tx"), "日本    x");
}

#[test]
fn colours_survive_amid_hostile_sequences() {
    let out = sanitize("\x1b]0;t\x07\x1b[1;32mOK\x1b[2J\x1b[0m \u{9b}H\x07done\x1b");
    assert_inert(&out);
    assert_eq!(out.text, "OK done␛");
    let first = out.segments().next();
    assert_eq!(
        first,
        Some((
            "OK",
            Style::default()
                .fg(Color::Green)
                .add_modifier(Modifier::BOLD)
        ))
    );
}

#[test]
fn segments_cover_the_whole_text() {
    let out = sanitize("plain \x1b[31mred\x1b[1m bold\x1b[m tail");
    let joined: String = out.segments().map(|(s, _)| s).collect();
    assert_eq!(joined, out.text);
    assert_eq!(out.segments().count(), 4);
}

#[test]
fn every_byte_pattern_stays_inert() {
    // A small exhaustive-ish sweep: every pair of (introducer, byte) followed by text.
    let introducers: [&[u8]; 6] = [
        b"\x1b",
        b"\x1b[",
        b"\x1b]",
        b"\x1bP",
        b"\xc2\x9b",
        b"\x1b[1;",
    ];
    for intro in introducers {
        for b in 0u8..=255 {
            let mut line = b"x".to_vec();
            line.extend_from_slice(intro);
            line.push(b);
            line.extend_from_slice(b"tail");
            assert_inert(&sanitize_bytes(&line));
        }
    }
}
