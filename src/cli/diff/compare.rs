//! Comparing two templates, and rendering the differences.

use std::fmt::Write as _;

use serde_json::{Map, Value as Json};

use super::replacement;

/// One changed entry of a template section.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Only in the new template.
    Added(Json),
    /// Only in the old template.
    Removed(Json),
    /// In both, different.
    Changed(Json, Json),
}

/// A resource whose definition changed.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceChange {
    /// The logical id.
    pub id: String,
    /// The resource type (the new one when it changed).
    pub cfn_type: String,
    /// Changed properties, by name, and whether each replaces the resource.
    pub properties: Vec<(String, Change, bool)>,
    /// Changed attributes other than `Properties` (`DeletionPolicy`, `Type`...).
    pub attributes: Vec<(String, Change)>,
    /// Whether CloudFormation replaces the resource (its type or a
    /// create-only property changed).
    pub replaces: bool,
}

/// The differences of one stack.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StackDiff {
    /// Resources only in the new template, with their type.
    pub added: Vec<(String, String)>,
    /// Resources only in the old template, with their type.
    pub removed: Vec<(String, String)>,
    /// Resources in both that differ.
    pub changed: Vec<ResourceChange>,
    /// Other sections (`Parameters`, `Outputs`, `Conditions`, `Mappings`,
    /// `Description`...): entry name and change.
    pub other: Vec<(String, String, Change)>,
}

impl StackDiff {
    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty() && self.other.is_empty()
    }
}

fn section(t: &Json, name: &str) -> Map<String, Json> {
    t.get(name).and_then(Json::as_object).cloned().unwrap_or_default()
}

/// A resource without its `aws:cdk:path` metadata (a locator, not a change).
fn without_path(r: &Json) -> Json {
    let mut r = r.clone();
    if let Some(o) = r.as_object_mut() {
        if let Some(Json::Object(m)) = o.get_mut("Metadata") {
            m.remove("aws:cdk:path");
            if m.is_empty() {
                o.remove("Metadata");
            }
        }
    }
    r
}

fn type_of(r: &Json) -> String {
    r.get("Type").and_then(Json::as_str).unwrap_or("?").to_string()
}

/// Compares the `old` template (`null` when there is none) with `new`.
pub fn compare(old: &Json, new: &Json) -> StackDiff {
    let mut d = StackDiff::default();
    let strip = |t: &Json| -> Map<String, Json> {
        section(t, "Resources").into_iter().map(|(k, v)| (k, without_path(&v))).collect()
    };
    let (or, nr) = (strip(old), strip(new));
    for (id, r) in &nr {
        match or.get(id) {
            None => d.added.push((id.clone(), type_of(r))),
            Some(o) if o != r => d.changed.push(resource_change(id, o, r)),
            Some(_) => {}
        }
    }
    for (id, r) in &or {
        if !nr.contains_key(id) {
            d.removed.push((id.clone(), type_of(r)));
        }
    }
    for name in ["Parameters", "Conditions", "Mappings", "Outputs", "Rules"] {
        let (o, n) = (section(old, name), section(new, name));
        for (k, v) in &n {
            match o.get(k) {
                None => d.other.push((name.into(), k.clone(), Change::Added(v.clone()))),
                Some(ov) if ov != v => d.other.push((name.into(), k.clone(), Change::Changed(ov.clone(), v.clone()))),
                Some(_) => {}
            }
        }
        for (k, v) in &o {
            if !n.contains_key(k) {
                d.other.push((name.into(), k.clone(), Change::Removed(v.clone())));
            }
        }
    }
    for key in ["Description", "Transform", "AWSTemplateFormatVersion"] {
        let (o, n) = (old.get(key), new.get(key));
        if o != n {
            let change = match (o, n) {
                (None, Some(n)) => Change::Added(n.clone()),
                (Some(o), None) => Change::Removed(o.clone()),
                (Some(o), Some(n)) => Change::Changed(o.clone(), n.clone()),
                (None, None) => continue,
            };
            d.other.push(("Template".into(), key.into(), change));
        }
    }
    d
}

fn resource_change(id: &str, old: &Json, new: &Json) -> ResourceChange {
    let cfn_type = type_of(new);
    let create_only = replacement::create_only(&cfn_type);
    let (op, np) = (section(old, "Properties"), section(new, "Properties"));
    let mut properties = Vec::new();
    let replaces_prop =
        |k: &str| create_only.is_some_and(|c| c.iter().any(|p| p == &k || p.split('/').next() == Some(k)));
    for (k, v) in &np {
        match op.get(k) {
            None => properties.push((k.clone(), Change::Added(v.clone()), replaces_prop(k))),
            Some(o) if o != v => properties.push((k.clone(), Change::Changed(o.clone(), v.clone()), replaces_prop(k))),
            Some(_) => {}
        }
    }
    for (k, v) in &op {
        if !np.contains_key(k) {
            properties.push((k.clone(), Change::Removed(v.clone()), replaces_prop(k)));
        }
    }
    let mut attributes = Vec::new();
    let (oa, na) = (old.as_object().cloned().unwrap_or_default(), new.as_object().cloned().unwrap_or_default());
    for (k, v) in &na {
        if k == "Properties" {
            continue;
        }
        match oa.get(k) {
            None => attributes.push((k.clone(), Change::Added(v.clone()))),
            Some(o) if o != v => attributes.push((k.clone(), Change::Changed(o.clone(), v.clone()))),
            Some(_) => {}
        }
    }
    for (k, v) in &oa {
        if k != "Properties" && !na.contains_key(k) {
            attributes.push((k.clone(), Change::Removed(v.clone())));
        }
    }
    let type_changed = type_of(old) != cfn_type;
    let replaces = type_changed || properties.iter().any(|(_, _, r)| *r);
    ResourceChange { id: id.to_string(), cfn_type, properties, attributes, replaces }
}

