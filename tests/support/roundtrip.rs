//! Compiles imported programs as the modules of one crate, runs it, and
//! compares synthesized templates with their inputs semantically.
//!
//! Include with `#[path = "support/roundtrip.rs"] mod roundtrip;`.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Map, Value as Json};

/// One imported program, as a module.
pub struct Program {
    /// Its module name in the batch crate.
    pub module: String,
    /// Its source (`pub fn build(app: &mut App)`).
    pub source: String,
    /// The cfnkit features it needs.
    pub features: Vec<String>,
}

/// Where the batch crate, its build and the report live.
pub fn work_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"), PathBuf::from);
    let target = if target.is_absolute() { target } else { Path::new(env!("CARGO_MANIFEST_DIR")).join(target) };
    target.join("import-corpus")
}

fn write_crate(dir: &Path, programs: &[&Program]) {
    let src = dir.join("src");
    let _ = std::fs::remove_dir_all(&src);
    std::fs::create_dir_all(&src).unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    // The features cfnkit declares: the batch enables only the services its programs use
    // (no default catalogue), so it compiles as little of L1 as the corpus needs.
    let manifest = std::fs::read_to_string(Path::new(root).join("Cargo.toml")).unwrap();
    let declared: BTreeSet<&str> = manifest
        .split("\n[features]\n")
        .nth(1)
        .map(|f| f.split("\n[").next().unwrap_or_default())
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim()))
        .collect();
    let features: BTreeSet<&str> =
        programs.iter().flat_map(|p| p.features.iter().map(String::as_str)).filter(|f| declared.contains(f)).collect();
    let features: Vec<String> = features.iter().map(|f| format!("{f:?}")).collect();
    let manifest = format!(
        "[package]\nname = \"import-corpus\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\ncfnkit = {{ path = {root:?}, default-features = false, features = [{}] }}\n\n[workspace]\n",
        features.join(", ")
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest);
    if !dir.join("Cargo.lock").exists() {
        let _ = std::fs::copy(Path::new(root).join("Cargo.lock"), dir.join("Cargo.lock"));
    }
    let mut main = String::from("#![allow(warnings, clippy::all)]\nuse cfnkit::core::tree::App;\n");
    for p in programs {
        let _ = writeln!(main, "mod {};", p.module);
        std::fs::write(src.join(format!("{}.rs", p.module)), &p.source).unwrap();
    }
    main.push_str("fn main() {\n    let out = std::path::PathBuf::from(std::env::args().nth(1).unwrap());\n    let all: Vec<(&str, fn(&mut App))> = vec![\n");
    for p in programs {
        let _ = writeln!(main, "        ({:?}, {}::build),", p.module, p.module);
    }
    main.push_str(
        "    ];\n    for (name, build) in all {\n        let mut app = App::new();\n        build(&mut app);\n        \
         match app.synth() {\n            Ok(s) => std::fs::write(out.join(format!(\"{name}.json\")), &s.stacks[0].json).unwrap(),\n            \
         Err(e) => std::fs::write(out.join(format!(\"{name}.err\")), e.to_string()).unwrap(),\n        }\n    }\n}\n",
    );
    std::fs::write(src.join("main.rs"), main).unwrap();
}

fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).unwrap();
    }
}

