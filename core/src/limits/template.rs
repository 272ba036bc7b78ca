//! Limits of the template's own sections: descriptions, parameters,
//! conditions and mappings.
//!
//! Sources:
//! - stack description: "Description",
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-description-structure.html>
//!   (a literal string of 0 to 1,024 bytes);
//! - output description: "Outputs",
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html>
//!   (0 to 1,024 bytes);
//! - parameters: "Parameters",
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html>
//!   (description up to 4,000 characters; `MinLength`/`MaxLength` and
//!   `MinValue`/`MaxValue` bound the value, so the default must fit them;
//!   a `Number` default is a number);
//! - names and counts: "CloudFormation quotas",
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html>
//!   (condition, mapping, output and parameter names are logical ids of
//!   1 to 255 alphanumeric characters; 200 attributes per mapping; a
//!   parameter value is at most 4,096 bytes).

use serde_json::Value as Json;

use crate::diag::Diagnostic;
use crate::synth::logical_id;
use crate::template::{ParamType, Parameter};
use crate::tree::Stack;

/// Bytes in the stack's `Description`.
pub const MAX_STACK_DESCRIPTION_BYTES: usize = 1024;
/// Bytes in an output's `Description`.
pub const MAX_OUTPUT_DESCRIPTION_BYTES: usize = 1024;
/// Characters in a parameter's `Description`.
pub const MAX_PARAMETER_DESCRIPTION_CHARS: usize = 4000;
/// Bytes in a parameter value (so in its default).
pub const MAX_PARAMETER_VALUE_BYTES: usize = 4096;
/// Attributes (second-level keys) per mapping.
pub const MAX_MAPPING_ATTRIBUTES: usize = 200;

/// Checks the stack-level sections of `template`.
pub(crate) fn check(s: &Stack, template: &Json, out: &mut Vec<Diagnostic>) {
    if let Some(d) = &s.description {
        if d.len() > MAX_STACK_DESCRIPTION_BYTES {
            out.push(
                Diagnostic::error(s.name.clone(), "stack description too long")
                    .property("Description")
                    .value(format!("{} bytes", d.len()))
                    .allowed(format!("at most {MAX_STACK_DESCRIPTION_BYTES} bytes")),
            );
        }
    }
    for o in &s.outputs {
        if let Some(d) = o.description.as_ref().filter(|d| d.len() > MAX_OUTPUT_DESCRIPTION_BYTES) {
            out.push(
                Diagnostic::error(s.name.clone(), "output description too long")
                    .property(format!("Outputs.{}.Description", o.id))
                    .value(format!("{} bytes", d.len()))
                    .allowed(format!("at most {MAX_OUTPUT_DESCRIPTION_BYTES} bytes")),
            );
        }
    }
    for p in &s.parameters {
        parameter(s, p, out);
    }
    for (name, _) in &s.conditions {
        if logical_id::check(name).is_err() {
            out.push(
                Diagnostic::error(s.name.clone(), "invalid condition name")
                    .property(format!("Conditions.{name}"))
                    .value(format!("{name:?}"))
                    .allowed("1 to 255 ASCII letters and digits"),
            );
        }
    }
    let names: Vec<&String> = s.conditions.iter().map(|(n, _)| n).collect();
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            out.push(
                Diagnostic::error(s.name.clone(), "condition declared twice")
                    .property(format!("Conditions.{n}"))
                    .allowed("unique condition names"),
            );
        }
    }
    mappings(s, template, out);
}

fn mappings(s: &Stack, template: &Json, out: &mut Vec<Diagnostic>) {
    let _ = template;
    for (i, (name, table)) in s.mappings.iter().enumerate() {
        if logical_id::check(name).is_err() {
            out.push(
                Diagnostic::error(s.name.clone(), "invalid mapping name")
                    .property(format!("Mappings.{name}"))
                    .value(format!("{name:?}"))
                    .allowed("1 to 255 ASCII letters and digits"),
            );
        }
        if s.mappings[..i].iter().any(|(n, _)| n == name) {
            out.push(
                Diagnostic::error(s.name.clone(), "mapping declared twice")
                    .property(format!("Mappings.{name}"))
                    .allowed("unique mapping names"),
            );
        }
        if table.is_empty() {
            out.push(
                Diagnostic::error(s.name.clone(), "empty mapping")
                    .property(format!("Mappings.{name}"))
                    .allowed("at least one top-level key"),
            );
        }
        for (key, attrs) in table {
            if attrs.len() > MAX_MAPPING_ATTRIBUTES {
                out.push(
                    Diagnostic::error(s.name.clone(), "too many mapping attributes")
                        .property(format!("Mappings.{name}.{key}"))
                        .value(format!("{} attributes", attrs.len()))
                        .allowed(format!("at most {MAX_MAPPING_ATTRIBUTES} per mapping")),
                );
            }
            if key.is_empty() || attrs.is_empty() {
                out.push(
                    Diagnostic::error(s.name.clone(), "empty mapping key or mapping entry")
                        .property(format!("Mappings.{name}.{key}"))
                        .allowed("non-empty keys, each with at least one attribute"),
                );
            }
        }
    }
}

