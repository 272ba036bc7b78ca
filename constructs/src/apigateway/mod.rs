//! API Gateway (REST APIs, v1): [`RestApi`], its resources and [`Method`]s,
//! [`LambdaIntegration`] and [`MockIntegration`], the deployment and stage.
//!
//! An API `Api` synthesizes to `Api` (the REST API, `REGIONAL`),
//! `ApiAccessLogs` (unless given a log group),
//! `ApiRequestValidator` (bodies and parameters), one resource per path
//! part (`/orders/{id}` gives `ApiOrders` and `ApiOrdersIdParam`), one
//! method per verb and path (`ApiOrdersPOST`, with `ApiOrdersPOSTPermission`
//! letting API Gateway invoke a Lambda integration), `ApiDeployment<hash>`,
//! `ApiDeploymentStage` and, unless opted out, the account's CloudWatch role
//! setting (`ApiGatewayAccount` and `ApiGatewayAccountCloudWatchRole`, at
//! the stack's root, shared by every API of the stack).
//!
//! Secure defaults: every method requires IAM authorization (SigV4) and
//! validates requests; loosening is `.authorization_none(reason)`, which
//! records the reason as checkov's CKV_AWS_59 skip. The stage (`prod`) has
//! X-Ray tracing on, CloudWatch metrics on, execution logging at `ERROR`
//! without request/response bodies, and access logs in JSON
//! ([`ACCESS_LOG_FORMAT`]) to a dedicated log group (`ApiAccessLogs`, kept
//! one year, with the log group construct's own encryption defaults) or the
//! one passed to [`RestApi::access_logs`].
//! Caching is off (it is billed by the hour and serves stale answers unless
//! each method opts in), recorded as checkov's CKV_AWS_120 skip;
//! [`RestApi::cache`] turns on an encrypted cache cluster.
//!
//! The deployment is replaced whenever the method set changes: its logical
//! id ends in the first 8 hex digits of a content hash of every method
//! (verb, path, authorization, integration), shown whole in its
//! `Description`. The hash is deterministic: the same program always gives
//! the same id, and an unchanged API is never redeployed.
//!
//! The account's CloudWatch role (`AWS::ApiGateway::Account`) is one
//! setting per account and region, needed for execution logs. The first API
//! of a stack creates it by default and later ones share it; where another
//! stack of the account and region manages it, call
//! [`RestApi::without_cloudwatch_role`] (two stacks both setting it would
//! overwrite each other). The role and the setting are always retained,
//! whatever the stack's removal policy (as AWS CDK's `cloudWatchRole` is):
//! deleting one environment's stack must not break execution logging for
//! every API of the account and region.
//!
//! A request validator (bodies and parameters) comes with the hardened
//! security profile or [`RestApi::request_validation`]; it checks bodies only
//! against the models a method declares, so the default profile leaves it out.

mod api_ref;
mod deployment;
mod method;

pub use api_ref::{ApiResource, RestApiRef};
pub use method::{Integration, LambdaIntegration, Method, MethodRef, MockIntegration};

use cfnkit_core::conventions::SecurityProfile;
use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::{Handle, RemovalPolicy};
use cfnkit_core::token::Value;
use cfnkit_core::tree::{Ack, Stack};
use cfnkit_l1::apigateway as l1;

use crate::arn;
use crate::iam::{Principal, Role};
use crate::logs::{LogGroup, LogGroupRef, Retention};

/// An HTTP verb a method answers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
    /// `HEAD`
    Head,
    /// `OPTIONS`
    Options,
    /// `ANY`: every verb.
    Any,
}

impl HttpMethod {
    /// The verb as API Gateway writes it (`GET`, `ANY`).
    pub fn name(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Head => "HEAD",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Any => "ANY",
        }
    }

    /// The verb in an `execute-api` ARN (`*` for `ANY`).
    pub fn arn_part(self) -> &'static str {
        match self {
            HttpMethod::Any => "*",
            m => m.name(),
        }
    }
}

/// Where the API is served from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum EndpointType {
    /// `REGIONAL`: in the stack's region (the default).
    #[default]
    Regional,
    /// `EDGE`: through CloudFront's edge locations.
    Edge,
    /// `PRIVATE`: only from VPCs, through interface endpoints.
    Private,
}

