//! REST APIs through synthesis: the API, the account's CloudWatch role,
//! methods and integrations here; the deployment, the stage, references,
//! grants and metrics in `apigateway/stage.rs`.

use cfnkit_constructs::apigateway::{
    EndpointType, HttpMethod, LambdaIntegration, Method, MockIntegration, RestApi, RestApiRef,
};
use cfnkit_constructs::lambda::{Code, Function, FunctionRef, Runtime};
use cfnkit_constructs::logs::{LogGroup, Retention};
use cfnkit_core::conventions::{Conventions, SecurityProfile};
use cfnkit_core::diag::{Diagnostic, Severity};
use cfnkit_core::tree::{App, Stack};
use cfnkit_core::units::Duration;
use serde_json::{json, Value};

fn template(build: impl FnOnce(&mut Stack)) -> Value {
    let mut app = App::new();
    build(app.stack("test"));
    let out = app.synth().unwrap_or_else(|e| panic!("synthesis failed: {e}"));
    out.stacks[0].template.clone()
}

fn errors(build: impl FnOnce(&mut Stack)) -> Vec<Diagnostic> {
    let mut app = App::new();
    build(app.stack("test"));
    match app.synth() {
        Ok(_) => panic!("synthesis succeeded; expected errors"),
        Err(e) => e.diagnostics,
    }
}

fn find<'a>(diags: &'a [Diagnostic], problem: &str) -> &'a Diagnostic {
    diags.iter().find(|d| d.problem.contains(problem)).unwrap_or_else(|| panic!("no {problem:?} in {diags:#?}"))
}

fn function(stack: &mut Stack, id: &str) -> FunctionRef {
    Function::new(id, Runtime::Nodejs24x, Code::inline("exports.handler = async () => ({ statusCode: 200 });"))
        .add_to(stack)
}

/// An API with its access logs, the rest default.
fn api(stack: &mut Stack, build: impl FnOnce(RestApi) -> RestApi) -> RestApiRef {
    let logs = LogGroup::new("ApiLogs", Retention::OneWeek).add_to(stack);
    build(RestApi::new("Api").access_logs(logs)).add_to(stack)
}

fn health() -> Method {
    Method::get("/health", MockIntegration::respond(200, r#"{"status":"healthy"}"#))
        .authorization_none("public health probe; returns a constant")
}

fn resource<'a>(t: &'a Value, id: &str) -> &'a Value {
    let r = &t["Resources"][id];
    assert!(!r.is_null(), "no resource {id} in {}", t["Resources"]);
    r
}

fn ids_of_type(t: &Value, ty: &str) -> Vec<String> {
    t["Resources"].as_object().unwrap().iter().filter(|(_, r)| r["Type"] == ty).map(|(k, _)| k.clone()).collect()
}

fn deployment_id(t: &Value) -> String {
    let ids = ids_of_type(t, "AWS::ApiGateway::Deployment");
    assert_eq!(ids.len(), 1, "one deployment");
    ids[0].clone()
}

// ------------------------------------------------------------------ the API

#[test]
fn rest_api_is_regional_and_named_after_its_id_by_default() {
    let t = template(|s| {
        api(s, |a| a);
    });
    let p = &resource(&t, "Api")["Properties"];
    assert_eq!(p["EndpointConfiguration"], json!({"Types": ["REGIONAL"]}));
    assert_eq!(p["Name"], "Api");
}

#[test]
fn rest_api_name_description_and_endpoint_type_are_written() {
    let t = template(|s| {
        let name = s.suffix().name("payment-api");
        api(s, |a| a.name(name).description("Payments").endpoint_type(EndpointType::Edge));
    });
    let p = &resource(&t, "Api")["Properties"];
    assert_eq!(p["Name"], json!({"Fn::Sub": "payment-api-${EnvironmentSuffix}"}));
    assert_eq!(p["Description"], "Payments");
    assert_eq!(p["EndpointConfiguration"], json!({"Types": ["EDGE"]}));
}

#[test]
fn rest_api_has_a_request_validator_for_bodies_and_parameters_when_hardened() {
    let mut app = App::new();
    let s = app.stack("test");
    s.set_security_profile(SecurityProfile::Hardened);
    api(s, |a| a);
    let t = app.synth().unwrap().stacks[0].template.clone();
    let p = &resource(&t, "ApiRequestValidator")["Properties"];
    assert_eq!(p["RestApiId"], json!({"Ref": "Api"}));
    assert_eq!(p["ValidateRequestBody"], true);
    assert_eq!(p["ValidateRequestParameters"], true);
}

