//! Lambda code from a folder: a deterministic zip in the cloud assembly,
//! an asset manifest that `cdk-assets` reads, and bootstrap-bucket
//! references in the template.

use std::path::Path;

use cfnkit::cli::Env;
use cfnkit::prelude::*;

use super::{run, scratch, validators};

fn handler_dir(root: &Path) -> std::path::PathBuf {
    let dir = root.join("handler");
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    std::fs::write(dir.join("index.js"), "exports.handler = async () => require('./lib/x').x;\n").unwrap();
    std::fs::write(dir.join("lib/x.js"), "exports.x = 1;\n").unwrap();
    dir
}

fn app_with(code: Code) -> impl FnOnce(&mut App) {
    move |app: &mut App| {
        Function::new("Handler", Runtime::Nodejs24x, code).add_to(app.stack("svc"));
    }
}

#[test]
fn a_folder_becomes_an_asset_that_cdk_assets_lists_with_identical_zips() {
    let root = scratch("asset");
    let dir = handler_dir(&root);
    let (one, two) = (root.join("one"), root.join("two"));
    for out in [&one, &two] {
        let r = run(&["synth", "-o", out.to_str().unwrap()], &Env::default(), app_with(Code::from_asset(&dir)));
        assert_eq!(r.code, 0, "{}", r.err);
        // Touching the files changes their times, never the zip.
        std::fs::write(dir.join("index.js"), std::fs::read(dir.join("index.js")).unwrap()).unwrap();
    }
    let zips: Vec<_> = std::fs::read_dir(&one).unwrap().filter_map(Result::ok).map(|e| e.file_name()).collect();
    let zip = zips.iter().find(|n| n.to_string_lossy().ends_with(".zip")).expect("a zip in the assembly").clone();
    assert_eq!(std::fs::read(one.join(&zip)).unwrap(), std::fs::read(two.join(&zip)).unwrap(), "same bytes");
    let hash = zip.to_string_lossy().trim_start_matches("asset.").trim_end_matches(".zip").to_string();

    let t: serde_json::Value = serde_json::from_slice(&std::fs::read(one.join("svc.template.json")).unwrap()).unwrap();
    let code = &t["Resources"]["Handler"]["Properties"]["Code"];
    assert_eq!(
        code["S3Bucket"],
        serde_json::json!({"Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"})
    );
    assert_eq!(code["S3Key"], format!("{hash}.zip"));

    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(one.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["artifacts"]["svc.assets"]["type"], "cdk:asset-manifest");
    assert_eq!(m["artifacts"]["svc"]["dependencies"], serde_json::json!(["svc.assets"]));
    assert_eq!(validators::cdk_ls(&one), ["svc"]);

    let cdk_assets = validators::cdk_bin().with_file_name("cdk-assets");
    let out = std::process::Command::new(&cdk_assets)
        .args(["ls", "-p"])
        .arg(one.join("svc.assets.json"))
        .output()
        .expect("run cdk-assets (scripts/setup-validators.sh installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains(&hash) && text.contains(&format!("{hash}.zip")), "{text}");

    // The zip holds the folder's files, sorted, under their relative paths.
    let bytes = std::fs::read(one.join(&zip)).unwrap();
    let names = String::from_utf8_lossy(&bytes);
    let (a, b) = (names.find("index.js").unwrap(), names.find("lib/x.js").unwrap());
    assert!(a < b);
}

#[test]
fn a_missing_folder_is_an_error_naming_it() {
    let r = run(&["synth", "svc"], &Env::default(), app_with(Code::from_asset("/nonexistent/handler")));
    assert_eq!(r.code, 1);
    assert!(r.err.contains("svc/Handler") && r.err.contains("cannot read asset /nonexistent/handler"), "{}", r.err);
}

#[test]
fn from_file_inlines_small_handlers_and_ships_large_ones_as_assets() {
    let root = scratch("from-file");
    let small = root.join("small.js");
    std::fs::write(&small, "exports.handler = async () => 1;\n").unwrap();
    assert_eq!(Code::from_file(&small), Code::inline("exports.handler = async () => 1;\n"));
    let large = root.join("large.js");
    std::fs::write(&large, format!("exports.handler = async () => 1;\n//{}\n", "x".repeat(5000))).unwrap();
    assert!(matches!(Code::from_file(&large), Code::Asset(Ok(_))));
    assert!(matches!(Code::from_file(root.join("none.js")), Code::Asset(Err(_))));
}

#[test]
fn s3_code_can_pin_an_object_version() {
    let r = run(&["synth", "svc"], &Env::default(), app_with(Code::s3("artifacts", "f.zip").object_version("v3")));
    assert_eq!(r.code, 0, "{}", r.err);
    let t: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    assert_eq!(
        t["Resources"]["Handler"]["Properties"]["Code"],
        serde_json::json!({"S3Bucket": "artifacts", "S3Key": "f.zip", "S3ObjectVersion": "v3"})
    );
}