/// Builds all programs in one crate (dropping, with their first compiler
/// error, the modules that do not compile), runs it, and gives each
/// module's synthesized template or the reason there is none.
pub fn build_and_run(programs: &[Program]) -> BTreeMap<String, Result<Json, String>> {
    let dir = work_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let mut results = BTreeMap::new();
    let mut keep: Vec<&Program> = programs.iter().collect();
    for _round in 0..4 {
        write_crate(&dir, &keep);
        let out = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--message-format=short", "--manifest-path"])
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", dir.join("target"))
            // Built once per run: incremental state would only cost disk (GBs for the L1 modules).
            .env("CARGO_INCREMENTAL", "0")
            .output()
            .expect("cargo runs");
        if out.status.success() {
            break;
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        let mut failed: BTreeMap<String, String> = BTreeMap::new();
        for line in stderr.lines() {
            // `src/t0012.rs:10:5: error[E0308]: mismatched types`
            let Some(rest) = line.strip_prefix("src/") else { continue };
            let Some((file, msg)) = rest.split_once(".rs:") else { continue };
            if msg.contains("error") {
                failed.entry(file.to_string()).or_insert_with(|| format!("does not compile: {}", msg.trim()));
            }
        }
        assert!(!failed.is_empty(), "the batch crate fails to build for no module's fault:\n{stderr}");
        keep.retain(|p| !failed.contains_key(&p.module));
        results.extend(failed.into_iter().map(|(m, e)| (m, Err(e))));
    }
    let out_dir = dir.join("out");
    let _ = std::fs::remove_dir_all(&out_dir);
    std::fs::create_dir_all(&out_dir).unwrap();
    let bin = dir.join("target/debug/import-corpus");
    let run = Command::new(&bin).arg(&out_dir).output().expect("the batch program runs");
    assert!(run.status.success(), "the batch program failed: {}", String::from_utf8_lossy(&run.stderr));
    for p in keep {
        let json = out_dir.join(format!("{}.json", p.module));
        let err = out_dir.join(format!("{}.err", p.module));
        let r = if let Ok(text) = std::fs::read_to_string(&json) {
            Ok(serde_json::from_str(&text).unwrap())
        } else if let Ok(text) = std::fs::read_to_string(&err) {
            Err(format!("synthesis fails: {}", text.lines().take(2).map(str::trim).collect::<Vec<_>>().join(": ")))
        } else {
            Err("the program wrote nothing".into())
        };
        results.insert(p.module.clone(), r);
    }
    results
}

/// `Ok` when the two templates are the same after normalizing (see [`normalize`]);
/// else the first difference.
pub fn compare(input: &Json, output: &Json) -> Result<(), String> {
    let (a, b) = (normalize(input), normalize(output));
    match first_difference(&a, &b, "") {
        None => Ok(()),
        Some(d) => Err(d),
    }
}

/// Spelling CloudFormation treats alike, made one: scalars as canonical
/// text (`5`, `5.0` and `"5"`; `true` and `"true"`), `Fn::GetAtt` `"a.b"`
/// as `[a, b]`, `Fn::Sub` variables that are literals or plain references
/// inlined, `DependsOn` as a sorted list, empty `Properties` dropped, a
/// missing `AWSTemplateFormatVersion` as `2010-09-09`, `NoEcho: false` and
/// empty sections (`Mappings: {}`) dropped.
pub fn normalize(t: &Json) -> Json {
    let mut t = canon(t);
    if let Some(m) = t.as_object_mut() {
        m.retain(|_, v| !v.as_object().is_some_and(Map::is_empty));
        m.entry("AWSTemplateFormatVersion").or_insert_with(|| Json::String("2010-09-09".into()));
        if let Some(Json::Object(res)) = m.get_mut("Resources") {
            for r in res.values_mut() {
                let Some(r) = r.as_object_mut() else { continue };
                if r.get("Properties").and_then(Json::as_object).is_some_and(Map::is_empty) {
                    r.remove("Properties");
                }
                if let Some(d) = r.get_mut("DependsOn") {
                    let mut list: Vec<String> = match d {
                        Json::Array(a) => a.iter().filter_map(Json::as_str).map(str::to_string).collect(),
                        Json::String(s) => vec![s.clone()],
                        _ => vec![],
                    };
                    list.sort();
                    list.dedup();
                    *d = Json::Array(list.into_iter().map(Json::String).collect());
                }
            }
        }
        if let Some(Json::Object(ps)) = m.get_mut("Parameters") {
            for p in ps.values_mut() {
                if let Some(p) = p.as_object_mut() {
                    if p.get("NoEcho") == Some(&Json::String("false".into())) {
                        p.remove("NoEcho");
                    }
                }
            }
        }
    }
    t
}

fn canon_number(f: f64) -> String {
    format!("{f}")
}

fn canon(v: &Json) -> Json {
    match v {
        Json::Number(n) => Json::String(n.as_f64().map_or_else(|| n.to_string(), canon_number)),
        Json::Bool(b) => Json::String(b.to_string()),
        Json::String(s) => match s.parse::<f64>() {
            Ok(f) if f.is_finite() && !s.starts_with('+') => Json::String(canon_number(f)),
            _ => Json::String(s.clone()),
        },
        Json::Array(a) => Json::Array(a.iter().map(canon).collect()),
        Json::Object(m) => {
            if m.len() == 1 {
                if let Some(x) = m.get("Fn::GetAtt").and_then(Json::as_str) {
                    if let Some((a, b)) = x.split_once('.') {
                        return serde_json::json!({"Fn::GetAtt": [a, b]});
                    }
                }
                if let Some(sub) = m.get("Fn::Sub") {
                    return sub_canon(sub);
                }
            }
            Json::Object(m.iter().map(|(k, x)| (k.clone(), canon(x))).collect())
        }
        Json::Null => Json::Null,
    }
}

fn sub_canon(arg: &Json) -> Json {
    let (mut text, vars) = match arg {
        Json::String(s) => (s.clone(), Map::new()),
        Json::Array(a) => match a.as_slice() {
            [Json::String(s)] => (s.clone(), Map::new()),
            [Json::String(s), Json::Object(v)] => (s.clone(), v.clone()),
            _ => return serde_json::json!({"Fn::Sub": canon(arg)}),
        },
        _ => return serde_json::json!({"Fn::Sub": canon(arg)}),
    };
    let mut rest = Map::new();
    for (k, v) in vars {
        let inline = match &v {
            Json::String(s) => Some(s.replace("${", "${!")),
            Json::Object(m) if m.len() == 1 => match (m.get("Ref"), m.get("Fn::GetAtt"), m.get("Fn::Sub")) {
                (Some(Json::String(r)), _, _) => Some(format!("${{{r}}}")),
                (_, Some(Json::Array(a)), _) => match a.as_slice() {
                    [Json::String(x), Json::String(y)] => Some(format!("${{{x}.{y}}}")),
                    _ => None,
                },
                (_, _, Some(Json::String(inner))) => Some(inner.clone()),
                _ => None,
            },
            _ => None,
        };
        match inline {
            Some(t) => text = text.replace(&format!("${{{k}}}"), &t),
            None => {
                rest.insert(k, canon(&v));
            }
        }
    }
    if rest.is_empty() {
        serde_json::json!({"Fn::Sub": text})
    } else {
        serde_json::json!({"Fn::Sub": [text, rest]})
    }
}

fn first_difference(a: &Json, b: &Json, at: &str) -> Option<String> {
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    None => return Some(format!("{at}/{k}: missing from the synthesized template")),
                    Some(w) => {
                        if let Some(d) = first_difference(v, w, &format!("{at}/{k}")) {
                            return Some(d);
                        }
                    }
                }
            }
            y.keys().find(|k| !x.contains_key(*k)).map(|k| format!("{at}/{k}: added by synthesis"))
        }
        (Json::Array(x), Json::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (v, w))| first_difference(v, w, &format!("{at}/{i}")))
        }
        _ if a == b => None,
        _ => {
            let short = |v: &Json| {
                let s = v.to_string();
                if s.len() > 120 {
                    format!("{}...", &s[..s.char_indices().nth(117).map_or(s.len(), |(i, _)| i)])
                } else {
                    s
                }
            };
            Some(format!("{at}: {} became {}", short(a), short(b)))
        }
    }
}
