//! The rules a [`WebAcl`](super::WebAcl) evaluates: AWS managed rule
//! groups and the rate-based rule.

use cfnkit_core::token::Token;
use cfnkit_l1::wafv2 as l1;

/// An AWS managed rule group (vendor `AWS`), with the web ACL capacity
/// units (WCU) AWS documents for it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ManagedRuleGroup {
    /// `AWSManagedRulesCommonRuleSet` (OWASP top risks; 700 WCU).
    Common,
    /// `AWSManagedRulesKnownBadInputsRuleSet` (request patterns known to be
    /// invalid or to exploit vulnerabilities, Log4j among them; 200 WCU).
    KnownBadInputs,
    /// `AWSManagedRulesSQLiRuleSet` (SQL injection; 200 WCU).
    SqlInjection,
    /// `AWSManagedRulesAmazonIpReputationList` (addresses Amazon threat
    /// intelligence flags as bots or threats; 25 WCU).
    IpReputation,
    /// `AWSManagedRulesAnonymousIpList` (VPNs, proxies, Tor, hosting
    /// providers; 50 WCU).
    AnonymousIp,
    /// `AWSManagedRulesAdminProtectionRuleSet` (external access to admin
    /// pages; 100 WCU).
    AdminProtection,
    /// `AWSManagedRulesLinuxRuleSet` (Linux-specific exploits; 200 WCU).
    Linux,
    /// `AWSManagedRulesUnixRuleSet` (POSIX-specific exploits; 100 WCU).
    Unix,
    /// `AWSManagedRulesPHPRuleSet` (PHP-specific exploits; 100 WCU).
    Php,
    /// `AWSManagedRulesWordPressRuleSet` (WordPress exploits; 100 WCU).
    WordPress,
    /// Another AWS managed rule group, by name, with its WCU.
    Other(String, u32),
}

impl ManagedRuleGroup {
    /// The rule group's name (`AWSManagedRulesCommonRuleSet`, ...).
    pub fn name(&self) -> &str {
        match self {
            ManagedRuleGroup::Common => "AWSManagedRulesCommonRuleSet",
            ManagedRuleGroup::KnownBadInputs => "AWSManagedRulesKnownBadInputsRuleSet",
            ManagedRuleGroup::SqlInjection => "AWSManagedRulesSQLiRuleSet",
            ManagedRuleGroup::IpReputation => "AWSManagedRulesAmazonIpReputationList",
            ManagedRuleGroup::AnonymousIp => "AWSManagedRulesAnonymousIpList",
            ManagedRuleGroup::AdminProtection => "AWSManagedRulesAdminProtectionRuleSet",
            ManagedRuleGroup::Linux => "AWSManagedRulesLinuxRuleSet",
            ManagedRuleGroup::Unix => "AWSManagedRulesUnixRuleSet",
            ManagedRuleGroup::Php => "AWSManagedRulesPHPRuleSet",
            ManagedRuleGroup::WordPress => "AWSManagedRulesWordPressRuleSet",
            ManagedRuleGroup::Other(n, _) => n,
        }
    }
    /// The web ACL capacity units the group uses.
    pub fn capacity(&self) -> u32 {
        match self {
            ManagedRuleGroup::Common => 700,
            ManagedRuleGroup::KnownBadInputs | ManagedRuleGroup::SqlInjection | ManagedRuleGroup::Linux => 200,
            ManagedRuleGroup::IpReputation => 25,
            ManagedRuleGroup::AnonymousIp => 50,
            ManagedRuleGroup::AdminProtection
            | ManagedRuleGroup::Unix
            | ManagedRuleGroup::Php
            | ManagedRuleGroup::WordPress => 100,
            ManagedRuleGroup::Other(_, wcu) => *wcu,
        }
    }
    /// The rule and metric name: the group's name without `AWSManagedRules`.
    pub(super) fn rule_name(&self) -> String {
        let n = self.name();
        format!("AWS-{}", n.strip_prefix("AWSManagedRules").unwrap_or(n))
    }
}

/// A managed rule group as the web ACL uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ManagedUse {
    pub(super) group: ManagedRuleGroup,
    /// Counts matches instead of applying the group's actions.
    pub(super) count_only: bool,
}

/// What the rate-based rule counts requests by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RateKey {
    /// The request's source IP address (the default).
    #[default]
    SourceIp,
    /// The client address in the `X-Forwarded-For` header (behind a proxy
    /// or CDN that sets it; requests without it are not counted).
    ForwardedIp,
}

/// A rate-based rule: blocks a client that sends more than `limit`
/// requests in the evaluation window, until its rate falls below it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub(super) limit: u64,
    pub(super) window_seconds: u32,
    pub(super) key: RateKey,
}

impl RateLimit {
    /// The limit WAF starts from when none is given: 2,000 requests in
    /// five minutes from one address.
    pub const DEFAULT_LIMIT: u64 = 2_000;

    /// At most `limit` requests (10 to 2,000,000,000) in five minutes from
    /// one source IP address.
    pub fn per_five_minutes(limit: u64) -> Self {
        RateLimit { limit, window_seconds: 300, key: RateKey::SourceIp }
    }
    /// Sets the evaluation window in seconds (60, 120, 300 or 600).
    pub fn window_seconds(mut self, seconds: u32) -> Self {
        self.window_seconds = seconds;
        self
    }
    /// Counts by `key` instead of the source IP address.
    pub fn key(mut self, key: RateKey) -> Self {
        self.key = key;
        self
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit::per_five_minutes(RateLimit::DEFAULT_LIMIT)
    }
}

/// The capacity a rate-based rule with one key uses.
pub(super) const RATE_RULE_CAPACITY: u32 = 2;

/// `{}`: the empty object WAF uses for actions without settings.
pub(super) fn empty() -> Token {
    Token::object::<&str, Token>([])
}

/// Visibility of a rule or web ACL: CloudWatch metrics and sampled requests on.
pub(super) fn visibility(metric: &str) -> l1::VisibilityConfig {
    l1::VisibilityConfig::new(true, metric.to_string(), true)
}

/// The `Rule` of a managed rule group at `priority`.
pub(super) fn managed_rule(m: &ManagedUse, priority: i64) -> l1::Rule {
    let name = m.group.rule_name();
    let statement = l1::Statement::new()
        .managed_rule_group_statement(l1::ManagedRuleGroupStatement::new(m.group.name().to_string(), "AWS"));
    let action =
        if m.count_only { l1::OverrideAction::new().count(empty()) } else { l1::OverrideAction::new().none(empty()) };
    l1::Rule::new(name.clone(), priority, statement, visibility(&name)).override_action(action)
}

/// The rate-based `Rule` at `priority`, blocking.
pub(super) fn rate_rule(r: &RateLimit, priority: i64) -> l1::Rule {
    let name = "RateLimitPerClient";
    let mut s = l1::RateBasedStatement::new(
        match r.key {
            RateKey::SourceIp => "IP",
            RateKey::ForwardedIp => "FORWARDED_IP",
        }
        .to_string(),
        r.limit as i64,
    )
    .evaluation_window_sec(i64::from(r.window_seconds));
    if r.key == RateKey::ForwardedIp {
        s = s.forwarded_ip_config(l1::ForwardedIPConfiguration::new(
            "NO_MATCH".to_string(),
            "X-Forwarded-For".to_string(),
        ));
    }
    l1::Rule::new(name, priority, l1::Statement::new().rate_based_statement(s), visibility(name))
        .action(l1::RuleAction::new().block(l1::BlockAction::new()))
}
