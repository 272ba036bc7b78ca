//! The construct tree: an [`App`] of [`Stack`]s, each a tree of named nodes
//! that hold resources, plus the stack's parameters, conditions, mappings
//! and outputs.
//!
//! Construct ids are checked as they are added; problems are recorded and
//! reported together at synthesis, so building a stack never panics.

use indexmap::IndexMap;

use crate::conventions::{Conventions, SecurityProfile, Suffix};
use crate::diag::{DiagKind, Diagnostic};
use crate::fns::Cond;
use crate::registry::{self, Shared};
use crate::resource::{Handle, RemovalPolicy, Resource};
use crate::stack_facts::StackFacts;
use crate::template::{Output, Parameter};
use crate::token::{Expr, Intrinsic, RefTarget, Token};

/// Identifies a stack within its app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StackId(pub(crate) u32);

/// Identifies a resource: its app, its stack and its position there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceId {
    pub(crate) app: u32,
    pub(crate) stack: u32,
    pub(crate) index: u32,
}

impl ResourceId {
    /// The stack the resource belongs to.
    pub fn stack(self) -> StackId {
        StackId(self.stack)
    }
}

/// Identifies a node of a stack's construct tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NodeId {
    pub(crate) stack: u32,
    pub(crate) index: u32,
}

/// A typed handle to a stack parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ParamRef {
    pub(crate) app: u32,
    pub(crate) stack: u32,
    pub(crate) index: u32,
}

impl ParamRef {
    /// `{"Ref": <parameter>}`.
    pub fn value(self) -> Expr<String> {
        Expr::from_intrinsic(Intrinsic::Ref(RefTarget::Parameter(self)))
    }
}

/// A typed handle to a stack condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConditionRef {
    pub(crate) app: u32,
    pub(crate) stack: u32,
    pub(crate) index: u32,
}

/// A typed handle to a stack mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MappingRef {
    pub(crate) app: u32,
    pub(crate) stack: u32,
    pub(crate) index: u32,
}

/// A mapping's two levels of keys.
pub type MappingTable = IndexMap<String, IndexMap<String, Token>>;

/// A node of the construct tree.
#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) id: String,
    pub(crate) parent: Option<u32>,
    pub(crate) children: Vec<u32>,
    pub(crate) tags: IndexMap<String, Token>,
    pub(crate) resource: Option<u32>,
}

/// A resource in a stack, with its template attributes.
#[derive(Debug)]
pub(crate) struct ResourceEntry {
    pub(crate) node: u32,
    pub(crate) resource: Box<dyn Resource>,
    pub(crate) depends_on: Vec<ResourceId>,
    pub(crate) condition: Option<ConditionRef>,
    pub(crate) removal: Option<RemovalPolicy>,
    pub(crate) metadata: IndexMap<String, serde_json::Value>,
    pub(crate) overrides: Vec<(String, Option<Token>)>,
    pub(crate) logical_id: Option<String>,
    /// Resource attributes written as given (`CreationPolicy`, ...).
    pub(crate) attributes: IndexMap<String, Token>,
    /// Properties other constructs rely on (see [`Stack::guard_property`]):
    /// the dotted path and the builder call that sets it.
    pub(crate) guarded: Vec<(String, String)>,
}

/// The resource attributes [`Stack::set_resource_attribute`] writes as given.
pub const RESOURCE_ATTRIBUTES: [&str; 6] =
    ["CreationPolicy", "UpdatePolicy", "DeletionPolicy", "UpdateReplacePolicy", "Metadata", "Version"];

/// The template sections [`Stack::set_template_section`] writes as given.
pub const TEMPLATE_SECTIONS: [&str; 2] = ["Metadata", "Rules"];

/// An acknowledgement of a validator finding that cannot apply, written into
/// the resource's `Metadata` with its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ack {
    /// Skip a checkov check: `{"checkov": {"skip": [{"id", "comment"}]}}`.
    Checkov {
        /// The check id, `CKV_AWS_117`.
        id: String,
        /// Why it cannot apply.
        reason: String,
    },
    /// Ignore a cfn-lint rule: `{"cfn-lint": {"config": {"ignore_checks": [id]}}}`,
    /// with the reason under `cfnkit:acknowledgements`.
    CfnLint {
        /// The rule id, `W2531`.
        id: String,
        /// Why it is accepted.
        reason: String,
    },
    /// Acknowledge a `cfnkit lint` rule (`conv-hardcoded-account`):
    /// `{"cfnkit:acknowledgements": {id: reason}}`.
    Cfnkit {
        /// The rule id, `conv-hardcoded-region`.
        id: String,
        /// Why it cannot apply.
        reason: String,
    },
}

