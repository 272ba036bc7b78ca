//! secretsmanager constructs (in progress).
