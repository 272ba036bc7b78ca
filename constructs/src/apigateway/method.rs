//! Methods and their integrations: [`Method`], [`LambdaIntegration`]
//! (proxy, with the invoke permission scoped to the method) and
//! [`MockIntegration`] (a constant answer, such as a health check).

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::fns;
use cfnkit_core::resource::Handle;
use cfnkit_core::token::Value;
use cfnkit_core::units::Duration;
use cfnkit_l1::apigateway as l1;
use cfnkit_l1::lambda::Permission;

use super::HttpMethod;
use crate::lambda::FunctionRef;

/// A Lambda proxy integration (`AWS_PROXY`): the function gets the whole
/// request and returns the whole response. Adding the method also adds an
/// `AWS::Lambda::Permission` letting API Gateway invoke the function for
/// this verb and path only (any stage, so the console's test calls work).
///
/// ```
/// use cfnkit_constructs::apigateway::LambdaIntegration;
/// use cfnkit_constructs::lambda::{Code, Function, Runtime};
/// use cfnkit_core::tree::App;
/// use cfnkit_core::units::Duration;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let f = Function::new("Validate", Runtime::Nodejs24x, Code::inline("exports.handler = async () => ({});")).add_to(stack);
/// let integration = LambdaIntegration::new(f).timeout(Duration::seconds(10));
/// # let _ = integration;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LambdaIntegration {
    function: FunctionRef,
    timeout: Option<Duration>,
}

impl LambdaIntegration {
    /// A proxy integration with `function` (API Gateway's 29-second timeout).
    pub fn new(function: FunctionRef) -> Self {
        LambdaIntegration { function, timeout: None }
    }
    /// Sets the integration timeout (1 to 29 seconds without a raised quota).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }
}

/// A mock integration: API Gateway answers by itself with a fixed status
/// and body (request template `{"statusCode": <status>}`).
///
/// ```
/// use cfnkit_constructs::apigateway::MockIntegration;
/// let health = MockIntegration::respond(200, r#"{"status":"healthy"}"#);
/// # let _ = health;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MockIntegration {
    status: u16,
    body: String,
}

impl MockIntegration {
    /// Answers every request with `status` (100 to 599) and the
    /// `application/json` response template `body`.
    pub fn respond(status: u16, body: &str) -> Self {
        MockIntegration { status, body: body.to_string() }
    }
}

/// What a method calls.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Integration {
    /// A Lambda function, as a proxy.
    Lambda(LambdaIntegration),
    /// A fixed answer.
    Mock(MockIntegration),
}

impl From<LambdaIntegration> for Integration {
    fn from(i: LambdaIntegration) -> Self {
        Integration::Lambda(i)
    }
}

impl From<MockIntegration> for Integration {
    fn from(i: MockIntegration) -> Self {
        Integration::Mock(i)
    }
}

/// Who may call a method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Authorization {
    /// `AWS_IAM`: SigV4-signed calls by principals allowed `execute-api:Invoke`.
    Iam,
    /// `NONE`, with the reason.
    None(String),
}

/// A method: a verb on a path, its integration and who may call it.
///
/// Secure by default: `AWS_IAM` authorization (grant callers with
/// [`RestApiRef::grant_invoke`](super::RestApiRef::grant_invoke)) and the
/// API's request validator (bodies and parameters) when the API has one
/// (hardened security profile, or [`RestApi::request_validation`](super::RestApi::request_validation)).
///
/// ```
/// use cfnkit_constructs::apigateway::{HttpMethod, Method, MockIntegration};
/// let m = Method::new(HttpMethod::Get, "/health", MockIntegration::respond(200, "{}"))
///     .authorization_none("public health probe; returns a constant");
/// # let _ = m;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Method {
    pub(crate) verb: HttpMethod,
    pub(crate) path: String,
    pub(crate) integration: Integration,
    pub(crate) authorization: Authorization,
    pub(crate) validate: bool,
    pub(crate) api_key: bool,
    pub(crate) operation: Option<String>,
}

impl Method {
    /// `verb` on `path` (`/`, `/orders`, `/orders/{id}`, `/files/{path+}`).
    pub fn new(verb: HttpMethod, path: &str, integration: impl Into<Integration>) -> Self {
        Method {
            verb,
            path: path.to_string(),
            integration: integration.into(),
            authorization: Authorization::Iam,
            validate: true,
            api_key: false,
            operation: None,
        }
    }
    /// `GET` on `path`.
    pub fn get(path: &str, integration: impl Into<Integration>) -> Self {
        Method::new(HttpMethod::Get, path, integration)
    }
    /// `POST` on `path`.
    pub fn post(path: &str, integration: impl Into<Integration>) -> Self {
        Method::new(HttpMethod::Post, path, integration)
    }
    /// `PUT` on `path`.
    pub fn put(path: &str, integration: impl Into<Integration>) -> Self {
        Method::new(HttpMethod::Put, path, integration)
    }
    /// `PATCH` on `path`.
    pub fn patch(path: &str, integration: impl Into<Integration>) -> Self {
        Method::new(HttpMethod::Patch, path, integration)
    }
    /// `DELETE` on `path`.
    pub fn delete(path: &str, integration: impl Into<Integration>) -> Self {
        Method::new(HttpMethod::Delete, path, integration)
    }
    /// `ANY` on `path`.
    pub fn any(path: &str, integration: impl Into<Integration>) -> Self {
        Method::new(HttpMethod::Any, path, integration)
    }
    /// Lets anyone call the method, saying why (recorded as the checkov
    /// CKV_AWS_59 skip on the method).
    pub fn authorization_none(mut self, reason: &str) -> Self {
        self.authorization = Authorization::None(reason.to_string());
        self
    }
    /// Requires an API key (`x-api-key`; keys come with a usage plan).
    pub fn api_key_required(mut self) -> Self {
        self.api_key = true;
        self
    }
    /// Sets `OperationName` (the name SDKs generate for the method).
    pub fn operation_name(mut self, n: &str) -> Self {
        self.operation = Some(n.to_string());
        self
    }
    /// Skips the API's request validator for this method.
    pub fn without_request_validation(mut self) -> Self {
        self.validate = false;
        self
    }

