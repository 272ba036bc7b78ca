//! Route 53: [`HealthCheck`]s of HTTPS endpoints.
//!
//! Defaults: HTTPS on port 443 with SNI (so the endpoint's certificate is
//! the one for its host name), a check every 30 seconds from Route 53's
//! default checker regions, unhealthy after 3 failures in a row, latency not
//! measured. The stack's tags (`Environment`, `Purpose`) are written into
//! `HealthCheckTags`, which CloudFormation names differently from `Tags`.
//!
//! Route 53 publishes health check metrics in `us-east-1` only: the metrics
//! of [`HealthCheckRef`] are pinned there, dashboards elsewhere read them
//! from there, and an alarm on them must be in a `us-east-1` stack.

use cfnkit_core::diag::Diagnostic;
use cfnkit_core::resource::Handle;
use cfnkit_core::token::{Expr, Token, Value};
use cfnkit_core::tree::Stack;
use cfnkit_core::units::Duration;
use cfnkit_l1::route53 as l1;

use crate::cloudwatch::{Metric, Statistic};

/// The region Route 53 publishes health check metrics in.
pub const METRICS_REGION: &str = "us-east-1";

/// A region Route 53 checks endpoints from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckerRegion {
    /// `us-east-1`
    UsEast1,
    /// `us-west-1`
    UsWest1,
    /// `us-west-2`
    UsWest2,
    /// `eu-west-1`
    EuWest1,
    /// `ap-southeast-1`
    ApSoutheast1,
    /// `ap-southeast-2`
    ApSoutheast2,
    /// `ap-northeast-1`
    ApNortheast1,
    /// `sa-east-1`
    SaEast1,
}

impl CheckerRegion {
    /// The region name.
    pub fn name(self) -> &'static str {
        match self {
            CheckerRegion::UsEast1 => "us-east-1",
            CheckerRegion::UsWest1 => "us-west-1",
            CheckerRegion::UsWest2 => "us-west-2",
            CheckerRegion::EuWest1 => "eu-west-1",
            CheckerRegion::ApSoutheast1 => "ap-southeast-1",
            CheckerRegion::ApSoutheast2 => "ap-southeast-2",
            CheckerRegion::ApNortheast1 => "ap-northeast-1",
            CheckerRegion::SaEast1 => "sa-east-1",
        }
    }
}

/// A health check of an HTTPS endpoint.
///
/// ```
/// use cfnkit_constructs::route53::HealthCheck;
/// use cfnkit_core::fns;
/// use cfnkit_core::tree::App;
/// use cfnkit_core::units::Duration;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let host = fns::sub("api.example.com").expr();
/// let check = HealthCheck::https("ApiHealth", host, "/prod/health")
///     .request_interval(Duration::seconds(10))
///     .failure_threshold(2)
///     .add_to(stack);
/// let _status = check.metric_status();
/// ```
#[derive(Clone, Debug)]
#[must_use = "a construct does nothing until `.add_to(stack)` adds it"]
pub struct HealthCheck {
    id: String,
    domain: Value<String>,
    path: Value<String>,
    port: u16,
    interval: Duration,
    failure_threshold: u32,
    latency: bool,
    regions: Vec<CheckerRegion>,
    search: Option<String>,
    name: Option<Value<String>>,
}

impl HealthCheck {
    /// Checks `https://<domain><path>` (a host name, often a token such as
    /// `api.domain_name()`, and a path starting with `/`).
    pub fn https(id: &str, domain: impl Into<Value<String>>, path: impl Into<Value<String>>) -> Self {
        HealthCheck {
            id: id.to_string(),
            domain: domain.into(),
            path: path.into(),
            port: 443,
            interval: Duration::seconds(30),
            failure_threshold: 3,
            latency: false,
            regions: Vec::new(),
            search: None,
            name: None,
        }
    }
    /// Sets the port (443 by default).
    pub fn port(mut self, p: u16) -> Self {
        self.port = p;
        self
    }
    /// Checks every 10 or 30 seconds (30 by default; 10 costs more). Set at creation only.
    pub fn request_interval(mut self, d: Duration) -> Self {
        self.interval = d;
        self
    }
    /// Failures in a row before the endpoint is unhealthy (1 to 10; 3 by default).
    pub fn failure_threshold(mut self, n: u32) -> Self {
        self.failure_threshold = n;
        self
    }
    /// Measures latency from each checker region (billed extra; set at creation only).
    pub fn measure_latency(mut self) -> Self {
        self.latency = true;
        self
    }
    /// Checks from these regions only (at least 3; Route 53's default set otherwise).
    pub fn regions(mut self, r: impl IntoIterator<Item = CheckerRegion>) -> Self {
        self.regions = r.into_iter().collect();
        self
    }
    /// Healthy only when the first 5,120 bytes of the body contain `s`
    /// (`HTTPS_STR_MATCH`; at most 255 characters).
    pub fn search_string(mut self, s: &str) -> Self {
        self.search = Some(s.to_string());
        self
    }
    /// Sets the `Name` tag the Route 53 console lists the check by.
    pub fn name(mut self, n: impl Into<Value<String>>) -> Self {
        self.name = Some(n.into());
        self
    }

