//! [`Engine`]: the database engine and version, and what follows from them
//! (port, parameter-group family, log types, the TLS-enforcing parameter).

/// The database engine and its version.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Engine {
    /// `postgres` (RDS for PostgreSQL), version such as `16.4`.
    Postgres(String),
    /// `mysql` (RDS for MySQL), version such as `8.0.39`.
    Mysql(String),
    /// `mariadb` (RDS for MariaDB), version such as `10.11.9`.
    MariaDb(String),
    /// `aurora-postgresql`, version such as `16.4` (clusters only).
    AuroraPostgresql(String),
    /// `aurora-mysql`, version such as `8.0.mysql_aurora.3.08.0` (clusters only).
    AuroraMysql(String),
}

impl Engine {
    /// RDS for PostgreSQL at `version` (`16.4`).
    pub fn postgres(version: &str) -> Self {
        Engine::Postgres(version.to_string())
    }
    /// RDS for MySQL at `version` (`8.0.39`).
    pub fn mysql(version: &str) -> Self {
        Engine::Mysql(version.to_string())
    }
    /// RDS for MariaDB at `version` (`10.11.9`).
    pub fn mariadb(version: &str) -> Self {
        Engine::MariaDb(version.to_string())
    }
    /// Aurora PostgreSQL at `version` (`16.4`).
    pub fn aurora_postgresql(version: &str) -> Self {
        Engine::AuroraPostgresql(version.to_string())
    }
    /// Aurora MySQL at `version` (`8.0.mysql_aurora.3.08.0`).
    pub fn aurora_mysql(version: &str) -> Self {
        Engine::AuroraMysql(version.to_string())
    }

    /// The `Engine` value.
    pub fn name(&self) -> &'static str {
        match self {
            Engine::Postgres(_) => "postgres",
            Engine::Mysql(_) => "mysql",
            Engine::MariaDb(_) => "mariadb",
            Engine::AuroraPostgresql(_) => "aurora-postgresql",
            Engine::AuroraMysql(_) => "aurora-mysql",
        }
    }

    /// The `EngineVersion` value.
    pub fn version(&self) -> &str {
        match self {
            Engine::Postgres(v)
            | Engine::Mysql(v)
            | Engine::MariaDb(v)
            | Engine::AuroraPostgresql(v)
            | Engine::AuroraMysql(v) => v,
        }
    }

    /// True for the Aurora engines (which run as a cluster).
    pub fn is_aurora(&self) -> bool {
        matches!(self, Engine::AuroraPostgresql(_) | Engine::AuroraMysql(_))
    }

    fn is_postgres(&self) -> bool {
        matches!(self, Engine::Postgres(_) | Engine::AuroraPostgresql(_))
    }

    /// The engine's default port: 5432 for PostgreSQL, 3306 for MySQL and MariaDB.
    pub fn default_port(&self) -> u16 {
        if self.is_postgres() {
            5432
        } else {
            3306
        }
    }

    /// The parameter-group family (`postgres16`, `mysql8.0`,
    /// `aurora-postgresql16`), or `None` when the version does not start
    /// with a number.
    pub fn family(&self) -> Option<String> {
        let v = self.version();
        let mut parts = v.split('.');
        let major = parts.next().filter(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_digit()))?;
        let minor = parts.next().filter(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_digit()));
        Some(match self {
            // PostgreSQL 10 and later name families by the major version alone.
            Engine::Postgres(_) | Engine::AuroraPostgresql(_) if major.parse::<u32>().ok()? >= 10 => {
                format!("{}{major}", self.name())
            }
            _ => format!("{}{major}.{}", self.name(), minor?),
        })
    }

    /// The log types exported to CloudWatch Logs by default: the server
    /// log (and upgrade log) of PostgreSQL; the error and slow-query logs of
    /// MySQL and MariaDB, plus the audit log on Aurora MySQL (RDS for MySQL
    /// and MariaDB need an option group for theirs). The general log, which
    /// records every statement, is left out.
    pub fn log_types(&self) -> &'static [&'static str] {
        match self {
            Engine::Postgres(_) => &["postgresql", "upgrade"],
            Engine::AuroraPostgresql(_) => &["postgresql"],
            Engine::Mysql(_) | Engine::MariaDb(_) => &["error", "slowquery"],
            Engine::AuroraMysql(_) => &["audit", "error", "slowquery"],
        }
    }

    /// Every log type the engine can export.
    pub fn exportable_log_types(&self) -> &'static [&'static str] {
        match self {
            Engine::Postgres(_) => &["postgresql", "upgrade", "iam-db-auth-error"],
            Engine::AuroraPostgresql(_) => &["postgresql", "iam-db-auth-error"],
            Engine::Mysql(_) | Engine::MariaDb(_) => &["error", "slowquery", "general", "iam-db-auth-error"],
            Engine::AuroraMysql(_) => &["audit", "error", "slowquery", "general", "iam-db-auth-error"],
        }
    }

    /// The parameters that make the server write the logs in `exports`
    /// (MySQL writes no slow-query, general or audit log unless told to).
    pub fn log_parameters(&self, exports: &[String]) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        if self.is_postgres() {
            return out;
        }
        let has = |l: &str| exports.iter().any(|e| e == l);
        if has("slowquery") {
            out.push(("slow_query_log", "1"));
        }
        if has("general") {
            out.push(("general_log", "1"));
        }
        if has("audit") && matches!(self, Engine::AuroraMysql(_)) {
            out.push(("server_audit_logging", "1"));
        }
        if !out.is_empty() {
            out.push(("log_output", "FILE"));
        }
        out
    }

    /// The parameter that makes the server refuse connections without TLS,
    /// and its value (`rds.force_ssl = 1`, `require_secure_transport = 1`;
    /// checkov CKV2_AWS_69).
    pub fn tls_parameter(&self) -> (&'static str, &'static str) {
        if self.is_postgres() {
            ("rds.force_ssl", "1")
        } else {
            ("require_secure_transport", "1")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_follow_the_version() {
        assert_eq!(Engine::postgres("17.6").family().as_deref(), Some("postgres17"));
        assert_eq!(Engine::postgres("9.6.24").family().as_deref(), Some("postgres9.6"));
        assert_eq!(Engine::mysql("8.0.39").family().as_deref(), Some("mysql8.0"));
        assert_eq!(Engine::mariadb("10.11.9").family().as_deref(), Some("mariadb10.11"));
        assert_eq!(Engine::aurora_postgresql("15.6").family().as_deref(), Some("aurora-postgresql15"));
        assert_eq!(Engine::aurora_mysql("8.0.mysql_aurora.3.08.0").family().as_deref(), Some("aurora-mysql8.0"));
        assert_eq!(Engine::postgres("latest").family(), None);
        assert_eq!(Engine::mysql("8").family(), None);
    }

    #[test]
    fn ports_follow_the_engine() {
        assert_eq!(Engine::aurora_postgresql("16.9").default_port(), 5432);
        assert_eq!(Engine::mariadb("10.11.9").default_port(), 3306);
    }
}