#[test]
fn rest_api_has_no_request_validator_under_the_default_profile_unless_asked() {
    let t = template(|s| {
        api(s, |a| a);
    });
    assert!(ids_of_type(&t, "AWS::ApiGateway::RequestValidator").is_empty());
    let t = template(|s| {
        api(s, RestApi::request_validation);
    });
    assert_eq!(ids_of_type(&t, "AWS::ApiGateway::RequestValidator"), ["ApiRequestValidator"]);
}

#[test]
fn rest_api_is_tagged_with_the_stack_conventions() {
    let mut app = App::new();
    let s = app.stack("test").conventions(Conventions::tap("testing"));
    api(s, |a| a);
    let t = app.synth().unwrap().stacks[0].template.clone();
    for id in ["Api", "ApiDeploymentStage"] {
        let tags = resource(&t, id)["Properties"]["Tags"].as_array().unwrap().clone();
        assert!(tags.contains(&json!({"Key": "Purpose", "Value": "testing"})), "{id}");
    }
}

// ------------------------------------------------------- the CloudWatch role

#[test]
fn rest_api_sets_the_account_cloudwatch_role_by_default() {
    let t = template(|s| {
        api(s, |a| a);
    });
    let role = &resource(&t, "ApiGatewayAccountCloudWatchRole")["Properties"];
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Service": "apigateway.amazonaws.com"})
    );
    assert_eq!(
        role["ManagedPolicyArns"],
        json!([{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"}])
    );
    let account = resource(&t, "ApiGatewayAccount");
    assert_eq!(
        account["Properties"]["CloudWatchRoleArn"],
        json!({"Fn::GetAtt": ["ApiGatewayAccountCloudWatchRole", "Arn"]})
    );
    assert_eq!(account["DependsOn"], json!(["Api"]));
    assert_eq!(resource(&t, "ApiDeploymentStage")["DependsOn"], json!(["ApiGatewayAccount"]));
}

#[test]
fn cloudwatch_role_and_account_are_retained_whatever_the_stack_removal_policy() {
    let t = template(|s| {
        api(s, |a| a);
    });
    assert_eq!(resource(&t, "ApiGatewayAccountCloudWatchRole")["DeletionPolicy"], "Retain");
    assert_eq!(resource(&t, "ApiGatewayAccount")["DeletionPolicy"], "Retain");
    let mut app = App::new();
    let s = app.stack("test").conventions(Conventions::tap("testing"));
    api(s, |a| a);
    let t = app.synth().unwrap().stacks[0].template.clone();
    assert_eq!(t["Resources"]["ApiGatewayAccount"]["DeletionPolicy"], "Retain", "shared by the account and region");
    assert_eq!(t["Resources"]["ApiGatewayAccountCloudWatchRole"]["DeletionPolicy"], "Retain");
    assert_eq!(t["Resources"]["ApiGatewayAccountCloudWatchRole"]["UpdateReplacePolicy"], "Retain");
    assert_eq!(t["Resources"]["Api"].get("DeletionPolicy"), None);
}

#[test]
fn apis_of_one_stack_share_one_account_setting() {
    let t = template(|s| {
        api(s, |a| a);
        let logs = LogGroup::new("OtherLogs", Retention::OneWeek).add_to(s);
        let nested = s.construct("Nested");
        s.within(nested, |s| RestApi::new("Other").access_logs(logs).add_to(s));
    });
    assert_eq!(ids_of_type(&t, "AWS::ApiGateway::Account"), ["ApiGatewayAccount"]);
    assert_eq!(ids_of_type(&t, "AWS::IAM::Role"), ["ApiGatewayAccountCloudWatchRole"]);
    assert_eq!(resource(&t, "ApiGatewayAccount")["DependsOn"], json!(["Api"]));
    assert_eq!(resource(&t, "NestedOtherDeploymentStage")["DependsOn"], json!(["ApiGatewayAccount"]));
}

#[test]
fn without_cloudwatch_role_leaves_the_account_setting_alone_and_warns_about_logging() {
    let mut app = App::new();
    let s = app.stack("test");
    api(s, RestApi::without_cloudwatch_role);
    let out = app.synth().unwrap();
    let t = &out.stacks[0].template;
    assert!(ids_of_type(t, "AWS::ApiGateway::Account").is_empty());
    assert!(ids_of_type(t, "AWS::IAM::Role").is_empty());
    assert!(out.warnings.iter().any(|w| w.problem.contains("execution logging needs the account's CloudWatch role")));
}

// ------------------------------------------------------------------ methods

#[test]
fn methods_require_iam_authorization_and_use_the_request_validator_by_default() {
    let t = template(|s| {
        let f = function(s, "Validator");
        let a = api(s, RestApi::request_validation);
        a.add_method(s, Method::post("/validate", LambdaIntegration::new(f)));
    });
    let p = &resource(&t, "ApiValidatePOST")["Properties"];
    assert_eq!(p["AuthorizationType"], "AWS_IAM");
    assert_eq!(p["HttpMethod"], "POST");
    assert_eq!(p["RequestValidatorId"], json!({"Ref": "ApiRequestValidator"}));
    assert_eq!(p["ResourceId"], json!({"Ref": "ApiValidate"}));
    assert_eq!(p["RestApiId"], json!({"Ref": "Api"}));
}

#[test]
fn authorization_none_opens_the_method_and_records_the_reason_for_checkov() {
    let t = template(|s| {
        let a = api(s, |a| a);
        a.add_method(s, health());
    });
    let m = resource(&t, "ApiHealthGET");
    assert_eq!(m["Properties"]["AuthorizationType"], "NONE");
    assert_eq!(
        m["Metadata"]["checkov"]["skip"],
        json!([{"id": "CKV_AWS_59", "comment": "public health probe; returns a constant"}])
    );
}

#[test]
fn authorization_none_needs_a_reason() {
    let d = errors(|s| {
        let a = api(s, |a| a);
        a.add_method(s, Method::get("/", MockIntegration::respond(200, "{}")).authorization_none(" "));
    });
    let e = find(&d, "authorization_none needs a reason");
    assert_eq!(e.path, "test/Api/Default/GET");
}

#[test]
fn method_options_are_written() {
    let t = template(|s| {
        let a = api(s, |a| a);
        a.add_method(
            s,
            Method::new(HttpMethod::Delete, "/orders", MockIntegration::respond(204, ""))
                .api_key_required()
                .operation_name("DeleteOrders")
                .without_request_validation(),
        );
    });
    let p = &resource(&t, "ApiOrdersDELETE")["Properties"];
    assert_eq!(p["ApiKeyRequired"], true);
    assert_eq!(p["OperationName"], "DeleteOrders");
    assert!(p.get("RequestValidatorId").is_none());
}

#[test]
fn lambda_integration_is_a_post_proxy_to_the_function_invocations() {
    let t = template(|s| {
        let f = function(s, "Validator");
        let a = api(s, |a| a);
        a.add_method(s, Method::post("/validate", LambdaIntegration::new(f).timeout(Duration::seconds(10))));
    });
    assert_eq!(
        resource(&t, "ApiValidatePOST")["Properties"]["Integration"],
        json!({
            "IntegrationHttpMethod": "POST",
            "TimeoutInMillis": 10000,
            "Type": "AWS_PROXY",
            "Uri": {"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Validator.Arn}/invocations"}
        })
    );
}

#[test]
fn lambda_integration_lets_api_gateway_invoke_for_that_method_only() {
    let t = template(|s| {
        let f = function(s, "Validator");
        let a = api(s, |a| a);
        a.add_method(s, Method::post("/validate", LambdaIntegration::new(f)));
    });
    assert_eq!(
        resource(&t, "ApiValidatePOSTPermission")["Properties"],
        json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": ["Validator", "Arn"]},
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/POST/validate"}
        })
    );
}

