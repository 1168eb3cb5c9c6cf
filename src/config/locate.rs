//! Where a mapping key (or its value) sits in a YAML text, for problems found after parsing
//! (a key conflict, an unknown theme name). serde_yaml keeps no spans in its values, but it
//! marks every error with the position of the node being read: so the text is read again
//! and reading stops with an error exactly at the node asked for.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::problem::Pos;

/// Which end of a `key: value` entry to point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Key,
    Value,
}

/// Stops the second reading; never seen by a person.
const STOP: &str = "rkt-locate-stop";

/// The position of the entry at `path` (`["keys", "copy"]`) in nested mappings of `yaml`,
/// or `None` when there is no such entry.
pub fn locate(yaml: &str, path: &[&str], part: Part) -> Option<Pos> {
    if path.is_empty() {
        return None;
    }
    let de = serde_yaml::Deserializer::from_str(yaml);
    match (Walk { path, part }).deserialize(de) {
        Err(e) if e.to_string().contains(STOP) => e.location().map(Pos::from),
        _ => None,
    }
}

/// Reads a mapping looking for `path[0]`, then goes down `path[1..]`. `path` is not empty.
struct Walk<'a> {
    path: &'a [&'a str],
    part: Part,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((name, rest)) = self.path.split_first() else {
            return Ok(());
        };
        let stop_at_key = rest.is_empty() && self.part == Part::Key;
        while let Some(found) = map.next_key_seed(KeyProbe {
            name,
            stop: stop_at_key,
        })? {
            if !found {
                map.next_value::<IgnoredAny>()?;
            } else if rest.is_empty() {
                return map.next_value_seed(Stop);
            } else {
                return map.next_value_seed(Walk {
                    path: rest,
                    part: self.part,
                });
            }
        }
        Ok(())
    }
}

/// Reads one mapping key: is it `name`? With `stop`, finding it is the stopping error.
struct KeyProbe<'a> {
    name: &'a str,
    stop: bool,
}

impl<'de> DeserializeSeed<'de> for KeyProbe<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<bool, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeyProbe<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        match (v == self.name, self.stop) {
            (true, true) => Err(E::custom(STOP)),
            (found, _) => Ok(found),
        }
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
}

/// Fails on whatever node it is given, so the error carries that node's position.
struct Stop;

impl<'de> DeserializeSeed<'de> for Stop {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Stop {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Every visit method's default error quotes this.
        f.write_str(STOP)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Option<Pos> {
        Some(Pos { line, column })
    }

    #[test]
    fn finds_keys_and_values_in_block_and_flow_style() {
        let yaml = "theme: light\nkeys:\n  down: [j, ctrl-n]\n  copy: x\nmax_fps: 0\n";
        assert_eq!(locate(yaml, &["theme"], Part::Value), at(1, 8));
        assert_eq!(locate(yaml, &["keys", "copy"], Part::Key), at(4, 3));
        assert_eq!(locate(yaml, &["keys", "copy"], Part::Value), at(4, 9));
        assert_eq!(locate(yaml, &["keys", "down"], Part::Value), at(3, 9));
        assert_eq!(locate(yaml, &["max_fps"], Part::Value), at(5, 10));
        let flow = "keys: {up: k, \"copy\": x}\n";
        assert_eq!(locate(flow, &["keys", "copy"], Part::Key), at(1, 15));
    }

    #[test]
    fn missing_entries_have_no_position() {
        let yaml = "keys:\n  copy: x\n";
        assert_eq!(locate(yaml, &["keys", "down"], Part::Key), None);
        assert_eq!(locate(yaml, &["theme"], Part::Value), None);
        assert_eq!(locate("[1, 2]", &["keys"], Part::Key), None);
        assert_eq!(locate(yaml, &[], Part::Key), None);
    }
}
