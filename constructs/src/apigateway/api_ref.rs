//! [`RestApiRef`]: an API added to a stack, with its references, resources,
//! methods, grants and metrics.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::fns;
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::{Ack, NodeId, Stack};
use cfnkit_l1::apigateway as l1;
use cfnkit_l1::prelude::*;

use super::deployment;
use super::method::{Authorization, Method, MethodRef};
use super::HttpMethod;
use crate::cloudwatch::{Metric, Statistic};
use crate::iam::{grant, Grantable, PolicyStatement};

/// A resource (path) of an API: the root `/` or one created by
/// [`RestApiRef::resource`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApiResource {
    api: Handle<l1::RestApi>,
    node: NodeId,
    resource: Option<Handle<l1::Resource>>,
}

impl ApiResource {
    /// The L1 handle (`None` for the root, which API Gateway creates).
    pub fn handle(self) -> Option<Handle<l1::Resource>> {
        self.resource
    }
    /// The resource id: `Ref` of the resource, or the API's `RootResourceId`.
    pub fn id(self) -> Expr<String> {
        match self.resource {
            Some(r) => r.reference(),
            None => self.api.attr_root_resource_id(),
        }
    }
}

/// One part of a path: a literal, a `{parameter}` or a greedy `{parameter+}`.
fn part_kind(part: &str) -> Option<(&str, &'static str)> {
    let name_ok =
        |n: &str| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if let Some(inner) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
        if let Some(name) = inner.strip_suffix('+') {
            return name_ok(name).then_some((name, "-greedy"));
        }
        return name_ok(inner).then_some((inner, "-param"));
    }
    name_ok(part).then_some((part, ""))
}

/// The parts of a path, or what is wrong with it.
fn parts(path: &str) -> Result<Vec<&str>, String> {
    let Some(rest) = path.strip_prefix('/') else { return Err("a path starts with '/'".into()) };
    if rest.is_empty() {
        return Ok(Vec::new());
    }
    let parts: Vec<&str> = rest.split('/').collect();
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() {
            return Err("no empty path parts ('//' or a trailing '/')".into());
        }
        match part_kind(p) {
            None => {
                return Err(format!(
                    "{p:?}: path parts are letters, digits, '-', '_' and '.', or {{name}}, or a last {{name+}}"
                ))
            }
            Some((_, "-greedy")) if i + 1 != parts.len() => {
                return Err(format!("{p:?}: a greedy {{name+}} part must come last"));
            }
            Some(_) => {}
        }
    }
    Ok(parts)
}

/// A REST API added to a stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RestApiRef {
    api: Handle<l1::RestApi>,
    deployment: Handle<l1::Deployment>,
    stage: Handle<l1::Stage>,
    validator: Option<Handle<l1::RequestValidator>>,
    resources: NodeId,
}

impl RestApiRef {
    pub(crate) fn new(
        api: Handle<l1::RestApi>,
        deployment: Handle<l1::Deployment>,
        stage: Handle<l1::Stage>,
        validator: Option<Handle<l1::RequestValidator>>,
        resources: NodeId,
    ) -> Self {
        RestApiRef { api, deployment, stage, validator, resources }
    }

