#![doc = include_str!("guide.md")]

pub use cfnkit_constructs as constructs;
pub use cfnkit_core as core;
/// Assertions for tests of synthesized templates (`Template`, `Match`).
pub use cfnkit_core::assertions;
pub use cfnkit_l1 as l1;

pub mod cli;
pub mod import;
pub mod reference;

/// Everything a typical program needs: the core prelude and every construct.
pub mod prelude {
    pub use cfnkit_constructs::prelude::*;
    pub use cfnkit_core::prelude::*;
}

/// The README's example, compiled and run as a doc test.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
