//! Template sections other than resources: parameters and outputs.

use crate::token::Token;
use crate::tree::ConditionRef;

/// A parameter's CloudFormation type.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParamType {
    /// `String`
    String,
    /// `Number`
    Number,
    /// `List<Number>`
    NumberList,
    /// `CommaDelimitedList`
    CommaDelimitedList,
    /// Any other type name (`AWS::EC2::VPC::Id`, `AWS::SSM::Parameter::Value<String>`).
    Other(String),
}

impl ParamType {
    /// The type's name in the template.
    pub fn name(&self) -> &str {
        match self {
            ParamType::String => "String",
            ParamType::Number => "Number",
            ParamType::NumberList => "List<Number>",
            ParamType::CommaDelimitedList => "CommaDelimitedList",
            ParamType::Other(s) => s,
        }
    }
}

/// A template parameter.
///
/// ```
/// use cfnkit::core::template::Parameter;
/// let p = Parameter::string("EnvironmentSuffix")
///     .default("dev")
///     .allowed_pattern("^[a-z0-9-]+$")
///     .description("Suffix of every physical name");
/// assert_eq!(p.name, "EnvironmentSuffix");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// The parameter's logical name.
    pub name: String,
    /// Its type.
    pub param_type: ParamType,
    /// `Description`.
    pub description: Option<String>,
    /// `Default`.
    pub default: Option<String>,
    /// `AllowedPattern`.
    pub allowed_pattern: Option<String>,
    /// `AllowedValues`.
    pub allowed_values: Vec<String>,
    /// `ConstraintDescription`.
    pub constraint_description: Option<String>,
    /// `MinLength`.
    pub min_length: Option<u32>,
    /// `MaxLength`.
    pub max_length: Option<u32>,
    /// `MinValue`.
    pub min_value: Option<f64>,
    /// `MaxValue`.
    pub max_value: Option<f64>,
    /// `NoEcho`.
    pub no_echo: bool,
}

impl Parameter {
    /// A parameter of any type.
    pub fn new(name: &str, param_type: ParamType) -> Self {
        Parameter {
            name: name.to_string(),
            param_type,
            description: None,
            default: None,
            allowed_pattern: None,
            allowed_values: Vec::new(),
            constraint_description: None,
            min_length: None,
            max_length: None,
            min_value: None,
            max_value: None,
            no_echo: false,
        }
    }
    /// A `String` parameter.
    pub fn string(name: &str) -> Self {
        Parameter::new(name, ParamType::String)
    }
    /// A `Number` parameter.
    pub fn number(name: &str) -> Self {
        Parameter::new(name, ParamType::Number)
    }
    /// Sets `Description`.
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.to_string());
        self
    }
    /// Sets `Default`.
    pub fn default(mut self, d: &str) -> Self {
        self.default = Some(d.to_string());
        self
    }
    /// Sets `AllowedPattern` (checked against the default at synthesis).
    pub fn allowed_pattern(mut self, p: &str) -> Self {
        self.allowed_pattern = Some(p.to_string());
        self
    }
    /// Sets `AllowedValues`.
    pub fn allowed_values<S: Into<String>>(mut self, v: impl IntoIterator<Item = S>) -> Self {
        self.allowed_values = v.into_iter().map(Into::into).collect();
        self
    }
    /// Sets `ConstraintDescription`.
    pub fn constraint_description(mut self, d: &str) -> Self {
        self.constraint_description = Some(d.to_string());
        self
    }
    /// Sets `MinLength` and `MaxLength`.
    pub fn length(mut self, min: u32, max: u32) -> Self {
        self.min_length = Some(min);
        self.max_length = Some(max);
        self
    }
    /// Sets `MinValue` and `MaxValue`.
    pub fn value_range(mut self, min: f64, max: f64) -> Self {
        self.min_value = Some(min);
        self.max_value = Some(max);
        self
    }
    /// Sets `NoEcho: true`.
    pub fn no_echo(mut self) -> Self {
        self.no_echo = true;
        self
    }
}

/// A template output.
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    /// The output's logical id.
    pub id: String,
    /// `Value`.
    pub value: Token,
    /// `Description`.
    pub description: Option<String>,
    /// `Export.Name`, when exported.
    pub export_name: Option<Token>,
    /// `Condition`.
    pub condition: Option<ConditionRef>,
}

impl Output {
    /// An output with a value and nothing else.
    pub fn new(id: &str, value: Token) -> Self {
        Output { id: id.to_string(), value, description: None, export_name: None, condition: None }
    }
    /// Sets `Description`.
    pub fn description(&mut self, d: &str) -> &mut Self {
        self.description = Some(d.to_string());
        self
    }
    /// Sets `Export.Name`.
    pub fn export_name(&mut self, name: impl Into<Token>) -> &mut Self {
        self.export_name = Some(name.into());
        self
    }
    /// Sets `Condition`.
    pub fn condition(&mut self, c: ConditionRef) -> &mut Self {
        self.condition = Some(c);
        self
    }
}
