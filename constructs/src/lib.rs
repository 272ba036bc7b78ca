//! Constructs.
