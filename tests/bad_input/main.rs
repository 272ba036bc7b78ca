//! The bad-input catalogue: one test per bad input of issue 8 (and per case
//! added since). Each asserts that synthesis fails — so no template is
//! produced — with the exact problem, at the expected property, and never
//! panics. Grouped by the groups:
//! - `written`: validation sees the template as written (tags, overrides, deletions);
//! - `names`: suffixed physical names and `Suffix::format` mistakes;
//! - `limits`: AWS service limits;
//! - `numbers`: non-finite numbers, overflowing units, depth limits;
//! - `messages`: errors that used to mislead.

use cfnkit::prelude::*;

mod limits;
mod messages;
mod names;
mod numbers;
mod written;

/// A stack with the TAP conventions, built by `build`.
fn app(build: impl FnOnce(&mut Stack)) -> App {
    let mut app = App::new();
    let stack = app.stack("bad").conventions(Conventions::tap("bad input catalogue"));
    build(stack);
    app
}

/// Synthesis fails (so no template is written) and reports an error of
/// kind `kind` whose problem is `problem` at property `property` (`None`: no
/// property).
/// Returns every error, for further checks.
#[track_caller]
fn rejects(app: &App, kind: DiagKind, problem: &str, property: Option<&str>) -> Vec<Diagnostic> {
    let errors = match app.synth() {
        Ok(_) => panic!("synthesized a template; expected the error {problem:?}"),
        Err(e) => e.diagnostics,
    };
    // Every catalogued error carries its exact kind (tests and tools match
    // on kinds, not only on message text).
    if let Some(d) = errors.iter().find(|d| d.problem == problem && d.property.as_deref() == property) {
        assert_eq!(d.kind, kind, "the error {problem:?} has kind {:?}, expected {kind:?}", d.kind);
    }
    assert!(
        errors.iter().any(|d| d.problem == problem && d.property.as_deref() == property),
        "no error {problem:?} at {property:?} among:\n{}",
        errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    );
    errors
}

/// A topic (taggable, no required properties) for tag tests.
fn topic(stack: &mut Stack, id: &str) -> Handle<cfnkit::l1::sns::Topic> {
    stack.add(id, cfnkit::l1::sns::Topic::default())
}
