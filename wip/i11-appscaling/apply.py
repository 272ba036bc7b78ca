import shutil, os
import sys; W=sys.argv[1]; N=sys.argv[2]
for rel in ['constructs/src/applicationautoscaling.rs','constructs/tests/applicationautoscaling.rs','tests/constructs_applicationautoscaling.rs','examples/fargate_service.rs']:
    shutil.copy(f'{N}/{rel}', f'{W}/{rel}')
def edit(rel, old, new, count=1):
    p=f'{W}/{rel}'; s=open(p).read()
    assert old in s, (rel, old[:60])
    s=s.replace(old,new,count); open(p,'w').write(s)
# features
edit('constructs/Cargo.toml','default = ["apigateway", "autoscaling",','default = ["apigateway", "applicationautoscaling", "autoscaling",')
edit('constructs/Cargo.toml','autoscaling = ["cfnkit-l1/autoscaling"','applicationautoscaling = ["cfnkit-l1/applicationautoscaling", "dynamodb", "ecs", "elasticloadbalancingv2"]\nautoscaling = ["cfnkit-l1/autoscaling"')
edit('constructs/Cargo.toml','applicationautoscaling = ["cfnkit-l1/applicationautoscaling"]\n','')
edit('Cargo.toml','catalogue = ["apigateway", "autoscaling",','catalogue = ["apigateway", "applicationautoscaling", "autoscaling",')
# lib.rs
edit('constructs/src/lib.rs','pub mod apigateway;\npub mod arn;','pub mod apigateway;\n#[cfg(feature = "applicationautoscaling")]\npub mod applicationautoscaling;\npub mod arn;')
edit('constructs/src/lib.rs','''    #[cfg(feature = "autoscaling")]
    pub use crate::autoscaling::''','''    #[cfg(feature = "applicationautoscaling")]
    pub use crate::applicationautoscaling::{ScalableTarget, ScalableTargetRef};
    #[cfg(feature = "autoscaling")]
    pub use crate::autoscaling::''')
# dynamodb provisioned fact
edit('constructs/src/dynamodb/table.rs','''        TableRef { handle, has_stream: self.stream.is_some(), has_indexes: !self.indexes.is_empty() }''','''        TableRef {
            handle,
            has_stream: self.stream.is_some(),
            has_indexes: !self.indexes.is_empty(),
            provisioned: matches!(self.billing, Billing::Provisioned { .. }),
        }''')
edit('constructs/src/dynamodb/table.rs','''    has_stream: bool,
    has_indexes: bool,
}''','''    has_stream: bool,
    has_indexes: bool,
    provisioned: bool,
}''')
edit('constructs/src/dynamodb/table.rs','''    /// True when the table has a stream.
    pub fn has_stream(self) -> bool {''','''    /// True when the table bills provisioned capacity (what Application
    /// Auto Scaling can scale).
    pub fn is_provisioned(self) -> bool {
        self.provisioned
    }
    /// True when the table has a stream.
    pub fn has_stream(self) -> bool {''')
# tests/examples.rs
edit('tests/examples.rs','''#[path = "../examples/assertions_in_tests.rs"]
mod assertions_in_tests;
''','''#[path = "../examples/assertions_in_tests.rs"]
mod assertions_in_tests;

#[path = "../examples/fargate_service.rs"]
mod fargate_service;
''')
p=f'{W}/tests/examples.rs'; open(p,'a').write(open(f'{N}/examples_test_snippet.rs').read())
edit('tests/lint.rs','''#[path = "../examples/assertions_in_tests.rs"]
mod assertions_in_tests;
''','''#[path = "../examples/assertions_in_tests.rs"]
mod assertions_in_tests;

#[path = "../examples/fargate_service.rs"]
mod fargate_service;
''')
edit('tests/lint.rs','''        ("assertions_in_tests", assertions_in_tests::app()),
''','''        ("assertions_in_tests", assertions_in_tests::app()),
        ("fargate_service", fargate_service::app()),
''')
edit('README.md','`custom_construct`, `assertions_in_tests` (`cargo run','`custom_construct`, `assertions_in_tests`, `fargate_service` (`cargo run')
edit('README.md',' ecs (Cluster, FargateTaskDefinition, FargateService),',' ecs (Cluster, FargateTaskDefinition, FargateService), applicationautoscaling (ScalableTarget),')
edit('src/guide.md','''`custom_construct`, `assertions_in_tests`), each with `cfnkit::run` as its''','''`custom_construct`, `assertions_in_tests`, `fargate_service`), each with
`cfnkit::run` as its''')
print('ok')