/// Properties that grant access (IAM policies, key and resource policies).
const IAM_PROPERTIES: &[&str] = &[
    "PolicyDocument",
    "Policies",
    "AssumeRolePolicyDocument",
    "ManagedPolicyArns",
    "KeyPolicy",
    "PermissionsBoundary",
    "Principal",
    "Action",
    "SourceArn",
];

/// Properties that open or close network paths.
const NETWORK_PROPERTIES: &[&str] = &[
    "SecurityGroupIngress",
    "SecurityGroupEgress",
    "CidrIp",
    "CidrIpv6",
    "FromPort",
    "ToPort",
    "IpProtocol",
    "SecurityGroups",
];

fn is_iam(cfn_type: &str, prop: Option<&str>) -> bool {
    cfn_type.starts_with("AWS::IAM::")
        || cfn_type.ends_with("Policy") && !cfn_type.starts_with("AWS::EC2::")
        || cfn_type == "AWS::Lambda::Permission"
        || prop.is_some_and(|p| IAM_PROPERTIES.contains(&p))
}

fn is_network(cfn_type: &str, prop: Option<&str>) -> bool {
    cfn_type.starts_with("AWS::EC2::SecurityGroup") || prop.is_some_and(|p| NETWORK_PROPERTIES.contains(&p))
}

fn short(v: &Json) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    if s.chars().count() > 120 {
        let cut: String = s.chars().take(117).collect();
        format!("{cut}...")
    } else {
        s
    }
}

impl StackDiff {
    /// The report for stack `name`, as the `diff` command prints it.
    pub fn render(&self, name: &str) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "Stack {name}");
        if self.is_empty() {
            let _ = writeln!(s, "There were no differences\n");
            return s;
        }
        let mut iam = Vec::new();
        let mut network = Vec::new();
        let mut flag = |t: &str, id: &str, prop: Option<&str>, what: &str| {
            if is_iam(t, prop) {
                iam.push(format!("{what} {id} ({t}){}", prop.map(|p| format!(" {p}")).unwrap_or_default()));
            }
            if is_network(t, prop) {
                network.push(format!("{what} {id} ({t}){}", prop.map(|p| format!(" {p}")).unwrap_or_default()));
            }
        };
        let mut body = String::new();
        for (id, t) in &self.added {
            let _ = writeln!(body, "[+] {t} {id}");
            flag(t, id, None, "[+]");
        }
        for (id, t) in &self.removed {
            let _ = writeln!(body, "[-] {t} {id}");
            flag(t, id, None, "[-]");
        }
        for c in &self.changed {
            let note = if c.replaces {
                " (replacement: CloudFormation creates a new resource and deletes this one)"
            } else {
                ""
            };
            let _ = writeln!(body, "[~] {} {}{note}", c.cfn_type, c.id);
            for (k, ch, replaces) in &c.properties {
                let r = if *replaces { " (requires replacement)" } else { "" };
                let _ = writeln!(body, "    {}{r}", line(k, ch));
                flag(&c.cfn_type, &c.id, Some(k), "[~]");
            }
            for (k, ch) in &c.attributes {
                let r = if k == "Type" { " (requires replacement)" } else { "" };
                let _ = writeln!(body, "    {}{r}", line(k, ch));
            }
        }
        if !iam.is_empty() {
            let _ = writeln!(s, "IAM and resource-policy changes (review who gains access):");
            for l in &iam {
                let _ = writeln!(s, "  {l}");
            }
        }
        if !network.is_empty() {
            let _ = writeln!(s, "Security group and network changes:");
            for l in &network {
                let _ = writeln!(s, "  {l}");
            }
        }
        if !body.is_empty() {
            let _ = writeln!(s, "Resources");
            s.push_str(&body);
        }
        let mut last = "";
        for (sec, k, ch) in &self.other {
            if sec != last {
                let _ = writeln!(s, "{sec}");
                last = sec;
            }
            let _ = writeln!(
                s,
                "{}",
                line(k, ch).replacen("+ ", "[+] ", 1).replacen("- ", "[-] ", 1).replacen("~ ", "[~] ", 1)
            );
        }
        s.push('\n');
        s
    }
}

fn line(k: &str, ch: &Change) -> String {
    match ch {
        Change::Added(v) => format!("+ {k}: {}", short(v)),
        Change::Removed(v) => format!("- {k}: {}", short(v)),
        Change::Changed(o, n) => {
            let mut leaves = Vec::new();
            changed_leaves(k, o, n, &mut leaves);
            leaves.join("\n      ")
        }
    }
}

/// The differing leaves of two values, by dotted path (objects are walked,
/// lists and scalars compared whole).
fn changed_leaves(path: &str, o: &Json, n: &Json, out: &mut Vec<String>) {
    match (o, n) {
        (Json::Object(om), Json::Object(nm)) => {
            for (k, nv) in nm {
                let p = format!("{path}.{k}");
                match om.get(k) {
                    None => out.push(format!("+ {p}: {}", short(nv))),
                    Some(ov) if ov != nv => changed_leaves(&p, ov, nv, out),
                    Some(_) => {}
                }
            }
            for (k, ov) in om {
                if !nm.contains_key(k) {
                    out.push(format!("- {path}.{k}: {}", short(ov)));
                }
            }
        }
        _ => out.push(format!("~ {path}: {} -> {}", short(o), short(n))),
    }
}
