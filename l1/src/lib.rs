//! Generated L1 (placeholder until codegen runs).
