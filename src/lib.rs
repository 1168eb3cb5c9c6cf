//! rkt: a terminal cluster explorer for Kubernetes.
//!
//! The binary is a thin shell over this library so that tests and benchmarks reach the
//! same state, rendering, key table and simulated cluster the program uses.

pub mod action;
pub mod app;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod effect;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod keymap;
pub mod model;
pub mod msg;
pub mod state;
pub mod theme;
pub mod tui;
pub mod ui;
