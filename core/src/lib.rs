//! # cfnkit-core
//!
//! The engine under cfnkit: the construct tree ([`App`](tree::App),
//! [`Stack`](tree::Stack)), the token model ([`Value`](token::Value),
//! [`Expr`](token::Expr), [`Intrinsic`](token::Intrinsic)), the template
//! sections, synthesis (logical ids, cross-stack exports, tags, removal
//! policies, the JSON writer, the cloud assembly) and validation.
//!
//! It depends on no other cfnkit crate and knows nothing about any AWS
//! service: the generated L1 structs (`cfnkit-l1`) implement its
//! [`Resource`](resource::Resource) trait, and the constructs build on both.
//!
//! ```
//! use cfnkit_core::prelude::*;
//! let mut app = App::new();
//! let stack = app.stack("demo").conventions(Conventions::tap("example"));
//! let topic = stack.add("Topic", CfnResource::new("AWS::SNS::Topic")
//!     .property("KmsMasterKeyId", "alias/aws/sns"));
//! stack.export("TopicArn", topic.reference()).description("The topic");
//! let out = app.synth().unwrap();
//! assert!(out.stacks[0].json.contains("\"Topic\""));
//! ```

pub mod assertions;
pub mod asset;
pub mod conventions;
pub mod diag;
pub mod environment;
pub mod fns;
pub mod limits;
mod registry;
pub mod resource;
pub mod source;
pub mod stack_facts;
pub mod suggest;
pub mod synth;
pub mod template;
pub mod token;
pub mod tree;
pub mod units;

/// The names most programs need.
pub mod prelude {
    pub use crate::conventions::{Conventions, Hardening, SecurityProfile, Suffix};
    pub use crate::diag::{DiagKind, Diagnostic, Severity, SynthError, Validate, Validator};
    pub use crate::fns;
    pub use crate::resource::{CfnResource, Handle, RemovalPolicy, Resource, TagFormat};
    pub use crate::synth::{Synthesized, SynthesizedStack};
    pub use crate::template::{Output, ParamType, Parameter};
    pub use crate::token::{Expr, Intrinsic, Pseudo, ToToken, Token, Value};
    pub use crate::tree::{Ack, App, NodeId, ParamRef, ResourceId, Stack, StackId};
    pub use crate::units::{Duration, Size};
}