impl EndpointType {
    fn name(self) -> &'static str {
        match self {
            EndpointType::Regional => "REGIONAL",
            EndpointType::Edge => "EDGE",
            EndpointType::Private => "PRIVATE",
        }
    }
}

/// How much the stage writes to its execution log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LoggingLevel {
    /// `INFO`: every request.
    Info,
    /// `ERROR`: failed requests only (the default).
    #[default]
    Error,
    /// `OFF`: nothing.
    Off,
}

impl LoggingLevel {
    fn name(self) -> &'static str {
        match self {
            LoggingLevel::Info => "INFO",
            LoggingLevel::Error => "ERROR",
            LoggingLevel::Off => "OFF",
        }
    }
}

/// The size of a stage's cache cluster (billed by the hour).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // the names are the sizes
pub enum CacheSize {
    Gb0_5,
    Gb1_6,
    Gb6_1,
    Gb13_5,
    Gb28_4,
    Gb58_2,
    Gb118,
    Gb237,
}

impl CacheSize {
    fn name(self) -> &'static str {
        match self {
            CacheSize::Gb0_5 => "0.5",
            CacheSize::Gb1_6 => "1.6",
            CacheSize::Gb6_1 => "6.1",
            CacheSize::Gb13_5 => "13.5",
            CacheSize::Gb28_4 => "28.4",
            CacheSize::Gb58_2 => "58.2",
            CacheSize::Gb118 => "118",
            CacheSize::Gb237 => "237",
        }
    }
}

/// The access log format: one JSON object a request, with the standard
/// `$context` fields (`requestId` first, as API Gateway requires).
pub const ACCESS_LOG_FORMAT: &str = concat!(
    r#"{"requestId":"$context.requestId","extendedRequestId":"$context.extendedRequestId","#,
    r#""requestTime":"$context.requestTime","httpMethod":"$context.httpMethod","#,
    r#""resourcePath":"$context.resourcePath","path":"$context.path","status":"$context.status","#,
    r#""protocol":"$context.protocol","responseLength":"$context.responseLength","#,
    r#""responseLatency":"$context.responseLatency","integrationLatency":"$context.integrationLatency","#,
    r#""integrationStatus":"$context.integrationStatus","sourceIp":"$context.identity.sourceIp","#,
    r#""userAgent":"$context.identity.userAgent","caller":"$context.identity.caller","#,
    r#""user":"$context.identity.user","errorMessage":$context.error.messageString}"#
);

/// Where the stage's access logs go.
#[derive(Clone, Debug, PartialEq)]
enum AccessLogs {
    Dedicated,
    To(LogGroupRef),
    Off(String),
}

/// A REST API with its deployment, its stage and (by default) the
/// account's CloudWatch role. Methods are added on the returned handle.
///
/// ```
/// use cfnkit::constructs::apigateway::{LambdaIntegration, LoggingLevel, Method, MockIntegration, RestApi};
/// use cfnkit::constructs::lambda::{Code, Function, Runtime};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let name = stack.suffix().name("payment-api");
/// let validator = Function::new("Validator", Runtime::Nodejs24x, Code::inline("exports.handler = async () => ({});"))
///     .add_to(stack);
/// let api = RestApi::new("Api").name(name).throttling(1000.0, 2000).logging_level(LoggingLevel::Info).add_to(stack);
/// api.add_method(stack, Method::post("/validate", LambdaIntegration::new(validator)));
/// api.add_method(
///     stack,
///     Method::get("/health", MockIntegration::respond(200, r#"{"status":"healthy"}"#))
///         .authorization_none("public health probe; returns a constant"),
/// );
/// let _url = api.url();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct RestApi {
    id: String,
    name: Option<Value<String>>,
    description: Option<String>,
    endpoint: EndpointType,
    stage_name: String,
    throttling: Option<(f64, u32)>,
    logging: LoggingLevel,
    data_trace: bool,
    metrics: bool,
    tracing: Option<String>,
    access_logs: AccessLogs,
    access_log_format: String,
    cache: Option<CacheSize>,
    cloudwatch_role: bool,
    request_validation: RequestValidation,
}

