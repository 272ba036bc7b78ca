//! cfn-lint and checkov on minimal stacks of the CloudTrail constructs: the
//! defaults alone must pass both.

#[path = "support/validators.rs"]
mod validators;

use cfnkit_constructs::cloudtrail::{ReadWrite, Trail};
use cfnkit_constructs::kms::Key;
use cfnkit_constructs::logs::Retention;
use cfnkit_constructs::s3::Bucket;
use cfnkit_core::conventions::Conventions;
use cfnkit_core::tree::App;

fn synth(app: &App) -> String {
    app.synth().expect("synthesizes").stacks[0].json.clone()
}

/// A trail with every default: its own key and bucket.
fn default_trail() -> String {
    let mut app = App::new();
    let stack = app.stack("trail-default").conventions(Conventions::tap("audit trail"));
    let name = stack.suffix().name("audit-trail");
    Trail::new("AuditTrail", name).add_to(stack);
    synth(&app)
}

/// The transaction pipeline's trail: a shared key, S3 data events, retained.
fn data_events_trail() -> String {
    let mut app = App::new();
    let stack = app.stack("trail-data-events").conventions(Conventions::tap("compliance").retain());
    let name = stack.suffix().name("transactions-trail");
    let key = Key::new("DataKey").add_to(stack);
    let data = Bucket::new("TransactionBucket").add_to(stack);
    Trail::new("Trail", name).encryption_key(key).s3_data_events(data, ReadWrite::All).add_to(stack);
    synth(&app)
}

/// A trail delivering to CloudWatch Logs, into a bucket it shares.
fn cloudwatch_trail() -> String {
    let mut app = App::new();
    let stack = app.stack("trail-cloudwatch").conventions(Conventions::tap("audit trail"));
    let name = stack.suffix().name("alarmed-trail");
    let logs = Bucket::new("AuditLogs").add_to(stack);
    Trail::new("Trail", name)
        .bucket(logs)
        .key_prefix("trails")
        .management_events(ReadWrite::WriteOnly)
        .send_to_cloudwatch_logs(Retention::ThreeMonths)
        .add_to(stack);
    synth(&app)
}

#[test]
fn cloudtrail_constructs_pass_cfn_lint_and_checkov() {
    validators::assert_all_clean(
        &[
            ("trail-default", &default_trail()),
            ("trail-data-events", &data_events_trail()),
            ("trail-cloudwatch", &cloudwatch_trail()),
        ],
        &["us-east-1"],
    );
}
