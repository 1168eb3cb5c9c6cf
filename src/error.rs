//! Errors shown to the user (startup problems that end the program before the TUI).
