//! The cloud assembly: `manifest.json`, one `NAME.template.json` per stack
//! and `tree.json`, the folder the AWS CDK CLI reads with `--app DIR`.
//!
//! The assembly is written as one generation: every file goes into a fresh
//! sibling folder, which then replaces the old one by two renames. A reader
//! sees the old assembly or the new one, never a mix; a run killed mid-way
//! leaves the old assembly whole, and its temporary folder is removed by the
//! next run. Lock files the AWS CDK CLI keeps in the folder while it runs
//! the app (`synth.lock`, `read.*.lock`) are carried over.

use std::collections::HashSet;
use std::io::{Error, ErrorKind, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value as Json};

use super::{Synthesized, SynthesizedStack};
use crate::tree::Stack;

/// The cloud-assembly schema version written to `manifest.json`; read by the
/// AWS CDK CLI 2.x (2.1148.1 checked in the tests).
pub const MANIFEST_VERSION: &str = "36.0.0";

/// The artifact id of `tree.json` in the manifest. It holds a `.`, which
/// stack names cannot, so no stack (not even one named `Tree`) collides.
pub const TREE_ARTIFACT: &str = "cfnkit.tree";

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
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."));
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

    /// The stack's environment, `aws://ACCOUNT/REGION` (`unknown-account`
    /// and `unknown-region` when not set, as the AWS CDK CLI expects).
    pub fn environment(&self) -> String {
        format!(
            "aws://{}/{}",
            self.account.as_deref().unwrap_or("unknown-account"),
            self.region.as_deref().unwrap_or("unknown-region")
        )
    }
}

impl SynthesizedStack {
    /// The id of the stack's asset-manifest artifact (`NAME.assets`: the
    /// `.` keeps it apart from every stack name).
    pub fn asset_manifest_artifact(&self) -> String {
        format!("{}.assets", self.name)
    }

    /// The asset manifest's file name in the assembly.
    pub fn asset_manifest_file(&self) -> String {
        format!("{}.assets.json", self.name)
    }

    /// The asset manifest (`cdk-assets` format): each zip, uploaded to the
    /// bootstrap bucket of the stack's environment by the publishing role.
    pub fn asset_manifest(&self) -> Json {
        let mut files = Map::new();
        for a in &self.assets {
            files.insert(
                a.hash.clone(),
                json!({
                    "displayName": a.source,
                    "source": {"path": a.assembly_file(), "packaging": "file"},
                    "destinations": {
                        "current_account-current_region": {
                            "bucketName": crate::asset::BUCKET,
                            "objectKey": a.object_key(),
                            "assumeRoleArn": crate::asset::PUBLISHING_ROLE,
                        }
                    },
                }),
            );
        }
        json!({"version": MANIFEST_VERSION, "files": files, "dockerImages": {}})
    }
}

impl Synthesized {
    /// Keeps the stacks named in `names` and every stack they depend on
    /// (transitively), in app order, so an assembly of them is complete.
    /// Names that match no stack are ignored (the CLI checks them first).
    pub fn retain_with_dependencies(&mut self, names: &[&str]) {
        let mut keep: HashSet<String> = HashSet::new();
        let mut todo: Vec<String> = names.iter().map(|n| (*n).to_string()).collect();
        while let Some(n) = todo.pop() {
            if let Some(s) = self.stack(&n) {
                if keep.insert(n) {
                    todo.extend(s.dependencies.iter().cloned());
                }
            }
        }
        self.stacks.retain(|s| keep.contains(&s.name));
    }

