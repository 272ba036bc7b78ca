//! Resources as the template sees them: the [`Resource`] trait every L1
//! struct implements, the generic [`CfnResource`] escape hatch, typed
//! [`Handle`]s, removal policies and tag formats.

use std::any::Any;
use std::fmt::Debug;
use std::marker::PhantomData;

use indexmap::IndexMap;

use crate::diag::Validator;
use crate::token::{Expr, Intrinsic, RefTarget, Token};
use crate::tree::ResourceId;

/// How a resource type carries tags, read from its schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagFormat {
    /// The type takes no tags.
    None,
    /// `Tags: [{"Key": .., "Value": ..}]`.
    List,
    /// `Tags: {"key": "value"}`.
    Map,
    /// `Tags: [{"Key": .., "Value": .., "PropagateAtLaunch": true}]` (Auto
    /// Scaling groups: inherited tags also reach the instances they launch).
    ListPropagateAtLaunch,
}

/// A CloudFormation resource: its type, its properties and its schema checks.
///
/// Generated L1 structs implement it; so does [`CfnResource`].
pub trait Resource: Any + Debug {
    /// The resource type, `AWS::S3::Bucket`.
    fn cfn_type(&self) -> &str;
    /// The properties that are set, in schema order.
    fn properties(&self) -> IndexMap<String, Token>;
    /// Reports every schema constraint the literal values break.
    fn validate(&self, v: &mut Validator<'_>) {
        let _ = v;
    }
    /// How the type carries tags.
    fn tag_format(&self) -> TagFormat {
        TagFormat::None
    }
    /// Upcast for downcasting to the concrete type.
    fn as_any(&self) -> &dyn Any;
    /// Mutable upcast for downcasting to the concrete type.
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

/// Any resource type, with properties written as tokens: the escape hatch
/// for types the generated catalogue lacks.
///
/// ```
/// use cfnkit::core::prelude::*;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let r = stack.add("Thing", CfnResource::new("AWS::SSM::Parameter")
///     .property("Type", "String")
///     .property("Value", "hello"));
/// let _name = r.reference();
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CfnResource {
    /// The resource type.
    pub cfn_type: String,
    /// The properties, in insertion order.
    pub properties: IndexMap<String, Token>,
    /// How the type carries tags (none unless set).
    pub tag_format: TagFormat,
}

impl CfnResource {
    /// A resource of `cfn_type` with no properties.
    pub fn new(cfn_type: impl Into<String>) -> Self {
        CfnResource { cfn_type: cfn_type.into(), properties: IndexMap::new(), tag_format: TagFormat::None }
    }

    /// Sets a property.
    pub fn property(mut self, name: impl Into<String>, value: impl Into<Token>) -> Self {
        self.properties.insert(name.into(), value.into());
        self
    }

    /// Declares that the type takes `Tags` in the given format.
    pub fn taggable(mut self, format: TagFormat) -> Self {
        self.tag_format = format;
        self
    }
}

impl Resource for CfnResource {
    fn cfn_type(&self) -> &str {
        &self.cfn_type
    }
    fn properties(&self) -> IndexMap<String, Token> {
        self.properties.clone()
    }
    fn validate(&self, v: &mut Validator<'_>) {
        let t = &self.cfn_type;
        let parts: Vec<&str> = t.split("::").collect();
        let ok =
            parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()));
        let custom = t.starts_with("Custom::") && t.len() > 8 && t.len() <= 68;
        if !ok && !custom {
            v.error(
                "Type",
                Some(format!("{t:?}")),
                "not a resource type name",
                "Service::Provider::Name (alphanumeric parts) or Custom::Name",
            );
        }
    }
    fn tag_format(&self) -> TagFormat {
        self.tag_format
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// A typed handle to a resource added to a stack. `Copy`, cheap, and the only
/// way to reference the resource: `handle.reference()` is its `Ref`, and the
/// generated `attr_*` methods are its `Fn::GetAtt`s.
pub struct Handle<T> {
    id: ResourceId,
    _kind: PhantomData<fn() -> T>,
}

impl<T> Clone for Handle<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Handle<T> {}
impl<T> PartialEq for Handle<T> {
    fn eq(&self, o: &Self) -> bool {
        self.id == o.id
    }
}
impl<T> Eq for Handle<T> {}
impl<T> Debug for Handle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Handle({:?})", self.id)
    }
}

impl<T> Handle<T> {
    /// Wraps a resource id. Only the stack hands these out.
    pub(crate) fn new(id: ResourceId) -> Self {
        Handle { id, _kind: PhantomData }
    }

    /// The untyped resource id.
    pub fn id(self) -> ResourceId {
        self.id
    }

    /// `{"Ref": <logical id>}`.
    pub fn reference(self) -> Expr<String> {
        Expr::from_intrinsic(Intrinsic::Ref(RefTarget::Resource(self.id)))
    }

    /// `{"Fn::GetAtt": [<logical id>, attribute]}` for any attribute name.
    pub fn get_att(self, attribute: &str) -> Expr<String> {
        Expr::from_intrinsic(Intrinsic::GetAtt(self.id, attribute.to_string()))
    }

    /// A list-valued `Fn::GetAtt`.
    pub fn get_att_list(self, attribute: &str) -> Expr<Vec<String>> {
        Expr::from_intrinsic(Intrinsic::GetAtt(self.id, attribute.to_string()))
    }
}

/// What CloudFormation does with a resource when it leaves the stack or is replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RemovalPolicy {
    /// `Delete` / `Delete`.
    Destroy,
    /// `Retain` / `Retain`.
    Retain,
    /// `Snapshot` / `Snapshot` (only types that support snapshots).
    Snapshot,
    /// `RetainExceptOnCreate` / `Retain`.
    RetainExceptOnCreate,
}

impl RemovalPolicy {
    /// The `DeletionPolicy` value.
    pub fn deletion_policy(self) -> &'static str {
        match self {
            RemovalPolicy::Destroy => "Delete",
            RemovalPolicy::Retain => "Retain",
            RemovalPolicy::Snapshot => "Snapshot",
            RemovalPolicy::RetainExceptOnCreate => "RetainExceptOnCreate",
        }
    }

    /// The `UpdateReplacePolicy` value.
    pub fn update_replace_policy(self) -> &'static str {
        match self {
            RemovalPolicy::Destroy => "Delete",
            RemovalPolicy::Retain | RemovalPolicy::RetainExceptOnCreate => "Retain",
            RemovalPolicy::Snapshot => "Snapshot",
        }
    }
}
