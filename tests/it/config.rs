//! The config file and the merge of project files, config and `--have` flags.

use errdex::kb::Severity;
use errdex::kb::config::{self, Config, ConfigLocation};
use errdex::kb::installed::Source;
use semver::Version;

fn project(case: &str) -> std::path::PathBuf {
    super::fixtures().join("projects").join(case)
}

#[test]
fn resolve_layers_project_config_and_flags() {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let path = tmp.path().join("config.yaml");
    std::fs::write(
        &path,
        "# versions I run\nversions:\n  golang: \"1.23.0\"\n  node: 20.11.1\n  postgres: 16.2\nrecord_host: false\n",
    )
    .expect("write");
    let location = ConfigLocation {
        path: path.clone(),
        from_env: true,
    };
    let (cfg, problems) = config::load(&location);
    assert!(problems.is_empty(), "{problems:?}");

    let flags = vec!["node=22.3.0".to_string()];
    let (versions, problems) = config::resolve(&flags, Some((&cfg, &path)), Some(&project("go")));
    assert!(problems.is_empty(), "{problems:?}");
    let go = versions.get("go").expect("go");
    assert_eq!(
        (go.shown.as_str(), &go.source),
        ("1.23.0", &Source::Config(path.clone()))
    );
    let node = versions.get("Node.js").expect("node");
    assert_eq!(
        (node.shown.as_str(), &node.source),
        ("22.3.0", &Source::Flag)
    );
    assert_eq!(
        versions.get("postgresql").map(|i| i.version.clone()),
        Some(Version::new(16, 2, 0))
    );
    let grpc = versions.get("google.golang.org/grpc").expect("from go.mod");
    assert_eq!(grpc.source, Source::File(project("go").join("go.mod")));
    assert_eq!(
        versions.summary(100),
        "your versions: node 22.3.0 (--have), go 1.23.0 (config.yaml), \
         postgresql 16.2 (config.yaml) +9 more"
    );
}

#[test]
fn config_files_missing_broken_and_named_by_the_environment() {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let default_place = config::location(None, Some(tmp.path())).expect("a location");
    let (cfg, problems) = config::load(&default_place);
    assert_eq!(cfg, Config::default());
    assert!(problems.is_empty(), "a missing default config is normal");

    let named = config::location(
        Some(tmp.path().join("nope.yaml").as_os_str()),
        Some(tmp.path()),
    )
    .expect("a location");
    let (_, problems) = config::load(&named);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].severity, Severity::Warning);
    assert!(problems[0].message.contains("ERRDEX_CONFIG"));

    let broken = tmp.path().join("config.yaml");
    std::fs::write(&broken, "versions:\n  go: 1.22\n versoins:\n").expect("write");
    let (cfg, problems) = config::load(&default_place);
    assert_eq!(cfg, Config::default());
    assert_eq!(problems.len(), 1);
    let d = &problems[0];
    assert!(d.file.ends_with("config.yaml"));
    assert!(d.line >= 2 && d.column >= 1, "{d}");
    assert!(d.hint.is_some());
}

#[test]
fn the_readme_example_config_reads_as_documented() {
    let readme = include_str!("../../README.md");
    let section = readme
        .split("### Configuration")
        .nth(1)
        .expect("README has a Configuration section");
    let example = section
        .split("```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("an example config");
    let (cfg, problems) = config::parse(example, "README.md");
    assert!(problems.is_empty(), "{problems:?}");
    assert!(!cfg.record_host);
    let path = std::path::Path::new("config.yaml");
    let (found, problems) = config::versions_from_config(&cfg, path);
    assert!(problems.is_empty(), "{problems:?}");
    let got: Vec<(&str, Version)> = found
        .iter()
        .map(|i| (i.package.as_str(), i.version.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("go", Version::new(1, 22, 3)),
            ("node", Version::new(20, 11, 1)),
            ("postgresql", Version::new(16, 2, 0)),
            ("kubernetes", Version::new(1, 29, 0)),
        ]
    );
}
