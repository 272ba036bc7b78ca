//! AWS Backup: the vault's key and deletion lock, the plan's rules and
//! selection, and every validation error.

use cfnkit_constructs::backup::{BackupPlan, BackupRule, BackupVault};
use cfnkit_constructs::kms::Key;
use cfnkit_core::diag::DiagKind;
use cfnkit_core::tree::{App, Stack};
use cfnkit_core::units::Duration;
use serde_json::{json, Value};

fn template(build: impl FnOnce(&mut Stack)) -> Value {
    let mut app = App::new();
    build(app.stack("test"));
    app.synth().expect("synthesizes").stacks[0].template.clone()
}

#[test]
fn vault_is_encrypted_with_its_own_key_and_blocks_deletion() {
    let t = template(|s| {
        let v = BackupVault::new("Vault", "backups").add_to(s);
        BackupPlan::new("Plan", "daily", v).select_tag("backup", "true").add_to(s);
    });
    let v = &t["Resources"]["Vault"];
    assert_eq!(v["Properties"]["EncryptionKeyArn"], json!({"Fn::GetAtt": ["VaultKey", "Arn"]}));
    assert_eq!(t["Resources"]["VaultKey"]["Properties"]["EnableKeyRotation"], true);
    assert_eq!(
        v["Properties"]["AccessPolicy"]["Statement"][0],
        json!({"Sid": "DenyRecoveryPointDeletion", "Effect": "Deny", "Principal": "*",
               "Action": ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"], "Resource": "*"})
    );
    assert_eq!(v["DeletionPolicy"], "Retain");
}

#[test]
fn plan_backs_up_daily_for_35_days_by_default_with_a_role_of_its_own() {
    let t = template(|s| {
        let v = BackupVault::new("Vault", "backups").add_to(s);
        BackupPlan::new("Plan", "daily", v).select_tag("backup", "true").add_to(s);
    });
    assert_eq!(
        t["Resources"]["Plan"]["Properties"]["BackupPlan"]["BackupPlanRule"],
        json!([{"Lifecycle": {"DeleteAfterDays": 35}, "RuleName": "Daily", "ScheduleExpression": "cron(0 5 * * ? *)",
                "TargetBackupVault": {"Ref": "Vault"}}])
    );
    let sel = &t["Resources"]["PlanSelection"]["Properties"];
    assert_eq!(sel["BackupPlanId"], json!({"Ref": "Plan"}));
    assert_eq!(
        sel["BackupSelection"]["ListOfTags"],
        json!([{"ConditionKey": "backup", "ConditionType": "STRINGEQUALS", "ConditionValue": "true"}])
    );
    assert_eq!(sel["BackupSelection"]["IamRoleArn"], json!({"Fn::GetAtt": ["PlanRole", "Arn"]}));
    assert_eq!(
        t["Resources"]["PlanRole"]["Properties"]["ManagedPolicyArns"],
        json!([
            {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"},
            {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"}
        ])
    );
}

#[test]
fn rules_lifecycles_lock_and_resources_are_written() {
    let t = template(|s| {
        let key = Key::new("Shared").add_to(s);
        let v = BackupVault::new("Vault", "backups")
            .encryption_key(key)
            .allow_recovery_point_deletion()
            .lock(Duration::days(7), Some(Duration::days(400)))
            .add_to(s);
        BackupPlan::new("Plan", "tiers", v)
            .rule(BackupRule::weekly("Weekly"))
            .rule(
                BackupRule::monthly("Monthly")
                    .move_to_cold_storage_after(Duration::days(30))
                    .delete_after(Duration::days(120)),
            )
            .rule(
                BackupRule::cron("Pitr", "cron(0 * * * ? *)")
                    .continuous()
                    .delete_after(Duration::days(14))
                    .start_window(Duration::hours(1))
                    .completion_window(Duration::hours(3)),
            )
            .select_resource("arn:aws:dynamodb:us-east-1:123456789012:table/orders")
            .add_to(s);
    });
    let v = &t["Resources"]["Vault"]["Properties"];
    assert!(v.get("AccessPolicy").is_none());
    assert_eq!(v["EncryptionKeyArn"], json!({"Fn::GetAtt": ["Shared", "Arn"]}));
    assert_eq!(v["LockConfiguration"], json!({"MaxRetentionDays": 400, "MinRetentionDays": 7}));
    let rules = &t["Resources"]["Plan"]["Properties"]["BackupPlan"]["BackupPlanRule"];
    assert_eq!(rules[0]["ScheduleExpression"], "cron(0 5 ? * SAT *)");
    assert_eq!(rules[1]["Lifecycle"], json!({"DeleteAfterDays": 120, "MoveToColdStorageAfterDays": 30}));
    assert_eq!(rules[2]["EnableContinuousBackup"], true);
    assert_eq!(rules[2]["StartWindowMinutes"], 60.0);
    assert_eq!(rules[2]["CompletionWindowMinutes"], 180.0);
    assert_eq!(
        t["Resources"]["PlanSelection"]["Properties"]["BackupSelection"]["Resources"],
        json!(["arn:aws:dynamodb:us-east-1:123456789012:table/orders"])
    );
}

#[test]
fn every_error_is_reported_at_once() {
    let mut app = App::new();
    let s = app.stack("test");
    let v = BackupVault::new("Vault", "bad name!").lock(Duration::days(10), Some(Duration::days(5))).add_to(s);
    BackupPlan::new("Plan", "p", v)
        .rule(BackupRule::cron("Rate", "rate(1 day)"))
        .rule(
            BackupRule::monthly("Cold").move_to_cold_storage_after(Duration::days(30)).delete_after(Duration::days(60)),
        )
        .rule(BackupRule::daily("Pitr").continuous().delete_after(Duration::days(40)))
        .rule(BackupRule::daily("Pitr"))
        .rule(BackupRule::daily("Window").start_window(Duration::minutes(30)))
        .add_to(s);
    let errs = app.synth().expect_err("fails").diagnostics;
    for (problem, kind) in [
        ("invalid name", DiagKind::Pattern),
        ("vault lock retention out of range", DiagKind::OutOfRange),
        ("cron expression", DiagKind::Invalid),
        ("at least 90 days", DiagKind::OutOfRange),
        ("at most 35 days", DiagKind::OutOfRange),
        ("rule name used twice", DiagKind::DuplicateId),
        ("start window too short", DiagKind::OutOfRange),
        ("selects no resource", DiagKind::NoEffect),
    ] {
        assert!(errs.iter().any(|d| d.problem.contains(problem) && d.kind == kind), "{problem} ({kind}): {errs:?}");
    }
}

#[test]
fn vault_metrics_name_the_vault() {
    let mut app = App::new();
    let v = BackupVault::new("Vault", "backups").add_to(app.stack("test"));
    let m = v.metric_backup_jobs_failed();
    assert_eq!((m.namespace(), m.name()), ("AWS/Backup", "NumberOfBackupJobsFailed"));
    assert_eq!(m.dimensions()[0].0, "BackupVaultName");
}