/// The root of a cfnkit program: an ordered set of stacks.
///
/// ```
/// use cfnkit::core::prelude::*;
/// let mut app = App::new();
/// app.stack("first").region("eu-west-1");
/// let out = app.synth().unwrap();
/// assert_eq!(out.stacks[0].name, "first");
/// ```
#[derive(Debug)]
pub struct App {
    pub(crate) id: u32,
    pub(crate) stacks: Vec<Stack>,
    pub(crate) registry: Shared,
    /// Context values (`-c KEY=VALUE`, `CDK_CONTEXT_JSON`), see [`App::context`].
    pub(crate) context: IndexMap<String, serde_json::Value>,
    /// The account and region the CDK CLI passes (`CDK_DEFAULT_ACCOUNT`, `CDK_DEFAULT_REGION`).
    pub(crate) default_env: (Option<String>, Option<String>),
    /// App-level problems (a context value of the wrong type), reported at synthesis.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl Default for App {
    fn default() -> Self {
        App::new()
    }
}

impl App {
    /// An empty app, with its own identity: handles of another app are
    /// refused at synthesis, never resolved against this one.
    pub fn new() -> Self {
        let (id, registry) = registry::new_app();
        App {
            id,
            stacks: Vec::new(),
            registry,
            context: IndexMap::new(),
            default_env: (None, None),
            diagnostics: Vec::new(),
        }
    }

    /// Adds a stack named `name` (a CloudFormation stack name) and returns it.
    /// A name used twice is reported at synthesis.
    pub fn stack(&mut self, name: &str) -> &mut Stack {
        let id = self.stacks.len() as u32;
        self.registry.borrow_mut().add_stack(name);
        let mut stack = Stack::new(self.id, id, name, self.registry.clone());
        if !valid_stack_name(name) {
            stack.diagnostics.push(
                Diagnostic::error_of(DiagKind::InvalidId, name, "invalid stack name")
                    .value(format!("{name:?}"))
                    .allowed("1 to 128 characters: a letter, then letters, digits and hyphens"),
            );
        }
        if self.stacks.iter().any(|s| s.name == name) {
            stack.diagnostics.push(
                Diagnostic::error_of(DiagKind::DuplicateId, name, "a stack with this name already exists in the app")
                    .allowed("unique stack names"),
            );
        }
        self.stacks.push(stack);
        let last = self.stacks.len() - 1;
        &mut self.stacks[last]
    }

    /// The stacks, in the order they were added.
    pub fn stacks(&self) -> &[Stack] {
        &self.stacks
    }

    /// The stack named `name`.
    pub fn get_stack(&self, name: &str) -> Option<&Stack> {
        self.stacks.iter().find(|s| s.name == name)
    }

    /// The stack named `name`, mutably.
    pub fn get_stack_mut(&mut self, name: &str) -> Option<&mut Stack> {
        self.stacks.iter_mut().find(|s| s.name == name)
    }

    /// The stack with this id, mutably.
    pub fn stack_mut(&mut self, id: StackId) -> Option<&mut Stack> {
        self.stacks.get_mut(id.0 as usize)
    }

    /// Sets the default of parameter `key` in every stack that declares it;
    /// returns how many stacks did.
    pub fn set_parameter_default(&mut self, key: &str, value: &str) -> usize {
        let mut n = 0;
        for s in &mut self.stacks {
            for p in &mut s.parameters {
                if p.name == key {
                    p.default = Some(value.to_string());
                    n += 1;
                }
            }
        }
        n
    }
}

fn valid_stack_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= 128
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Checks a construct id: 1 to 255 characters of letters, digits, `-`, `_`
/// and `.`, with at least one letter or digit.
pub fn check_construct_id(id: &str) -> Result<(), String> {
    if id.is_empty() || id.len() > 255 {
        return Err("1 to 255 characters".into());
    }
    if let Some(c) = id.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))) {
        return Err(format!("letters, digits, '-', '_' and '.' only (found {c:?})"));
    }
    if !id.chars().any(|c| c.is_ascii_alphanumeric()) {
        return Err("at least one letter or digit".into());
    }
    Ok(())
}

