//! Lint configuration: which packs run, severities per rule, and the
//! conventions the `conventions` pack checks.
//!
//! Read from the `[lint]` table of `cfnkit.toml`, or from
//! `[package.metadata.cfnkit.lint]` in `Cargo.toml`:
//!
//! ```toml
//! [lint]
//! packs = ["conventions", "security"]      # default: both
//! removal = "delete"                       # "delete", "retain" or "stated" (default)
//! suffix-parameter = "EnvironmentSuffix"   # default
//! required-tags = ["Environment", "Purpose"]
//! required-outputs = ["TableName"]         # default: none named, at least one output
//!
//! [lint.severity]
//! sec-secret-cmk = "note"                  # "error", "warning" or "note"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::rule::{Pack, Rule, Severity};

/// Which removal policy stateful resources must state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum RemovalMode {
    /// Any policy, as long as one is stated.
    #[default]
    Stated,
    /// Clean teardown: `Delete` (or `Snapshot` where the type supports it).
    Delete,
    /// Keep data: `Retain`, `RetainExceptOnCreate` or `Snapshot`.
    Retain,
}

/// The lint configuration.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Config {
    /// The packs to run (`conventions`, `security`).
    pub packs: Vec<String>,
    /// The removal mode stateful resources must follow.
    pub removal: RemovalMode,
    /// The environment-suffix parameter's name.
    pub suffix_parameter: String,
    /// Tag keys every taggable resource must carry.
    pub required_tags: Vec<String>,
    /// Output names the template must declare (tests read them).
    pub required_outputs: Vec<String>,
    /// Severity per rule id.
    pub severity: BTreeMap<String, Severity>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            packs: vec!["conventions".into(), "security".into()],
            removal: RemovalMode::Stated,
            suffix_parameter: "EnvironmentSuffix".into(),
            required_tags: vec!["Environment".into(), "Purpose".into()],
            required_outputs: Vec::new(),
            severity: BTreeMap::new(),
        }
    }
}

/// A config file that cannot be read or says something unknown.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has unknown keys or values.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

#[derive(Deserialize)]
struct CfnkitToml {
    #[serde(default)]
    lint: Option<toml::Value>,
}

impl Config {
    /// Parses the `[lint]` table of a `cfnkit.toml` text.
    pub fn from_cfnkit_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let doc: CfnkitToml = toml::from_str(text).map_err(|e| invalid(path, &e.to_string()))?;
        Self::from_table(doc.lint, path)
    }

    /// Parses `[package.metadata.cfnkit.lint]` of a `Cargo.toml` text (default when absent).
    pub fn from_cargo_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let doc: toml::Value = toml::from_str(text).map_err(|e| invalid(path, &e.to_string()))?;
        let lint = doc
            .get("package")
            .and_then(|p| p.get("metadata"))
            .and_then(|m| m.get("cfnkit"))
            .and_then(|c| c.get("lint"))
            .cloned();
        Self::from_table(lint, path)
    }

    /// Finds the config for a run started in `dir`: `cfnkit.toml`, else
    /// `Cargo.toml`'s metadata table, else the defaults.
    pub fn discover(dir: &Path) -> Result<Config, ConfigError> {
        let own = dir.join("cfnkit.toml");
        if own.is_file() {
            return Self::load(&own);
        }
        let cargo = dir.join("Cargo.toml");
        if cargo.is_file() {
            let text = read(&cargo)?;
            return Self::from_cargo_toml(&text, &cargo);
        }
        Ok(Config::default())
    }

    /// Reads a config file (`Cargo.toml` or a `cfnkit.toml`-shaped file).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = read(path)?;
        if path.file_name().is_some_and(|n| n == "Cargo.toml") {
            Self::from_cargo_toml(&text, path)
        } else {
            Self::from_cfnkit_toml(&text, path)
        }
    }

    fn from_table(table: Option<toml::Value>, path: &Path) -> Result<Config, ConfigError> {
        let Some(table) = table else { return Ok(Config::default()) };
        let config: Config = table.try_into().map_err(|e: toml::de::Error| invalid(path, &e.to_string()))?;
        config.check(path)?;
        Ok(config)
    }

    fn check(&self, path: &Path) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        for p in &self.packs {
            if p != "conventions" && p != "security" {
                problems.push(format!("packs: unknown pack {p:?}; allowed: \"conventions\", \"security\""));
            }
        }
        for id in self.severity.keys() {
            if !crate::packs::all().iter().any(|r| r.id == id) {
                problems.push(format!("severity: unknown rule {id:?}; `cfnkit lint --rules` lists them"));
            }
        }
        if self.suffix_parameter.is_empty() {
            problems.push("suffix-parameter: empty; give the parameter's name".into());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(invalid(path, &problems.join("; ")))
        }
    }

    /// True when `rule`'s pack is selected (the suppressions pack always runs).
    pub fn enabled(&self, rule: &Rule) -> bool {
        rule.pack == Pack::Suppressions || self.packs.iter().any(|p| p == rule.pack.as_str())
    }

    /// The rule's severity after the config.
    pub fn severity(&self, rule: &Rule) -> Severity {
        self.severity.get(rule.id).copied().unwrap_or(rule.severity)
    }
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|source| ConfigError::Io { path: path.to_path_buf(), source })
}

fn invalid(path: &Path, message: &str) -> ConfigError {
    ConfigError::Invalid { path: path.to_path_buf(), message: message.trim().replace('\n', " ") }
}
