//! The intermediate representation between the JSON schemas and the Rust
//! code: types, per-field checks, cross-property rules, structs.

use std::collections::BTreeMap;

/// A property's type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    /// `string`
    Str,
    /// `integer`
    Int,
    /// `number`
    Num,
    /// `boolean`
    Bool,
    /// Anything else: written through as a `Token`.
    Json,
    /// A struct local to one resource schema (index into its `locals`).
    Local(usize),
    /// A final, named struct of the service (index into its `structs`).
    Struct(usize),
    /// `array`
    List(Box<Ty>),
    /// `object` used as a string-keyed map.
    Map(Box<Ty>),
}

impl Ty {
    /// True when validating the value needs to recurse into generated structs.
    pub fn has_struct(&self) -> bool {
        match self {
            Ty::Local(_) | Ty::Struct(_) => true,
            Ty::List(t) | Ty::Map(t) => t.has_struct(),
            _ => false,
        }
    }

    /// The same type with every `Local` mapped through `f`.
    pub fn map_local(&self, f: &impl Fn(usize) -> Ty) -> Ty {
        match self {
            Ty::Local(i) => f(*i),
            Ty::List(t) => Ty::List(Box::new(t.map_local(f))),
            Ty::Map(t) => Ty::Map(Box::new(t.map_local(f))),
            t => t.clone(),
        }
    }

    /// The local struct this type holds directly or through lists and maps.
    pub fn local(&self) -> Option<usize> {
        match self {
            Ty::Local(i) => Some(*i),
            Ty::List(t) | Ty::Map(t) => t.local(),
            _ => None,
        }
    }
}

/// Schema constraints checked at synthesis on literal values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Checks {
    /// `enum` / `const` of strings.
    pub enum_values: Option<Vec<String>>,
    /// `enum` of integers.
    pub int_enum: Option<Vec<i64>>,
    /// `minLength`
    pub min_length: Option<u64>,
    /// `maxLength`
    pub max_length: Option<u64>,
    /// `pattern`, when Rust's `regex` compiles it.
    pub pattern: Option<String>,
    /// `pattern`, when Rust's `regex` cannot compile it (not checked).
    pub skipped_pattern: Option<String>,
    /// `minimum`
    pub minimum: Option<f64>,
    /// `maximum`
    pub maximum: Option<f64>,
    /// `minItems`
    pub min_items: Option<u64>,
    /// `maxItems`
    pub max_items: Option<u64>,
    /// Checks on each list item or map value.
    pub item: Option<Box<Checks>>,
}

impl Checks {
    /// True when nothing is checked.
    pub fn is_empty(&self) -> bool {
        self.enum_values.is_none()
            && self.int_enum.is_none()
            && self.min_length.is_none()
            && self.max_length.is_none()
            && self.pattern.is_none()
            && self.minimum.is_none()
            && self.maximum.is_none()
            && self.min_items.is_none()
            && self.max_items.is_none()
            && self.item.as_ref().is_none_or(|i| i.is_empty())
    }

