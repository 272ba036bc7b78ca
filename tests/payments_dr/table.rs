//! The DynamoDB global table: keys, index, replicas and point-in-time recovery.

use serde_json::json;

use super::helpers::{suffixed, template};

// ---------------------------------------------------------------------------
// DynamoDB global table

#[test]
fn payments_table_is_a_global_table_with_the_specified_keys_and_index() {
    let t = template();
    t.resource_count_is("AWS::DynamoDB::GlobalTable", 1);
    t.resource_count_is("AWS::DynamoDB::Table", 0);
    t.has_resource_properties("AWS::DynamoDB::GlobalTable", json!({"TableName": suffixed("payments")}));
    t.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        json!({"KeySchema": [
            {"AttributeName": "transaction_id", "KeyType": "HASH"},
            {"AttributeName": "timestamp", "KeyType": "RANGE"}
        ]}),
    );
    t.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        json!({"AttributeDefinitions": [
            {"AttributeName": "transaction_id", "AttributeType": "S"},
            {"AttributeName": "timestamp", "AttributeType": "N"},
            {"AttributeName": "customer_id", "AttributeType": "S"}
        ]}),
    );
    t.has_resource_properties("AWS::DynamoDB::GlobalTable", json!({"BillingMode": "PAY_PER_REQUEST"}));
    t.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        json!({"StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"}}),
    );
    t.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        json!({"GlobalSecondaryIndexes": [{
            "IndexName": "customer-index",
            "KeySchema": [
                {"AttributeName": "customer_id", "KeyType": "HASH"},
                {"AttributeName": "timestamp", "KeyType": "RANGE"}
            ],
            "Projection": {"ProjectionType": "ALL"}
        }]}),
    );
}

#[test]
fn payments_table_replicates_to_both_regions_with_point_in_time_recovery_on_each() {
    let t = template();
    let pitr = json!({"PointInTimeRecoveryEnabled": true});
    t.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        json!({"Replicas": [
            {"Region": {"Ref": "AWS::Region"}, "PointInTimeRecoverySpecification": pitr},
            {"Region": {"Ref": "SecondaryRegion"}, "PointInTimeRecoverySpecification": pitr}
        ]}),
    );
}
