//! Listeners (HTTPS with a current TLS policy, HTTP that redirects to
//! HTTPS, TCP and TLS) and [`ListenerRule`]s.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::elasticloadbalancingv2 as l1;

use super::load_balancer::{Kind, LoadBalancerRef};
use super::target_group::{record_forwarder, TargetGroupRef};
use crate::ec2::Port;

/// The TLS policy of HTTPS and TLS listeners: TLS 1.3 and 1.2 with forward
/// secrecy only (AWS's recommended policy; checkov CKV_AWS_103).
pub const TLS_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

fn forward(target: TargetGroupRef) -> l1::Action {
    l1::Action::new("forward").target_group_arn(Value::from(target.arn()))
}

impl LoadBalancerRef {
    fn add_listener(self, stack: &mut Stack, id: &str, port: u16, listener: l1::Listener, why: &str) -> ListenerRef {
        // Listeners sit in the load balancer's scope: `<Alb><Id>`.
        let lb_scope = stack.node_of(self.handle.id()).and_then(|n| stack.parent_of(n)).unwrap_or(stack.root());
        let scope = stack.within(lb_scope, |s| s.construct(id));
        let handle = stack.within(scope, |s| s.add("Resource", listener.port(i64::from(port))));
        if self.internet_facing {
            self.sg.add_ingress_from_anywhere(stack, Port::tcp(port), why);
        }
        ListenerRef { handle }
    }

    fn refuse(self, stack: &mut Stack, id: &str, target: Option<TargetGroupRef>, problem: &str, allowed: &str) {
        let path = stack.node_of(self.handle.id()).and_then(|n| stack.path_of_node(n)).unwrap_or_default();
        let lb = match self.kind {
            Kind::Application => "an application load balancer",
            Kind::Network => "a network load balancer",
        };
        let value = match target {
            Some(t) if t.is_http() => format!("{lb} forwarding to an HTTP or HTTPS target group"),
            Some(_) => format!("{lb} forwarding to a TCP or TLS target group"),
            None => lb.to_string(),
        };
        stack.report(
            Diagnostic::error_of(DiagKind::Wiring, format!("{path}/{id}"), problem.to_string())
                .property("Protocol")
                .value(value)
                .allowed(allowed),
        );
    }

    /// Adds an HTTPS listener on port 443 with the certificate
    /// `certificate_arn` and [`TLS_POLICY`], forwarding to `target`. On an
    /// internet-facing load balancer, port 443 is opened to the internet.
    pub fn add_https_listener(
        self,
        stack: &mut Stack,
        id: &str,
        certificate_arn: impl Into<Value<String>>,
        target: TargetGroupRef,
    ) -> ListenerRef {
        if self.kind != Kind::Application || !target.is_http() {
            self.refuse(
                stack,
                id,
                Some(target),
                "HTTPS listener on a network load balancer or to a TCP target group",
                "an application load balancer forwarding to an HTTP or HTTPS target group",
            );
        }
        let listener = l1::Listener::new(vec![forward(target)], Value::from(self.arn()))
            .protocol("HTTPS")
            .ssl_policy(TLS_POLICY)
            .certificates(vec![l1::Certificate::new().certificate_arn(certificate_arn.into())]);
        let l = self.add_listener(stack, id, 443, listener, "HTTPS listener of an internet-facing load balancer");
        record_forwarder(stack, target, l.handle.id());
        l
    }

    /// Adds an HTTP listener on port 80 that only redirects to HTTPS on 443
    /// (`HTTP_301`). On an internet-facing load balancer, port 80 is opened
    /// to the internet (acknowledged for checkov CKV_AWS_260 with that reason).
    pub fn add_http_redirect(self, stack: &mut Stack, id: &str) -> ListenerRef {
        if self.kind != Kind::Application {
            self.refuse(stack, id, None, "HTTP redirect on a network load balancer", "an application load balancer");
        }
        let redirect = l1::Action::new("redirect").redirect_config(
            l1::RedirectConfig::new("HTTP_301")
                .protocol("HTTPS")
                .port("443")
                .host("#{host}")
                .path("/#{path}")
                .query("#{query}"),
        );
        let listener = l1::Listener::new(vec![redirect], Value::from(self.arn())).protocol("HTTP");
        self.add_listener(
            stack,
            id,
            80,
            listener,
            "HTTP listener of an internet-facing load balancer: redirects to HTTPS",
        )
    }

    /// Adds a TCP listener on `port` forwarding to `target` (network load
    /// balancers). On an internet-facing load balancer, the port is opened
    /// to the internet.
    pub fn add_tcp_listener(self, stack: &mut Stack, id: &str, port: u16, target: TargetGroupRef) -> ListenerRef {
        if self.kind != Kind::Network || target.is_http() {
            self.refuse(
                stack,
                id,
                Some(target),
                "TCP listener on an application load balancer or to an HTTP target group",
                "a network load balancer forwarding to a TCP or TLS target group",
            );
        }
        let listener = l1::Listener::new(vec![forward(target)], Value::from(self.arn())).protocol("TCP");
        let l = self.add_listener(stack, id, port, listener, "TCP listener of an internet-facing load balancer");
        record_forwarder(stack, target, l.handle.id());
        l
    }

