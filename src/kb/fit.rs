//! Does an entry apply to the versions the user runs? Rows of an entry's version table that
//! name a `package` and a `range` say whether the error happens in those versions (see
//! [`VersionStatus`]); a workaround's `requires` says what it needs. This module compares
//! both with the user's versions, which come from flags, the config file or the project.

use std::sync::{Arc, OnceLock};

use semver::Version;

use super::corpus::Corpus;
use super::entry::{Entry, VersionRow, VersionStatus, Workaround};
use super::search::Hit;
use super::version;

/// The user's versions, by package. Implementations normalise the package names they are
/// asked for (`Node.js` and `node` are one package).
pub trait Lookup {
    /// The version of `package` the user runs, and how to show it (`v1.62.1`).
    fn version_of(&self, package: &str) -> Option<(&Version, &str)>;
}

/// No versions known: nothing is marked.
#[derive(Debug, Clone, Copy, Default)]
pub struct Nothing;

impl Lookup for Nothing {
    fn version_of(&self, _: &str) -> Option<(&Version, &str)> {
        None
    }
}

/// Whether an entry concerns the user's versions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum EntryFit {
    /// The entry's ranges name none of the user's packages (or there are no ranges).
    #[default]
    Unknown,
    /// A row holding the user's version says the error happens there.
    Yours {
        /// The package that decided it.
        package: String,
        /// The user's version, as shown.
        version: String,
    },
    /// The rows say the error does not happen in the user's version.
    NotYours {
        /// The package that decided it.
        package: String,
        /// The user's version, as shown.
        version: String,
        /// Why, in a few words.
        why: String,
    },
}

impl EntryFit {
    /// Whether the entry is marked "not your version".
    pub fn not_yours(&self) -> bool {
        matches!(self, EntryFit::NotYours { .. })
    }

    /// A one-line description for the entry's header, when there is something to say.
    pub fn describe(&self) -> Option<String> {
        match self {
            EntryFit::Unknown => None,
            EntryFit::Yours { package, version } => {
                Some(format!("applies to your {package} {version}"))
            }
            EntryFit::NotYours { why, .. } => Some(format!("not your version: {why}")),
        }
    }
}

/// Whether the user's version is inside a row's range: None when the row has no package
/// or range, the range does not parse, or the user's version of the package is unknown.
pub fn row_holds(row: &VersionRow, have: &dyn Lookup) -> Option<bool> {
    let package = row.package.as_deref()?;
    let range = version::parse_range(row.range.as_deref()?).ok()?;
    let (v, _) = have.version_of(package)?;
    Some(range.matches(v))
}

