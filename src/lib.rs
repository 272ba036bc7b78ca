//! # cfnkit
//!
//! Typed, secure-by-default constructs that synthesize CloudFormation JSON:
//! the AWS CDK programming model, compile-checked.
//!
//! A program builds an [`App`](core::tree::App) of stacks out of constructs
//! ([`constructs`]), each added to a stack and returning a small `Copy`
//! handle; references between constructs are typed tokens, grants write
//! least-privilege IAM, and [`App::synth`](core::tree::App::synth) returns
//! every template (or every problem at once).
//!
//! ```
//! use cfnkit::prelude::*;
//!
//! let mut app = App::new();
//! let stack = app.stack("hello").region("eu-west-1").conventions(Conventions::tap("first bucket"));
//! let bucket = Bucket::new("Data").add_to(stack);
//! stack.export("DataBucketName", bucket.name()).description("The data bucket");
//! let out = app.synth().expect("valid");
//! assert!(out.stacks[0].json.contains("AWS::S3::Bucket"));
//! ```
//!
//! The crates underneath: [`core`] (tree, tokens, synthesis), [`l1`]
//! (generated CloudFormation types) and [`constructs`] (L2). The CLI lives in
//! [`cli`]; the four reference systems in [`reference`](mod@reference).

pub use cfnkit_constructs as constructs;
pub use cfnkit_core as core;
pub use cfnkit_l1 as l1;

pub mod cli;
pub mod reference;

/// Everything a typical program needs: the core prelude and every construct.
pub mod prelude {
    pub use cfnkit_constructs::prelude::*;
    pub use cfnkit_core::prelude::*;
}
