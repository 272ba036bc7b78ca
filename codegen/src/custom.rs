//! `AWS::CloudFormation::CustomResource` and `Custom::*`: one typed
//! `CustomResource`, emitted instead of the struct the schema would give.
//!
//! The schema has `ServiceToken` (required), `ServiceTimeout`, a read-only
//! `Id` and `patternProperties: {".*": any}`: the provider's own
//! properties, which no schema can type. So the struct keeps the two known
//! properties typed, takes the others as ordered `(name, Token)` pairs, and
//! carries its type name, so the same struct writes `Custom::OrderSeeder`.
//! Its attributes are whatever keys the provider's response `Data` holds:
//! `attr(name)` on the handle, not the schema's `Id` (no provider has to
//! return one; `Ref` is the physical id the provider chose).
//!
//! [`apply`] checks the schema still has that shape (a schema refresh that
//! changes it fails the generator, naming this file) and drops the `Id`
//! attribute; the emitter then writes [`SOURCE`] in place of the struct,
//! and `l1/api-index.tsv` keeps the `R` and `F` lines (`cfnkit import`
//! reads the module and the typed properties from them).

use crate::model::{ResourceOut, ServiceIr, Ty};
use crate::Error;

/// The type whose struct this module replaces.
pub const TYPE: &str = "AWS::CloudFormation::CustomResource";

/// The hand-shaped struct's name.
pub const NAME: &str = "CustomResource";

/// True for the resource this module emits.
pub fn is_custom(r: &ResourceOut) -> bool {
    r.type_name == TYPE
}

/// Checks the schema of [`TYPE`] against the shape [`SOURCE`] was written
/// for and removes its schema attributes (the typed `attr` replaces them).
pub fn apply(services: &mut [ServiceIr]) -> Result<(), Error> {
    let r = services
        .iter_mut()
        .flat_map(|s| s.resources.iter_mut())
        .find(|r| is_custom(r))
        .ok_or_else(|| Error::new(format!("{TYPE}: no schema; codegen/src/custom.rs expects one")))?;
    check(r)?;
    r.attrs.clear();
    Ok(())
}

/// The schema's shape must be the one [`SOURCE`] implements: its struct
/// name, properties and read-only `Id`.
pub fn check(r: &ResourceOut) -> Result<(), Error> {
    check_fields(r)?;
    let attrs: Vec<&str> = r.attrs.iter().map(|a| a.name.as_str()).collect();
    if attrs != ["Id"] {
        return Err(Error::new(format!(
            "{TYPE}: the hand-shaped {NAME} (codegen/src/custom.rs) is written for the read-only Id only; \
             the schema now gives the attributes {attrs:?}: update codegen/src/custom.rs"
        )));
    }
    Ok(())
}

/// The struct name and properties must be the ones [`SOURCE`] implements
/// (what the emitter checks; [`apply`] has removed the attributes by then).
pub fn check_fields(r: &ResourceOut) -> Result<(), Error> {
    let fields: Vec<(&str, &Ty, bool)> = r.body.fields.iter().map(|f| (f.cfn.as_str(), &f.ty, f.required)).collect();
    let expected = [("ServiceTimeout", &Ty::Int, false), ("ServiceToken", &Ty::Str, true)];
    if r.body.name != NAME || fields != expected || r.body.required_order != ["ServiceToken"] {
        return Err(Error::new(format!(
            "{TYPE}: the hand-shaped {NAME} (codegen/src/custom.rs) is written for the struct name {NAME} and \
             the properties ServiceTimeout (integer) and ServiceToken (string, required); the schema now gives \
             the struct {:?} with properties {fields:?} (required {:?}): update codegen/src/custom.rs",
            r.body.name, r.body.required_order
        )));
    }
    Ok(())
}