    /// The L1 handle of the API.
    pub fn handle(self) -> Handle<l1::RestApi> {
        self.api
    }
    /// The L1 handle of the deployment.
    pub fn deployment(self) -> Handle<l1::Deployment> {
        self.deployment
    }
    /// The L1 handle of the stage.
    pub fn stage(self) -> Handle<l1::Stage> {
        self.stage
    }
    /// The API id (`Ref`).
    pub fn id(self) -> Expr<String> {
        self.api.reference()
    }
    /// The id of the root resource `/`.
    pub fn root_resource_id(self) -> Expr<String> {
        self.api.attr_root_resource_id()
    }
    /// The stage name (`Ref` of the stage).
    pub fn stage_name(self) -> Expr<String> {
        self.stage.reference()
    }
    /// The API's host name: `<id>.execute-api.<region>.<url suffix>` (a
    /// Route 53 health check's target, for example).
    pub fn domain_name(self) -> Expr<String> {
        fns::sub("${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}").var("Api", self.id()).expr()
    }
    /// The stage's URL: `https://<id>.execute-api.<region>.<url suffix>/<stage>/`.
    pub fn url(self) -> Expr<String> {
        fns::sub("https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${Stage}/")
            .var("Api", self.id())
            .var("Stage", self.stage_name())
            .expr()
    }
    /// A path as requested on the stage's host: `/<stage><path>` (`/prod/health`).
    pub fn url_path(self, path: &str) -> Expr<String> {
        fns::sub(format!("/${{Stage}}{path}")).var("Stage", self.stage_name()).expr()
    }
    /// `arn:<partition>:execute-api:<region>:<account>:<id>`: the prefix of
    /// every `execute-api` ARN of the API.
    pub fn execution_arn(self) -> Expr<String> {
        crate::arn::regional("execute-api", "${Api}", [("Api", self.id())])
    }
    /// The `execute-api` ARN of one method on the stage
    /// (`.../<id>/prod/POST/orders/*`; path parameters become `*`). The stage
    /// is written by name, not by reference, so a function the API calls
    /// can be granted another of its methods without a dependency cycle.
    pub fn method_arn(self, stack: &Stack, verb: HttpMethod, path: &str) -> Expr<String> {
        fns::sub(format!("${{Base}}/${{Stage}}/{}{}", verb.arn_part(), Method::arn_path(path)))
            .var("Base", self.execution_arn())
            .var("Stage", self.stage_token(stack))
            .expr()
    }

    /// The stage name as given (a literal, so usable from any stack of the
    /// app), else its `Ref`.
    fn stage_token(self, stack: &Stack) -> Token {
        stack
            .fact::<super::ApiFacts>(self.api.id())
            .map_or_else(|| Token::from(self.stage_name()), |f| Token::from(f.stage))
    }

    /// The root resource `/`.
    pub fn root(self) -> ApiResource {
        ApiResource { api: self.api, node: self.resources, resource: None }
    }

    /// The resource at `path` (`/orders/{id}`), creating the missing parts.
    /// A path API Gateway would refuse is reported, and the root returned.
    pub fn resource(self, stack: &mut Stack, path: &str) -> ApiResource {
        let at = stack.path_of_node(self.resources).unwrap_or_default();
        let parts = match parts(path) {
            Ok(p) => p,
            Err(why) => {
                stack.report(
                    Diagnostic::error_of(DiagKind::Pattern, at, "invalid resource path")
                        .property("PathPart")
                        .value(format!("{path:?}"))
                        .allowed(why),
                );
                return self.root();
            }
        };
        let mut current = self.root();
        for part in parts {
            let Some((name, kind)) = part_kind(part) else { return self.root() };
            let id = format!("{name}{kind}");
            let existing = stack.child(current.node, &id);
            current = if let Some(node) = existing {
                let handle = stack.child(node, "Resource").and_then(|r| stack.handle_at::<l1::Resource>(r));
                let same =
                    handle.and_then(|h| stack.get(h)).is_some_and(|r| r.path_part.literal().is_some_and(|p| p == part));
                if !same {
                    let node_path = stack.path_of_node(node).unwrap_or_default();
                    stack.report(
                        Diagnostic::error_of(
                            DiagKind::DuplicateId,
                            node_path,
                            "path part collides with another construct of the API",
                        )
                        .property("PathPart")
                        .value(format!("{part:?}"))
                        .allowed("distinct path parts (a literal `x-param` clashes with `{x}`)"),
                    );
                }
                ApiResource { api: self.api, node, resource: handle }
            } else {
                let parent = Value::from(current.id());
                let api = Value::from(self.api.reference());
                let node = stack.within(current.node, |s| s.construct(&id));
                let handle = stack.within(node, |s| s.add("Resource", l1::Resource::new(parent, part, api)));
                ApiResource { api: self.api, node, resource: Some(handle) }
            };
        }
        current
    }

