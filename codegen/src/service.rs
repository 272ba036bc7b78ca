//! A service's resources to one module: property types merged across the
//! service's schemas and given unique, deterministic names.
//!
//! Naming: schemas of one service that define a property type of the same
//! name and shape (same properties, types, required set and constructor
//! order) share one struct; their constraints are merged (see
//! `Checks::merge`), descriptions come from the first schema. When versions
//! differ in shape, the version used by the most resource types keeps the
//! plain name (ties: the shortest resource name, then alphabetical: so
//! `Table` beats `GlobalTable`, `Alarm` beats `AnomalyDetector`) and every
//! other version is prefixed with its resource name
//! (`GlobalTableGlobalSecondaryIndex`). A definition named like a resource
//! type of the service is prefixed too (`TopicSubscription`). An inline
//! object that still clashes inside one schema uses its parent's name too;
//! a name still taken gets a `Property` suffix (`RolePolicyProperty`, since
//! `RolePolicy` is a resource type).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::{Field, ResourceIr, ResourceOut, ServiceIr, Stats, StructIr, Ty};
use crate::naming::module;
use crate::Error;

/// Names the generated code imports or defines besides the structs.
const RESERVED_TYPES: &[&str] = &[
    "Value",
    "Token",
    "Expr",
    "Handle",
    "ToToken",
    "Validate",
    "Validator",
    "IndexMap",
    "IntoList",
    "IntoMap",
    "TagFormat",
    "Option",
    "Vec",
    "String",
    "Box",
    "Result",
    "Some",
    "None",
    "Ok",
    "Err",
    "Self",
    "Default",
    "Clone",
    "Debug",
    "PartialEq",
    "Any",
    "Resource",
];

type Key = (usize, usize);

fn reachable(r: &ResourceIr) -> Vec<usize> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![0];
    while let Some(i) = stack.pop() {
        for f in &r.locals[i].fields {
            if let Some(l) = f.ty.local() {
                if seen.insert(l) {
                    stack.push(l);
                }
            }
        }
    }
    seen.into_iter().collect()
}

fn shape(res: &[ResourceIr], key: Key, memo: &mut HashMap<Key, String>) -> String {
    if let Some(s) = memo.get(&key) {
        return s.clone();
    }
    let l = &res[key.0].locals[key.1];
    let mut s = String::from("{");
    for f in &l.fields {
        s.push_str(&f.cfn);
        s.push(if f.required { '!' } else { '?' });
        s.push_str(&ty_sig(res, key.0, &f.ty, memo));
        s.push(';');
    }
    s.push('|');
    s.push_str(&l.required_order.join(","));
    s.push('}');
    memo.insert(key, s.clone());
    s
}

fn ty_sig(res: &[ResourceIr], ri: usize, ty: &Ty, memo: &mut HashMap<Key, String>) -> String {
    match ty {
        Ty::Str => "s".into(),
        Ty::Int => "i".into(),
        Ty::Num => "n".into(),
        Ty::Bool => "b".into(),
        Ty::Json => "j".into(),
        Ty::Local(l) => shape(res, (ri, *l), memo),
        Ty::Struct(_) => unreachable!("final types are assigned after shapes"),
        Ty::List(t) => format!("[{}]", ty_sig(res, ri, t, memo)),
        Ty::Map(t) => format!("<{}>", ty_sig(res, ri, t, memo)),
    }
}

