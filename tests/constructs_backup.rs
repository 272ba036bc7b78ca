//! AWS Backup against cfn-lint and checkov: a vault with its key and a
//! plan with rules and a selection by tag and by resource.

#[path = "support/validators.rs"]
mod validators;

use cfnkit::prelude::*;
use cfnkit_constructs::backup::{BackupPlan, BackupRule, BackupVault};

#[test]
fn a_vault_and_plan_are_clean() {
    let mut app = App::new();
    let stack = app.stack("backup").region("us-east-1").conventions(Conventions::tap("backup validator test"));
    let sfx = stack.suffix();
    let table = Table::new("Orders", Key::string("orderId")).add_to(stack);
    let vault =
        BackupVault::new("Vault", sfx.name("backups")).lock(Duration::days(7), Some(Duration::days(400))).add_to(stack);
    BackupPlan::new("Plan", sfx.name("daily-and-monthly"), vault)
        .rule(BackupRule::daily("Daily"))
        .rule(
            BackupRule::monthly("Monthly")
                .move_to_cold_storage_after(Duration::days(30))
                .delete_after(Duration::days(365))
                .start_window(Duration::hours(1))
                .completion_window(Duration::hours(8)),
        )
        .select_tag("backup", "daily")
        .select_resource(table.arn())
        .add_to(stack);
    Alarm::new("BackupsFailing", vault.metric_backup_jobs_failed()).greater_than(0.0).add_to(stack);
    let out = app.synth().expect("synthesizes");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    validators::assert_clean(&out.stacks[0].json, "backup", &["us-east-1"]);
}
