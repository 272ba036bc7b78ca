//! [`Container`]s of a task definition and the [`ContainerImage`]s they run.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::fns;
use cfnkit_core::token::{Expr, Pseudo, Token, Value};
use cfnkit_core::tree::Stack;
use cfnkit_l1::ecs as l1;

use crate::secretsmanager::SecretRef;

/// Where a container's image comes from.
///
/// ```
/// use cfnkit::constructs::ecs::ContainerImage;
/// let own = ContainerImage::ecr("shop/web", "1.4.2"); // this account and region
/// let public = ContainerImage::registry("public.ecr.aws/nginx/nginx:1.27");
/// assert_ne!(own, public);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerImage(Source);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Source {
    /// A full image reference, pulled as is.
    Registry(String),
    /// A repository of the stack's account and region, and a tag.
    Ecr { repository: String, tag: String },
}

impl ContainerImage {
    /// An image from a public registry, by its full reference
    /// (`public.ecr.aws/nginx/nginx:1.27`): pulled without credentials,
    /// so the execution role gets no ECR permission for it.
    pub fn registry(reference: &str) -> Self {
        ContainerImage(Source::Registry(reference.to_string()))
    }
    /// The image tagged `tag` in the ECR repository `repository` of the
    /// stack's account and region. The execution role may pull from that
    /// repository only (`ecr:GetAuthorizationToken`, which has no resource
    /// level, is the one action on `*`).
    pub fn ecr(repository: &str, tag: &str) -> Self {
        ContainerImage(Source::Ecr { repository: repository.to_string(), tag: tag.to_string() })
    }

    /// The `Image` value of the container definition.
    pub(super) fn uri(&self) -> Value<String> {
        match &self.0 {
            Source::Registry(r) => Value::Lit(r.clone()),
            Source::Ecr { repository, tag } => Value::from(
                fns::sub(format!(
                    "${{AWS::AccountId}}.dkr.ecr.${{AWS::Region}}.${{AWS::URLSuffix}}/{repository}:{tag}"
                ))
                .expr(),
            ),
        }
    }

    /// The ARN of the ECR repository to pull from, if the image is in one.
    pub(super) fn repository_arn(&self) -> Option<Expr<String>> {
        match &self.0 {
            Source::Registry(_) => None,
            Source::Ecr { repository, .. } => Some(
                fns::sub(format!(
                    "arn:${{AWS::Partition}}:ecr:${{AWS::Region}}:${{AWS::AccountId}}:repository/{repository}"
                ))
                .expr(),
            ),
        }
    }

    fn check(&self, path: &str, out: &mut Vec<Diagnostic>) {
        match &self.0 {
            Source::Registry(r) => {
                if r.is_empty() || r.len() > 255 || r.chars().any(char::is_whitespace) {
                    out.push(
                        Diagnostic::error_of(DiagKind::Invalid, path, "invalid image reference")
                            .property("ContainerDefinitions.Image")
                            .value(format!("{r:?}"))
                            .allowed("registry/repository:tag or @digest, up to 255 characters, no spaces"),
                    );
                }
            }
            Source::Ecr { repository, tag } => {
                if !valid_repository(repository) {
                    out.push(
                        Diagnostic::error_of(DiagKind::Pattern, path, "invalid ECR repository name")
                            .property("ContainerDefinitions.Image")
                            .value(format!("{repository:?}"))
                            .allowed("2 to 256 lowercase letters, digits, '.', '_', '-' and '/' between them"),
                    );
                }
                let tag_ok = (1..=128).contains(&tag.len())
                    && tag.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
                if !tag_ok {
                    out.push(
                        Diagnostic::error_of(DiagKind::Pattern, path, "invalid image tag")
                            .property("ContainerDefinitions.Image")
                            .value(format!("{tag:?}"))
                            .allowed("1 to 128 letters, digits, '_', '.' and '-'"),
                    );
                }
            }
        }
    }
}

/// True for an ECR repository name.
fn valid_repository(r: &str) -> bool {
    (2..=256).contains(&r.len())
        && r.split('/').all(|part| {
            !part.is_empty()
                && part.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                && part.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        })
}

/// Words that mark an environment variable as holding a secret.
const SECRET_WORDS: [&str; 5] = ["PASSWORD", "SECRET", "TOKEN", "API_KEY", "PRIVATE_KEY"];