impl RestApi {
    /// A regional API with the secure defaults; name it with [`RestApi::name`].
    pub fn new(id: &str) -> Self {
        RestApi {
            id: id.to_string(),
            name: None,
            description: None,
            endpoint: EndpointType::Regional,
            stage_name: "prod".into(),
            throttling: None,
            logging: LoggingLevel::Error,
            data_trace: false,
            metrics: true,
            tracing: None,
            access_logs: AccessLogs::Dedicated,
            access_log_format: ACCESS_LOG_FORMAT.to_string(),
            cache: None,
            cloudwatch_role: true,
            request_validation: RequestValidation::Profile,
        }
    }
    /// Sets `Name` (the construct id when unset; suffix it with the environment).
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Sets `Description`.
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.to_string());
        self
    }
    /// Sets the endpoint type (`REGIONAL` by default).
    pub fn endpoint_type(mut self, e: EndpointType) -> Self {
        self.endpoint = e;
        self
    }
    /// Sets the stage name (`prod` by default; letters, digits, `-` and `_`).
    pub fn stage_name(mut self, n: &str) -> Self {
        self.stage_name = n.to_string();
        self
    }
    /// Throttles every method of the stage: `rate` requests a second on
    /// average (at least 0), bursts of `burst` (0 to 5,000). Unset, the
    /// account's limits apply.
    pub fn throttling(mut self, rate: f64, burst: u32) -> Self {
        self.throttling = Some((rate, burst));
        self
    }
    /// Sets the execution log level (`ERROR` by default).
    pub fn logging_level(mut self, l: LoggingLevel) -> Self {
        self.logging = l;
        self
    }
    /// Logs full requests and responses in the execution log (off by
    /// default: bodies can hold personal data and secrets).
    pub fn with_data_trace(mut self) -> Self {
        self.data_trace = true;
        self
    }
    /// Turns detailed CloudWatch metrics off (on by default).
    pub fn without_metrics(mut self) -> Self {
        self.metrics = false;
        self
    }
    /// Turns X-Ray tracing off, saying why (recorded as the CKV_AWS_73 skip).
    pub fn without_tracing(mut self, reason: &str) -> Self {
        self.tracing = Some(reason.to_string());
        self
    }
    /// Sends access logs to `group` instead of a dedicated log group (the
    /// ARN is written without the `:*` suffix).
    pub fn access_logs(mut self, group: LogGroupRef) -> Self {
        self.access_logs = AccessLogs::To(group);
        self
    }
    /// Sets the access log format (must contain `$context.requestId` or
    /// `$context.extendedRequestId`); [`ACCESS_LOG_FORMAT`] by default.
    pub fn access_log_format(mut self, f: &str) -> Self {
        self.access_log_format = f.to_string();
        self
    }
    /// Turns access logging off, saying why (recorded as the CKV_AWS_76 skip).
    pub fn without_access_logs(mut self, reason: &str) -> Self {
        self.access_logs = AccessLogs::Off(reason.to_string());
        self
    }
    /// Turns on an encrypted cache cluster of `size` for every method
    /// (5-minute TTL; billed by the hour).
    pub fn cache(mut self, size: CacheSize) -> Self {
        self.cache = Some(size);
        self
    }
    /// Adds the API's request validator (bodies and parameters) under every
    /// security profile; methods use it unless they opt out.
    pub fn request_validation(mut self) -> Self {
        self.request_validation = RequestValidation::Always;
        self
    }
    /// Leaves the account's CloudWatch role (`AWS::ApiGateway::Account`) to
    /// another stack: it is one setting per account and region.
    pub fn without_cloudwatch_role(mut self) -> Self {
        self.cloudwatch_role = false;
        self
    }

    fn check(&self, path: &str, out: &mut Vec<Diagnostic>) {
        let stage = &self.stage_name;
        let ok = (1..=128).contains(&stage.len())
            && stage.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            out.push(
                Diagnostic::error_of(DiagKind::Pattern, path, "invalid stage name")
                    .property("StageName")
                    .value(format!("{stage:?}"))
                    .allowed("1 to 128 letters, digits, '-' and '_'"),
            );
        }
        if let Some((rate, burst)) = self.throttling {
            if !(rate.is_finite() && rate >= 0.0) {
                out.push(
                    Diagnostic::error_of(DiagKind::OutOfRange, path, "throttling rate out of range")
                        .property("MethodSettings.ThrottlingRateLimit")
                        .value(rate.to_string())
                        .allowed("0 or more requests a second"),
                );
            }
            if burst > 5000 {
                out.push(
                    Diagnostic::error_of(DiagKind::OutOfRange, path, "throttling burst out of range")
                        .property("MethodSettings.ThrottlingBurstLimit")
                        .value(burst.to_string())
                        .allowed("0 to 5000 requests"),
                );
            }
        }
        let f = &self.access_log_format;
        if !f.contains("$context.requestId") && !f.contains("$context.extendedRequestId") {
            out.push(
                Diagnostic::error_of(DiagKind::Missing, path, "access log format without a request id")
                    .property("AccessLogSetting.Format")
                    .value(format!("{f:?}"))
                    .allowed("a format containing $context.requestId or $context.extendedRequestId"),
            );
        }
        if let AccessLogs::Off(reason) = &self.access_logs {
            if reason_missing(reason) {
                out.push(reason_error(path, "AccessLogSetting", "without_access_logs"));
            }
        }
        if let Some(reason) = &self.tracing {
            if reason_missing(reason) {
                out.push(reason_error(path, "TracingEnabled", "without_tracing"));
            }
        }
        if !self.cloudwatch_role && self.logging != LoggingLevel::Off {
            out.push(
                Diagnostic::warning_of(
                    DiagKind::Wiring,
                    path,
                    "execution logging needs the account's CloudWatch role, which this API leaves to another stack",
                )
                .property("MethodSettings.LoggingLevel"),
            );
        }
    }

    /// Adds the API, its validator, deployment and stage (and the account's
    /// CloudWatch role, and the access log group) to the stack.
    pub fn add_to(mut self, stack: &mut Stack) -> RestApiRef {
        let scope = stack.construct(&self.id);
        let path = stack.path_of_node(scope).unwrap_or_default();
        let mut diags = Vec::new();
        self.check(&format!("{path}/DeploymentStage"), &mut diags);
        for d in diags {
            stack.report(d);
        }
        let mut api = l1::RestApi::new()
            .name(self.name.clone().unwrap_or_else(|| Value::Lit(self.id.clone())))
            .endpoint_configuration(
                l1::RestApiEndpointConfiguration::new().types(vec![Value::Lit(self.endpoint.name().to_string())]),
            );
        if let Some(d) = &self.description {
            api = api.description(d.clone());
        }
        let handle = stack.within(scope, |s| s.add("Resource", api));
        if self.access_logs == AccessLogs::Dedicated {
            let group = stack.within(scope, |s| LogGroup::new("AccessLogs", Retention::OneYear).add_to(s));
            self.access_logs = AccessLogs::To(group);
        }

        let account = self.cloudwatch_role.then(|| account_setting(stack, handle));

        let validate = self.request_validation == RequestValidation::Always
            || stack.security_profile() == SecurityProfile::Hardened;
        let validator = validate.then(|| {
            stack.within(scope, |s| {
                s.add(
                    "RequestValidator",
                    l1::RequestValidator::new(Value::from(handle.reference()))
                        .name("body-and-parameters")
                        .validate_request_body(true)
                        .validate_request_parameters(true),
                )
            })
        });
        let resources = stack.within(scope, |s| s.construct("Default"));

        let deployment =
            stack.within(scope, |s| s.add("Deployment", l1::Deployment::new(Value::from(handle.reference()))));
        deployment::stamp(stack, deployment, deployment::EMPTY);

        let stage = self.stage(stack, scope, handle, deployment);
        if let Some(a) = account {
            stack.add_dependency(stage.id(), a.id());
        }
        let name = self.name.clone().unwrap_or_else(|| Value::Lit(self.id.clone()));
        stack.record_fact(handle.id(), ApiFacts { name, stage: self.stage_name.clone() });
        RestApiRef::new(handle, deployment, stage, validator, resources)
    }

    fn stage(
        &self,
        stack: &mut Stack,
        scope: cfnkit_core::tree::NodeId,
        api: Handle<l1::RestApi>,
        deployment: Handle<l1::Deployment>,
    ) -> Handle<l1::Stage> {
        let mut all = l1::MethodSetting::new()
            .http_method("*")
            .resource_path("/*")
            .logging_level(self.logging.name())
            .data_trace_enabled(self.data_trace)
            .metrics_enabled(self.metrics);
        if let Some((rate, burst)) = self.throttling {
            all = all.throttling_rate_limit(rate).throttling_burst_limit(i64::from(burst));
        }
        if self.cache.is_some() {
            all = all.caching_enabled(true).cache_data_encrypted(true).cache_ttl_in_seconds(300);
        }
        let mut st = l1::Stage::new(Value::from(api.reference()))
            .stage_name(self.stage_name.clone())
            .deployment_id(Value::from(deployment.reference()))
            .tracing_enabled(self.tracing.is_none())
            .method_settings(vec![all]);
        if let AccessLogs::To(group) = &self.access_logs {
            let destination = arn::regional("logs", "log-group:${Name}", [("Name", group.name())]);
            st = st.access_log_setting(
                l1::AccessLogSetting::new()
                    .destination_arn(Value::from(destination))
                    .format(self.access_log_format.clone()),
            );
        }
        if let Some(size) = self.cache {
            st = st.cache_cluster_enabled(true).cache_cluster_size(size.name());
        }
        let stage = stack.within(scope, |s| s.add("DeploymentStage", st));
        if self.cache.is_none() {
            stack.acknowledge(
                stage.id(),
                Ack::Checkov {
                    id: "CKV_AWS_120".into(),
                    reason: "caching is off by default: a cache cluster is billed by the hour and serves stale \
                             responses unless each method opts in; turn it on with RestApi::cache"
                        .into(),
                },
            );
        }
        if let Some(reason) = &self.tracing {
            stack.acknowledge(stage.id(), Ack::Checkov { id: "CKV_AWS_73".into(), reason: reason.clone() });
        }
        if let AccessLogs::Off(reason) = &self.access_logs {
            stack.acknowledge(stage.id(), Ack::Checkov { id: "CKV_AWS_76".into(), reason: reason.clone() });
        }
        stage
    }
}

