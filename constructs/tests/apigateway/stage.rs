//! The deployment, the stage, references, grants and metrics.

use cfnkit_constructs::apigateway::{CacheSize, LoggingLevel};
use cfnkit_constructs::cloudwatch::Statistic;
use cfnkit_constructs::iam::{Principal, Role};
use cfnkit_core::token::Token;

use super::*;

// --------------------------------------------------------------- deployment

#[test]
fn deployment_waits_for_every_method_and_the_stage_points_at_it() {
    let t = template(|s| {
        let f = function(s, "F");
        let a = api(s, |a| a);
        a.add_method(s, Method::post("/validate", LambdaIntegration::new(f)));
        a.add_method(s, health());
    });
    let id = deployment_id(&t);
    let d = resource(&t, &id);
    assert_eq!(d["DependsOn"], json!(["ApiValidatePOST", "ApiHealthGET"]));
    assert_eq!(d["Properties"]["RestApiId"], json!({"Ref": "Api"}));
    assert_eq!(resource(&t, "ApiDeploymentStage")["Properties"]["DeploymentId"], json!({"Ref": id}));
}

#[test]
fn deployment_id_carries_the_content_hash_shown_in_its_description() {
    let t = template(|s| {
        let a = api(s, |a| a);
        a.add_method(s, health());
    });
    let id = deployment_id(&t);
    let hash = id.strip_prefix("ApiDeployment").expect("ApiDeployment<hash>");
    assert_eq!(hash.len(), 8);
    let description = resource(&t, &id)["Properties"]["Description"].as_str().unwrap().to_string();
    let full = description
        .strip_prefix("Deployment of the API's methods, replaced when they change; content hash ")
        .expect("the description names the hash");
    assert_eq!(full.len(), 16);
    assert_eq!(full[..8].to_uppercase(), hash);
}

#[test]
fn deployment_is_replaced_when_a_method_changes() {
    let with = |body: &'static str| {
        template(move |s| {
            let a = api(s, |a| a);
            a.add_method(s, Method::get("/health", MockIntegration::respond(200, body)));
        })
    };
    assert_ne!(deployment_id(&with("ok")), deployment_id(&with("healthy")));
    let more = template(|s| {
        let a = api(s, |a| a);
        a.add_method(s, Method::get("/health", MockIntegration::respond(200, "ok")));
        a.add_method(s, Method::get("/ready", MockIntegration::respond(200, "ok")));
    });
    assert_ne!(deployment_id(&with("ok")), deployment_id(&more));
}

#[test]
fn deployment_is_kept_when_unrelated_resources_are_added() {
    let plain = template(|s| {
        let f = function(s, "F");
        let a = api(s, |a| a);
        a.add_method(s, Method::post("/x", LambdaIntegration::new(f)));
    });
    let busier = template(|s| {
        Role::new("Other", Principal::service("ec2.amazonaws.com")).add_to(s);
        let f = function(s, "F");
        LogGroup::new("MoreLogs", Retention::OneDay).add_to(s);
        let a = api(s, |a| a);
        a.add_method(s, Method::post("/x", LambdaIntegration::new(f)));
    });
    assert_eq!(deployment_id(&plain), deployment_id(&busier));
}

// -------------------------------------------------------------------- stage

#[test]
fn stage_is_prod_traced_metered_and_logs_errors_without_bodies_by_default() {
    let t = template(|s| {
        api(s, |a| a);
    });
    let p = &resource(&t, "ApiDeploymentStage")["Properties"];
    assert_eq!(p["StageName"], "prod");
    assert_eq!(p["TracingEnabled"], true);
    assert_eq!(
        p["MethodSettings"],
        json!([{"DataTraceEnabled": false, "HttpMethod": "*", "LoggingLevel": "ERROR", "MetricsEnabled": true, "ResourcePath": "/*"}])
    );
    assert!(p.get("CacheClusterEnabled").is_none());
}

#[test]
fn stage_settings_are_written() {
    let t = template(|s| {
        api(s, |a| {
            a.stage_name("v1")
                .throttling(1000.0, 2000)
                .logging_level(LoggingLevel::Info)
                .with_data_trace()
                .without_metrics()
        });
    });
    let p = &resource(&t, "ApiDeploymentStage")["Properties"];
    assert_eq!(p["StageName"], "v1");
    assert_eq!(
        p["MethodSettings"],
        json!([{
            "DataTraceEnabled": true, "HttpMethod": "*", "LoggingLevel": "INFO", "MetricsEnabled": false,
            "ResourcePath": "/*", "ThrottlingBurstLimit": 2000, "ThrottlingRateLimit": 1000
        }])
    );
}

