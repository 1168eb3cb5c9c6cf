#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The CI smoke run of the fuzz targets: every input rkt parses gets the seeds in
//! `fuzz/seeds/<target>` and a few hundred seeded random variations of them (bytes flipped,
//! hostile text spliced in, cut short) and plain random bytes, through the same
//! `rkt::fuzzing` entry points the cargo-fuzz targets call. A panic is a failure; so is
//! sanitized text or a drawn screen that still holds a control, bidi or zero-width
//! character. Longer runs: `fuzz/run.sh` (README, "Fuzzing").

use std::path::PathBuf;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rkt::fuzzing::{self, HOSTILE};

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no seeds in {}", dir.display());
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

/// `seed` changed in a few random places.
fn variation(rng: &mut StdRng, seed: &[u8]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..rng.random_range(1..=4) {
        let at = rng.random_range(0..=out.len());
        match rng.random_range(0..4) {
            0 => {
                let hostile = HOSTILE[rng.random_range(0..HOSTILE.len())];
                out.splice(at..at, hostile.bytes());
            }
            1 if at < out.len() => out[at] = rng.random(),
            2 => out.truncate(at),
            _ => {
                let len = rng.random_range(0..8);
                let junk: Vec<u8> = (0..len).map(|_| rng.random()).collect();
                out.splice(at..at, junk);
            }
        }
    }
    out
}

/// Runs `target` on its seeds, then on `rounds` variations and random inputs.
fn smoke(name: &str, target: fn(&[u8]), rounds: usize) {
    let seeds = seeds(name);
    let mut rng = StdRng::seed_from_u64(0x726b74);
    for seed in &seeds {
        target(seed);
    }
    for round in 0..rounds {
        let input = if round % 4 == 3 {
            let len = rng.random_range(0..256);
            (0..len).map(|_| rng.random()).collect()
        } else {
            variation(&mut rng, &seeds[round % seeds.len()])
        };
        target(&input);
    }
}

#[test]
fn log_lines() {
    smoke("log_line", fuzzing::log_line, 2000);
}

#[test]
fn config_files() {
    smoke("config", fuzzing::config, 300);
}

#[test]
fn theme_files() {
    smoke("theme", fuzzing::theme, 300);
}

#[test]
fn key_specs() {
    smoke("key_spec", fuzzing::key_spec, 1000);
}

#[test]
fn command_lines() {
    smoke("command_line", fuzzing::command_line, 150);
}

#[test]
fn kubeconfigs() {
    smoke("kubeconfig", fuzzing::kubeconfig, 200);
}

#[test]
fn objects_to_rows() {
    smoke("object", fuzzing::object, 400);
}

#[test]
fn edited_yaml() {
    smoke("edited_yaml", fuzzing::edited_yaml, 300);
}

#[test]
fn saved_forwards() {
    smoke("saved_forwards", fuzzing::saved_forwards, 300);
}