    /// The checks of two versions of one property type, merged: a constraint
    /// only one version states is kept (upstream schemas of one service
    /// describe the same API, some less completely); where both state
    /// one, the looser wins (smaller minimum, larger maximum, union of
    /// enums); differing patterns are dropped.
    pub fn merge(&self, o: &Checks) -> Checks {
        fn either<T: Clone>(a: Option<&T>, b: Option<&T>, both: impl Fn(&T, &T) -> Option<T>) -> Option<T> {
            match (a, b) {
                (Some(x), Some(y)) => both(x, y),
                (x, y) => x.or(y).cloned(),
            }
        }
        fn union<T: Clone + PartialEq>(a: &[T], b: &[T]) -> Vec<T> {
            let mut v = a.to_vec();
            for x in b {
                if !v.contains(x) {
                    v.push(x.clone());
                }
            }
            v
        }
        let lo = |a: &u64, b: &u64| Some(*a.min(b));
        let hi = |a: &u64, b: &u64| Some(*a.max(b));
        let item = match (&self.item, &o.item) {
            (Some(a), Some(b)) => Some(Box::new(a.merge(b))),
            (a, b) => a.clone().or_else(|| b.clone()),
        };
        Checks {
            enum_values: either(self.enum_values.as_ref(), o.enum_values.as_ref(), |a, b| Some(union(a, b))),
            int_enum: either(self.int_enum.as_ref(), o.int_enum.as_ref(), |a, b| Some(union(a, b))),
            min_length: either(self.min_length.as_ref(), o.min_length.as_ref(), lo),
            max_length: either(self.max_length.as_ref(), o.max_length.as_ref(), hi),
            pattern: either(self.pattern.as_ref(), o.pattern.as_ref(), |a, b| (a == b).then(|| a.clone())),
            skipped_pattern: either(self.skipped_pattern.as_ref(), o.skipped_pattern.as_ref(), |a, b| {
                (a == b).then(|| a.clone())
            }),
            minimum: either(self.minimum.as_ref(), o.minimum.as_ref(), |a, b| Some(a.min(*b))),
            maximum: either(self.maximum.as_ref(), o.maximum.as_ref(), |a, b| Some(a.max(*b))),
            min_items: either(self.min_items.as_ref(), o.min_items.as_ref(), lo),
            max_items: either(self.max_items.as_ref(), o.max_items.as_ref(), hi),
            item,
        }
    }

    /// `self` with every constraint `o` states replacing its own.
    pub fn overlay(&self, o: &Checks) -> Checks {
        fn pick<T: Clone>(a: Option<&T>, b: Option<&T>) -> Option<T> {
            b.or(a).cloned()
        }
        Checks {
            enum_values: pick(self.enum_values.as_ref(), o.enum_values.as_ref()),
            int_enum: pick(self.int_enum.as_ref(), o.int_enum.as_ref()),
            min_length: pick(self.min_length.as_ref(), o.min_length.as_ref()),
            max_length: pick(self.max_length.as_ref(), o.max_length.as_ref()),
            pattern: pick(self.pattern.as_ref(), o.pattern.as_ref()),
            skipped_pattern: pick(self.skipped_pattern.as_ref(), o.skipped_pattern.as_ref()),
            minimum: pick(self.minimum.as_ref(), o.minimum.as_ref()),
            maximum: pick(self.maximum.as_ref(), o.maximum.as_ref()),
            min_items: pick(self.min_items.as_ref(), o.min_items.as_ref()),
            max_items: pick(self.max_items.as_ref(), o.max_items.as_ref()),
            item: pick(self.item.as_ref(), o.item.as_ref()),
        }
    }
}

/// A cross-property rule of an object schema.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rule {
    /// Exactly one of the properties (`requiredXor`, `oneOf` of `required`).
    OneOf(Vec<String>),
    /// At least one of the properties (`requiredOr`, `anyOf` of `required`).
    AnyOf(Vec<String>),
    /// The first property excludes the others (`dependentExcluded`).
    Excluded(String, Vec<String>),
    /// The first property requires the others (`dependentRequired`, `dependencies`).
    Requires(String, Vec<String>),
}

impl Rule {
    /// Every property the rule names.
    pub fn names(&self) -> Vec<&str> {
        match self {
            Rule::OneOf(n) | Rule::AnyOf(n) => n.iter().map(String::as_str).collect(),
            Rule::Excluded(a, o) | Rule::Requires(a, o) => {
                std::iter::once(a.as_str()).chain(o.iter().map(String::as_str)).collect()
            }
        }
    }
}

/// One property of a struct.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The schema's property name (the template key).
    pub cfn: String,
    /// Its type.
    pub ty: Ty,
    /// In the schema's `required`.
    pub required: bool,
    /// The schema description.
    pub doc: Option<String>,
    /// Constraints on literal values.
    pub checks: Checks,
}

/// A struct as one resource schema defines it (before merging and naming).
#[derive(Clone, Debug, Default)]
pub struct LocalStruct {
    /// The name it would like: the definition name, or the property name for inline objects.
    pub preferred: String,
    /// A longer name for inline objects: the parent's name plus the property name.
    pub qualified: String,
    /// The schema description.
    pub doc: Option<String>,
    /// The properties in schema order.
    pub fields: Vec<Field>,
    /// Required properties in constructor order.
    pub required_order: Vec<String>,
    /// Cross-property rules.
    pub rules: Vec<Rule>,
}

