//! Lifecycle rules ([`Rule`]) and the [`StorageClass`]es objects move to.
//!
//! Checked when the bucket is added: rule ids of 1 to 255 characters,
//! periods of whole days (at least one), transitions no earlier than the
//! class allows (30 days for the infrequent-access classes), and rules that
//! do something.

use cfnkit_core::diag::{DiagKind, Diagnostic};
use cfnkit_core::units::Duration;
use cfnkit_l1::s3 as l1;

/// A storage class objects can move to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageClass {
    /// `STANDARD_IA`
    InfrequentAccess,
    /// `ONEZONE_IA`
    OneZoneInfrequentAccess,
    /// `INTELLIGENT_TIERING`
    IntelligentTiering,
    /// `GLACIER_IR`
    GlacierInstantRetrieval,
    /// `GLACIER`
    Glacier,
    /// `DEEP_ARCHIVE`
    DeepArchive,
}

impl StorageClass {
    fn name(self) -> &'static str {
        match self {
            StorageClass::InfrequentAccess => "STANDARD_IA",
            StorageClass::OneZoneInfrequentAccess => "ONEZONE_IA",
            StorageClass::IntelligentTiering => "INTELLIGENT_TIERING",
            StorageClass::GlacierInstantRetrieval => "GLACIER_IR",
            StorageClass::Glacier => "GLACIER",
            StorageClass::DeepArchive => "DEEP_ARCHIVE",
        }
    }
    /// Days objects must spend in STANDARD before S3 accepts a transition to this class.
    fn min_days(self) -> u64 {
        match self {
            StorageClass::InfrequentAccess | StorageClass::OneZoneInfrequentAccess => 30,
            _ => 0,
        }
    }
}

/// A lifecycle rule: transitions and expirations.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    id: String,
    prefix: Option<String>,
    transitions: Vec<(StorageClass, Duration)>,
    expiration: Option<Duration>,
    noncurrent_expiration: Option<Duration>,
    abort_incomplete_uploads: Option<Duration>,
}

impl Rule {
    /// An enabled rule named `id` (1 to 255 characters).
    pub fn new(id: &str) -> Self {
        Rule {
            id: id.to_string(),
            prefix: None,
            transitions: Vec::new(),
            expiration: None,
            noncurrent_expiration: None,
            abort_incomplete_uploads: None,
        }
    }
    /// Applies only to keys under `prefix`.
    pub fn prefix(mut self, p: &str) -> Self {
        self.prefix = Some(p.to_string());
        self
    }
    /// Moves objects to `class` after `after` (whole days).
    pub fn transition(mut self, class: StorageClass, after: Duration) -> Self {
        self.transitions.push((class, after));
        self
    }
    /// Deletes objects after `after` (whole days).
    pub fn expiration(mut self, after: Duration) -> Self {
        self.expiration = Some(after);
        self
    }
    /// Deletes noncurrent versions after `after`.
    pub fn noncurrent_version_expiration(mut self, after: Duration) -> Self {
        self.noncurrent_expiration = Some(after);
        self
    }
    /// Aborts incomplete multipart uploads after `after`.
    pub fn abort_incomplete_multipart_uploads(mut self, after: Duration) -> Self {
        self.abort_incomplete_uploads = Some(after);
        self
    }

    pub(super) fn check(&self, path: &str, out: &mut Vec<Diagnostic>) {
        let prop = format!("LifecycleConfiguration.Rules.{}", self.id);
        if self.id.is_empty() || self.id.len() > 255 {
            out.push(
                Diagnostic::error_of(DiagKind::Length, path, "lifecycle rule id length")
                    .property(prop.clone())
                    .value(format!("{:?}", self.id))
                    .allowed("1 to 255 characters"),
            );
        }
        let all = self
            .transitions
            .iter()
            .map(|(_, d)| d)
            .chain(self.expiration.iter())
            .chain(self.noncurrent_expiration.iter())
            .chain(self.abort_incomplete_uploads.iter());
        for d in all {
            if !d.is_whole_days() || d.to_days() == 0 {
                out.push(
                    Diagnostic::error_of(DiagKind::Invalid, path, "lifecycle periods are whole days")
                        .property(prop.clone())
                        .value(d.to_string())
                        .allowed("1 or more whole days"),
                );
            }
        }
        for (c, d) in &self.transitions {
            if d.to_days() < c.min_days() {
                out.push(
                    Diagnostic::error_of(DiagKind::OutOfRange, path, format!("transition to {} too early", c.name()))
                        .property(prop.clone())
                        .value(d.to_string())
                        .allowed(format!("at least {} days", c.min_days())),
                );
            }
        }
        if self.transitions.is_empty()
            && self.expiration.is_none()
            && self.noncurrent_expiration.is_none()
            && self.abort_incomplete_uploads.is_none()
        {
            out.push(
                Diagnostic::error_of(DiagKind::NoEffect, path, "lifecycle rule does nothing")
                    .property(prop)
                    .allowed("at least one transition or expiration"),
            );
        }
    }

    pub(super) fn to_l1(&self) -> l1::Rule {
        let mut r = l1::Rule::new("Enabled".to_string()).id(self.id.clone());
        if let Some(p) = &self.prefix {
            r = r.prefix(p.clone());
        }
        if !self.transitions.is_empty() {
            r = r.transitions(
                self.transitions
                    .iter()
                    .map(|(c, d)| l1::Transition::new(c.name().to_string()).transition_in_days(d.to_days() as i64))
                    .collect::<Vec<_>>(),
            );
        }
        if let Some(d) = self.expiration {
            r = r.expiration_in_days(d.to_days() as i64);
        }
        if let Some(d) = self.noncurrent_expiration {
            r = r.noncurrent_version_expiration(l1::NoncurrentVersionExpiration::new(d.to_days() as i64));
        }
        if let Some(d) = self.abort_incomplete_uploads {
            r = r.abort_incomplete_multipart_upload(l1::AbortIncompleteMultipartUpload::new(d.to_days() as i64));
        }
        r
    }
}