    /// The `manifest.json` of the cloud assembly.
    pub fn manifest(&self) -> Json {
        let mut artifacts = Map::new();
        artifacts.insert(TREE_ARTIFACT.into(), json!({"type": "cdk:tree", "properties": {"file": "tree.json"}}));
        for s in &self.stacks {
            let mut a = Map::new();
            a.insert("type".into(), json!("aws:cloudformation:stack"));
            a.insert("environment".into(), json!(s.environment()));
            a.insert("properties".into(), json!({"templateFile": s.template_file()}));
            let mut deps = s.dependencies.clone();
            if !s.assets.is_empty() {
                deps.push(s.asset_manifest_artifact());
                artifacts.insert(
                    s.asset_manifest_artifact(),
                    json!({
                        "type": "cdk:asset-manifest",
                        "properties": {
                            "file": s.asset_manifest_file(),
                            "requiresBootstrapStackVersion": crate::asset::BOOTSTRAP_VERSION,
                            "bootstrapStackVersionSsmParameter": crate::asset::BOOTSTRAP_VERSION_PARAMETER,
                        },
                    }),
                );
            }
            if !deps.is_empty() {
                a.insert("dependencies".into(), json!(deps));
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

    /// Every file of the assembly: name relative to the folder, contents.
    pub fn assembly_files(&self) -> Vec<(String, Vec<u8>)> {
        let pretty = |v: &Json| format!("{}\n", serde_json::to_string_pretty(v).unwrap_or_default()).into_bytes();
        let mut files = Vec::with_capacity(self.stacks.len() + 2);
        for s in &self.stacks {
            files.push((s.template_file(), s.json.clone().into_bytes()));
            if !s.assets.is_empty() {
                files.push((s.asset_manifest_file(), pretty(&s.asset_manifest())));
                for a in &s.assets {
                    files.push((a.assembly_file(), a.bytes.clone()));
                }
            }
        }
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files.dedup_by(|a, b| a.0 == b.0);
        files.push(("tree.json".into(), pretty(&self.tree())));
        files.push(("manifest.json".into(), pretty(&self.manifest())));
        files
    }

    /// Writes the cloud assembly into `dir` as one generation (see the
    /// module documentation); the parent folders are created when missing.
    /// `dir` naming an existing file is an error that says so.
    pub fn write_assembly(&self, dir: &Path) -> std::io::Result<()> {
        write_generation(dir, &self.assembly_files())
    }
}

/// Replaces the folder `dir` with one holding exactly `files` (plus the
/// AWS CDK CLI's lock files found in the old folder).
pub fn write_generation(dir: &Path, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::new(
            ErrorKind::AlreadyExists,
            format!("{} is a file, not a directory; name a folder for the assembly", dir.display()),
        ));
    }
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::new(ErrorKind::InvalidInput, format!("{} does not name a folder", dir.display())))?
        .to_string();
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    remove_stale(&parent, &name);
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.cfnkit-new-{pid}"));
    let old = parent.join(format!(".{name}.cfnkit-old-{pid}"));
    let _ = std::fs::remove_dir_all(&tmp);
    let staged = (|| {
        std::fs::create_dir(&tmp)?;
        for (rel, bytes) in files {
            let path = tmp.join(rel);
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p)?;
            }
            let mut f = std::fs::File::create(&path)?;
            f.write_all(bytes)?;
            f.sync_data()?;
        }
        carry_locks(dir, &tmp)
    })();
    if let Err(e) = staged {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let had_old = dir.is_dir();
    if had_old {
        if let Err(e) = std::fs::rename(dir, &old) {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    }
    if let Err(e) = std::fs::rename(&tmp, dir) {
        if had_old {
            let _ = std::fs::rename(&old, dir);
        }
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    // The new generation is in place: make the renames durable, then drop the old one.
    if let Ok(d) = std::fs::File::open(&parent) {
        let _ = d.sync_all();
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}

/// Copies the AWS CDK CLI's lock files from the old folder into the new one.
fn carry_locks(from: &Path, to: &Path) -> std::io::Result<()> {
    let Ok(entries) = std::fs::read_dir(from) else { return Ok(()) };
    for e in entries.flatten() {
        let n = e.file_name();
        let n = n.to_string_lossy();
        if n == "synth.lock" || (n.starts_with("read.") && n.ends_with(".lock")) {
            std::fs::copy(e.path(), to.join(&*n))?;
        }
    }
    Ok(())
}

/// Removes temporary folders left by runs of other processes that died
/// mid-write (their pid no longer exists).
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    let prefixes = [format!(".{name}.cfnkit-new-"), format!(".{name}.cfnkit-old-")];
    for e in entries.flatten() {
        let n = e.file_name();
        let n = n.to_string_lossy();
        for p in &prefixes {
            if let Some(pid) = n.strip_prefix(p.as_str()) {
                let alive = pid.parse::<u32>().is_ok_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
                if !alive || pid == std::process::id().to_string() {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
    }
}