    /// `/orders/{id}` as an `execute-api` ARN resource: path parameters become `*`.
    pub(crate) fn arn_path(path: &str) -> String {
        path.split('/')
            .map(|p| if p.starts_with('{') && p.ends_with('}') { "*" } else { p })
            .collect::<Vec<_>>()
            .join("/")
    }

    pub(crate) fn check(&self, path: &str, out: &mut Vec<Diagnostic>) {
        match &self.integration {
            Integration::Lambda(l) => {
                if let Some(t) = l.timeout {
                    let s = t.to_seconds();
                    // TimeoutInMillis is a 32-bit integer in the API.
                    if s == 0 || t.to_millis() > i32::MAX as u64 {
                        out.push(
                            Diagnostic::error(path, "integration timeout out of range")
                                .property("Integration.TimeoutInMillis")
                                .value(t.to_string())
                                .allowed("1 to 29 seconds (more only with a raised quota, regional and private APIs)"),
                        );
                    } else if s > 29 {
                        out.push(
                            Diagnostic::warning(
                                path,
                                format!(
                                    "integration timeout of {t} needs a raised quota (regional and private APIs only)"
                                ),
                            )
                            .property("Integration.TimeoutInMillis"),
                        );
                    }
                }
            }
            Integration::Mock(m) => {
                if !(100..=599).contains(&m.status) {
                    out.push(
                        Diagnostic::error(path, "mock status code out of range")
                            .property("Integration.IntegrationResponses.StatusCode")
                            .value(m.status.to_string())
                            .allowed("100 to 599"),
                    );
                }
            }
        }
        if let Authorization::None(reason) = &self.authorization {
            if reason.trim().is_empty() {
                out.push(
                    Diagnostic::error(path, "authorization_none needs a reason")
                        .property("AuthorizationType")
                        .allowed("a sentence saying why anyone may call this method"),
                );
            }
        }
    }

    /// The L1 method (and, for Lambda, the permission to add beside it).
    pub(crate) fn to_l1(
        &self,
        api: Handle<l1::RestApi>,
        resource_id: Value<String>,
        validator: Option<Handle<l1::RequestValidator>>,
    ) -> (l1::Method, Option<Permission>) {
        let mut m = l1::Method::new(self.verb.name(), resource_id, Value::from(api.reference()));
        m = m.authorization_type(match self.authorization {
            Authorization::Iam => "AWS_IAM",
            Authorization::None(_) => "NONE",
        });
        if self.api_key {
            m = m.api_key_required(true);
        }
        if let Some(n) = &self.operation {
            m = m.operation_name(n.clone());
        }
        if let (true, Some(v)) = (self.validate, validator) {
            m = m.request_validator_id(Value::from(v.reference()));
        }
        let mut permission = None;
        match &self.integration {
            Integration::Lambda(l) => {
                let uri = fns::sub(
                    "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${FunctionArn}/invocations",
                )
                .var("FunctionArn", l.function.arn());
                let mut i =
                    l1::Integration::new("AWS_PROXY").integration_http_method("POST").uri(Value::from(uri.expr()));
                if let Some(t) = l.timeout {
                    i = i.timeout_in_millis(t.to_millis() as i64);
                }
                m = m.integration(i);
                let source = fns::sub(format!(
                    "arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{Api}}/*/{}{}",
                    self.verb.arn_part(),
                    Self::arn_path(&self.path)
                ))
                .var("Api", api.reference());
                permission = Some(
                    Permission::new("lambda:InvokeFunction", Value::from(l.function.arn()), "apigateway.amazonaws.com")
                        .source_arn(Value::from(source.expr())),
                );
            }
            Integration::Mock(mock) => {
                let status = mock.status.to_string();
                let i = l1::Integration::new("MOCK")
                    .request_templates([("application/json", format!("{{\"statusCode\": {status}}}"))])
                    .integration_responses([l1::IntegrationResponse::new(status.clone())
                        .response_templates([("application/json", mock.body.clone())])]);
                m = m.integration(i).method_responses([l1::MethodResponse::new(status)]);
            }
        }
        (m, permission)
    }
}

/// A method added to an API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MethodRef {
    pub(crate) method: Handle<l1::Method>,
    pub(crate) permission: Option<Handle<Permission>>,
}

impl MethodRef {
    /// The L1 handle of the method.
    pub fn handle(self) -> Handle<l1::Method> {
        self.method
    }
    /// The Lambda permission of a Lambda integration.
    pub fn permission(self) -> Option<Handle<Permission>> {
        self.permission
    }
}
