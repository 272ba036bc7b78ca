//! Tests of synthesis through the public API.
