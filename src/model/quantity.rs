//! Just enough of Kubernetes resource quantities for describe's sums and percentages and
//! for metrics: parsed to thousandths of the unit, summed, printed back in the suffix
//! family they came in.

/// A quantity in thousandths of its unit (millicores, millibytes), and whether it was written
/// with binary suffixes (`Ki`, `Mi`, …) so a sum prints the same way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Milli {
    pub value: i128,
    pub binary: bool,
}

const BINARY: [(&str, u32); 6] = [
    ("Ki", 1),
    ("Mi", 2),
    ("Gi", 3),
    ("Ti", 4),
    ("Pi", 5),
    ("Ei", 6),
];
const DECIMAL: [(&str, u32); 6] = [("k", 1), ("M", 2), ("G", 3), ("T", 4), ("P", 5), ("E", 6)];

/// `100m`, `2`, `1.5`, `128Mi`, `1G`, `1e3`; `None` for anything else.
pub fn parse(text: &str) -> Option<Milli> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let (scale, binary): (f64, bool) = match suffix {
        "" => (1.0, false),
        "m" => (0.001, false),
        "u" => (0.000_001, false),
        "n" => (0.000_000_001, false),
        s if s.starts_with(['e', 'E']) => (10f64.powi(s[1..].parse().ok()?), false),
        s => match BINARY.iter().find(|(b, _)| *b == s) {
            Some((_, power)) => (1024f64.powi(*power as i32), true),
            None => {
                let (_, power) = DECIMAL.iter().find(|(d, _)| *d == s)?;
                (1000f64.powi(*power as i32), false)
            }
        },
    };
    let number: f64 = number.parse().ok()?;
    Some(Milli {
        value: (number * scale * 1000.0).round() as i128,
        binary,
    })
}

impl std::ops::Add for Milli {
    type Output = Milli;

    fn add(self, other: Milli) -> Milli {
        Milli {
            value: self.value + other.value,
            binary: if self.value == 0 {
                other.binary
            } else {
                self.binary
            },
        }
    }
}

impl Milli {
    pub fn max(self, other: Milli) -> Milli {
        if other.value > self.value {
            other
        } else {
            self
        }
    }

    /// Thousandths of the unit (the millicores of a CPU quantity); 0 for a negative one.
    pub fn milli(self) -> u64 {
        self.value.clamp(0, i128::from(u64::MAX)) as u64
    }

    /// Whole units, rounded up as `Quantity.Value()` (the bytes of a memory quantity).
    pub fn units(self) -> u64 {
        ((self.value.max(0) + 999) / 1000).min(i128::from(u64::MAX)) as u64
    }

    /// `self` as a whole percentage of `of` (truncated, as kubectl's `int64(fraction)`).
    pub fn percent_of(self, of: Milli) -> i128 {
        if of.value == 0 {
            0
        } else {
            self.value * 100 / of.value
        }
    }
}

impl std::fmt::Display for Milli {
    /// The canonical form kubectl prints: `0`, `500m`, `2`, `170Mi`, `1G`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = self.value;
        if v % 1000 != 0 {
            return write!(f, "{v}m");
        }
        let units = v / 1000;
        let (table, base): (&[(&str, u32)], i128) = if self.binary {
            (&BINARY, 1024)
        } else {
            (&DECIMAL, 1000)
        };
        for (suffix, power) in table.iter().rev() {
            let size = base.pow(*power);
            if units != 0 && units % size == 0 {
                return write!(f, "{}{suffix}", units / size);
            }
        }
        write!(f, "{units}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_server_units_read_as_millicores_and_bytes() {
        let q = |s: &str| parse(s).unwrap();
        assert_eq!(q("18707777n").milli(), 19);
        assert_eq!(q("250m").milli(), 250);
        assert_eq!(q("2").milli(), 2000);
        assert_eq!(q("1500u").milli(), 2);
        assert_eq!(q("42220Ki").units(), 42220 * 1024);
        assert_eq!(q("128Mi").units(), 128 << 20);
        assert_eq!(q("1G").units(), 1_000_000_000);
        assert_eq!(q("8129892Ki").units(), 8129892 * 1024);
        // Below a byte rounds up, as `Quantity.Value()`; nothing is negative.
        assert_eq!(q("1500m").units(), 2);
        assert_eq!(q("-5").milli(), 0);
    }
}
