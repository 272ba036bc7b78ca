//! One resource as statements: `let bucket = stack.add("Bucket", s3::Bucket::new()..);`
//! then its condition, dependencies, policies and metadata on the handle.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::{Map, Value as Json};

use super::values::{lit, seg, Render};
use super::Problem;

/// `DeletionPolicy` and `UpdateReplacePolicy` pairs that are one `RemovalPolicy`.
const REMOVAL: [(&str, &str, &str); 4] = [
    ("Delete", "Delete", "Destroy"),
    ("Retain", "Retain", "Retain"),
    ("Snapshot", "Snapshot", "Snapshot"),
    ("RetainExceptOnCreate", "Retain", "RetainExceptOnCreate"),
];

/// The resource type of L1's typed custom resource (`Custom::*` too).
const CUSTOM_RESOURCE: &str = "AWS::CloudFormation::CustomResource";

/// `cloudformation::CustomResource::new(token).custom_type(..).property(..)`
/// for a custom resource `CustomResource` expresses as written: a
/// `ServiceToken`, a type name it accepts, a literal token that is a Lambda
/// function or SNS topic ARN and a literal timeout of 1 to 3600 seconds
/// (the checks it runs at synthesis); `None` otherwise.
fn custom_resource(
    r: &mut Render<'_>,
    ty: &str,
    props: &Map<String, Json>,
    pat: &str,
    modules: &mut BTreeSet<String>,
) -> Option<String> {
    let st = r.api.resource(CUSTOM_RESOURCE)?;
    let (module, name) = (st.module.clone(), st.name.clone());
    let token_ty = st.field("ServiceToken")?.ty.clone();
    let timeout_ty = st.field("ServiceTimeout")?.ty.clone();
    if let Some(n) = ty.strip_prefix("Custom::") {
        if !(1..=60).contains(&n.len()) || !n.chars().all(|c| c.is_ascii_alphanumeric() || "_@-".contains(c)) {
            return None;
        }
    }
    let token = props.get("ServiceToken")?;
    if let Json::String(arn) = token {
        let p: Vec<&str> = arn.split(':').collect();
        let arn_ok = p.len() >= 6
            && p[0] == "arn"
            && ((p[2] == "lambda" && p[5] == "function") || (p[2] == "sns" && p.len() == 6));
        if !arn_ok {
            return None;
        }
    }
    let timeout = props.get("ServiceTimeout");
    let literal_timeout = timeout.and_then(|t| t.as_i64().or_else(|| t.as_str().and_then(|s| s.parse().ok())));
    if literal_timeout.is_some_and(|t| !(1..=3600).contains(&t))
        || timeout.is_some_and(|t| !t.is_object() && literal_timeout.is_none())
    {
        return None;
    }
    modules.insert(module.clone());
    let token = r.typed(token, &token_ty, &module, &format!("{pat}/ServiceToken"));
    let mut code = format!("{module}::{name}::new({token})");
    if ty != CUSTOM_RESOURCE {
        let _ = write!(code, "\n.custom_type({})", lit(ty.trim_start_matches("Custom::")));
    }
    if let Some(t) = timeout {
        let t = r.typed(t, &timeout_ty, &module, &format!("{pat}/ServiceTimeout"));
        let _ = write!(code, "\n.service_timeout({t})");
    }
    for (k, v) in props {
        if k != "ServiceToken" && k != "ServiceTimeout" {
            let t = r.token(v, &format!("{pat}/{}", seg(k)));
            let _ = write!(code, "\n.property({}, {t})", lit(k));
        }
    }
    Some(code)
}

