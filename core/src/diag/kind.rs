//! What kind of problem a [`Diagnostic`](super::Diagnostic) reports, so that
//! callers and tests match on a kind instead of on message text.
//!
//! Adding a kind: add a variant with a doc comment here and its name in
//! [`DiagKind::name`]. The enum is `#[non_exhaustive]`, so adding one never
//! breaks a caller.

use std::fmt;

/// The kind of a diagnostic. The data (construct path, property, value,
/// allowed) lives on the [`Diagnostic`](super::Diagnostic) itself.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DiagKind {
    /// No more specific kind was given (the default of
    /// [`Diagnostic::error`](super::Diagnostic::error) and
    /// [`Diagnostic::warning`](super::Diagnostic::warning)).
    Other,

    // Schema checks on literal values (the `Validator::check_*` family).
    /// A value outside a closed set of allowed values.
    NotAllowedValue,
    /// A number outside its inclusive range.
    OutOfRange,
    /// A string whose length is outside its bounds.
    Length,
    /// A string that does not match its pattern.
    Pattern,
    /// A list with too few or too many items.
    ItemCount,
    /// Not exactly one of a set of mutually exclusive properties.
    OneOf,
    /// Two properties that cannot be set together.
    Excluded,

    // The construct tree.
    /// An invalid stack name, construct id, logical id, parameter or output id.
    InvalidId,
    /// A stack name, construct id, logical id, parameter or output declared twice.
    DuplicateId,
    /// A handle, scope or node of another stack used where one of this stack is needed.
    ForeignStack,

    // References and synthesis.
    /// A reference to something that does not exist in this app.
    DanglingReference,
    /// A handle of another [`App`](crate::tree::App).
    ForeignApp,
    /// A reference across regions, or from a region-pinned stack to a
    /// region-less one: exports are regional, so the import cannot resolve.
    CrossRegion,
    /// A dependency cycle between resources of one stack.
    DependencyCycle,
    /// Stacks that import from each other.
    StackCycle,
    /// A generated export collides with a user output or another export.
    ExportCollision,
    /// A CloudFormation quota (resources, outputs, template size...).
    Quota,
    /// A property override or deletion that cannot be applied.
    Override,
    /// A stack parameter whose default breaks its own constraints.
    ParameterDefault,
    /// A wiring between constructs that cannot work as written (a grant on a
    /// resource without the feature, a missing resource policy statement...).
    Wiring,
}

impl DiagKind {
    /// A short stable name (`out-of-range`), for machine-readable output.
    pub fn name(self) -> &'static str {
        match self {
            DiagKind::Other => "other",
            DiagKind::NotAllowedValue => "not-allowed-value",
            DiagKind::OutOfRange => "out-of-range",
            DiagKind::Length => "length",
            DiagKind::Pattern => "pattern",
            DiagKind::ItemCount => "item-count",
            DiagKind::OneOf => "one-of",
            DiagKind::Excluded => "excluded",
            DiagKind::InvalidId => "invalid-id",
            DiagKind::DuplicateId => "duplicate-id",
            DiagKind::ForeignStack => "foreign-stack",
            DiagKind::DanglingReference => "dangling-reference",
            DiagKind::ForeignApp => "foreign-app",
            DiagKind::CrossRegion => "cross-region",
            DiagKind::DependencyCycle => "dependency-cycle",
            DiagKind::StackCycle => "stack-cycle",
            DiagKind::ExportCollision => "export-collision",
            DiagKind::Quota => "quota",
            DiagKind::Override => "override",
            DiagKind::ParameterDefault => "parameter-default",
            DiagKind::Wiring => "wiring",
        }
    }
}

impl fmt::Display for DiagKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