#[test]
fn stage_writes_access_logs_in_json_to_the_log_group_arn_without_the_stream_wildcard() {
    let t = template(|s| {
        api(s, |a| a);
    });
    let setting = &resource(&t, "ApiDeploymentStage")["Properties"]["AccessLogSetting"];
    assert_eq!(
        setting["DestinationArn"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${ApiLogs}"})
    );
    let format = setting["Format"].as_str().unwrap();
    assert!(format.starts_with(r#"{"requestId":"$context.requestId""#), "{format}");
    let sample = format.replace("$context.error.messageString", "\"x\"");
    let sample = regex_free_context_replace(&sample);
    assert!(serde_json::from_str::<Value>(&sample).is_ok(), "{sample}");
}

/// Replaces every `$context.x` inside quotes with a plain word, so the format parses as JSON.
fn regex_free_context_replace(s: &str) -> String {
    s.split('"').map(|p| if p.starts_with("$context.") { "v" } else { p }).collect::<Vec<_>>().join("\"")
}

#[test]
fn access_logs_go_to_a_dedicated_log_group_kept_one_year_by_default() {
    let t = template(|s| {
        RestApi::new("Api").add_to(s);
    });
    assert_eq!(resource(&t, "ApiAccessLogs")["Properties"]["RetentionInDays"], 365);
    assert_eq!(
        resource(&t, "ApiDeploymentStage")["Properties"]["AccessLogSetting"]["DestinationArn"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${ApiAccessLogs}"})
    );
}

#[test]
fn a_given_access_log_group_replaces_the_dedicated_one() {
    let t = template(|s| {
        api(s, |a| a);
    });
    assert!(t["Resources"].get("ApiAccessLogs").is_none());
}

#[test]
fn without_access_logs_records_the_reason_for_checkov() {
    let t = template(|s| {
        RestApi::new("Api").without_access_logs("internal test API, torn down hourly").add_to(s);
    });
    let stage = resource(&t, "ApiDeploymentStage");
    assert!(stage["Properties"].get("AccessLogSetting").is_none());
    let skips = stage["Metadata"]["checkov"]["skip"].as_array().unwrap().clone();
    assert!(skips.contains(&json!({"id": "CKV_AWS_76", "comment": "internal test API, torn down hourly"})));
}

#[test]
fn access_log_format_needs_a_request_id() {
    let d = errors(|s| {
        api(s, |a| a.access_log_format("$context.status"));
    });
    assert_eq!(find(&d, "access log format without a request id").property.as_deref(), Some("AccessLogSetting.Format"));
}

#[test]
fn caching_is_off_by_default_with_the_reason_recorded_for_checkov() {
    let t = template(|s| {
        api(s, |a| a);
    });
    let skips = resource(&t, "ApiDeploymentStage")["Metadata"]["checkov"]["skip"].as_array().unwrap().clone();
    assert_eq!(skips.len(), 1);
    assert_eq!(skips[0]["id"], "CKV_AWS_120");
    assert!(skips[0]["comment"].as_str().unwrap().contains("billed by the hour"));
}

#[test]
fn cache_turns_on_an_encrypted_cache_cluster() {
    let t = template(|s| {
        api(s, |a| a.cache(CacheSize::Gb0_5));
    });
    let stage = resource(&t, "ApiDeploymentStage");
    let p = &stage["Properties"];
    assert_eq!(p["CacheClusterEnabled"], true);
    assert_eq!(p["CacheClusterSize"], "0.5");
    let all = &p["MethodSettings"][0];
    assert_eq!(all["CachingEnabled"], true);
    assert_eq!(all["CacheDataEncrypted"], true);
    assert_eq!(all["CacheTtlInSeconds"], 300);
    assert!(stage.get("Metadata").is_none());
}

#[test]
fn without_tracing_records_the_reason_for_checkov() {
    let t = template(|s| {
        api(s, |a| a.without_tracing("traced by the caller's own sampling"));
    });
    let stage = resource(&t, "ApiDeploymentStage");
    assert_eq!(stage["Properties"]["TracingEnabled"], false);
    let skips = stage["Metadata"]["checkov"]["skip"].as_array().unwrap().clone();
    assert!(skips.contains(&json!({"id": "CKV_AWS_73", "comment": "traced by the caller's own sampling"})));
}

#[test]
fn invalid_stage_settings_are_all_reported() {
    let d = errors(|s| {
        api(s, |a| a.stage_name("my stage").throttling(-1.0, 5001).without_tracing(""));
    });
    assert_eq!(find(&d, "invalid stage name").value.as_deref(), Some("\"my stage\""));
    assert_eq!(find(&d, "throttling rate out of range").value.as_deref(), Some("-1"));
    assert_eq!(find(&d, "throttling burst out of range").value.as_deref(), Some("5001"));
    find(&d, "without_tracing needs a reason");
}

#[test]
fn throttling_limits_at_the_edges_are_accepted() {
    template(|s| {
        api(s, |a| a.throttling(0.0, 5000));
    });
}

// ------------------------------------------------------ references and grants

#[test]
fn references_point_at_the_api_and_its_stage() {
    let mut app = App::new();
    let s = app.stack("test");
    let a = api(s, |a| a);
    s.output("Url", a.url());
    s.output("Host", a.domain_name());
    s.output("Health", a.url_path("/health"));
    s.output("Id", a.id());
    s.output("Root", a.root_resource_id());
    s.output("Arn", a.execution_arn());
    let t = app.synth().unwrap().stacks[0].template.clone();
    let o = &t["Outputs"];
    assert_eq!(
        o["Url"]["Value"],
        json!({"Fn::Sub": "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${ApiDeploymentStage}/"})
    );
    assert_eq!(o["Host"]["Value"], json!({"Fn::Sub": "${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}"}));
    assert_eq!(o["Health"]["Value"], json!({"Fn::Sub": "/${ApiDeploymentStage}/health"}));
    assert_eq!(o["Id"]["Value"], json!({"Ref": "Api"}));
    assert_eq!(o["Root"]["Value"], json!({"Fn::GetAtt": ["Api", "RootResourceId"]}));
    assert_eq!(
        o["Arn"]["Value"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}"})
    );
}

#[test]
fn grant_invoke_allows_execute_api_invoke_on_one_method_of_the_stage() {
    let t = template(|s| {
        let caller = function(s, "Caller");
        let a = api(s, |a| a);
        a.add_method(s, Method::get("/orders/{id}", MockIntegration::respond(200, "{}")));
        a.grant_invoke(s, &caller, HttpMethod::Get, "/orders/{id}");
    });
    let statements = resource(&t, "CallerServiceRoleDefaultPolicy")["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap()
        .clone();
    assert!(statements.contains(&json!({
        "Effect": "Allow",
        "Action": "execute-api:Invoke",
        "Resource": {"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/prod/GET/orders/*"}
    })));
}

#[test]
fn an_integration_function_can_be_granted_another_method_without_a_cycle() {
    template(|s| {
        let f = function(s, "F");
        let a = api(s, |a| a);
        a.add_method(s, Method::post("/a", LambdaIntegration::new(f)));
        a.add_method(s, Method::post("/b", LambdaIntegration::new(f)));
        a.grant_invoke(s, &f, HttpMethod::Post, "/b");
    });
}

// ------------------------------------------------------------------ metrics

#[test]
fn metrics_are_per_api_name_and_stage() {
    let mut app = App::new();
    let s = app.stack("test");
    let name = s.suffix().name("payment-api");
    let a = api(s, |a| a.name(name));
    let cases = [
        (a.metric_client_errors(s), "4XXError", Statistic::Sum),
        (a.metric_server_errors(s), "5XXError", Statistic::Sum),
        (a.metric_count(s), "Count", Statistic::Sum),
        (a.metric_latency(s), "Latency", Statistic::Average),
        (a.metric_integration_latency(s), "IntegrationLatency", Statistic::Average),
    ];
    for (m, name, stat) in cases {
        assert_eq!(m.namespace(), "AWS/ApiGateway");
        assert_eq!(m.name(), name);
        assert_eq!(m.stat(), &stat);
        assert_eq!(m.period(), Duration::minutes(5));
        let dims: Vec<&str> = m.dimensions().iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(dims, ["ApiName", "Stage"]);
        assert_eq!(m.dimensions()[1].1, Token::Str("prod".into()));
        assert!(!m.dimensions()[0].1.is_literal(), "the API name is the suffixed Sub");
    }
}
