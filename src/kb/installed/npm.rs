//! package-lock.json: lockfileVersion 2 and 3 (`packages`) and 1 (`dependencies`).

use std::collections::{BTreeMap, HashSet};

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

use super::names::{Ecosystem, lock_package, plain_name};
use super::{
    FileCtx, Installed, MAX_PACKAGES, lock_problem, read_version, skipped_note, too_many_packages,
};
use crate::kb::diag::{Diagnostic, Severity};

#[derive(Deserialize)]
struct NpmLock {
    #[serde(default)]
    packages: Capped<NpmPackage>,
    #[serde(default)]
    dependencies: Capped<NpmDependency>,
}

/// A JSON object read into a map of at most [`MAX_PACKAGES`] entries; the values of the rest
/// are parsed and dropped (only counted), so memory stays bounded however many there are.
struct Capped<V> {
    map: BTreeMap<String, V>,
    dropped: usize,
}

impl<V> Default for Capped<V> {
    fn default() -> Self {
        Capped {
            map: BTreeMap::new(),
            dropped: 0,
        }
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Capped<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Visit<V> {
            type Value = Capped<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of packages")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Capped<V>, A::Error> {
                let mut capped = Capped::default();
                while let Some(key) = access.next_key::<String>()? {
                    if capped.map.len() < MAX_PACKAGES {
                        let value = access.next_value::<V>()?;
                        capped.map.insert(key, value);
                    } else {
                        access.next_value::<IgnoredAny>()?;
                        capped.dropped += 1;
                    }
                }
                Ok(capped)
            }
        }
        deserializer.deserialize_map(Visit(PhantomData))
    }
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
    if !lock.packages.map.is_empty() {
        // lockfileVersion 2 and 3: `node_modules/<name>` keys; nested copies
        // (`node_modules/a/node_modules/b`) count only for a name with no top-level copy.
        let mut nested = Vec::new();
        for (key, package) in &lock.packages.map {
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
        for (name, dep) in &lock.dependencies.map {
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
    let mut problems = skipped_note(file, skipped);
    if lock.packages.dropped > 0 || lock.dependencies.dropped > 0 {
        problems.push(too_many_packages(file, 1));
    }
    (out, problems)
}