/// One CloudFormation stack: a tree of constructs and the template sections.
#[derive(Debug)]
pub struct Stack {
    pub(crate) app: u32,
    pub(crate) registry: Shared,
    pub(crate) id: u32,
    pub(crate) name: String,
    pub(crate) region: Option<String>,
    pub(crate) account: Option<String>,
    pub(crate) assets: Vec<crate::asset::FileAsset>,
    pub(crate) description: Option<String>,
    pub(crate) nodes: Vec<Node>,
    pub(crate) cursor: u32,
    pub(crate) resources: Vec<ResourceEntry>,
    pub(crate) parameters: Vec<Parameter>,
    pub(crate) conditions: Vec<(String, Cond)>,
    pub(crate) mappings: Vec<(String, MappingTable)>,
    pub(crate) outputs: Vec<Output>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) default_removal: Option<RemovalPolicy>,
    pub(crate) suffix: Option<Suffix>,
    pub(crate) sections: IndexMap<String, Token>,
    pub(crate) profile: SecurityProfile,
    pub(crate) facts: StackFacts,
    /// Other stacks of the app this one must deploy after (from `DependsOn`
    /// on their resources).
    pub(crate) deploys_after: Vec<u32>,
    /// Export names pinned for values of this stack: resource, attribute, name.
    pub(crate) export_names: Vec<(ResourceId, Option<String>, String)>,
}

impl Stack {
    fn new(app: u32, id: u32, name: &str, registry: Shared) -> Self {
        Stack {
            app,
            registry,
            id,
            name: name.to_string(),
            region: None,
            account: None,
            assets: Vec::new(),
            description: None,
            nodes: vec![Node {
                id: name.to_string(),
                parent: None,
                children: Vec::new(),
                tags: IndexMap::new(),
                resource: None,
            }],
            cursor: 0,
            resources: Vec::new(),
            parameters: Vec::new(),
            conditions: Vec::new(),
            mappings: Vec::new(),
            outputs: Vec::new(),
            diagnostics: Vec::new(),
            default_removal: None,
            suffix: None,
            sections: IndexMap::new(),
            profile: SecurityProfile::Default,
            facts: StackFacts::default(),
            deploys_after: Vec::new(),
            export_names: Vec::new(),
        }
    }

    /// The stack's id in the app.
    pub fn id(&self) -> StackId {
        StackId(self.id)
    }

    /// The stack name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Sets the region the stack deploys to (written into the cloud assembly).
    pub fn region(&mut self, region: &str) -> &mut Self {
        self.region = Some(region.to_string());
        self
    }

    /// The region, when one was set.
    pub fn get_region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// Sets the account the stack deploys to (12 digits; written into the
    /// cloud assembly's environment, checked at synthesis).
    pub fn account(&mut self, account: &str) -> &mut Self {
        self.account = Some(account.to_string());
        self
    }

    /// The account, when one was set.
    pub fn get_account(&self) -> Option<&str> {
        self.account.as_deref()
    }

    /// Sets the template's `Description`.
    pub fn description(&mut self, d: &str) -> &mut Self {
        self.description = Some(d.to_string());
        self
    }

    /// Applies naming, tagging and removal conventions (see [`Conventions`]).
    pub fn conventions(&mut self, c: Conventions) -> &mut Self {
        c.apply(self);
        self
    }

    /// The environment-suffix helper; adds the `EnvironmentSuffix` parameter
    /// with the TAP defaults when no convention did.
    pub fn suffix(&mut self) -> Suffix {
        if let Some(s) = self.suffix {
            return s;
        }
        let p = self.parameter(Conventions::suffix_parameter("EnvironmentSuffix", "dev"));
        let s = Suffix::new(p);
        self.suffix = Some(s);
        s
    }

    /// The removal policy conventions give stateful resources, if any.
    pub fn default_removal_policy(&self) -> Option<RemovalPolicy> {
        self.default_removal
    }

    /// Sets the removal policy stateful constructs get when they set none.
    pub fn set_default_removal_policy(&mut self, p: RemovalPolicy) -> &mut Self {
        self.default_removal = Some(p);
        self
    }

    fn push_node(&mut self, id: &str) -> u32 {
        let parent = self.cursor;
        let path = self.node_path(parent);
        if let Err(allowed) = check_construct_id(id) {
            self.diagnostics.push(
                Diagnostic::error_of(DiagKind::InvalidId, format!("{path}/{id}"), "invalid construct id")
                    .value(format!("{id:?}"))
                    .allowed(allowed),
            );
        }
        let dup = self.nodes[parent as usize].children.iter().any(|&c| self.nodes[c as usize].id == id);
        if dup {
            self.diagnostics.push(
                Diagnostic::error_of(
                    DiagKind::DuplicateId,
                    format!("{path}/{id}"),
                    "construct id already used under this parent",
                )
                .value(format!("{id:?}"))
                .allowed("ids unique among siblings"),
            );
        }
        let index = self.nodes.len() as u32;
        self.nodes.push(Node {
            id: id.to_string(),
            parent: Some(parent),
            children: Vec::new(),
            tags: IndexMap::new(),
            resource: None,
        });
        self.nodes[parent as usize].children.push(index);
        index
    }

