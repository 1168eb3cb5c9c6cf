//! Reading rkt's screen: the header's connection and pod count, the pods pane's title
//! count, the visible rows (all-namespaces view: NAMESPACE and NAME come first).

/// The header line (the first line of the screen).
pub fn header(screen: &str) -> &str {
    screen.lines().next().unwrap_or("")
}

/// The header says connected, not connecting or reconnecting.
pub fn connected(screen: &str) -> bool {
    let h = header(screen);
    h.contains("● connected") && !h.contains("reconnecting")
}

/// The pod count in the header (`pods N `).
pub fn header_count(screen: &str) -> Option<usize> {
    number_after(header(screen), " pods ")
}

/// The pods pane's title onwards, on its line: ` Pods(all)[N] </filter> ──…`.
pub fn pods_title(screen: &str) -> &str {
    screen
        .lines()
        .find_map(|l| l.find("Pods(").map(|at| &l[at..]))
        .unwrap_or("")
}

/// The row count in the pods pane title, `Pods(all)[N]` or `[shown/N]`.
pub fn title_count(screen: &str) -> Option<usize> {
    let rest = pods_title(screen);
    let open = rest.find(")[")? + 2;
    let close = rest[open..].find(']')? + open;
    rest[open..close].rsplit('/').next()?.parse().ok()
}

fn number_after(text: &str, lead: &str) -> Option<usize> {
    let rest = text.split(lead).nth(1)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The (namespace, name) of every row the pods pane shows, top to bottom: the text below
/// its column header (`NAMESPACE NAME …`, at that header's column) down to the pane's
/// bottom border. Panes to the left of it (namespaces) are cut off.
pub fn visible_rows(screen: &str) -> Vec<(String, String)> {
    let mut lines = screen.lines();
    let Some(col) = lines.by_ref().find_map(|l| {
        let at = l.find("NAMESPACE NAME")?;
        Some(l[..at].chars().count())
    }) else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for line in lines {
        let tail: String = line.chars().skip(col).collect();
        let cells: Vec<&str> = tail.split_whitespace().collect();
        if tail.starts_with(['╰', '└', '─']) || cells.len() < 2 {
            break;
        }
        rows.push((cells[0].to_string(), cells[1].to_string()));
    }
    rows
}

/// What keeps `screen` from showing the server's `pods` (sorted as rkt sorts them), if
/// anything: the header connected, both counts equal to the server's, the visible rows
/// the first rows of the server's list.
pub fn mismatch(screen: &str, pods: &[(String, String)]) -> Option<String> {
    if !connected(screen) {
        return Some(format!("header not connected: {:?}", header(screen)));
    }
    if header_count(screen) != Some(pods.len()) {
        return Some(format!(
            "header counts {:?} pods, the server has {}",
            header_count(screen),
            pods.len()
        ));
    }
    if title_count(screen) != Some(pods.len()) {
        return Some(format!(
            "title counts {:?} pods, the server has {}",
            title_count(screen),
            pods.len()
        ));
    }
    let rows = visible_rows(screen);
    if rows.is_empty() {
        return Some("no rows visible".into());
    }
    let expected = &pods[..rows.len().min(pods.len())];
    if rows != expected {
        let at = rows.iter().zip(expected).position(|(a, b)| a != b);
        return Some(format!(
            "visible rows differ from the server's list at row {at:?}: {:?} vs {:?}",
            at.and_then(|i| rows.get(i)),
            at.and_then(|i| expected.get(i))
        ));
    }
    None
}
