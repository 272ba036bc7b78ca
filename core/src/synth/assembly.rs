//! The cloud assembly: `manifest.json`, one `NAME.template.json` per stack
//! and `tree.json`, the folder the AWS CDK CLI reads with `--app DIR`.
//! Every file is written to a temporary name and renamed into place, so a
//! failed run leaves the previous output intact.

use std::io::Write;
use std::path::Path;

use serde_json::{json, Map, Value as Json};

use super::{Synthesized, SynthesizedStack};
use crate::tree::Stack;

/// The cloud-assembly schema version written to `manifest.json`; read by the
/// AWS CDK CLI 2.x (2.1148.1 checked in the tests).
pub const MANIFEST_VERSION: &str = "36.0.0";

pub(crate) fn tree_of(s: &Stack, ids: &[String]) -> Json {
    fn node(s: &Stack, ids: &[String], i: u32) -> Json {
        let n = &s.nodes[i as usize];
        let mut m = Map::new();
        m.insert("id".into(), json!(n.id));
        m.insert("path".into(), json!(s.node_path(i)));
        if let Some(r) = n.resource {
            let e = &s.resources[r as usize];
            m.insert(
                "attributes".into(),
                json!({
                    "aws:cdk:cloudformation:type": e.resource.cfn_type(),
                    "cfnkit:logicalId": ids.get(r as usize),
                }),
            );
        }
        if !n.children.is_empty() {
            let mut c = Map::new();
            for &ch in &n.children {
                c.insert(s.nodes[ch as usize].id.clone(), node(s, ids, ch));
            }
            m.insert("children".into(), Json::Object(c));
        }
        Json::Object(m)
    }
    node(s, ids, 0)
}

/// Writes `contents` to `path` atomically: a temporary file in the same
/// folder, flushed, then renamed over the target.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

impl SynthesizedStack {
    /// The template's file name in the assembly.
    pub fn template_file(&self) -> String {
        format!("{}.template.json", self.name)
    }
}

impl Synthesized {
    /// The `manifest.json` of the cloud assembly.
    pub fn manifest(&self) -> Json {
        let mut artifacts = Map::new();
        artifacts.insert("Tree".into(), json!({"type": "cdk:tree", "properties": {"file": "tree.json"}}));
        for s in &self.stacks {
            let region = s.region.as_deref().unwrap_or("unknown-region");
            let mut a = Map::new();
            a.insert("type".into(), json!("aws:cloudformation:stack"));
            a.insert("environment".into(), json!(format!("aws://unknown-account/{region}")));
            a.insert("properties".into(), json!({"templateFile": s.template_file()}));
            if !s.dependencies.is_empty() {
                a.insert("dependencies".into(), json!(s.dependencies));
            }
            a.insert("displayName".into(), json!(s.name));
            artifacts.insert(s.name.clone(), Json::Object(a));
        }
        json!({"version": MANIFEST_VERSION, "artifacts": artifacts})
    }

    /// The `tree.json` of the cloud assembly.
    pub fn tree(&self) -> Json {
        let mut children = Map::new();
        for s in &self.stacks {
            children.insert(s.name.clone(), s.tree.clone());
        }
        json!({"version": "tree-0.1", "tree": {"id": "App", "path": "", "children": children}})
    }

    /// Writes the cloud assembly into `dir` (created when missing).
    pub fn write_assembly(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for s in &self.stacks {
            write_atomic(&dir.join(s.template_file()), s.json.as_bytes())?;
        }
        let pretty = |v: &Json| format!("{}\n", serde_json::to_string_pretty(v).unwrap_or_default());
        write_atomic(&dir.join("tree.json"), pretty(&self.tree()).as_bytes())?;
        write_atomic(&dir.join("manifest.json"), pretty(&self.manifest()).as_bytes())
    }
}
