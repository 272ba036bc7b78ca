//! The deployment's content hash: how a changed API gets redeployed.
//!
//! CloudFormation updates an `AWS::ApiGateway::Deployment` in place when its
//! properties change, and an update does not snapshot the API again; only a
//! new deployment does. So the deployment's logical id carries a hash of
//! every method (its properties, with references written as construct
//! paths, so adding unrelated resources changes nothing): a changed method
//! set is a new logical id, hence a new deployment, and the stage moves to
//! it. The full 64-bit hash is kept in the `Description`, from which the
//! next method's hash continues (FNV-1a, folded method by method in the
//! order they are added).

use std::fmt::Write as _;

use cfnkit_core::resource::{Handle, Resource};
use cfnkit_core::synth::logical_id;
use cfnkit_core::token::{Intrinsic, RefTarget, Token, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::apigateway as l1;

/// The hash of an API without methods (the FNV-1a offset basis).
pub(crate) const EMPTY: u64 = 0xcbf2_9ce4_8422_2325;

const DESCRIPTION: &str = "Deployment of the API's methods, replaced when they change; content hash ";

fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Writes `hash` into the deployment's description and logical id
/// (`<Api>Deployment<first 8 hex digits>`).
pub(crate) fn stamp(stack: &mut Stack, deployment: Handle<l1::Deployment>, hash: u64) {
    if let Some(d) = stack.get_mut(deployment) {
        d.description = Some(Value::Lit(format!("{DESCRIPTION}{hash:016x}")));
    }
    let path = stack.path_of(deployment.id()).unwrap_or_default();
    let base = logical_id::from_path(path.split('/').skip(1));
    stack.pin_logical_id(deployment.id(), &format!("{base}{:08X}", hash >> 32));
}

/// The hash so far, read back from the description.
fn current(stack: &Stack, deployment: Handle<l1::Deployment>) -> u64 {
    stack
        .get(deployment)
        .and_then(|d| d.description.as_ref())
        .and_then(Value::literal)
        .and_then(|s| s.strip_prefix(DESCRIPTION))
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .unwrap_or(EMPTY)
}

/// Folds a new method into the hash, and makes the deployment wait for it.
pub(crate) fn add_method(stack: &mut Stack, deployment: Handle<l1::Deployment>, method: Handle<l1::Method>) {
    let mut text = String::new();
    if let Some(m) = stack.get(method) {
        for (k, v) in m.properties() {
            text.push_str(&k);
            text.push('=');
            canonical(stack, &v, &mut text);
            text.push(';');
        }
    }
    let hash = fnv1a(current(stack, deployment), text.as_bytes());
    stamp(stack, deployment, hash);
    stack.add_dependency(deployment.id(), method.id());
}

/// A stable text rendering of a token: references become construct paths
/// (below the stack), so ids assigned at synthesis do not enter the hash.
fn canonical(stack: &Stack, t: &Token, out: &mut String) {
    let path = |r| {
        let p = stack.path_of(r).unwrap_or_default();
        p.split_once('/').map_or(p.clone(), |(_, rest)| rest.to_string())
    };
    match t {
        Token::List(items) => {
            out.push('[');
            for i in items {
                canonical(stack, i, out);
                out.push(',');
            }
            out.push(']');
        }
        Token::Map(m) => {
            out.push('{');
            for (k, v) in m {
                out.push_str(k);
                out.push(':');
                canonical(stack, v, out);
                out.push(',');
            }
            out.push('}');
        }
        Token::Fn(f) => match f.as_ref() {
            Intrinsic::Ref(RefTarget::Resource(r)) => {
                out.push_str("Ref(");
                out.push_str(&path(*r));
                out.push(')');
            }
            Intrinsic::GetAtt(r, a) => {
                out.push_str("GetAtt(");
                out.push_str(&path(*r));
                out.push('.');
                out.push_str(a);
                out.push(')');
            }
            Intrinsic::Sub(text, vars) => {
                out.push_str("Sub(");
                out.push_str(text);
                for (k, v) in vars {
                    out.push(',');
                    out.push_str(k);
                    out.push('=');
                    canonical(stack, v, out);
                }
                out.push(')');
            }
            Intrinsic::Join(d, parts) => {
                out.push_str("Join(");
                out.push_str(d);
                for p in parts {
                    out.push(',');
                    canonical(stack, p, out);
                }
                out.push(')');
            }
            // Writing to a String cannot fail.
            other => {
                let _ = write!(out, "{other:?}");
            }
        },
        literal => {
            let _ = write!(out, "{literal:?}");
        }
    }
}