    /// Adds a method (creating its path's resources) and redeploys the API.
    pub fn add_method(self, stack: &mut Stack, method: Method) -> MethodRef {
        let resource = self.resource(stack, &method.path);
        let verb = method.verb.name();
        let at = format!("{}/{verb}", stack.path_of_node(resource.node).unwrap_or_default());
        if let Some(existing) = stack.child(resource.node, verb) {
            stack.report(
                Diagnostic::error_of(
                    DiagKind::DuplicateId,
                    at.clone(),
                    format!("method {verb} {} added twice", method.path),
                )
                .allowed("one add_method per verb and path: keep the MethodRef the first call returned"),
            );
            let first = stack.child(existing, "Resource").and_then(|n| stack.handle_at::<l1::Method>(n));
            if let Some(method) = first {
                let permission = stack.child(existing, "Permission").and_then(|n| stack.handle_at(n));
                return MethodRef { method, permission };
            }
        }
        let mut diags = Vec::new();
        method.check(&at, &mut diags);
        for d in diags {
            stack.report(d);
        }
        let (l1_method, permission) = method.to_l1(self.api, Value::from(resource.id()), self.validator);
        let node = stack.within(resource.node, |s| s.construct(verb));
        let handle = stack.within(node, |s| s.add("Resource", l1_method));
        if let Authorization::None(reason) = &method.authorization {
            stack.acknowledge(handle.id(), Ack::Checkov { id: "CKV_AWS_59".into(), reason: reason.clone() });
        }
        let permission = permission.map(|p| stack.within(node, |s| s.add("Permission", p)));
        deployment::add_method(stack, self.deployment, handle);
        MethodRef { method: handle, permission }
    }

    /// Lets `grantee` call one method of the stage: `execute-api:Invoke` on
    /// that verb and path only (needed with the default IAM authorization).
    pub fn grant_invoke(self, stack: &mut Stack, grantee: &impl Grantable, verb: HttpMethod, path: &str) {
        grant(
            stack,
            grantee,
            PolicyStatement::allow().actions(["execute-api:Invoke"]).resource(self.method_arn(stack, verb, path)),
        );
    }

    fn metric(self, stack: &Stack, name: &str, stat: Statistic) -> Metric {
        // The name as given, in any stack of the app: a literal works
        // anywhere; a name built from the API stack's parameters (the
        // environment suffix) is refused by synthesis in another stack
        // ("dangling reference"), never replaced by the API's id, which is
        // not what the `ApiName` dimension holds.
        let api_name: Token = stack
            .fact::<super::ApiFacts>(self.api.id())
            .map_or_else(|| Token::from(self.id()), |f| Token::from(f.name));
        let stage = self.stage_token(stack);
        Metric::new("AWS/ApiGateway", name).dimension("ApiName", api_name).dimension("Stage", stage).statistic(stat)
    }
    /// `4XXError` (Sum, 5 minutes) of the stage.
    pub fn metric_client_errors(self, stack: &Stack) -> Metric {
        self.metric(stack, "4XXError", Statistic::Sum)
    }
    /// `5XXError` (Sum, 5 minutes) of the stage.
    pub fn metric_server_errors(self, stack: &Stack) -> Metric {
        self.metric(stack, "5XXError", Statistic::Sum)
    }
    /// `Count`: requests (Sum, 5 minutes) of the stage.
    pub fn metric_count(self, stack: &Stack) -> Metric {
        self.metric(stack, "Count", Statistic::Sum)
    }
    /// `Latency`: from request to response, in ms (Average, 5 minutes).
    pub fn metric_latency(self, stack: &Stack) -> Metric {
        self.metric(stack, "Latency", Statistic::Average)
    }
    /// `IntegrationLatency`: time spent in the backend, in ms (Average, 5 minutes).
    pub fn metric_integration_latency(self, stack: &Stack) -> Metric {
        self.metric(stack, "IntegrationLatency", Statistic::Average)
    }
}
