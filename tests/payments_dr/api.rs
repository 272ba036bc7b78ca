//! API Gateway (the REST API, its stage, methods and permissions), the
//! Route 53 health check, and the API access log group.

use cfnkit::assertions::Match;
use serde_json::{json, Value};

use super::helpers::{arn_of, reference_to, sub, suffixed, template};

// ---------------------------------------------------------------------------
// API Gateway

#[test]
fn payment_api_is_a_regional_rest_api_named_with_the_suffix() {
    let t = template();
    t.resource_count_is("AWS::ApiGateway::RestApi", 1);
    t.has_resource_properties(
        "AWS::ApiGateway::RestApi",
        json!({"Name": suffixed("payment-api"), "EndpointConfiguration": {"Types": ["REGIONAL"]}}),
    );
}

#[test]
fn prod_stage_throttles_logs_at_info_and_records_metrics_and_access_logs() {
    let t = template();
    t.resource_count_is("AWS::ApiGateway::Stage", 1);
    t.has_resource_properties(
        "AWS::ApiGateway::Stage",
        json!({"StageName": "prod", "RestApiId": reference_to("PaymentApi")}),
    );
    t.has_resource_properties(
        "AWS::ApiGateway::Stage",
        json!({"MethodSettings": [{
            "HttpMethod": "*",
            "ResourcePath": "/*",
            "ThrottlingRateLimit": 1000,
            "ThrottlingBurstLimit": 2000,
            "LoggingLevel": "INFO",
            "MetricsEnabled": true,
            "DataTraceEnabled": false
        }]}),
    );
    t.has_resource_properties(
        "AWS::ApiGateway::Stage",
        Match::obj([(
            "AccessLogSetting",
            Match::obj([
                (
                    "DestinationArn",
                    sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${ApiAccessLogs}")
                        .into(),
                ),
                ("Format", Match::string_like_regexp(r#""requestId":"\$context\.requestId""#)),
            ]),
        )]),
    );
}

fn post_method(resource_id: &str, function: &str) -> Value {
    json!({
        "HttpMethod": "POST",
        "ResourceId": reference_to(resource_id),
        "RestApiId": reference_to("PaymentApi"),
        "Integration": {
            "Type": "AWS_PROXY",
            "IntegrationHttpMethod": "POST",
            "Uri": sub(&format!(
                "arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{function}.Arn}}/invocations"
            ))
        }
    })
}

#[test]
fn post_validate_and_post_process_are_lambda_proxy_integrations() {
    let t = template();
    t.resource_count_is("AWS::ApiGateway::Method", 3);
    for (path, resource, function) in
        [("validate", "PaymentApiValidate", "PaymentValidator"), ("process", "PaymentApiProcess", "PaymentProcessor")]
    {
        t.has_resource_properties(
            "AWS::ApiGateway::Resource",
            json!({"PathPart": path, "ParentId": {"Fn::GetAtt": ["PaymentApi", "RootResourceId"]}}),
        );
        t.has_resource_properties("AWS::ApiGateway::Method", post_method(resource, function));
    }
}

#[test]
fn get_health_is_a_mock_integration_answering_status_healthy() {
    let t = template();
    t.has_resource_properties("AWS::ApiGateway::Resource", json!({"PathPart": "health"}));
    t.has_resource_properties(
        "AWS::ApiGateway::Method",
        Match::obj([
            ("HttpMethod", json!("GET").into()),
            ("ResourceId", reference_to("PaymentApiHealth").into()),
            ("MethodResponses", json!([{"StatusCode": "200"}]).into()),
            (
                "Integration",
                Match::obj([
                    ("Type", json!("MOCK").into()),
                    ("RequestTemplates", json!({"application/json": "{\"statusCode\": 200}"}).into()),
                    (
                        "IntegrationResponses",
                        Match::ArrayEquals(vec![Match::obj([
                            ("StatusCode", json!("200").into()),
                            (
                                "ResponseTemplates",
                                Match::obj([(
                                    "application/json",
                                    Match::serialized_json(Match::exact(json!({"status": "healthy"}))),
                                )]),
                            ),
                        ])]),
                    ),
                ]),
            ),
        ]),
    );
}

#[test]
fn api_gateway_may_invoke_each_function_only_from_its_own_route() {
    let t = template();
    let from_api =
        t.find_resources("AWS::Lambda::Permission", json!({"Properties": {"Principal": "apigateway.amazonaws.com"}}));
    assert_eq!(from_api.len(), 2, "one permission per proxied function");
    for (function, route) in [("PaymentValidator", "POST/validate"), ("PaymentProcessor", "POST/process")] {
        t.has_resource_properties(
            "AWS::Lambda::Permission",
            json!({
                "Action": "lambda:InvokeFunction",
                "FunctionName": arn_of(function),
                "Principal": "apigateway.amazonaws.com",
                "SourceArn": sub(&format!(
                    "arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{PaymentApi}}/*/{route}"
                ))
            }),
        );
    }
}

#[test]
fn route_53_checks_the_health_endpoint_over_https() {
    let t = template();
    t.resource_count_is("AWS::Route53::HealthCheck", 1);
    t.has_resource_properties(
        "AWS::Route53::HealthCheck",
        json!({"HealthCheckConfig": {
            "Type": "HTTPS",
            "FullyQualifiedDomainName": sub("${PaymentApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"),
            "Port": 443,
            "ResourcePath": "/prod/health"
        }}),
    );
}

// ---------------------------------------------------------------------------
// API access log group

#[test]
fn api_access_log_group_is_named_kept_one_week_and_deleted_with_the_stack() {
    let t = template();
    t.resource_count_is("AWS::Logs::LogGroup", 4);
    t.has_resource(
        "AWS::Logs::LogGroup",
        json!({
            "Properties": {"LogGroupName": sub("/aws/apigateway/payment-api-${EnvironmentSuffix}"), "RetentionInDays": 7},
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete"
        }),
    );
}
