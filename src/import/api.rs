//! The generated L1 API as data (`l1/api-index.tsv`, written by
//! `cfnkit-codegen`): which struct each resource type is, its constructor
//! arguments, and each property's Rust name and type.

use std::collections::HashMap;
use std::sync::OnceLock;

/// A property's Rust type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Ty {
    Str,
    Int,
    Num,
    Bool,
    Token,
    Struct(String),
    List(Box<Ty>),
    Map(Box<Ty>),
}

impl Ty {
    fn parse(s: &str) -> Ty {
        match s.as_bytes().first() {
            Some(b's') => Ty::Str,
            Some(b'i') => Ty::Int,
            Some(b'n') => Ty::Num,
            Some(b'b') => Ty::Bool,
            Some(b'@') => Ty::Struct(s[1..].to_string()),
            Some(b'[') => Ty::List(Box::new(Ty::parse(&s[1..]))),
            Some(b'{') => Ty::Map(Box::new(Ty::parse(&s[1..]))),
            _ => Ty::Token,
        }
    }
}

/// One property of a struct.
#[derive(Clone, Debug)]
pub(crate) struct Field {
    pub(crate) cfn: String,
    pub(crate) rust: String,
    pub(crate) ty: Ty,
}

/// A typed `Fn::GetAtt` accessor of a resource (`attr_arn` of `QueueAttrs`).
#[derive(Clone, Debug)]
pub(crate) struct Attr {
    pub(crate) name: String,
    pub(crate) method: String,
    /// `s` `Expr<String>`, `l` `Expr<Vec<String>>`, `i`/`n`/`b` other typed `Expr`s.
    pub(crate) kind: char,
}

/// A generated struct: a resource or a property type.
#[derive(Clone, Debug, Default)]
pub(crate) struct Struct {
    pub(crate) name: String,
    pub(crate) module: String,
    /// Constructor arguments, in order (template property names).
    pub(crate) required: Vec<String>,
    pub(crate) fields: Vec<Field>,
    /// Typed attributes (resources only).
    pub(crate) attrs: Vec<Attr>,
}

impl Struct {
    pub(crate) fn field(&self, cfn: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.cfn == cfn)
    }

    pub(crate) fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

/// The whole index.
#[derive(Debug, Default)]
pub(crate) struct Api {
    resources: HashMap<String, Struct>,
    structs: HashMap<(String, String), Struct>,
}

static INDEX: &str = include_str!("../../l1/api-index.tsv");

impl Api {
    /// The index of the L1 crate this binary was built with.
    pub(crate) fn get() -> &'static Api {
        static API: OnceLock<Api> = OnceLock::new();
        API.get_or_init(|| Api::parse(INDEX))
    }

    fn parse(text: &str) -> Api {
        let mut api = Api::default();
        let mut module = String::new();
        // Where the `F` lines go: a resource type name or a struct name.
        let mut current: Option<(bool, String)> = None;
        for line in text.lines() {
            let parts: Vec<&str> = line.split('\t').collect();
            let required = |i: usize| -> Vec<String> {
                parts
                    .get(i)
                    .filter(|s| !s.is_empty())
                    .map(|s| s.split(',').map(str::to_string).collect())
                    .unwrap_or_default()
            };
            match parts.first().copied() {
                Some("M") => module = parts.get(1).copied().unwrap_or_default().to_string(),
                Some("R") if parts.len() >= 3 => {
                    let s = Struct {
                        name: parts[2].into(),
                        module: module.clone(),
                        required: required(3),
                        fields: vec![],
                        attrs: vec![],
                    };
                    api.resources.insert(parts[1].to_string(), s);
                    current = Some((true, parts[1].to_string()));
                }
                Some("S") if parts.len() >= 2 => {
                    let s = Struct {
                        name: parts[1].into(),
                        module: module.clone(),
                        required: required(2),
                        fields: vec![],
                        attrs: vec![],
                    };
                    api.structs.insert((module.clone(), parts[1].to_string()), s);
                    current = Some((false, parts[1].to_string()));
                }
                Some("F") if parts.len() >= 4 => {
                    let f = Field { cfn: parts[1].into(), rust: parts[2].into(), ty: Ty::parse(parts[3]) };
                    let target = match &current {
                        Some((true, t)) => api.resources.get_mut(t),
                        Some((false, n)) => api.structs.get_mut(&(module.clone(), n.clone())),
                        None => None,
                    };
                    if let Some(s) = target {
                        s.fields.push(f);
                    }
                }
                Some("A") if parts.len() >= 4 => {
                    let a = Attr {
                        name: parts[1].into(),
                        method: parts[2].into(),
                        kind: parts[3].chars().next().unwrap_or('s'),
                    };
                    if let Some((true, t)) = &current {
                        if let Some(s) = api.resources.get_mut(t) {
                            s.attrs.push(a);
                        }
                    }
                }
                _ => {}
            }
        }
        api
    }

    /// The struct of a resource type.
    pub(crate) fn resource(&self, type_name: &str) -> Option<&Struct> {
        self.resources.get(type_name)
    }

    /// A property type of a module.
    pub(crate) fn property_type(&self, module: &str, name: &str) -> Option<&Struct> {
        self.structs.get(&(module.to_string(), name.to_string()))
    }

    /// How many resource types the index knows.
    pub(crate) fn resource_count(&self) -> usize {
        self.resources.len()
    }
}