fn parameter(s: &Stack, p: &Parameter, out: &mut Vec<Diagnostic>) {
    let prop = |k: &str| format!("Parameters.{}.{k}", p.name);
    let err = |problem: &str| Diagnostic::error(s.name.clone(), problem);
    if let Some(d) = p.description.as_ref().filter(|d| d.chars().count() > MAX_PARAMETER_DESCRIPTION_CHARS) {
        out.push(
            err("parameter description too long")
                .property(prop("Description"))
                .value(format!("{} characters", d.chars().count()))
                .allowed(format!("at most {MAX_PARAMETER_DESCRIPTION_CHARS} characters")),
        );
    }
    if let (Some(min), Some(max)) = (p.min_length, p.max_length) {
        if min > max {
            out.push(
                err("parameter MinLength is greater than its MaxLength")
                    .property(prop("MinLength"))
                    .value(format!("length({min}, {max})"))
                    .allowed("MinLength <= MaxLength"),
            );
        }
    }
    for (k, v) in [("MinValue", p.min_value), ("MaxValue", p.max_value)] {
        if let Some(v) = v.filter(|v| !v.is_finite()) {
            out.push(
                err("parameter bound is not a finite number")
                    .property(prop(k))
                    .value(v.to_string())
                    .allowed("a finite number"),
            );
        }
    }
    if let (Some(min), Some(max)) = (p.min_value, p.max_value) {
        if min > max {
            out.push(
                err("parameter MinValue is greater than its MaxValue")
                    .property(prop("MinValue"))
                    .value(format!("value_range({min}, {max})"))
                    .allowed("MinValue <= MaxValue"),
            );
        }
    }
    let numeric = p.param_type == ParamType::Number;
    if !numeric && (p.min_value.is_some() || p.max_value.is_some()) {
        out.push(
            err("MinValue and MaxValue apply to Number parameters only")
                .property(prop("MinValue"))
                .value(p.param_type.name().to_string())
                .allowed("a Number parameter, or MinLength/MaxLength for strings"),
        );
    }
    if numeric && (p.min_length.is_some() || p.max_length.is_some() || p.allowed_pattern.is_some()) {
        out.push(
            err("MinLength, MaxLength and AllowedPattern apply to String parameters only")
                .property(prop("MinLength"))
                .value("Number".to_string())
                .allowed("a String parameter, or MinValue/MaxValue for numbers"),
        );
    }
    let Some(d) = &p.default else { return };
    if d.len() > MAX_PARAMETER_VALUE_BYTES {
        out.push(
            err("parameter default too long")
                .property(prop("Default"))
                .value(format!("{} bytes", d.len()))
                .allowed(format!("at most {MAX_PARAMETER_VALUE_BYTES} bytes")),
        );
    }
    if let Some(min) = p.min_length.filter(|m| d.chars().count() < *m as usize) {
        out.push(
            err("parameter default is shorter than MinLength")
                .property(prop("Default"))
                .value(format!("{d:?}"))
                .allowed(format!("at least {min} characters")),
        );
    }
    let lists = matches!(p.param_type, ParamType::NumberList);
    if numeric || lists {
        for item in d.split(',').filter(|_| lists).chain(std::iter::once(d.as_str()).filter(|_| numeric)) {
            match item.trim().parse::<f64>() {
                Ok(x) if x.is_finite() => {
                    if p.min_value.is_some_and(|m| x < m) || p.max_value.is_some_and(|m| x > m) {
                        out.push(
                            err("parameter default is outside MinValue..MaxValue")
                                .property(prop("Default"))
                                .value(format!("{d:?}"))
                                .allowed(format!(
                                    "{} to {}",
                                    p.min_value.map_or("any".into(), |m| m.to_string()),
                                    p.max_value.map_or("any".into(), |m| m.to_string())
                                )),
                        );
                    }
                }
                _ => out.push(
                    err("parameter default is not a number")
                        .property(prop("Default"))
                        .value(format!("{d:?}"))
                        .allowed("a finite number"),
                ),
            }
        }
    }
}