/// Builds the module IR of one service (resources sorted by type name).
pub fn build(service: &str, resources: Vec<ResourceIr>, stats: &mut Stats) -> Result<ServiceIr, Error> {
    let mut memo = HashMap::new();
    // Members of each preferred name, in resource then definition order.
    let mut by_name: BTreeMap<String, Vec<(Key, String)>> = BTreeMap::new();
    for (ri, r) in resources.iter().enumerate() {
        for li in reachable(r) {
            let s = shape(&resources, (ri, li), &mut memo);
            by_name.entry(r.locals[li].preferred.clone()).or_default().push(((ri, li), s));
        }
    }
    let mut taken: BTreeSet<String> = RESERVED_TYPES.iter().map(|s| (*s).to_string()).collect();
    for r in &resources {
        taken.insert(r.name.clone());
        taken.insert(format!("{}Attrs", r.name));
    }

    let mut names: HashMap<Key, String> = HashMap::new();
    for (n, members) in &by_name {
        // The variant that keeps the plain name: used by the most resource
        // types; ties go to the shortest resource name, then alphabetical.
        let mut users: BTreeMap<&String, BTreeSet<&str>> = BTreeMap::new();
        for (k, s) in members {
            users.entry(s).or_default().insert(resources[k.0].name.as_str());
        }
        let winner = if taken.contains(n) {
            None
        } else {
            users
                .iter()
                .map(|(s, rs)| {
                    let first = rs.iter().min_by_key(|r| (r.len(), **r)).copied().unwrap_or_default();
                    (std::cmp::Reverse(rs.len()), first.len(), first, *s)
                })
                .min()
                .map(|t| t.3)
        };
        if users.len() > 1 {
            stats.renamed_variants.push(format!("{service}.{n}: {} variants", users.len()));
        }
        let cand = |k: &Key| format!("{}{}", resources[k.0].name, n);
        let mut cand_shapes: HashMap<String, BTreeSet<&String>> = HashMap::new();
        for (k, s) in members {
            if Some(s) != winner {
                cand_shapes.entry(cand(k)).or_default().insert(s);
            }
        }
        for (k, s) in members {
            if Some(s) == winner {
                names.insert(*k, n.clone());
                continue;
            }
            let c = cand(k);
            let name = if cand_shapes[&c].len() == 1 {
                c
            } else {
                let l = &resources[k.0].locals[k.1];
                format!("{}{}", resources[k.0].name, l.qualified)
            };
            names.insert(*k, name);
        }
    }

    // Resolve remaining clashes: a name used for two shapes, or a taken name.
    let mut order: Vec<(Key, String)> = by_name.values().flatten().cloned().collect();
    order.sort_by_key(|a| a.0);
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    for (k, s) in &order {
        let mut name = names[k].clone();
        let clash = |name: &str, owner: &BTreeMap<String, String>| {
            taken.contains(name) || owner.get(name).is_some_and(|o| o != s)
        };
        if clash(&name, &owner) {
            name.push_str("Property");
        }
        if clash(&name, &owner) {
            return Err(Error::new(format!(
                "{service}: cannot name property type {} of {} uniquely (tried {name})",
                resources[k.0].locals[k.1].preferred, resources[k.0].type_name
            )));
        }
        owner.insert(name.clone(), s.clone());
        names.insert(*k, name);
    }

    // One struct per final name; members merged.
    let mut members_of: BTreeMap<String, Vec<Key>> = BTreeMap::new();
    for (k, _) in &order {
        members_of.entry(names[k].clone()).or_default().push(*k);
    }
    let index: HashMap<String, usize> = members_of.keys().enumerate().map(|(i, n)| (n.clone(), i)).collect();
    let global = |ri: usize, l: usize| Ty::Struct(index[&names[&(ri, l)]]);
    let mut structs = Vec::new();
    for (name, members) in &members_of {
        stats.merged_structs += members.len() - 1;
        let (ri, li) = members[0];
        let first = &resources[ri].locals[li];
        let mut fields: Vec<Field> = first.fields.clone();
        let mut rules = first.rules.clone();
        let mut doc = first.doc.clone();
        let mut origins = Vec::new();
        for &(mri, mli) in members {
            let l = &resources[mri].locals[mli];
            for (f, g) in fields.iter_mut().zip(&l.fields) {
                f.checks = f.checks.merge(&g.checks);
                if f.doc.is_none() {
                    f.doc.clone_from(&g.doc);
                }
            }
            for r in &l.rules {
                if !rules.contains(r) {
                    rules.push(r.clone());
                }
            }
            if doc.is_none() {
                doc.clone_from(&l.doc);
            }
            let o = (resources[mri].type_name.clone(), l.preferred.clone());
            if !origins.contains(&o) {
                origins.push(o);
            }
        }
        for f in &mut fields {
            f.ty = f.ty.map_local(&|l| global(ri, l));
        }
        structs.push(StructIr {
            name: name.clone(),
            doc,
            origins,
            fields,
            required_order: first.required_order.clone(),
            rules,
        });
    }

    let mut out = Vec::new();
    for (ri, r) in resources.into_iter().enumerate() {
        let root = &r.locals[0];
        let fields =
            root.fields.iter().map(|f| Field { ty: f.ty.map_local(&|l| global(ri, l)), ..f.clone() }).collect();
        out.push(ResourceOut {
            type_name: r.type_name.clone(),
            body: StructIr {
                name: r.name.clone(),
                doc: r.doc.clone(),
                origins: Vec::new(),
                fields,
                required_order: root.required_order.clone(),
                rules: root.rules.clone(),
            },
            attrs: r.attrs,
            tags: r.tags,
        });
    }
    Ok(ServiceIr { service: service.to_string(), module: module(service), resources: out, structs })
}