    /// Adds a TLS listener on `port` with the certificate `certificate_arn`
    /// and [`TLS_POLICY`], forwarding to `target` (network load balancers).
    pub fn add_tls_listener(
        self,
        stack: &mut Stack,
        id: &str,
        port: u16,
        certificate_arn: impl Into<Value<String>>,
        target: TargetGroupRef,
    ) -> ListenerRef {
        if self.kind != Kind::Network || target.is_http() {
            self.refuse(
                stack,
                id,
                Some(target),
                "TLS listener on an application load balancer or to an HTTP target group",
                "a network load balancer forwarding to a TCP or TLS target group",
            );
        }
        let listener = l1::Listener::new(vec![forward(target)], Value::from(self.arn()))
            .protocol("TLS")
            .ssl_policy(TLS_POLICY)
            .certificates(vec![l1::Certificate::new().certificate_arn(certificate_arn.into())]);
        let l = self.add_listener(stack, id, port, listener, "TLS listener of an internet-facing load balancer");
        record_forwarder(stack, target, l.handle.id());
        l
    }
}

/// A listener added to a stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListenerRef {
    handle: Handle<l1::Listener>,
}

impl ListenerRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::Listener> {
        self.handle
    }
    /// The listener ARN (`Ref`).
    pub fn arn(self) -> Expr<String> {
        self.handle.reference()
    }
    /// Adds a rule to the listener, checked first in `priority` order.
    pub fn add_rule(self, stack: &mut Stack, id: &str, rule: ListenerRule) {
        let path = stack.node_of(self.handle.id()).and_then(|n| stack.path_of_node(n)).unwrap_or_default();
        let path = format!("{}/{id}", path.trim_end_matches("/Resource"));
        if !(1..=50_000).contains(&rule.priority) {
            stack.report(
                Diagnostic::error_of(DiagKind::OutOfRange, &path, "rule priority out of range")
                    .property("Priority")
                    .value(rule.priority.to_string())
                    .allowed("1 to 50000, unique on the listener"),
            );
        }
        if rule.conditions.is_empty() {
            stack.report(
                Diagnostic::error_of(DiagKind::Missing, &path, "rule without a condition")
                    .property("Conditions")
                    .allowed(".path_patterns([...]) or .host_headers([...])"),
            );
        }
        let Some(action) = rule.action else {
            stack.report(
                Diagnostic::error_of(DiagKind::Missing, &path, "rule without an action")
                    .property("Actions")
                    .allowed(".forward(target_group) or .fixed_response(code, body)"),
            );
            return;
        };
        let r = l1::ListenerRule::new(vec![action], rule.conditions, i64::from(rule.priority))
            .listener_arn(Value::from(self.arn()));
        let Some(scope) = stack.node_of(self.handle.id()).and_then(|n| stack.parent_of(n)) else { return };
        let added = stack.within(scope, |s| s.add(id, r));
        if let Some(target) = rule.target {
            record_forwarder(stack, target, added.id());
        }
    }
}

/// A listener rule: conditions and what to do when they match.
///
/// ```
/// use cfnkit::constructs::ec2::Vpc;
/// use cfnkit::constructs::elasticloadbalancingv2::{ApplicationLoadBalancer, ListenerRule, TargetGroup, TargetProtocol};
/// use cfnkit::core::tree::App;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let vpc = Vpc::new("Vpc").add_to(stack);
/// let alb = ApplicationLoadBalancer::new("Alb", vpc).add_to(stack);
/// let web = TargetGroup::new("Web", vpc, TargetProtocol::Http, 8080).add_to(stack);
/// let api = TargetGroup::new("Api", vpc, TargetProtocol::Http, 9090).add_to(stack);
/// let https = alb.add_https_listener(stack, "Https", "arn:aws:acm:us-east-1:111122223333:certificate/abc", web);
/// https.add_rule(stack, "ApiRule", ListenerRule::new(10).path_patterns(["/api/*"]).forward(api));
/// ```
#[derive(Clone, Debug)]
pub struct ListenerRule {
    priority: u32,
    conditions: Vec<l1::RuleCondition>,
    action: Option<l1::ListenerRuleAction>,
    target: Option<TargetGroupRef>,
}

impl ListenerRule {
    /// A rule with `priority` (1 to 50,000; lower is checked first).
    pub fn new(priority: u32) -> Self {
        ListenerRule { priority, conditions: Vec::new(), action: None, target: None }
    }
    /// Matches requests whose path matches one of `patterns` (`/api/*`).
    pub fn path_patterns<S: Into<String>>(mut self, patterns: impl IntoIterator<Item = S>) -> Self {
        let values: Vec<Value<String>> = patterns.into_iter().map(|p| Value::Lit(p.into())).collect();
        self.conditions.push(
            l1::RuleCondition::new()
                .field("path-pattern")
                .path_pattern_config(l1::PathPatternConfig::new().values(values)),
        );
        self
    }
    /// Matches requests for one of `hosts` (`api.example.com`, `*.example.com`).
    pub fn host_headers<S: Into<String>>(mut self, hosts: impl IntoIterator<Item = S>) -> Self {
        let values: Vec<Value<String>> = hosts.into_iter().map(|p| Value::Lit(p.into())).collect();
        self.conditions.push(
            l1::RuleCondition::new()
                .field("host-header")
                .host_header_config(l1::HostHeaderConfig::new().values(values)),
        );
        self
    }
    /// Sends matching requests to `target`.
    pub fn forward(mut self, target: TargetGroupRef) -> Self {
        self.action = Some(l1::ListenerRuleAction::new("forward").target_group_arn(Value::from(target.arn())));
        self.target = Some(target);
        self
    }
    /// Answers matching requests itself with `status` (`404`) and a plain-text `body`.
    pub fn fixed_response(mut self, status: u16, body: &str) -> Self {
        self.action = Some(l1::ListenerRuleAction::new("fixed-response").fixed_response_config(
            l1::FixedResponseConfig::new(status.to_string()).content_type("text/plain").message_body(body.to_string()),
        ));
        self.target = None;
        self
    }
}