    fn check(&self, path: &str, out: &mut Vec<Diagnostic>) {
        if !matches!(self.interval.to_seconds(), 10 | 30) {
            out.push(
                Diagnostic::error(path, "request interval out of range")
                    .property("HealthCheckConfig.RequestInterval")
                    .value(self.interval.to_string())
                    .allowed("10 or 30 seconds"),
            );
        }
        if !(1..=10).contains(&self.failure_threshold) {
            out.push(
                Diagnostic::error(path, "failure threshold out of range")
                    .property("HealthCheckConfig.FailureThreshold")
                    .value(self.failure_threshold.to_string())
                    .allowed("1 to 10"),
            );
        }
        if self.port == 0 {
            out.push(
                Diagnostic::error(path, "port out of range")
                    .property("HealthCheckConfig.Port")
                    .value("0")
                    .allowed("1 to 65535"),
            );
        }
        if let Value::Lit(d) = &self.domain {
            if d.is_empty() || d.len() > 255 || d.contains('/') || d.contains(':') {
                out.push(
                    Diagnostic::error(path, "invalid domain name")
                        .property("HealthCheckConfig.FullyQualifiedDomainName")
                        .value(format!("{d:?}"))
                        .allowed("a host name of 1 to 255 characters, without scheme, port or path"),
                );
            }
        }
        if let Value::Lit(p) = &self.path {
            if !p.starts_with('/') || p.len() > 255 {
                out.push(
                    Diagnostic::error(path, "invalid resource path")
                        .property("HealthCheckConfig.ResourcePath")
                        .value(format!("{p:?}"))
                        .allowed("a path starting with '/', at most 255 characters"),
                );
            }
        }
        let mut distinct: Vec<CheckerRegion> = Vec::new();
        for r in &self.regions {
            if !distinct.contains(r) {
                distinct.push(*r);
            }
        }
        if !self.regions.is_empty() && (distinct.len() < 3 || distinct.len() != self.regions.len()) {
            out.push(
                Diagnostic::error(path, "too few checker regions")
                    .property("HealthCheckConfig.Regions")
                    .value(self.regions.iter().map(|r| r.name()).collect::<Vec<_>>().join(", "))
                    .allowed("at least 3 distinct regions"),
            );
        }
        if let Some(s) = &self.search {
            if s.is_empty() || s.len() > 255 {
                out.push(
                    Diagnostic::error(path, "search string length")
                        .property("HealthCheckConfig.SearchString")
                        .value(format!("{} characters", s.len()))
                        .allowed("1 to 255 characters"),
                );
            }
        }
    }

    /// Adds the health check to the stack, tagged with the stack's tags.
    pub fn add_to(self, stack: &mut Stack) -> HealthCheckRef {
        let scope = stack.construct(&self.id);
        let path = format!("{}/Resource", stack.path_of_node(scope).unwrap_or_default());
        let mut diags = Vec::new();
        self.check(&path, &mut diags);
        for d in diags {
            stack.report(d);
        }
        let kind = if self.search.is_some() { "HTTPS_STR_MATCH" } else { "HTTPS" };
        let mut config = l1::HealthCheckConfig::new(kind)
            .fully_qualified_domain_name(self.domain)
            .port(i64::from(self.port))
            .resource_path(self.path)
            .enable_sni(true)
            .request_interval(self.interval.to_seconds() as i64)
            .failure_threshold(i64::from(self.failure_threshold))
            .measure_latency(self.latency);
        if !self.regions.is_empty() {
            config = config.regions(self.regions.iter().map(|r| Value::Lit(r.name().to_string())).collect::<Vec<_>>());
        }
        if let Some(s) = self.search {
            config = config.search_string(s);
        }
        let handle = stack.within(scope, |s| s.add("Resource", l1::HealthCheck::new(config)));

        // HealthCheckTags is not `Tags`: synthesis's tag merge does not reach
        // it, so the inherited tags are written here (own `Name` first).
        let mut tags = Vec::new();
        let own_name = self.name.is_some();
        if let Some(n) = self.name {
            tags.push(l1::HealthCheckTag::new("Name", n));
        }
        for (k, v) in stack.inherited_tags(handle.id()) {
            if k == "Name" && own_name {
                continue;
            }
            let value = match v {
                Token::Str(s) => Value::Lit(s),
                t => Value::Expr(t),
            };
            tags.push(l1::HealthCheckTag::new(k, value));
        }
        if !tags.is_empty() {
            if let Some(h) = stack.get_mut(handle) {
                h.health_check_tags = Some(Value::Lit(tags));
            }
        }
        HealthCheckRef { handle }
    }
}

/// A health check added to a stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HealthCheckRef {
    handle: Handle<l1::HealthCheck>,
}

impl HealthCheckRef {
    /// The L1 handle.
    pub fn handle(self) -> Handle<l1::HealthCheck> {
        self.handle
    }
    /// The health check id (`Ref`).
    pub fn id(self) -> Expr<String> {
        self.handle.reference()
    }
    fn metric(self, name: &str, stat: Statistic) -> Metric {
        Metric::new("AWS/Route53", name).dimension("HealthCheckId", self.id()).statistic(stat).region(METRICS_REGION)
    }
    /// `HealthCheckStatus`: 1 healthy, 0 unhealthy (Minimum, 5 minutes, in `us-east-1`).
    pub fn metric_status(self) -> Metric {
        self.metric("HealthCheckStatus", Statistic::Minimum)
    }
    /// `HealthCheckPercentageHealthy`: the share of checkers that see the
    /// endpoint healthy (Average, 5 minutes, in `us-east-1`).
    pub fn metric_percentage_healthy(self) -> Metric {
        self.metric("HealthCheckPercentageHealthy", Statistic::Average)
    }
}