    /// Adds a plain construct node (a scope for other constructs) under the
    /// current scope.
    pub fn construct(&mut self, id: &str) -> NodeId {
        let index = self.push_node(id);
        NodeId { stack: self.id, index }
    }

    /// The stack's root node (the scope of top-level constructs).
    pub fn root(&self) -> NodeId {
        NodeId { stack: self.id, index: 0 }
    }

    /// The current scope: where `add` and `construct` put new nodes.
    pub fn scope(&self) -> NodeId {
        NodeId { stack: self.id, index: self.cursor }
    }

    /// Runs `f` with `node` as the current scope, then restores the previous one.
    /// A node of another stack is reported at synthesis and ignored.
    pub fn within<R>(&mut self, node: NodeId, f: impl FnOnce(&mut Stack) -> R) -> R {
        let saved = self.cursor;
        if node.stack == self.id && (node.index as usize) < self.nodes.len() {
            self.cursor = node.index;
        } else {
            self.diagnostics.push(Diagnostic::error_of(
                DiagKind::ForeignStack,
                self.name.clone(),
                "scope belongs to another stack",
            ));
        }
        let r = f(self);
        self.cursor = saved;
        r
    }

    /// Adds a resource as a new node `id` under the current scope.
    pub fn add<T: Resource>(&mut self, id: &str, resource: T) -> Handle<T> {
        let node = self.push_node(id);
        let index = self.resources.len() as u32;
        self.resources.push(ResourceEntry {
            node,
            resource: Box::new(resource),
            depends_on: Vec::new(),
            condition: None,
            removal: None,
            metadata: IndexMap::new(),
            overrides: Vec::new(),
            logical_id: None,
            attributes: IndexMap::new(),
            guarded: Vec::new(),
        });
        self.nodes[node as usize].resource = Some(index);
        self.registry.borrow_mut().add_resource((self.id, index), self.node_path(node));
        Handle::new(ResourceId { app: self.app, stack: self.id, index })
    }

    fn entry(&self, r: ResourceId) -> Option<&ResourceEntry> {
        if r.app == self.app && r.stack == self.id {
            self.resources.get(r.index as usize)
        } else {
            None
        }
    }

    fn entry_mut(&mut self, r: ResourceId) -> Option<&mut ResourceEntry> {
        if r.app == self.app && r.stack == self.id {
            self.resources.get_mut(r.index as usize)
        } else {
            None
        }
    }

    fn entry_or_report(&mut self, r: ResourceId, what: &str) -> Option<&mut ResourceEntry> {
        if self.entry(r).is_none() {
            self.diagnostics.push(
                Diagnostic::error_of(
                    DiagKind::ForeignStack,
                    self.name.clone(),
                    format!("{what}: the resource belongs to another stack or app"),
                )
                .allowed("a resource of this stack"),
            );
        }
        self.entry_mut(r)
    }

    /// The resource behind a handle, when it belongs to this stack.
    pub fn get<T: Resource>(&self, h: Handle<T>) -> Option<&T> {
        self.entry(h.id()).and_then(|e| e.resource.as_any().downcast_ref())
    }

    /// The resource behind a handle, mutably, when it belongs to this stack.
    pub fn get_mut<T: Resource>(&mut self, h: Handle<T>) -> Option<&mut T> {
        self.entry_mut(h.id()).and_then(|e| e.resource.as_any_mut().downcast_mut())
    }

    /// The resource type of a resource of this stack.
    pub fn resource_type(&self, r: ResourceId) -> Option<&str> {
        self.entry(r).map(|e| e.resource.cfn_type())
    }

    /// Adds `DependsOn: on` to `from` (a resource of this stack). When `on`
    /// is in another stack of the app, this stack deploys after that one
    /// instead (CloudFormation's `DependsOn` cannot cross stacks).
    pub fn add_dependency(&mut self, from: ResourceId, on: ResourceId) -> &mut Self {
        if self.is_of_app(on) && on.stack != self.id && self.entry(from).is_some() {
            if !self.deploys_after.contains(&on.stack) {
                self.deploys_after.push(on.stack);
            }
        } else if self.entry(on).is_none() {
            self.diagnostics.push(
                Diagnostic::error_of(
                    DiagKind::ForeignStack,
                    self.name.clone(),
                    "DependsOn: target belongs to another stack or app",
                )
                .property("DependsOn")
                .allowed("resources of the same stack"),
            );
        } else if let Some(e) = self.entry_or_report(from, "DependsOn") {
            if !e.depends_on.contains(&on) {
                e.depends_on.push(on);
            }
        }
        self
    }