/// How an entry's version rows relate to the user's versions.
pub fn entry_fit(e: &Entry, have: &dyn Lookup) -> EntryFit {
    let mut packages: Vec<&str> = e
        .versions
        .iter()
        .filter(|r| r.range.is_some())
        .filter_map(|r| r.package.as_deref())
        .collect();
    packages.sort_unstable();
    packages.dedup();
    let mut yours = None;
    for package in packages {
        let Some((v, shown)) = have.version_of(package) else {
            continue;
        };
        let rows: Vec<(&VersionRow, bool)> = e
            .versions
            .iter()
            .filter(|r| r.package.as_deref() == Some(package))
            .filter_map(|r| {
                let range = version::parse_range(r.range.as_deref()?).ok()?;
                Some((r, range.matches(v)))
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        let holding: Vec<&VersionRow> = rows.iter().filter(|(_, h)| *h).map(|(r, _)| *r).collect();
        if holding.iter().any(|r| r.status != VersionStatus::Removed) {
            yours.get_or_insert(EntryFit::Yours {
                package: package.to_string(),
                version: shown.to_string(),
            });
            continue;
        }
        let why = match holding.last() {
            Some(r) => format!(
                "the error no longer happens in {package} {shown} ({})",
                r.version
            ),
            None => format!("{package} {shown} is outside every range the entry lists"),
        };
        return EntryFit::NotYours {
            package: package.to_string(),
            version: shown.to_string(),
            why,
        };
    }
    yours.unwrap_or_default()
}

/// Why a workaround does not apply to the user's version, when its `requires` range
/// excludes it; None when it applies or nothing is known.
pub fn workaround_excluded(w: &Workaround, have: &dyn Lookup) -> Option<String> {
    let req = w.requires.as_ref()?;
    let range = version::parse_range(&req.range).ok()?;
    let (v, shown) = have.version_of(&req.package)?;
    (!range.matches(v)).then(|| {
        format!(
            "needs {} {}, you have {shown}",
            req.package,
            req.range.trim()
        )
    })
}

/// Every package the entries name in a version range or a workaround's `requires`.
pub fn packages<'a>(
    entries: impl Iterator<Item = &'a Entry>,
) -> std::collections::BTreeSet<String> {
    entries
        .flat_map(|e| e.packages().map(str::to_string))
        .collect()
}

/// How each entry of a corpus fits the user's versions, worked out for an entry when first
/// asked (a search looks at a few dozen entries, and deciding means decoding the entry).
pub struct Fits {
    corpus: Arc<Corpus>,
    have: Arc<dyn Lookup + Send + Sync>,
    slots: Vec<OnceLock<EntryFit>>,
}

impl Fits {
    /// The fits of `corpus`'s entries for the versions in `have`.
    pub fn new(corpus: Arc<Corpus>, have: Arc<dyn Lookup + Send + Sync>) -> Fits {
        let slots = (0..corpus.len()).map(|_| OnceLock::new()).collect();
        Fits {
            corpus,
            have,
            slots,
        }
    }

    /// The fit of entry `doc`.
    pub fn get(&self, doc: usize) -> Option<&EntryFit> {
        let slot = self.slots.get(doc)?;
        let entry = self.corpus.get(doc)?;
        Some(slot.get_or_init(|| entry_fit(entry, self.have.as_ref())))
    }
}

/// How much an entry marked "not your version" keeps of its score: it stays in the list,
/// below entries that match as well and do apply.
pub const NOT_YOURS_FACTOR: f64 = 0.5;

/// Rank entries that do not concern the user's version lower. `fits` is indexed like the
/// entries the hits point into; a stable sort keeps the order of equal scores.
pub fn demote(hits: &mut [Hit], fits: &Fits) {
    let mut changed = false;
    for h in hits.iter_mut() {
        if fits.get(h.doc).is_some_and(EntryFit::not_yours) {
            h.score *= NOT_YOURS_FACTOR;
            changed = true;
        }
    }
    if changed {
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::kb::entry::{Requirement, Verification};

    struct Map(BTreeMap<String, (Version, String)>);

    impl Lookup for Map {
        fn version_of(&self, package: &str) -> Option<(&Version, &str)> {
            self.0.get(package).map(|(v, s)| (v, s.as_str()))
        }
    }

    fn have(pairs: &[(&str, &str)]) -> Map {
        Map(pairs
            .iter()
            .map(|(p, v)| {
                let parsed = version::parse_version(v).expect("test version");
                (p.to_string(), (parsed, v.to_string()))
            })
            .collect())
    }

    fn row(status: VersionStatus, package: &str, range: &str) -> VersionRow {
        VersionRow {
            version: format!("{package} {range}"),
            status,
            introduced: None,
            deprecated: None,
            package: Some(package.into()),
            range: Some(range.into()),
        }
    }

    fn entry(versions: Vec<VersionRow>) -> Entry {
        Entry {
            id: "d/x".into(),
            title: "x".into(),
            domain: "d".into(),
            category: "c".into(),
            verification: Verification::Authored,
            fix_rate: None,
            aliases: vec![],
            patterns: vec![],
            root_cause: "r".into(),
            versions,
            workarounds: vec![],
            dead_ends: vec![],
            related: vec![],
            references: vec![],
            evidence: vec![],
            tags: vec![],
            wrapper: false,
        }
    }

    #[test]
    fn a_removed_row_holding_the_version_means_not_yours() {
        let e = entry(vec![
            row(VersionStatus::Active, "gradle", "<8.5"),
            row(VersionStatus::Removed, "gradle", ">=8.5"),
        ]);
        let fit = entry_fit(&e, &have(&[("gradle", "8.7")]));
        assert!(fit.not_yours(), "{fit:?}");
        assert!(
            fit.describe()
                .is_some_and(|d| d.contains("no longer happens in gradle 8.7"))
        );
        let fit = entry_fit(&e, &have(&[("gradle", "8.4.2")]));
        assert_eq!(
            fit,
            EntryFit::Yours {
                package: "gradle".into(),
                version: "8.4.2".into()
            }
        );
    }

    #[test]
    fn a_version_outside_every_range_is_not_yours() {
        let e = entry(vec![row(VersionStatus::Active, "react", ">=18.0, <19.0")]);
        let fit = entry_fit(&e, &have(&[("react", "17.0.2")]));
        assert!(
            matches!(&fit, EntryFit::NotYours { why, .. } if why.contains("outside every range"))
        );
    }

    #[test]
    fn unknown_packages_and_rows_without_ranges_say_nothing() {
        let e = entry(vec![row(VersionStatus::Active, "react", ">=18.0")]);
        assert_eq!(
            entry_fit(&e, &have(&[("node", "20.1.0")])),
            EntryFit::Unknown
        );
        assert_eq!(entry_fit(&e, &Nothing), EntryFit::Unknown);
        let mut bare = row(VersionStatus::Removed, "react", ">=18");
        bare.range = None;
        assert_eq!(
            entry_fit(&entry(vec![bare.clone()]), &have(&[("react", "18.2.0")])),
            EntryFit::Unknown
        );
        assert_eq!(row_holds(&bare, &have(&[("react", "18.2.0")])), None);
    }

    #[test]
    fn rows_say_whether_they_hold_the_version() {
        let r = row(VersionStatus::Active, "node", ">=22.18, <23 || >=23.6");
        assert_eq!(row_holds(&r, &have(&[("node", "22.20.0")])), Some(true));
        assert_eq!(row_holds(&r, &have(&[("node", "23.1.0")])), Some(false));
        assert_eq!(row_holds(&r, &Nothing), None);
    }

    #[test]
    fn workarounds_outside_their_range_say_why() {
        let mut w = Workaround {
            title: "use WithTimeoutCause".into(),
            success_rate: None,
            snippet: None,
            tradeoff: None,
            condition: Some("Go 1.21+".into()),
            requires: Some(Requirement {
                package: "go".into(),
                range: ">=1.21".into(),
            }),
        };
        assert_eq!(
            workaround_excluded(&w, &have(&[("go", "1.20.4")])).as_deref(),
            Some("needs go >=1.21, you have 1.20.4")
        );
        assert_eq!(workaround_excluded(&w, &have(&[("go", "1.22")])), None);
        assert_eq!(workaround_excluded(&w, &Nothing), None);
        w.requires = None;
        assert_eq!(workaround_excluded(&w, &have(&[("go", "1.20")])), None);
    }

    #[test]
    fn demotion_moves_not_yours_below_equal_matches_and_keeps_them() {
        let hit = |doc, score| Hit {
            doc,
            score,
            confidence: Default::default(),
            signals: Default::default(),
            title_matches: vec![],
        };
        let mut hits = vec![hit(0, 10.0), hit(1, 9.0), hit(2, 3.0)];
        // The first entry happens only in p 2.x; the user runs p 1.0.
        let corpus = Corpus::from(vec![
            entry(vec![row(VersionStatus::Active, "p", ">=2, <3")]),
            entry(vec![]),
            entry(vec![]),
        ]);
        let fits = Fits::new(Arc::new(corpus), Arc::new(have(&[("p", "1.0.0")])));
        assert!(fits.get(0).is_some_and(EntryFit::not_yours));
        assert_eq!(fits.get(1), Some(&EntryFit::Unknown));
        assert_eq!(fits.get(3), None);
        demote(&mut hits, &fits);
        let order: Vec<usize> = hits.iter().map(|h| h.doc).collect();
        assert_eq!(order, vec![1, 0, 2]);
        assert_eq!(hits[1].score, 10.0 * NOT_YOURS_FACTOR);
    }
}
