//! Driving the real rkt binary in a pseudo-terminal (see e2e tests).