    /// Sets `DeletionPolicy` and `UpdateReplacePolicy`.
    pub fn set_removal_policy(&mut self, r: ResourceId, p: RemovalPolicy) -> &mut Self {
        if let Some(e) = self.entry_or_report(r, "removal policy") {
            e.removal = Some(p);
        }
        self
    }

    /// The removal policy set on a resource, if any.
    pub fn removal_policy(&self, r: ResourceId) -> Option<RemovalPolicy> {
        self.entry(r).and_then(|e| e.removal)
    }

    /// Creates the resource only when the condition holds.
    pub fn set_condition(&mut self, r: ResourceId, c: ConditionRef) -> &mut Self {
        if let Some(e) = self.entry_or_report(r, "Condition") {
            e.condition = Some(c);
        }
        self
    }

    /// Sets a `Metadata` key on a resource.
    pub fn add_metadata(&mut self, r: ResourceId, key: &str, value: serde_json::Value) -> &mut Self {
        if let Some(e) = self.entry_or_report(r, "Metadata") {
            e.metadata.insert(key.to_string(), value);
        }
        self
    }

    /// Records that a validator finding cannot apply to this resource, with
    /// the reason (written into its `Metadata`).
    pub fn acknowledge(&mut self, r: ResourceId, ack: Ack) -> &mut Self {
        let Some(e) = self.entry_or_report(r, "acknowledgement") else {
            return self;
        };
        match ack {
            Ack::Checkov { id, reason } => {
                let skip = e.metadata.entry("checkov".into()).or_insert_with(|| serde_json::json!({"skip": []}));
                if let Some(list) = skip.get_mut("skip").and_then(|s| s.as_array_mut()) {
                    list.push(serde_json::json!({"id": id, "comment": reason}));
                }
            }
            Ack::CfnLint { id, reason } => {
                let lint = e
                    .metadata
                    .entry("cfn-lint".into())
                    .or_insert_with(|| serde_json::json!({"config": {"ignore_checks": []}}));
                if let Some(list) = lint.pointer_mut("/config/ignore_checks").and_then(|s| s.as_array_mut()) {
                    list.push(serde_json::Value::String(id.clone()));
                }
                let why = e.metadata.entry("cfnkit:acknowledgements".into()).or_insert_with(|| serde_json::json!({}));
                if let Some(m) = why.as_object_mut() {
                    m.insert(id, serde_json::Value::String(reason));
                }
            }
            Ack::Cfnkit { id, reason } => {
                let why = e.metadata.entry("cfnkit:acknowledgements".into()).or_insert_with(|| serde_json::json!({}));
                if let Some(m) = why.as_object_mut() {
                    m.insert(id, serde_json::Value::String(reason));
                }
            }
        }
        self
    }

    /// Overrides a property by dotted path (`A.B.0.C`), deep-merged at synthesis.
    pub fn override_property(&mut self, r: ResourceId, path: &str, value: impl Into<Token>) -> &mut Self {
        let v = value.into();
        if let Some(e) = self.entry_or_report(r, "property override") {
            e.overrides.push((path.to_string(), Some(v)));
        }
        self
    }

    /// Marks a property that other constructs rely on (a queue's key and
    /// visibility timeout, a table's stream: the facts grants and checks are
    /// written from). An override or deletion of it, of anything under it or
    /// of an object holding it is an error at synthesis that names `setter`,
    /// the builder call that changes it consistently. For L2 authors.
    pub fn guard_property(&mut self, r: ResourceId, property: &str, setter: &str) -> &mut Self {
        if let Some(e) = self.entry_or_report(r, "guarded property") {
            e.guarded.push((property.to_string(), setter.to_string()));
        }
        self
    }

    /// Deletes a property by dotted path at synthesis.
    pub fn delete_property(&mut self, r: ResourceId, path: &str) -> &mut Self {
        if let Some(e) = self.entry_or_report(r, "property deletion") {
            e.overrides.push((path.to_string(), None));
        }
        self
    }