pub(crate) fn emit(
    r: &mut Render<'_>,
    id: &str,
    def: &Json,
    at: &str,
    out: &mut String,
    modules: &mut BTreeSet<String>,
) {
    let fail = |r: &mut Render<'_>, pointer: String, message: String| r.problems.push(Problem { pointer, message });
    let Some(def) = def.as_object() else {
        fail(r, at.into(), "a resource is an object".into());
        return;
    };
    for k in def.keys() {
        if !super::program::is_resource_key(k) {
            fail(r, format!("{at}/{}", seg(k)), format!("{k}: not a resource attribute"));
        }
    }
    let Some(ty) = def.get("Type").and_then(Json::as_str) else {
        let msg = if def.get("Type").and_then(|t| t.get("Rain::Module")).is_some() {
            "Type: a Rain module (`Rain::Module`), which the rain preprocessor expands; \
             CloudFormation does not accept it: import the template `rain pkg` writes"
        } else {
            "a resource needs a Type (a string)"
        };
        fail(r, format!("{at}/Type"), msg.into());
        return;
    };
    let var = r.names.resources[id].clone();
    let empty = Map::new();
    let props = match def.get("Properties") {
        None => &empty,
        Some(Json::Object(p)) => p,
        Some(_) => {
            fail(r, format!("{at}/Properties"), "Properties: expected an object".into());
            return;
        }
    };
    let pat = format!("{at}/Properties");
    let mut after = String::new();
    let custom = ty.starts_with("Custom::") || ty == CUSTOM_RESOURCE;
    let construct = if custom {
        // The provider's properties have no schema: the typed `CustomResource`
        // takes them in order; what it would refuse at synthesis stays an
        // untyped `CfnResource`, written as found.
        custom_resource(r, ty, props, &pat, modules).unwrap_or_else(|| {
            let mut code = format!("CfnResource::new({})", lit(ty));
            for (k, v) in props {
                let t = r.token(v, &format!("{pat}/{}", seg(k)));
                let _ = write!(code, "\n.property({}, {t})", lit(k));
            }
            code
        })
    } else {
        let Some(st) = r.api.resource(ty) else {
            let msg = format!(
                "{ty}: a resource type cfnkit's L1 does not have ({} types known); a macro's or a private type?",
                r.api.resource_count()
            );
            fail(r, format!("{at}/Type"), msg);
            return;
        };
        modules.insert(st.module.clone());
        let module = st.module.clone();
        let mut args = Vec::new();
        for req in &st.required {
            if let (Some(v), Some(f)) = (props.get(req), st.field(req)) {
                args.push(r.typed(v, &f.ty.clone(), &module, &format!("{pat}/{}", seg(req))));
            } else {
                // The schema requires it but the template leaves it out: constructed, then deleted.
                args.push("Value::Expr(Token::Null)".into());
                let _ = writeln!(after, "stack.delete_property({var}.id(), {});", lit(req));
            }
        }
        let mut code = format!("{module}::{}::new({})", st.name, args.join(", "));
        for (k, v) in props {
            if st.required.contains(k) {
                continue;
            }
            let vat = format!("{pat}/{}", seg(k));
            match st.field(k) {
                Some(f) => {
                    let f = f.clone();
                    let v = r.typed(v, &f.ty, &module, &vat);
                    let _ = write!(code, "\n.{}({v})", f.rust);
                }
                None if k.starts_with("Fn::ForEach") || k == "Fn::Transform" => {
                    let msg = format!("{k} is expanded by a macro at deploy time; a Rust program cannot express it");
                    fail(r, vat, msg);
                }
                None if !k.contains('.') => {
                    // A property the schema lacks: written through the override escape hatch.
                    let t = r.token(v, &vat);
                    let _ = writeln!(after, "stack.override_property({var}.id(), {}, {t});", lit(k));
                }
                None => fail(r, vat, format!("{k}: a property the schema lacks, with a dot in its name")),
            }
        }
        code
    };
    let _ = writeln!(out, "let {var} = stack.add({}, {construct});", lit(id));
    if cfnkit_core::synth::logical_id::from_path([id]) != id {
        let _ = writeln!(out, "stack.pin_logical_id({var}.id(), {});", lit(id));
    }
    out.push_str(&after);
    if let Some(c) = def.get("Condition") {
        match c.as_str().and_then(|c| r.names.conditions.get(c)) {
            Some(cv) => {
                let _ = writeln!(out, "stack.set_condition({var}.id(), {cv});");
            }
            None => fail(r, format!("{at}/Condition"), "Condition: names no condition".into()),
        }
    }
    let deps: Vec<&Json> = match def.get("DependsOn") {
        None => vec![],
        Some(Json::Array(a)) => a.iter().collect(),
        Some(one) => vec![one],
    };
    for d in deps {
        match d.as_str().and_then(|d| r.names.resources.get(d)) {
            Some(dv) => {
                let _ = writeln!(out, "stack.add_dependency({var}.id(), {dv}.id());");
            }
            None => fail(r, format!("{at}/DependsOn"), format!("DependsOn: {d} names no resource")),
        }
    }
    let del = def.get("DeletionPolicy").and_then(Json::as_str);
    let upd = def.get("UpdateReplacePolicy").and_then(Json::as_str);
    let pair = REMOVAL.iter().find(|(d, u, _)| Some(*d) == del && Some(*u) == upd);
    if let Some((_, _, policy)) = pair {
        let _ = writeln!(out, "stack.set_removal_policy({var}.id(), RemovalPolicy::{policy});");
    }
    for k in ["DeletionPolicy", "UpdateReplacePolicy", "CreationPolicy", "UpdatePolicy", "Metadata", "Version"] {
        if pair.is_some() && (k == "DeletionPolicy" || k == "UpdateReplacePolicy") {
            continue;
        }
        if let Some(v) = def.get(k) {
            let t = r.token(v, &format!("{at}/{k}"));
            let _ = writeln!(out, "stack.set_resource_attribute({var}.id(), {}, {t});", lit(k));
        }
    }
}