/// The account's CloudWatch role setting, once per stack: a construct
/// `ApiGatewayAccount` at the stack's root (`ApiGatewayAccount` and
/// `ApiGatewayAccountCloudWatchRole`), made by the first API and shared by
/// the others.
/// Whether the API gets a request validator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RequestValidation {
    /// Under the hardened security profile only.
    Profile,
    /// Under every profile ([`RestApi::request_validation`]).
    Always,
}

/// What other constructs read about an API, in any stack of the app: its
/// name (the `ApiName` metric dimension) and its stage's name.
#[derive(Clone, Debug)]
pub(crate) struct ApiFacts {
    pub(crate) name: Value<String>,
    pub(crate) stage: String,
}

/// The stack fact holding its API Gateway account setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct StackApiGatewayAccount(Handle<l1::Account>);

/// The account's CloudWatch role and setting, once a stack (a typed stack
/// fact). Both are retained whatever the stack's removal policy: they serve
/// every API of the account and region, not this stack alone.
fn account_setting(stack: &mut Stack, api: Handle<l1::RestApi>) -> Handle<l1::Account> {
    if let Some(StackApiGatewayAccount(account)) = stack.stack_fact() {
        return account;
    }
    let root = stack.root();
    let removal = RemovalPolicy::Retain;
    let scope = stack.within(root, |s| s.construct("ApiGatewayAccount"));
    let role = stack.within(scope, |s| {
        Role::new("CloudWatchRole", Principal::service("apigateway.amazonaws.com"))
            .description("Lets API Gateway write execution logs of the account's APIs to CloudWatch Logs")
            .managed_policy("service-role/AmazonAPIGatewayPushToCloudWatchLogs")
            .add_to(s)
    });
    stack.set_removal_policy(role.handle().id(), removal);
    let account =
        stack.within(scope, |s| s.add("Resource", l1::Account::new().cloud_watch_role_arn(Value::from(role.arn()))));
    stack.set_removal_policy(account.id(), removal);
    // The account setting is refused in a region with no API yet.
    stack.add_dependency(account.id(), api.id());
    stack.set_stack_fact(StackApiGatewayAccount(account));
    account
}

fn reason_missing(reason: &str) -> bool {
    reason.trim().is_empty()
}

fn reason_error(path: &str, property: &str, call: &str) -> Diagnostic {
    Diagnostic::error_of(DiagKind::Missing, path, format!("{call} needs a reason"))
        .property(property)
        .allowed("a sentence saying why the default does not apply")
}