    /// Writes a resource attribute exactly as given (one of
    /// [`RESOURCE_ATTRIBUTES`]): a `CreationPolicy` or `UpdatePolicy`, a
    /// `DeletionPolicy` without the matching `UpdateReplacePolicy`, or a
    /// `Metadata` holding intrinsics. It replaces what cfnkit would write
    /// there (a removal policy, acknowledgements). Used by `cfnkit import`.
    pub fn set_resource_attribute(&mut self, r: ResourceId, name: &str, value: impl Into<Token>) -> &mut Self {
        if !RESOURCE_ATTRIBUTES.contains(&name) {
            self.diagnostics.push(
                Diagnostic::error_of(
                    DiagKind::NotAllowedValue,
                    self.name.clone(),
                    "not a resource attribute cfnkit writes as given",
                )
                .property(name.to_string())
                .allowed(RESOURCE_ATTRIBUTES.join(", ")),
            );
            return self;
        }
        let v = value.into();
        if let Some(e) = self.entry_or_report(r, name) {
            e.attributes.insert(name.to_string(), v);
        }
        self
    }

    /// Writes a template section exactly as given (one of [`TEMPLATE_SECTIONS`]:
    /// the template's `Metadata`, such as `AWS::CloudFormation::Interface`, or `Rules`).
    pub fn set_template_section(&mut self, name: &str, value: impl Into<Token>) -> &mut Self {
        if TEMPLATE_SECTIONS.contains(&name) {
            self.sections.insert(name.to_string(), value.into());
        } else {
            self.diagnostics.push(
                Diagnostic::error_of(
                    DiagKind::NotAllowedValue,
                    self.name.clone(),
                    "not a template section cfnkit writes as given",
                )
                .property(name.to_string())
                .allowed(TEMPLATE_SECTIONS.join(", ")),
            );
        }
        self
    }

    /// Pins a resource's logical id instead of deriving it from the path.
    pub fn pin_logical_id(&mut self, r: ResourceId, logical_id: &str) -> &mut Self {
        if let Some(e) = self.entry_or_report(r, "logical id") {
            e.logical_id = Some(logical_id.to_string());
        }
        self
    }

    /// Pins the logical id of the resource at construct `path` (relative to
    /// the stack, `Function/BucketPermission`), for a resource a construct
    /// created inside itself and did not hand back (a seed may name it). A
    /// path with no resource is an error naming the nearest one.
    pub fn pin_logical_id_at(&mut self, path: &str, logical_id: &str) -> &mut Self {
        let full = format!("{}/{}", self.name, path.trim_matches('/'));
        let paths: Vec<(u32, String)> =
            (0..self.resources.len() as u32).map(|i| (i, self.node_path(self.resources[i as usize].node))).collect();
        if let Some((i, _)) = paths.iter().find(|(_, p)| *p == full) {
            self.resources[*i as usize].logical_id = Some(logical_id.to_string());
            return self;
        }
        let candidates: Vec<&str> = paths.iter().filter_map(|(_, p)| p.split_once('/').map(|(_, r)| r)).collect();
        let mut d = Diagnostic::error_of(
            DiagKind::DanglingReference,
            self.name.clone(),
            "no resource at this construct path to pin a logical id on",
        )
        .property("pin_logical_id_at")
        .value(path.to_string());
        d = match crate::suggest::nearest(path, candidates.iter().copied()) {
            Some(n) => d.allowed(format!("a resource path of this stack, such as {n}")),
            None => d.allowed("a resource path of this stack"),
        };
        self.diagnostics.push(d);
        self
    }

    /// Tags every taggable resource in the stack.
    pub fn tag(&mut self, key: &str, value: impl Into<Token>) -> &mut Self {
        self.nodes[0].tags.insert(key.to_string(), value.into());
        self
    }

    /// Tags every taggable resource under `node`; nearer scopes win.
    pub fn tag_scope(&mut self, node: NodeId, key: &str, value: impl Into<Token>) -> &mut Self {
        if node.stack == self.id {
            if let Some(n) = self.nodes.get_mut(node.index as usize) {
                n.tags.insert(key.to_string(), value.into());
            }
        }
        self
    }

    /// The tags that apply to resource `r` from its scopes (outermost first,
    /// nearer scopes overriding), not counting the resource's own `Tags`.
    pub fn inherited_tags(&self, r: ResourceId) -> IndexMap<String, Token> {
        let mut chain = Vec::new();
        let mut n = self.entry(r).map(|e| e.node);
        while let Some(i) = n {
            chain.push(i);
            n = self.nodes[i as usize].parent;
        }
        let mut tags = IndexMap::new();
        for i in chain.into_iter().rev() {
            for (k, v) in &self.nodes[i as usize].tags {
                tags.insert(k.clone(), v.clone());
            }
        }
        tags
    }

    /// Declares a parameter and returns its handle.
    pub fn parameter(&mut self, p: Parameter) -> ParamRef {
        let index = self.parameters.len() as u32;
        self.parameters.push(p);
        ParamRef { app: self.app, stack: self.id, index }
    }