/// The Rust source of `CustomResource`, its `Resource`, `ToToken` and
/// `Validate` implementations and its `CustomResourceAttrs` trait. It uses
/// only names every service module imports when one of its resources has
/// attributes (the module's other types do).
pub const SOURCE: &str = r#"/// A custom resource: CloudFormation sends create, update and delete
/// requests with its properties to the Lambda function or SNS topic named by
/// `ServiceToken`, and the keys of the `Data` the provider answers with
/// become its attributes.
///
/// One struct for `AWS::CloudFormation::CustomResource` (the type written by
/// default) and every `Custom::<Name>` type ([`CustomResource::custom_type`]).
/// The provider's properties are untyped by nature:
/// [`CustomResource::property`] takes any value that converts into a
/// `Token`, written in the order given after `ServiceToken` and
/// `ServiceTimeout`. The provider's response `Data` are read with
/// [`CustomResourceAttrs::attr`] on the handle; `Ref` is the physical id it
/// returned.
///
/// Synthesis reports, with the property and the value: a type name that is
/// not `Custom::` and 1 to 60 letters, digits or `_@-`; a literal
/// `ServiceToken` that is not a Lambda function or SNS topic ARN; a
/// `ServiceTimeout` outside 1 to 3600 seconds; and a provider property named
/// `ServiceToken` or `ServiceTimeout` (those have their own setters).
///
/// ```
/// # #[cfg(feature = "cloudformation")] {
/// use cfnkit::core::prelude::*;
/// use cfnkit::l1::cloudformation::{CustomResource, CustomResourceAttrs};
///
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let seed = stack.add(
///     "SeedOrders",
///     CustomResource::new("arn:aws:lambda:us-east-1:123456789012:function:seeder")
///         .custom_type("OrderSeeder")
///         .service_timeout(300)
///         .property("TableName", "orders")
///         .property("Rows", 10),
/// );
/// stack.output("SeededCount", seed.attr("Count"));
/// let out = app.synth().unwrap();
/// let template = &out.stacks[0].template;
/// let r = &template["Resources"]["SeedOrders"];
/// assert_eq!(r["Type"], "Custom::OrderSeeder");
/// assert_eq!(r["Properties"]["Rows"], 10);
/// assert_eq!(
///     template["Outputs"]["SeededCount"]["Value"],
///     serde_json::json!({"Fn::GetAtt": ["SeedOrders", "Count"]})
/// );
///
/// // A property `CustomResource` writes itself is an error naming it.
/// let mut app = App::new();
/// app.stack("demo").add(
///     "Bad",
///     CustomResource::new("arn:aws:sns:us-east-1:123456789012:provider").property("ServiceTimeout", 60),
/// );
/// let err = app.synth().unwrap_err();
/// assert!(err.has(DiagKind::Conflict), "{err}");
/// # }
/// ```
///
/// CloudFormation resource type `AWS::CloudFormation::CustomResource`, or `Custom::<Name>`.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq)]
pub struct CustomResource {
    /// The resource type written: `AWS::CloudFormation::CustomResource` or `Custom::<Name>`.
    pub resource_type: String,
    /// The ARN of the Lambda function or SNS topic that provides the resource
    /// (same region as the stack).
    ///
    /// CloudFormation property `ServiceToken` (required).
    pub service_token: Value<String>,
    /// The maximum time, in seconds, CloudFormation waits for the provider's
    /// response: 1 to 3600 (CloudFormation's default: 3600).
    ///
    /// CloudFormation property `ServiceTimeout`.
    pub service_timeout: Option<Value<i64>>,
    /// The provider's own properties, written after `ServiceToken` and
    /// `ServiceTimeout` in this order.
    pub properties: IndexMap<String, Token>,
}

impl CustomResource {
    /// An `AWS::CloudFormation::CustomResource` provided by `service_token`
    /// (a Lambda function or SNS topic ARN); [`custom_type`](Self::custom_type)
    /// names it `Custom::<Name>`.
    pub fn new(service_token: impl Into<Value<String>>) -> Self {
        CustomResource {
            resource_type: "AWS::CloudFormation::CustomResource".to_string(),
            service_token: service_token.into(),
            service_timeout: None,
            properties: IndexMap::new(),
        }
    }

    /// Writes the type as `Custom::<name>` (`name` may already start with
    /// `Custom::`): 1 to 60 letters, digits, `_`, `@` or `-`, checked at synthesis.
    pub fn custom_type(mut self, name: impl Into<String>) -> Self {
        let name = name.into();
        self.resource_type = if name.starts_with("Custom::") { name } else { format!("Custom::{name}") };
        self
    }

    /// Sets `ServiceTimeout` (seconds, 1 to 3600).
    pub fn service_timeout(mut self, v: impl Into<Value<i64>>) -> Self {
        self.service_timeout = Some(v.into());
        self
    }

    /// Adds one of the provider's properties (setting a name again replaces
    /// its value and keeps its place).
    pub fn property(mut self, name: impl Into<String>, value: impl Into<Token>) -> Self {
        self.properties.insert(name.into(), value.into());
        self
    }
}

impl cfnkit_core::resource::Resource for CustomResource {
    fn cfn_type(&self) -> &str {
        &self.resource_type
    }
    fn properties(&self) -> IndexMap<String, Token> {
        let mut m = IndexMap::new();
        m.insert("ServiceToken".to_string(), self.service_token.to_token());
        if let Some(t) = &self.service_timeout {
            m.insert("ServiceTimeout".to_string(), t.to_token());
        }
        // A provider property named like one of the two above is reported by
        // `validate` (synthesis fails); it never replaces the typed value.
        for (k, v) in &self.properties {
            m.entry(k.clone()).or_insert_with(|| v.clone());
        }
        m
    }
    fn validate(&self, v: &mut Validator<'_>) {
        Validate::validate(self, v);
    }
    fn tag_format(&self) -> TagFormat {
        TagFormat::None
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

impl ToToken for CustomResource {
    fn to_token(&self) -> Token {
        Token::Map(cfnkit_core::resource::Resource::properties(self))
    }
}

impl Validate for CustomResource {
    fn validate(&self, v: &mut Validator<'_>) {
        use cfnkit_core::diag::DiagKind;
        let t = self.resource_type.as_str();
        if t != "AWS::CloudFormation::CustomResource" {
            let name = t.strip_prefix("Custom::").unwrap_or_default();
            let ok = (1..=60).contains(&name.len())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || "_@-".contains(c));
            if !ok {
                v.error_of(
                    DiagKind::Invalid,
                    "Type",
                    Some(format!("{t:?}")),
                    "not a custom resource type name",
                    "AWS::CloudFormation::CustomResource, or Custom:: followed by 1 to 60 letters, digits, _, @ or -",
                );
            }
        }
        if let Value::Lit(arn) = &self.service_token {
            let parts: Vec<&str> = arn.split(':').collect();
            let ok = parts.len() >= 6
                && parts[0] == "arn"
                && ((parts[2] == "lambda" && parts[5] == "function") || (parts[2] == "sns" && parts.len() == 6));
            if !ok {
                v.error_of(
                    DiagKind::Invalid,
                    "ServiceToken",
                    Some(format!("{arn:?}")),
                    "not the ARN of a Lambda function or an SNS topic",
                    "arn:<partition>:lambda:<region>:<account>:function:<name>, or arn:<partition>:sns:<region>:<account>:<topic>",
                );
            }
        }
        if let Some(x) = &self.service_timeout {
            v.check_int_range("ServiceTimeout", x, Some(1.0), Some(3_600.0));
        }
        for (k, value) in &self.properties {
            let setter = match k.as_str() {
                "ServiceToken" => "CustomResource::new",
                "ServiceTimeout" => "service_timeout()",
                _ => continue,
            };
            v.error_of(
                DiagKind::Conflict,
                k,
                Some(Validator::show(value)),
                "given with property(), but CustomResource writes it from its typed field",
                format!("{k} set once, with {setter}"),
            );
        }
    }
}

/// Typed `Fn::GetAtt` attributes of a [`CustomResource`]: the keys of the
/// `Data` its provider returns, as a method of its `Handle`.
pub trait CustomResourceAttrs {
    /// `{"Fn::GetAtt": [<logical id>, name]}`: the value of key `name` of
    /// the `Data` the provider returned (CloudFormation fails the stack
    /// operation when the provider returned no such key).
    fn attr(self, name: &str) -> Expr<String>;
}

impl CustomResourceAttrs for Handle<CustomResource> {
    fn attr(self, name: &str) -> Expr<String> {
        self.get_att(name)
    }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Attr, AttrKind, Checks, Field, StructIr, TagKind};

    fn field(cfn: &str, ty: Ty, required: bool) -> Field {
        Field { cfn: cfn.into(), ty, required, doc: None, checks: Checks::default() }
    }

    fn schema_shape() -> ResourceOut {
        ResourceOut {
            type_name: TYPE.into(),
            body: StructIr {
                name: NAME.into(),
                doc: None,
                origins: vec![],
                fields: vec![field("ServiceTimeout", Ty::Int, false), field("ServiceToken", Ty::Str, true)],
                required_order: vec!["ServiceToken".into()],
                rules: vec![],
            },
            attrs: vec![Attr { name: "Id".into(), kind: AttrKind::Str, doc: None }],
            tags: TagKind::None,
        }
    }

    #[test]
    fn the_vendored_shape_is_accepted() {
        check(&schema_shape()).unwrap();
    }

    #[test]
    fn a_changed_schema_fails_the_generator_naming_this_file() {
        let mut r = schema_shape();
        r.body.fields.push(field("ServiceRoleArn", Ty::Str, false));
        let e = check(&r).unwrap_err().to_string();
        assert!(e.contains("ServiceRoleArn") && e.contains("update codegen/src/custom.rs"), "{e}");

        let mut r = schema_shape();
        r.body.fields[0].ty = Ty::Str;
        assert!(check(&r).is_err());

        let mut r = schema_shape();
        r.attrs.push(Attr { name: "Arn".into(), kind: AttrKind::Str, doc: None });
        let e = check(&r).unwrap_err().to_string();
        assert!(e.contains("Arn") && e.contains("update codegen/src/custom.rs"), "{e}");
    }
}