/// How a GetAtt attribute is typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttrKind {
    /// `Expr<String>`
    Str,
    /// `Expr<i64>`
    Int,
    /// `Expr<f64>`
    Num,
    /// `Expr<bool>`
    Bool,
    /// `Expr<Vec<String>>` through `get_att_list`.
    List,
}

/// A read-only attribute, for `Fn::GetAtt`.
#[derive(Clone, Debug)]
pub struct Attr {
    /// Dotted name: `Arn`, `Endpoint.Address`.
    pub name: String,
    /// Its type.
    pub kind: AttrKind,
    /// The schema description.
    pub doc: Option<String>,
}

/// How a resource takes tags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagKind {
    /// `TagFormat::None`
    None,
    /// `TagFormat::List`
    List,
    /// `TagFormat::Map`
    Map,
}

/// One resource schema, resolved.
#[derive(Clone, Debug)]
pub struct ResourceIr {
    /// `AWS::DynamoDB::Table`
    pub type_name: String,
    /// `Table`
    pub name: String,
    /// The schema description.
    pub doc: Option<String>,
    /// `locals[0]` is the resource's own property set.
    pub locals: Vec<LocalStruct>,
    /// Read-only attributes.
    pub attrs: Vec<Attr>,
    /// How it takes tags.
    pub tags: TagKind,
}

/// A named struct of a service module, possibly shared by several schemas.
#[derive(Clone, Debug)]
pub struct StructIr {
    /// The Rust name.
    pub name: String,
    /// The description.
    pub doc: Option<String>,
    /// Where it comes from: (`AWS::DynamoDB::Table`, `KeySchema`).
    pub origins: Vec<(String, String)>,
    /// Properties (types use `Ty::Struct`).
    pub fields: Vec<Field>,
    /// Required properties in constructor order.
    pub required_order: Vec<String>,
    /// Cross-property rules.
    pub rules: Vec<Rule>,
}

/// A resource ready to emit.
#[derive(Clone, Debug)]
pub struct ResourceOut {
    /// `AWS::DynamoDB::Table`
    pub type_name: String,
    /// The struct (name = `Table`, fields typed with `Ty::Struct`).
    pub body: StructIr,
    /// Read-only attributes.
    pub attrs: Vec<Attr>,
    /// How it takes tags.
    pub tags: TagKind,
}

/// One service module.
#[derive(Clone, Debug)]
pub struct ServiceIr {
    /// `DynamoDB`
    pub service: String,
    /// `dynamodb`
    pub module: String,
    /// Resources sorted by type name.
    pub resources: Vec<ResourceOut>,
    /// Property types sorted by name.
    pub structs: Vec<StructIr>,
}

impl ServiceIr {
    /// `AWS::DynamoDB` (`Alexa::ASK` for the one type outside `AWS::`).
    pub fn namespace(&self) -> String {
        self.resources
            .first()
            .and_then(|r| r.type_name.rsplit_once("::"))
            .map_or_else(|| format!("AWS::{}", self.service), |(ns, _)| ns.to_string())
    }
}

/// What the generator did, for its summary.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Fields typed `Token` because the schema gives no single type, by kind.
    pub json_fallbacks: BTreeMap<String, usize>,
    /// Cross-property rules not turned into checks (where, why).
    pub skipped_rules: Vec<String>,
    /// Read-only properties without a typed accessor (where).
    pub skipped_attrs: Vec<String>,
    /// Fix-ups applied (name: where).
    pub fixups: Vec<String>,
    /// cfn-lint's array-level `properties` merged into item schemas.
    pub array_item_properties: usize,
    /// Objects whose constructor argument order (properties order) differs
    /// from their `required` list order.
    pub reordered_constructors: usize,
    /// Definitions no property reaches (not generated).
    pub unreachable_definitions: usize,
    /// Property types merged into one struct across schemas of a service.
    pub merged_structs: usize,
    /// Definition names with differently shaped versions in one service.
    pub renamed_variants: Vec<String>,
}
