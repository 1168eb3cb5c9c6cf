//! Structured input from raw bytes: every choice (which field to break, which wrong type,
//! which hostile text) is read from the input, so a coverage-guided fuzzer steers it and the
//! seeded loops in `cargo test` replay it. Running out of bytes means "keep it as it is": an
//! empty input is the unbroken sample.

use serde_json::{Map, Value};

/// Text that must come out of rkt inert: terminal escapes (OSC 52 clipboard write, clear
/// screen, a cut-off CSI), bidi overrides and isolates, zero-width characters, C1 controls,
/// line breaks and tabs.
pub const HOSTILE: &[&str] = &[
    "\u{1b}]52;c;cm0gLXJmIH4K\u{7}",
    "\u{1b}[2J",
    "\u{1b}[",
    "\u{1b}",
    "\u{202e}",
    "\u{2066}",
    "\u{200b}",
    "\u{feff}",
    "\u{9b}31m",
    "\u{85}",
    "\r",
    "\n",
    "\t",
    "\u{7f}",
];

/// Words the converters compare against, so a fuzzer reaches the branches behind them.
const WORDS: &[&str] = &[
    "",
    "Running",
    "Pending",
    "Succeeded",
    "Failed",
    "True",
    "False",
    "Always",
    "Warning",
    "Normal",
    "CrashLoopBackOff",
    "Completed",
    "NodeLost",
    "Ready",
    "Initialized",
    "PodScheduled",
    "SchedulingGated",
    "2024-05-01T10:00:00Z",
    "not-a-time",
    "10.0.0.1",
    "::1",
    "-1",
    "1e400",
    "100m",
    "1Gi",
    "apps/v1",
    "v1",
    "Deployment",
    "Pod",
    "TCP",
    "ClusterIP",
    "NodePort",
    "LoadBalancer",
    "deployment.kubernetes.io/revision",
    "kubernetes.io/change-cause",
    "日本語",
];

/// Bytes of huge text and copied list items one input may add: about what the API server
/// accepts in one object (etcd keeps at most 1.5 MB). Without a bound, copies of copies of
/// huge strings made objects of hundreds of megabytes that no cluster can send.
const GROWTH_BUDGET: usize = 2 << 20;

/// Reads choices from bytes, front to back; past the end every choice is 0.
pub struct Draw<'a> {
    data: &'a [u8],
    /// What is left of [`GROWTH_BUDGET`].
    growth: usize,
}

impl<'a> Draw<'a> {
    pub fn new(data: &'a [u8]) -> Draw<'a> {
        Draw {
            data,
            growth: GROWTH_BUDGET,
        }
    }

    /// Up to `wanted` bytes of growth, taken from the budget.
    fn grow(&mut self, wanted: usize) -> usize {
        let granted = wanted.min(self.growth);
        self.growth -= granted;
        granted
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let wide = u16::from_le_bytes([self.byte(), self.byte()]);
        usize::from(wide) % n
    }

    pub fn pick<'s>(&mut self, items: &[&'s str]) -> &'s str {
        items
            .get(self.below(items.len()))
            .copied()
            .unwrap_or_default()
    }

    /// The next `len` bytes (fewer at the end), decoded lossily.
    fn raw_text(&mut self, len: usize) -> String {
        let len = len.min(self.data.len());
        let (head, rest) = self.data.split_at(len);
        self.data = rest;
        String::from_utf8_lossy(head).into_owned()
    }

    /// Text: a known word, hostile pieces, raw input bytes, or a huge string.
    pub fn text(&mut self) -> String {
        match self.below(8) {
            0..=2 => self.pick(WORDS).to_string(),
            3 | 4 => {
                let pieces = 1 + self.below(4);
                (0..pieces)
                    .map(|_| format!("{}{}", self.pick(HOSTILE), self.pick(WORDS)))
                    .collect()
            }
            5 | 6 => {
                let len = self.below(64);
                self.raw_text(len)
            }
            _ => {
                let unit = self.pick(HOSTILE).to_string() + self.pick(WORDS);
                let len = unit.len().max(1);
                let wanted = (1 + self.below(50_000)).min(200_000 / len) * len;
                unit.repeat(self.grow(wanted) / len)
            }
        }
    }

    /// Any JSON value, nested at most `depth` deep (the API's JSON parser stops at 128).
    pub fn value(&mut self, depth: usize) -> Value {
        let kinds = if depth == 0 { 6 } else { 9 };
        match self.below(kinds) {
            0 => Value::Null,
            1 => Value::Bool(self.byte() & 1 == 1),
            2 => {
                let n = [i64::MIN, -1, 0, 1, 3, i64::from(i32::MAX) + 1, i64::MAX];
                Value::from(n[self.below(n.len())])
            }
            3 => Value::from([0.5, -1e300, f64::MAX, 1e-9][self.below(4)]),
            4 => Value::from(u64::MAX),
            5 => Value::String(self.text()),
            6 => Value::Array((0..self.below(4)).map(|_| self.value(depth - 1)).collect()),
            7 => {
                let mut map = Map::new();
                for _ in 0..self.below(4) {
                    map.insert(self.text(), self.value(depth - 1));
                }
                Value::Object(map)
            }
            _ => nested(self.below(depth.min(100)), self.value(0)),
        }
    }

    /// `sample` broken field by field: each field is kept, dropped, or replaced by a value of
    /// any type; objects may gain unknown fields.
    pub fn mutate(&mut self, sample: &mut Value, depth: usize) {
        match sample {
            Value::Object(map) => {
                let keys: Vec<String> = map.keys().cloned().collect();
                for key in keys {
                    match self.below(16) {
                        0..=10 => {
                            if let Some(v) = map.get_mut(&key) {
                                self.mutate(v, depth.saturating_sub(1));
                            }
                        }
                        11 => {
                            map.remove(&key);
                        }
                        12 => {
                            map.insert(key, Value::String(self.text()));
                        }
                        _ => {
                            map.insert(key, self.value(depth.min(6)));
                        }
                    }
                }
                if self.below(8) == 0 {
                    map.insert(self.text(), self.value(3));
                }
            }
            Value::Array(items) => {
                for item in items.iter_mut() {
                    self.mutate(item, depth.saturating_sub(1));
                }
                match self.below(8) {
                    0 => items.clear(),
                    1 => items.push(self.value(3)),
                    2 => {
                        // Many copies of the first item: big lists, duplicate names.
                        if let Some(first) = items.first().cloned() {
                            let size = first.to_string().len().max(1);
                            let wanted = self.below(300) * size;
                            let times = self.grow(wanted) / size;
                            items.extend(std::iter::repeat_n(first, times));
                        }
                    }
                    _ => {}
                }
            }
            Value::String(s) => {
                if self.below(4) == 0 {
                    *s = self.text();
                }
            }
            _ => {
                if self.below(8) == 0 {
                    *sample = self.value(2);
                }
            }
        }
    }
}

/// `inner` wrapped in `levels` arrays and objects, alternating.
fn nested(levels: usize, inner: Value) -> Value {
    (0..levels).fold(inner, |v, i| {
        if i % 2 == 0 {
            Value::Array(vec![v])
        } else {
            let mut map = Map::new();
            map.insert("a".into(), v);
            Value::Object(map)
        }
    })
}