    /// The default of a parameter of this stack (`None` for a parameter of
    /// another stack, or one without a default).
    pub fn parameter_default(&self, p: ParamRef) -> Option<&str> {
        if p.app != self.app || p.stack != self.id {
            return None;
        }
        self.parameters.get(p.index as usize).and_then(|x| x.default.as_deref())
    }

    /// Sets the default of the parameter `key`; returns whether it is declared.
    pub fn set_parameter_default(&mut self, key: &str, value: &str) -> bool {
        let p = self.parameters.iter_mut().find(|p| p.name == key);
        p.map(|p| p.default = Some(value.to_string())).is_some()
    }

    /// The names of the declared parameters, in declaration order.
    pub fn parameter_names(&self) -> impl Iterator<Item = &str> {
        self.parameters.iter().map(|p| p.name.as_str())
    }

    /// The parameter named `name`, if declared.
    pub fn find_parameter(&self, name: &str) -> Option<ParamRef> {
        self.parameters.iter().position(|p| p.name == name).map(|i| ParamRef {
            app: self.app,
            stack: self.id,
            index: i as u32,
        })
    }

    /// Declares a named condition.
    pub fn condition(&mut self, name: &str, c: Cond) -> ConditionRef {
        let index = self.conditions.len() as u32;
        self.conditions.push((name.to_string(), c));
        ConditionRef { app: self.app, stack: self.id, index }
    }

    /// Declares a two-level mapping for `Fn::FindInMap`.
    pub fn mapping(&mut self, name: &str, map: MappingTable) -> MappingRef {
        let index = self.mappings.len() as u32;
        self.mappings.push((name.to_string(), map));
        MappingRef { app: self.app, stack: self.id, index }
    }

    /// Adds an output and returns it for further settings.
    pub fn output(&mut self, id: &str, value: impl Into<Token>) -> &mut Output {
        self.outputs.push(Output::new(id, value.into()));
        let last = self.outputs.len() - 1;
        &mut self.outputs[last]
    }

    /// Adds an output exported as `${AWS::StackName}-<id>`.
    pub fn export(&mut self, id: &str, value: impl Into<Token>) -> &mut Output {
        let o = self.output(id, value);
        o.export_name = Some(crate::fns::sub(format!("${{AWS::StackName}}-{id}")).into());
        o
    }

    /// Pins the export name used when another stack of the app imports
    /// `value` (a `Ref` or `Fn::GetAtt` of a resource of this stack), instead
    /// of the generated `<stack>-<LogicalId>-<Attribute>[-${EnvironmentSuffix}]`.
    /// A name with `${...}` is written as an `Fn::Sub` (in the producer and
    /// in every consumer, which must declare the same parameters).
    pub fn name_export(&mut self, value: impl Into<Token>, name: &str) -> &mut Self {
        let target = match value.into() {
            Token::Fn(f) => match *f {
                Intrinsic::Ref(RefTarget::Resource(r)) => Some((r, None)),
                Intrinsic::GetAtt(r, a) => Some((r, Some(a))),
                _ => None,
            },
            _ => None,
        };
        match target {
            Some((r, a)) if self.entry(r).is_some() => {
                self.export_names.retain(|(x, y, _)| !(*x == r && *y == a));
                self.export_names.push((r, a, name.to_string()));
            }
            _ => self.diagnostics.push(
                Diagnostic::error_of(
                    DiagKind::Wiring,
                    self.name.clone(),
                    "export name pinned on a value that is not a reference to a resource of this stack",
                )
                .value(name.to_string())
                .allowed("a handle's Ref or Fn::GetAtt (table.arn(), queue.url()...) of this stack"),
            ),
        }
        self
    }

    /// The outputs declared so far.
    pub fn outputs(&self) -> &[Output] {
        &self.outputs
    }

    /// The construct path of a node (`stack/A/B`).
    pub(crate) fn node_path(&self, mut i: u32) -> String {
        let mut parts = Vec::new();
        loop {
            let n = &self.nodes[i as usize];
            parts.push(n.id.as_str());
            match n.parent {
                Some(p) => i = p,
                None => break,
            }
        }
        parts.reverse();
        parts.join("/")
    }

    /// The construct path of a resource of this stack.
    pub fn path_of(&self, r: ResourceId) -> Option<String> {
        self.entry(r).map(|e| self.node_path(e.node))
    }

    /// The construct path of a node of this stack.
    pub fn path_of_node(&self, n: NodeId) -> Option<String> {
        (n.stack == self.id && (n.index as usize) < self.nodes.len()).then(|| self.node_path(n.index))
    }

