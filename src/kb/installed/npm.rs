//! package-lock.json: lockfileVersion 2 and 3 (`packages`) and 1 (`dependencies`).

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

use super::names::{Ecosystem, lock_package, plain_name};
use super::{FileCtx, Installed, lock_problem, read_version, skipped_note};
use crate::kb::diag::{Diagnostic, Severity};

#[derive(Deserialize)]
struct NpmLock {
    #[serde(default)]
    packages: BTreeMap<String, NpmPackage>,
    #[serde(default)]
    dependencies: BTreeMap<String, NpmDependency>,
}

#[derive(Deserialize)]
struct NpmPackage {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
struct NpmDependency {
    #[serde(default)]
    version: Option<String>,
}

pub(super) fn package_lock(text: &str, file: &FileCtx) -> (Vec<Installed>, Vec<Diagnostic>) {
    let lock: NpmLock = match serde_json::from_str(text) {
        Ok(l) => l,
        Err(e) => {
            let full = e.to_string();
            let message = match full.rfind(" at line ") {
                Some(i) => &full[..i],
                None => &full,
            };
            let at = (e.line().max(1), e.column().max(1));
            let (at, hint) = lock_problem(text, at, "`npm install --package-lock-only`");
            return (
                Vec::new(),
                vec![file.diag(at, Severity::Error, format!("{message}; skipped"), &hint)],
            );
        }
    };
    let mut candidates: Vec<(String, String)> = Vec::new();
    if !lock.packages.is_empty() {
        // lockfileVersion 2 and 3: `node_modules/<name>` keys; nested copies
        // (`node_modules/a/node_modules/b`) count only for a name with no top-level copy.
        let mut nested = Vec::new();
        for (key, package) in &lock.packages {
            let Some(at) = key.rfind("node_modules/") else {
                continue;
            };
            let Some(version) = &package.version else {
                continue;
            };
            let name = package
                .name
                .clone()
                .unwrap_or_else(|| key[at + "node_modules/".len()..].to_string());
            if at == 0 && !key.contains("/node_modules/") {
                candidates.push((name, version.clone()));
            } else {
                nested.push((name, version.clone()));
            }
        }
        candidates.extend(nested);
    } else {
        // lockfileVersion 1: top-level `dependencies`; `npm:real@1.2.3` for aliases.
        for (name, dep) in &lock.dependencies {
            let Some(version) = &dep.version else {
                continue;
            };
            match version
                .strip_prefix("npm:")
                .and_then(|v| v.rsplit_once('@'))
            {
                Some((real, v)) if !real.is_empty() => {
                    candidates.push((real.to_string(), v.to_string()))
                }
                _ => candidates.push((name.clone(), version.clone())),
            }
        }
    }
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut skipped = 0;
    for (name, version) in candidates {
        if !plain_name(&name) {
            skipped += 1;
            continue;
        }
        // git, file and URL dependencies carry no version to compare; leave them out.
        let Some(v) = read_version(&version) else {
            continue;
        };
        let package = lock_package(Ecosystem::Npm, &name);
        if seen.insert(package.clone()) {
            out.push(file.installed(package, v, &version));
        }
    }
    (out, skipped_note(file, skipped))
}
