//! Group 7 (library side): errors that used to mislead now say what
//! happened and what to do.

use super::{app, rejects};
use cfnkit::prelude::*;

const CODE: &str = "def handler(event, context):\n    return None\n";

#[test]
fn a_top_level_construct_named_resource() {
    for id in ["Resource", "Default"] {
        let a = app(|s| {
            s.add(id, CfnResource::new("AWS::Test::Thing"));
        });
        let errors = rejects(&a, DiagKind::InvalidId, "no logical id can be derived from the construct path", None);
        assert!(errors.iter().all(|d| d.value.as_deref() != Some("\"\"")), "{errors:?}");
    }
}

#[test]
fn a_reference_cycle_is_not_called_a_depends_on_cycle() {
    let a = app(|s| {
        let x = s.add("X", CfnResource::new("AWS::Test::Thing"));
        let y = s.add("Y", CfnResource::new("AWS::Test::Thing").property("P", x.reference()));
        s.override_property(x.id(), "P", y.reference());
    });
    let errors = rejects(&a, DiagKind::DependencyCycle, "reference cycle: the resources reference each other", None);
    assert!(errors.iter().any(|d| d.value.as_deref() == Some("X -(references)-> Y -(references)-> X")));
}

#[test]
fn a_function_name_of_65_characters_is_a_length_error() {
    let a = app(|s| {
        Function::new("Handler", Runtime::Python313, Code::inline(CODE)).name("f".repeat(65).as_str()).add_to(s);
    });
    let errors = rejects(&a, DiagKind::Length, "function name too long", Some("FunctionName"));
    assert!(errors.iter().all(|d| d.problem != "does not match the pattern"), "{errors:?}");
}

#[test]
fn the_same_method_added_twice() {
    let a = app(|s| {
        let f = Function::new("Handler", Runtime::Python313, Code::inline(CODE)).add_to(s);
        let api = RestApi::new("Api").add_to(s);
        api.add_method(s, Method::get("/items", LambdaIntegration::new(f)));
        api.add_method(s, Method::get("/items", LambdaIntegration::new(f)));
    });
    let errors = rejects(&a, DiagKind::DuplicateId, "method GET /items added twice", None);
    assert_eq!(errors.len(), 1, "one error, not a duplicate construct id too: {errors:?}");
}