#[test]
fn permission_source_arns_turn_path_parameters_and_any_into_wildcards() {
    let t = template(|s| {
        let f = function(s, "Handler");
        let a = api(s, |a| a);
        a.add_method(s, Method::any("/orders/{id}", LambdaIntegration::new(f)));
        a.add_method(s, Method::get("/", LambdaIntegration::new(f)));
    });
    assert_eq!(
        resource(&t, "ApiOrdersIdParamANYPermission")["Properties"]["SourceArn"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/*/orders/*"})
    );
    assert_eq!(
        resource(&t, "ApiGETPermission")["Properties"]["SourceArn"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/GET/"})
    );
}

#[test]
fn mock_integration_answers_with_its_status_and_body() {
    let t = template(|s| {
        let a = api(s, |a| a);
        a.add_method(s, health());
    });
    let p = &resource(&t, "ApiHealthGET")["Properties"];
    assert_eq!(
        p["Integration"],
        json!({
            "IntegrationResponses": [{"ResponseTemplates": {"application/json": "{\"status\":\"healthy\"}"}, "StatusCode": "200"}],
            "RequestTemplates": {"application/json": "{\"statusCode\": 200}"},
            "Type": "MOCK"
        })
    );
    assert_eq!(p["MethodResponses"], json!([{"StatusCode": "200"}]));
    assert!(ids_of_type(&t, "AWS::Lambda::Permission").is_empty());
}

#[test]
fn root_methods_sit_on_the_root_resource() {
    let t = template(|s| {
        let a = api(s, |a| a);
        a.add_method(s, Method::get("/", MockIntegration::respond(200, "{}")));
    });
    assert_eq!(resource(&t, "ApiGET")["Properties"]["ResourceId"], json!({"Fn::GetAtt": ["Api", "RootResourceId"]}));
    assert!(ids_of_type(&t, "AWS::ApiGateway::Resource").is_empty());
}

#[test]
fn resources_nest_by_path_and_are_shared_between_methods() {
    let t = template(|s| {
        let a = api(s, |a| a);
        a.add_method(s, Method::get("/orders/{id}", MockIntegration::respond(200, "{}")));
        a.add_method(s, Method::delete("/orders/{id}", MockIntegration::respond(204, "")));
        a.add_method(s, Method::get("/files/{path+}", MockIntegration::respond(200, "{}")));
    });
    assert_eq!(
        ids_of_type(&t, "AWS::ApiGateway::Resource"),
        ["ApiOrders", "ApiOrdersIdParam", "ApiFiles", "ApiFilesPathGreedy"]
    );
    let id = &resource(&t, "ApiOrdersIdParam")["Properties"];
    assert_eq!(id["ParentId"], json!({"Ref": "ApiOrders"}));
    assert_eq!(id["PathPart"], "{id}");
    assert_eq!(resource(&t, "ApiFilesPathGreedy")["Properties"]["PathPart"], "{path+}");
    assert_eq!(resource(&t, "ApiOrdersIdParamDELETE")["Properties"]["ResourceId"], json!({"Ref": "ApiOrdersIdParam"}));
}

#[test]
fn resource_returns_the_existing_resource_for_a_known_path() {
    let mut app = App::new();
    let s = app.stack("test");
    let a = api(s, |a| a);
    let first = a.resource(s, "/orders/{id}");
    let again = a.resource(s, "/orders/{id}");
    assert_eq!(first, again);
    assert_eq!(a.resource(s, "/"), a.root());
}

#[test]
fn invalid_paths_are_reported() {
    for (path, why) in [
        ("orders", "starts with '/'"),
        ("/orders/", "no empty path parts"),
        ("/a//b", "no empty path parts"),
        ("/files/{path+}/x", "must come last"),
        ("/a b", "path parts are letters"),
        ("/{}", "path parts are letters"),
    ] {
        let d = errors(|s| {
            let a = api(s, |a| a);
            a.add_method(s, Method::get(path, MockIntegration::respond(200, "{}")));
        });
        let e = find(&d, "invalid resource path");
        assert!(e.allowed.as_deref().unwrap_or_default().contains(why), "{path}: {e}");
    }
}

#[test]
fn the_same_verb_twice_on_a_path_is_reported() {
    let d = errors(|s| {
        let a = api(s, |a| a);
        a.add_method(s, Method::get("/x", MockIntegration::respond(200, "{}")));
        a.add_method(s, Method::get("/x", MockIntegration::respond(200, "{}")));
    });
    assert_eq!(find(&d, "method GET /x added twice").path, "test/Api/Default/x/GET");
    assert!(d.iter().all(|x| !x.problem.contains("construct id already used")), "{d:#?}");
}

#[test]
fn a_literal_part_clashing_with_a_parameter_is_reported() {
    let d = errors(|s| {
        let a = api(s, |a| a);
        a.add_method(s, Method::get("/{x}", MockIntegration::respond(200, "{}")));
        a.add_method(s, Method::get("/x-param", MockIntegration::respond(200, "{}")));
    });
    find(&d, "path part collides");
}

#[test]
fn integration_timeout_of_zero_is_an_error_and_above_29_seconds_a_warning() {
    let d = errors(|s| {
        let f = function(s, "F");
        let a = api(s, |a| a);
        a.add_method(s, Method::post("/x", LambdaIntegration::new(f).timeout(Duration::seconds(0))));
    });
    assert_eq!(find(&d, "integration timeout out of range").property.as_deref(), Some("Integration.TimeoutInMillis"));

    let mut app = App::new();
    let s = app.stack("test");
    let f = function(s, "F");
    let a = api(s, |a| a);
    a.add_method(s, Method::post("/x", LambdaIntegration::new(f).timeout(Duration::seconds(60))));
    let out = app.synth().expect("a warning only");
    assert!(out.warnings.iter().any(|w| w.severity == Severity::Warning && w.problem.contains("raised quota")));
}

#[test]
fn mock_status_codes_must_be_http_statuses() {
    let d = errors(|s| {
        let a = api(s, |a| a);
        a.add_method(s, Method::get("/x", MockIntegration::respond(42, "{}")));
    });
    assert_eq!(find(&d, "mock status code out of range").value.as_deref(), Some("42"));
}

#[path = "apigateway/stage.rs"]
mod stage;