    /// The node a resource of this stack sits at.
    pub fn node_of(&self, r: ResourceId) -> Option<NodeId> {
        self.entry(r).map(|e| NodeId { stack: self.id, index: e.node })
    }

    /// The parent of a node (`None` for the stack's root or a foreign node).
    pub fn parent_of(&self, n: NodeId) -> Option<NodeId> {
        if n.stack != self.id {
            return None;
        }
        let p = self.nodes.get(n.index as usize)?.parent?;
        Some(NodeId { stack: self.id, index: p })
    }

    /// The child of `n` with construct id `id`.
    pub fn child(&self, n: NodeId, id: &str) -> Option<NodeId> {
        if n.stack != self.id {
            return None;
        }
        let node = self.nodes.get(n.index as usize)?;
        node.children.iter().find(|&&c| self.nodes[c as usize].id == id).map(|&c| NodeId { stack: self.id, index: c })
    }

    /// The construct id of a node (its last path component).
    pub fn node_name(&self, n: NodeId) -> Option<&str> {
        if n.stack != self.id {
            return None;
        }
        self.nodes.get(n.index as usize).map(|x| x.id.as_str())
    }

    /// The resource at a node, if one sits there.
    pub fn resource_at(&self, n: NodeId) -> Option<ResourceId> {
        if n.stack != self.id {
            return None;
        }
        self.nodes.get(n.index as usize)?.resource.map(|index| ResourceId { app: self.app, stack: self.id, index })
    }

    /// A typed handle to the resource at a node, when it has type `T`.
    pub fn handle_at<T: Resource>(&self, n: NodeId) -> Option<Handle<T>> {
        let r = self.resource_at(n)?;
        self.entry(r)?.resource.as_any().downcast_ref::<T>()?;
        Some(Handle::new(r))
    }

    /// How many resources the stack holds.
    pub fn resource_count(&self) -> usize {
        self.resources.len()
    }

    /// Records a problem found while building a construct; reported at synthesis.
    pub fn report(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// True when `r` is a resource of this stack's app (any stack of it).
    pub fn is_of_app(&self, r: ResourceId) -> bool {
        r.app == self.app
    }

    /// Records a fact about a resource of this stack (its customer managed
    /// key, its timeout...), for constructs in any stack of the app to read
    /// with [`Stack::fact`]. One value per resource and type; a later one
    /// replaces it. A resource of another stack is reported.
    pub fn record_fact<F: std::any::Any + Clone>(&mut self, r: ResourceId, fact: F) {
        if self.entry(r).is_some() {
            self.registry.borrow_mut().record((r.stack, r.index), fact);
        } else {
            self.diagnostics.push(
                Diagnostic::error_of(
                    DiagKind::ForeignStack,
                    self.name.clone(),
                    "fact recorded on a resource of another stack",
                )
                .allowed("facts recorded by the stack that adds the resource"),
            );
        }
    }

    /// The fact of type `F` recorded about `r`, which may be in any stack of
    /// this app (`None` when none was recorded, or `r` is of another app,
    /// which synthesis reports wherever `r` is referenced).
    pub fn fact<F: std::any::Any + Clone>(&self, r: ResourceId) -> Option<F> {
        if !self.is_of_app(r) {
            return None;
        }
        self.registry.borrow().fact((r.stack, r.index))
    }

    /// The construct path of a resource of any stack of this app.
    pub fn path_in_app(&self, r: ResourceId) -> Option<String> {
        if !self.is_of_app(r) {
            return None;
        }
        self.registry.borrow().path((r.stack, r.index))
    }

    /// The name of the stack `r` belongs to, in any stack of this app.
    pub fn stack_name_of(&self, r: ResourceId) -> Option<String> {
        if !self.is_of_app(r) {
            return None;
        }
        self.registry.borrow().stack_name(r.stack).map(str::to_string)
    }

    /// Appends `item` to the list at dotted property path `path` (for
    /// example `PolicyDocument.Statement`) of resource `r`, which may be in
    /// any stack of this app: the statement lands in the template of the
    /// stack that holds `r`. Applied at synthesis, once per distinct item;
    /// a path that holds no list then is an error.
    pub fn append_to_property(&mut self, r: ResourceId, path: &str, item: impl Into<Token>) {
        if self.is_of_app(r) {
            self.registry.borrow_mut().append((r.stack, r.index), path, item.into());
        } else {
            self.diagnostics.push(
                Diagnostic::error_of(
                    DiagKind::ForeignApp,
                    self.name.clone(),
                    format!("{path}: the resource belongs to another App"),
                )
                .allowed("a resource of this app"),
            );
        }
    }
}
