//! Where stacks deploy and what the app is told from outside: the context
//! (`-c KEY=VALUE`, or `CDK_CONTEXT_JSON` from the AWS CDK CLI), the
//! default account and region (`CDK_DEFAULT_ACCOUNT`, `CDK_DEFAULT_REGION`),
//! and the checks on a stack's account and region.
//!
//! ```
//! use cfnkit_core::prelude::*;
//! let mut app = App::new();
//! app.set_context("replicas", serde_json::json!("3"));
//! let replicas: u32 = app.context_or("replicas", 1);
//! assert_eq!(replicas, 3);
//! let stack = app.stack("data");
//! stack.account("123456789012").region("eu-west-1");
//! assert!(app.synth().is_ok());
//! ```

use serde::de::DeserializeOwned;
use serde_json::Value as Json;

use crate::diag::Diagnostic;
use crate::tree::{App, Stack};

/// The context key the AWS CDK CLI sets to ask for `aws:cdk:path` metadata
/// on every resource (it does so unless run with `--no-path-metadata`).
pub const PATH_METADATA_KEY: &str = "aws:cdk:enable-path-metadata";

/// Every AWS region CloudFormation deploys to (commercial, China and GovCloud
/// partitions), from the AWS General Reference "Service endpoints" page.
pub const REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-west-1",
    "us-west-2",
];

impl App {
    /// Sets a context value (what `-c KEY=VALUE` does).
    pub fn set_context(&mut self, key: &str, value: Json) -> &mut Self {
        self.context.insert(key.to_string(), value);
        self
    }

    /// The raw context value of `key`.
    pub fn context_value(&self, key: &str) -> Option<&Json> {
        self.context.get(key)
    }

    /// The context value of `key` as a `T`: `Ok(None)` when it is not set,
    /// an error naming the key, the value and the wanted type when it does
    /// not convert. A string value is also read as JSON, so `-c replicas=3`
    /// gives a number and `-c flags=["a"]` a list.
    pub fn context<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, Box<Diagnostic>> {
        let Some(v) = self.context.get(key) else { return Ok(None) };
        if let Ok(t) = serde_json::from_value::<T>(v.clone()) {
            return Ok(Some(t));
        }
        if let Json::String(s) = v {
            if let Ok(t) = serde_json::from_str::<T>(s) {
                return Ok(Some(t));
            }
        }
        Err(Box::new(
            Diagnostic::error("context", "context value has the wrong type")
                .property(key.to_string())
                .value(v.to_string())
                .allowed(format!("a {} (set it with -c {key}=VALUE)", short_type_name::<T>())),
        ))
    }

    /// The context value of `key` as a `T`, or `default` when it is not set.
    /// A value that does not convert is reported at synthesis (which then
    /// fails) and `default` is returned meanwhile.
    pub fn context_or<T: DeserializeOwned>(&mut self, key: &str, default: T) -> T {
        match self.context::<T>(key) {
            Ok(v) => v.unwrap_or(default),
            Err(d) => {
                self.diagnostics.push(*d);
                default
            }
        }
    }

    /// Sets the account and region that [`App::default_account`] and
    /// [`App::default_region`] return (the CLI sets them from
    /// `CDK_DEFAULT_ACCOUNT` and `CDK_DEFAULT_REGION`).
    pub fn set_default_env(&mut self, account: Option<String>, region: Option<String>) -> &mut Self {
        self.default_env = (account, region);
        self
    }

    /// The account of the caller's credentials as the AWS CDK CLI found it
    /// (`CDK_DEFAULT_ACCOUNT`); `None` outside the CDK CLI.
    pub fn default_account(&self) -> Option<&str> {
        self.default_env.0.as_deref()
    }

    /// The caller's default region as the AWS CDK CLI found it
    /// (`CDK_DEFAULT_REGION`); `None` outside the CDK CLI.
    pub fn default_region(&self) -> Option<&str> {
        self.default_env.1.as_deref()
    }

    /// Records an app-level problem; synthesis fails if it is an error.
    pub fn report(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// Whether resources get `aws:cdk:path` metadata (context
    /// [`PATH_METADATA_KEY`] is `true`, as the AWS CDK CLI passes it).
    pub fn path_metadata(&self) -> bool {
        self.context::<bool>(PATH_METADATA_KEY).ok().flatten().unwrap_or(false)
    }
}

fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    match full {
        "alloc::string::String" => "string",
        "bool" => "boolean (true or false)",
        "u8" | "u16" | "u32" | "u64" | "usize" => "non-negative whole number",
        "i8" | "i16" | "i32" | "i64" | "isize" => "whole number",
        "f32" | "f64" => "number",
        _ => full,
    }
}

/// Checks a stack's account (12 digits) and region (a known AWS region).
pub(crate) fn check(s: &Stack, diags: &mut Vec<Diagnostic>) {
    if let Some(r) = &s.region {
        if !REGIONS.contains(&r.as_str()) {
            let near = crate::suggest::nearest(r, REGIONS.iter().copied());
            diags.push(Diagnostic::error(s.name.clone(), "unknown region").value(format!("{r:?}")).allowed(
                match near {
                    Some(n) => format!("an AWS region such as {n:?} (see cfnkit_core::environment::REGIONS)"),
                    None => "an AWS region such as \"us-east-1\" (see cfnkit_core::environment::REGIONS)".into(),
                },
            ));
        }
    }
    if let Some(a) = &s.account {
        if a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()) {
            diags.push(
                Diagnostic::error(s.name.clone(), "invalid account id")
                    .value(format!("{a:?}"))
                    .allowed("12 digits, such as \"123456789012\""),
            );
        }
    }
}
