//! Package names: normalising what users type and what lock files write, so `Python3`,
//! `python` and `cpython` are one package and a crate named `openssl` is not the program.

use super::MAX_NAME;

/// Whether `name` is a package name errdex keeps (ASCII, no spaces, bounded).
pub(super) fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.@/+:~".contains(c))
}

/// Names users type or files write, mapped to the names the corpus uses (keys already
/// normalised: lowercase, `_` and `.` runs as `-`).
const ALIASES: &[(&str, &str)] = &[
    ("python", "cpython"),
    ("python3", "cpython"),
    ("java", "openjdk"),
    ("jdk", "openjdk"),
    ("jre", "openjdk"),
    ("nodejs", "node"),
    ("node-js", "node"),
    ("golang", "go"),
    ("postgres", "postgresql"),
    ("pgsql", "postgresql"),
    ("k8s", "kubernetes"),
    ("kubectl", "kubernetes"),
    ("rustc", "rust"),
    ("google.golang.org/grpc", "grpc-go"),
    ("mysql", "mysql-server"),
    ("mysqld", "mysql-server"),
    ("mongo", "mongodb"),
    ("mongod", "mongodb"),
    ("rabbitmq", "rabbitmq-server"),
    ("pytorch", "torch"),
    ("nvidia", "nvidia-driver"),
    ("nvidia-drivers", "nvidia-driver"),
    ("ssh", "openssh"),
    ("kernel", "linux"),
    ("libc6", "glibc"),
    ("ansible-base", "ansible-core"),
];

/// Packages the corpus names that are programs, runtimes or servers rather than libraries.
/// A library in a lock file that shares one of these names (the `openssl` crate, the
/// `kubernetes` Python client) is not that program and is kept under a qualified name.
const PROGRAMS: &[&str] = &[
    "bash",
    "cargo",
    "cpython",
    "docker",
    "elasticsearch",
    "git",
    "glibc",
    "go",
    "gradle",
    "helm",
    "kubernetes",
    "linux",
    "mongodb",
    "mysql-server",
    "nginx",
    "node",
    "npm",
    "nvidia-driver",
    "openjdk",
    "openssh",
    "openssl",
    "pip",
    "postgresql",
    "rabbitmq-server",
    "redis",
    "rust",
    "terraform",
];

/// Lock-file packages that really are the program of the same name.
const SAME_AS_PROGRAM: &[(Ecosystem, &str)] = &[
    (Ecosystem::Npm, "npm"),
    (Ecosystem::Npm, "node"),
    (Ecosystem::PyPI, "pip"),
];

pub(super) fn is_program(package: &str) -> bool {
    PROGRAMS.contains(&package)
}

/// Normalise a package name for comparison: lowercase; outside paths (names with `/`), runs
/// of `-`, `_` and `.` become one `-` (as PyPI does); then the alias table, so `Python3`,
/// `node.js`, `golang`, `postgres`, `k8s` and `google.golang.org/grpc` become `cpython`,
/// `node`, `go`, `postgresql`, `kubernetes` and `grpc-go`.
pub fn normalise_package(name: &str) -> String {
    let base = base_name(name);
    match ALIASES.iter().find(|(from, _)| *from == base) {
        Some((_, to)) => (*to).to_string(),
        None => base,
    }
}

/// Lowercase and, outside paths, PyPI-style separators; no aliases.
fn base_name(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    if lower.contains('/') {
        return lower;
    }
    let mut out = String::with_capacity(lower.len());
    let mut in_run = false;
    for c in lower.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.push(c);
            in_run = false;
        }
    }
    out
}

/// The package registries lock files come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ecosystem {
    Crates,
    Npm,
    PyPI,
}

impl Ecosystem {
    fn label(self) -> &'static str {
        match self {
            Ecosystem::Crates => "crates",
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "pypi",
        }
    }
}

/// The name a lock-file package is kept under. The alias table is for names people type,
/// so it does not apply; a library named like a program (`openssl` on crates.io, `mongodb`
/// on npm, `kubernetes` on PyPI) becomes `crates:openssl`, `npm:mongodb`, `pypi:kubernetes`
/// so its version is never taken for the program's.
pub(super) fn lock_package(eco: Ecosystem, name: &str) -> String {
    let base = base_name(name);
    let named_like_program = is_program(&base) || ALIASES.iter().any(|(from, _)| *from == base);
    if named_like_program && !SAME_AS_PROGRAM.contains(&(eco, base.as_str())) {
        format!("{}:{base}", eco.label())
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise_through_pep503_and_aliases() {
        assert_eq!(normalise_package("Python3"), "cpython");
        assert_eq!(normalise_package("python"), "cpython");
        assert_eq!(normalise_package("Node.js"), "node");
        assert_eq!(normalise_package("nodejs"), "node");
        assert_eq!(normalise_package("golang"), "go");
        assert_eq!(normalise_package("JDK"), "openjdk");
        assert_eq!(normalise_package("postgres"), "postgresql");
        assert_eq!(normalise_package("k8s"), "kubernetes");
        assert_eq!(normalise_package("kubectl"), "kubernetes");
        assert_eq!(normalise_package("rustc"), "rust");
        assert_eq!(normalise_package("google.golang.org/grpc"), "grpc-go");
        assert_eq!(normalise_package("grpcio"), "grpcio");
        assert_eq!(normalise_package("Zope.Interface"), "zope-interface");
        assert_eq!(normalise_package("typing__extensions"), "typing-extensions");
        assert_eq!(normalise_package("ansible_core"), "ansible-core");
        assert_eq!(normalise_package("MySQL"), "mysql-server");
        // Paths keep their dots; only case folds.
        assert_eq!(
            normalise_package("github.com/Sirupsen/logrus"),
            "github.com/sirupsen/logrus"
        );
        assert_eq!(normalise_package("@types/node"), "@types/node");
    }

    #[test]
    fn lock_file_libraries_named_like_programs_are_qualified() {
        assert_eq!(lock_package(Ecosystem::Crates, "openssl"), "crates:openssl");
        assert_eq!(lock_package(Ecosystem::Npm, "mongodb"), "npm:mongodb");
        assert_eq!(lock_package(Ecosystem::Npm, "postgres"), "npm:postgres");
        assert_eq!(
            lock_package(Ecosystem::PyPI, "Kubernetes"),
            "pypi:kubernetes"
        );
        assert_eq!(lock_package(Ecosystem::Npm, "npm"), "npm");
        assert_eq!(lock_package(Ecosystem::PyPI, "pip"), "pip");
        assert_eq!(lock_package(Ecosystem::PyPI, "Requests"), "requests");
        assert_eq!(
            lock_package(Ecosystem::PyPI, "typing_extensions"),
            "typing-extensions"
        );
        // A qualified name survives normalisation, so `get` finds it as written.
        assert_eq!(normalise_package("crates:openssl"), "crates:openssl");
    }
}