/// A container of a task definition.
///
/// Defaults: essential; a read-only root file system; not privileged;
/// logs to the task's log group with the container's name as stream
/// prefix. Ports are TCP, mapped to the same port on the task's network
/// interface (Fargate's `awsvpc` network mode).
///
/// ```
/// use cfnkit::constructs::ecs::{Container, ContainerImage};
/// let web = Container::new("web", ContainerImage::ecr("shop/web", "1.4.2"))
///     .port(8080)
///     .env("LOG_LEVEL", "info")
///     .health_check("curl -f http://localhost:8080/health || exit 1");
/// # let _ = web;
/// ```
#[derive(Clone, Debug)]
#[must_use = "a container does nothing until a task definition takes it"]
pub struct Container {
    pub(super) name: String,
    pub(super) image: ContainerImage,
    pub(super) ports: Vec<u16>,
    env: Vec<(String, Value<String>)>,
    pub(super) secrets: Vec<(String, SecretRef, Option<String>)>,
    command: Vec<String>,
    pub(super) writable_root: Option<String>,
    essential: bool,
    health_check: Option<String>,
}

impl Container {
    /// A container named `name` (1 to 255 letters, digits, `-` and `_`,
    /// unique in its task definition) running `image`.
    pub fn new(name: &str, image: ContainerImage) -> Self {
        Container {
            name: name.to_string(),
            image,
            ports: Vec::new(),
            env: Vec::new(),
            secrets: Vec::new(),
            command: Vec::new(),
            writable_root: None,
            essential: true,
            health_check: None,
        }
    }
    /// Listens on TCP `port` (1 to 65,535). The first port of the first
    /// container that has one is where a load balancer sends requests.
    pub fn port(mut self, port: u16) -> Self {
        self.ports.push(port);
        self
    }
    /// Sets an environment variable. Values are plain text in the task
    /// definition: pass secrets with [`secret`](Self::secret).
    pub fn env(mut self, name: &str, value: impl Into<Value<String>>) -> Self {
        self.env.push((name.to_string(), value.into()));
        self
    }
    /// Sets environment variable `name` to the value of `secret`, read by
    /// ECS when the task starts; the execution role may read that secret
    /// (and decrypt it through Secrets Manager) and nothing else.
    pub fn secret(mut self, name: &str, secret: SecretRef) -> Self {
        self.secrets.push((name.to_string(), secret, None));
        self
    }
    /// Sets environment variable `name` to the field `json_key` of the JSON
    /// secret `secret` (`password` of a database secret).
    pub fn secret_field(mut self, name: &str, secret: SecretRef, json_key: &str) -> Self {
        self.secrets.push((name.to_string(), secret, Some(json_key.to_string())));
        self
    }
    /// Overrides the image's command.
    pub fn command<S: Into<String>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.command = args.into_iter().map(Into::into).collect();
        self
    }
    /// Checks the container's health with a shell command run inside it
    /// (`CMD-SHELL`; every 30 seconds, 5 seconds to answer, 3 retries).
    pub fn health_check(mut self, shell_command: &str) -> Self {
        self.health_check = Some(shell_command.to_string());
        self
    }
    /// Marks the container as not essential: the task keeps running when it stops.
    pub fn not_essential(mut self) -> Self {
        self.essential = false;
        self
    }
    /// Lets the container write to its root file system, saying why
    /// (recorded as a checkov skip of CKV_AWS_336 on the task definition).
    /// Prefer a writable volume for the paths that need it.
    pub fn writable_root_filesystem(mut self, reason: &str) -> Self {
        self.writable_root = Some(reason.to_string());
        self
    }

    /// True unless [`not_essential`](Self::not_essential) was called.
    pub(super) fn essential(&self) -> bool {
        self.essential
    }

    /// Reports what is wrong with the container.
    pub(super) fn check(&self, path: &str, stack: &mut Stack) {
        let mut out = Vec::new();
        if !super::valid_name(&self.name, 255) {
            out.push(
                Diagnostic::error_of(DiagKind::Pattern, path, "invalid container name")
                    .property("ContainerDefinitions.Name")
                    .value(format!("{:?}", self.name))
                    .allowed("1 to 255 letters, digits, '-' and '_'"),
            );
        }
        self.image.check(path, &mut out);
        let mut seen = Vec::new();
        for &p in &self.ports {
            if p == 0 || seen.contains(&p) {
                out.push(
                    Diagnostic::error_of(DiagKind::OutOfRange, path, "invalid or repeated container port")
                        .property("ContainerDefinitions.PortMappings.ContainerPort")
                        .value(p.to_string())
                        .allowed("1 to 65535, each once per container"),
                );
            }
            seen.push(p);
        }
        let mut names: Vec<&str> = Vec::new();
        for name in self.env.iter().map(|(n, _)| n.as_str()).chain(self.secrets.iter().map(|(n, _, _)| n.as_str())) {
            let ok = !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !ok || names.contains(&name) {
                out.push(
                    Diagnostic::error_of(DiagKind::Pattern, path, "invalid or repeated environment variable name")
                        .property("ContainerDefinitions.Environment.Name")
                        .value(format!("{name:?}"))
                        .allowed("letters, digits and '_', not starting with a digit, each once per container"),
                );
            }
            names.push(name);
        }
        for (name, value) in &self.env {
            let upper = name.to_ascii_uppercase();
            if matches!(value, Value::Lit(_)) && SECRET_WORDS.iter().any(|w| upper.contains(w)) {
                out.push(
                    Diagnostic::warning_of(DiagKind::Wiring, path, "environment variable looks like a secret")
                        .property("ContainerDefinitions.Environment")
                        .value(name.clone())
                        .allowed(".secret(name, secret) so the value stays in Secrets Manager"),
                );
            }
        }
        for (_, _, field) in &self.secrets {
            if let Some(k) = field {
                if k.is_empty() || k.contains(':') {
                    out.push(
                        Diagnostic::error_of(DiagKind::Pattern, path, "invalid secret JSON key")
                            .property("ContainerDefinitions.Secrets.ValueFrom")
                            .value(format!("{k:?}"))
                            .allowed("a non-empty JSON key without ':'"),
                    );
                }
            }
        }
        if self.health_check.as_deref().is_some_and(str::is_empty) {
            out.push(
                Diagnostic::error_of(DiagKind::Missing, path, "empty health-check command")
                    .property("ContainerDefinitions.HealthCheck.Command")
                    .allowed("a shell command such as curl -f http://localhost/ || exit 1"),
            );
        }
        for d in out {
            stack.report(d);
        }
    }

    /// The container definition, logging to `log_group`.
    pub(super) fn to_l1(&self, log_group: Token) -> l1::ContainerDefinition {
        let logs = l1::LogConfiguration::new("awslogs").options(
            [
                ("awslogs-group".to_string(), Value::Expr(log_group)),
                ("awslogs-region".to_string(), Value::from(Pseudo::Region.expr())),
                ("awslogs-stream-prefix".to_string(), Value::Lit(self.name.clone())),
            ]
            .into_iter()
            .collect::<indexmap::IndexMap<_, _>>(),
        );
        let mut c = l1::ContainerDefinition::new(self.image.uri(), self.name.clone())
            .essential(self.essential)
            .readonly_root_filesystem(self.writable_root.is_none())
            .log_configuration(logs);
        if !self.ports.is_empty() {
            c = c.port_mappings(
                self.ports
                    .iter()
                    .map(|&p| l1::PortMapping::new().container_port(i64::from(p)).protocol("tcp"))
                    .collect::<Vec<_>>(),
            );
        }
        if !self.env.is_empty() {
            c = c.environment(
                self.env
                    .iter()
                    .map(|(n, v)| l1::KeyValuePair::new().name(n.clone()).value(v.clone()))
                    .collect::<Vec<_>>(),
            );
        }
        if !self.secrets.is_empty() {
            c = c.secrets(
                self.secrets
                    .iter()
                    .map(|(n, s, field)| {
                        let from: Value<String> = match field {
                            None => Value::from(s.arn()),
                            Some(k) => Value::from(fns::sub(format!("${{Arn}}:{k}::")).var("Arn", s.arn()).expr()),
                        };
                        l1::Secret::new(n.clone(), from)
                    })
                    .collect::<Vec<_>>(),
            );
        }
        if !self.command.is_empty() {
            c = c.command(self.command.iter().cloned().map(Value::Lit).collect::<Vec<_>>());
        }
        if let Some(cmd) = &self.health_check {
            c = c.health_check(
                l1::HealthCheck::new()
                    .command(vec![Value::Lit("CMD-SHELL".to_string()), Value::Lit(cmd.clone())])
                    .interval(30)
                    .timeout(5)
                    .retries(3),
            );
        }
        c
    }
}
