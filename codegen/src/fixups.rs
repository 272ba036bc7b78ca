//! Named patches for upstream schema bugs, applied before resolution.
//!
//! Each fix-up checks that the schema still has the exact defect it
//! patches and fails the generator otherwise ("no longer applies"), so a
//! schema refresh that fixes (or changes) the upstream text forces a look
//! at the fix-up instead of silently patching something else.

use serde_json::Value;

use crate::Error;

/// A fix-up: its name, the resource type it patches, why, and the patch.
pub struct Fixup {
    /// Short name, used in the summary and in errors.
    pub name: &'static str,
    /// The resource type it applies to.
    pub type_name: &'static str,
    /// The upstream defect.
    pub why: &'static str,
    /// Patches the schema; `Err` when the defect is no longer there.
    pub apply: fn(&mut Value) -> Result<(), String>,
}

/// Every fix-up, applied in this order.
pub const FIXUPS: &[Fixup] = &[Fixup {
    name: "s3-website-redirect-exclusion",
    type_name: "AWS::S3::Bucket",
    why: "its dependentExcluded rule (RedirectAllRequestsTo excludes ErrorDocument, IndexDocument, RoutingRules) \
          sits on the RedirectAllRequestsTo definition, which has none of those properties; moved to \
          WebsiteConfiguration, which has all four",
    apply: s3_website_redirect_exclusion,
}];

fn s3_website_redirect_exclusion(schema: &mut Value) -> Result<(), String> {
    let expected = serde_json::json!({"RedirectAllRequestsTo": ["ErrorDocument", "IndexDocument", "RoutingRules"]});
    let redirect = at(schema, "/definitions/RedirectAllRequestsTo")?
        .as_object_mut()
        .ok_or("/definitions/RedirectAllRequestsTo is not an object")?;
    if redirect.get("dependentExcluded") != Some(&expected) {
        return Err("/definitions/RedirectAllRequestsTo/dependentExcluded is no longer the misplaced rule".into());
    }
    redirect.remove("dependentExcluded");
    let website = at(schema, "/definitions/WebsiteConfiguration")?
        .as_object_mut()
        .ok_or("/definitions/WebsiteConfiguration is not an object")?;
    if website.contains_key("dependentExcluded") {
        return Err("/definitions/WebsiteConfiguration already has a dependentExcluded rule".into());
    }
    let props = website.get("properties").and_then(Value::as_object).ok_or("WebsiteConfiguration has no properties")?;
    for p in ["RedirectAllRequestsTo", "ErrorDocument", "IndexDocument", "RoutingRules"] {
        if !props.contains_key(p) {
            return Err(format!("WebsiteConfiguration no longer has a {p} property"));
        }
    }
    website.insert("dependentExcluded".into(), expected);
    Ok(())
}

/// The JSON at `pointer`, or an error naming it.
fn at<'a>(v: &'a mut Value, pointer: &str) -> Result<&'a mut Value, String> {
    v.pointer_mut(pointer).ok_or_else(|| format!("{pointer} is missing"))
}

/// Applies every fix-up to the schemas (sorted by type name); returns
/// `name: type` for each one applied.
pub fn apply(schemas: &mut [(String, Value)]) -> Result<Vec<String>, Error> {
    let mut applied = Vec::new();
    for f in FIXUPS {
        let Some((_, schema)) = schemas.iter_mut().find(|(t, _)| t == f.type_name) else {
            return Err(Error::new(format!(
                "fix-up {} no longer applies: {} is not among the vendored schemas",
                f.name, f.type_name
            )));
        };
        (f.apply)(schema).map_err(|e| {
            Error::new(format!(
                "fix-up {} no longer applies to {}: {e}. Check the refreshed schema and remove or update it in codegen/src/fixups.rs",
                f.name, f.type_name
            ))
        })?;
        applied.push(format!("{}: {} ({})", f.name, f.type_name, f.why));
    }
    Ok(applied)
}
