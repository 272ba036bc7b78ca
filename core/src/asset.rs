//! File assets: a folder or file the program ships with a stack (Lambda
//! code), zipped deterministically, written into the cloud assembly with an
//! asset manifest, and referenced through the AWS CDK default synthesizer's
//! bootstrap conventions, so `cdk deploy` uploads it to the bootstrap
//! bucket (`cdk bootstrap` creates it) before deploying the stack.
//!
//! The zip has the same bytes for the same files: entries sorted by path,
//! every timestamp 1980-01-01 00:00, permissions 0644 (0755 for files with
//! an executable bit), deflate compression. Its SHA-256 names the object
//! (`<hash>.zip`), so an unchanged asset is never uploaded twice.
//!
//! ```
//! use cfnkit_core::asset::FileAsset;
//! let dir = std::env::temp_dir().join(format!("cfnkit-asset-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! std::fs::write(dir.join("index.js"), "exports.handler = async () => 1;").unwrap();
//! let a = FileAsset::from_path(&dir).unwrap();
//! assert_eq!(a, FileAsset::from_path(&dir).unwrap());
//! assert_eq!(a.object_key(), format!("{}.zip", a.hash));
//! ```

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;

use crate::tree::Stack;

/// The bootstrap qualifier of `cdk bootstrap`'s default stack.
pub const QUALIFIER: &str = "hnb659fds";
/// The bootstrap bucket file assets are uploaded to (placeholders resolved
/// by the CDK CLI for the stack's environment).
pub const BUCKET: &str = "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}";
/// The role the CDK CLI assumes to upload file assets.
pub const PUBLISHING_ROLE: &str =
    "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-file-publishing-role-${AWS::AccountId}-${AWS::Region}";
/// The SSM parameter holding the bootstrap stack's version.
pub const BOOTSTRAP_VERSION_PARAMETER: &str = "/cdk-bootstrap/hnb659fds/version";
/// The bootstrap version that has the bucket and publishing role.
pub const BOOTSTRAP_VERSION: u32 = 6;

/// A zipped file asset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileAsset {
    /// SHA-256 of the zip, lowercase hex.
    pub hash: String,
    /// The zip.
    pub bytes: Vec<u8>,
    /// Where it came from, for messages and the asset manifest's display name.
    pub source: String,
}

impl FileAsset {
    /// Zips a folder (every file under it, recursively), or a single file;
    /// a `.zip` file is taken as it is. Fails with a message naming the
    /// path when it cannot be read or is empty.
    pub fn from_path(path: impl AsRef<Path>) -> Result<FileAsset, String> {
        let path = path.as_ref();
        let source = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| format!("cannot read asset {source}: {e}"))?;
        let bytes = if meta.is_dir() {
            let mut files = Vec::new();
            collect(path, path, &mut files).map_err(|e| format!("cannot read asset folder {source}: {e}"))?;
            if files.is_empty() {
                return Err(format!("asset folder {source} holds no files"));
            }
            zip_files(&files).map_err(|e| format!("cannot zip {source}: {e}"))?
        } else if path.extension().is_some_and(|x| x.eq_ignore_ascii_case("zip")) {
            std::fs::read(path).map_err(|e| format!("cannot read asset {source}: {e}"))?
        } else {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            zip_files(&[(name, path.to_path_buf())]).map_err(|e| format!("cannot zip {source}: {e}"))?
        };
        Ok(FileAsset::from_zip(bytes, source))
    }

    /// An asset from zip bytes already in memory.
    pub fn from_zip(bytes: Vec<u8>, source: impl Into<String>) -> FileAsset {
        let hash = Sha256::digest(&bytes).iter().fold(String::with_capacity(64), |mut h, b| {
            let _ = write!(h, "{b:02x}");
            h
        });
        FileAsset { hash, bytes, source: source.into() }
    }

    /// The object key in the bootstrap bucket.
    pub fn object_key(&self) -> String {
        format!("{}.zip", self.hash)
    }

    /// The file name in the cloud assembly.
    pub fn assembly_file(&self) -> String {
        format!("asset.{}.zip", self.hash)
    }
}

/// Every file under `dir`, as (path in the zip with `/` separators, path on disk), sorted.
fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            collect(root, &p, out)?;
        } else if p.is_file() {
            let rel = p.strip_prefix(root).unwrap_or(&p);
            let name: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            out.push((name.join("/"), p));
        }
    }
    out.sort();
    Ok(())
}

fn zip_files(files: &[(String, PathBuf)]) -> std::io::Result<Vec<u8>> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, path) in files {
        let mut data = Vec::new();
        std::fs::File::open(path)?.read_to_end(&mut data)?;
        let mode = if executable(path) { 0o755 } else { 0o644 };
        let opts = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(mode);
        w.start_file(name.as_str(), opts).map_err(std::io::Error::other)?;
        w.write_all(&data)?;
    }
    Ok(w.finish().map_err(std::io::Error::other)?.into_inner())
}

#[cfg(unix)]
fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn executable(_: &Path) -> bool {
    false
}

impl Stack {
    /// Adds a file asset to the stack (once per content hash) and returns
    /// its bucket (an `Fn::Sub` of [`BUCKET`]) and object key.
    pub fn add_asset(&mut self, asset: FileAsset) -> (crate::token::Expr<String>, String) {
        let key = asset.object_key();
        if !self.assets.iter().any(|a| a.hash == asset.hash) {
            self.assets.push(asset);
        }
        (crate::fns::sub(BUCKET).expr(), key)
    }

    /// The stack's file assets, in the order they were added.
    pub fn assets(&self) -> &[FileAsset] {
        &self.assets
    }
}
