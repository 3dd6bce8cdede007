//! Version ranges in entries (`>=1.42, <1.63`), read leniently: `v` prefixes and missing
//! minor or patch parts are allowed, since tools print versions in many shapes.

use semver::{Version, VersionReq};

/// A range of versions: alternatives separated by `||`, each a list of comparators separated
/// by commas (`>=22.18, <23 || >=23.6`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    any: Vec<VersionReq>,
}

impl Range {
    /// Whether `v` is inside the range. Pre-release tags are ignored, since tools print
    /// versions such as `1.22rc1` that users mean as the release line.
    pub fn matches(&self, v: &Version) -> bool {
        let plain = Version::new(v.major, v.minor, v.patch);
        self.any.iter().any(|r| r.matches(&plain))
    }
}

/// Parse a range: alternatives separated by `||`, each of comparators separated by commas.
pub fn parse_range(range: &str) -> Result<Range, String> {
    let any = range
        .split("||")
        .map(parse_comparators)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Range { any })
}

fn parse_comparators(range: &str) -> Result<VersionReq, String> {
    if range.trim().is_empty() {
        return Err("an empty alternative (nothing around `||`?)".to_string());
    }
    let cleaned: Vec<String> = range
        .split(',')
        .map(|part| {
            let part = part.trim();
            let op_len = part
                .find(|c: char| c.is_ascii_digit() || c == 'v' || c == '*')
                .unwrap_or(part.len());
            let (op, ver) = part.split_at(op_len);
            // Numbers like NVIDIA's `450.80.02` carry leading zeros semver refuses.
            let ver: Vec<String> = ver
                .trim_start_matches('v')
                .split('.')
                .map(|n| match n.parse::<u64>() {
                    Ok(v) if n.chars().all(|c| c.is_ascii_digit()) => v.to_string(),
                    _ => n.to_string(),
                })
                .collect();
            format!("{}{}", op.trim(), ver.join("."))
        })
        .collect();
    if cleaned.iter().any(|c| c.is_empty()) {
        return Err("an empty comparator (two commas in a row?)".to_string());
    }
    VersionReq::parse(&cleaned.join(", ")).map_err(|e| e.to_string())
}

/// Parse a version leniently: `v1.42` → 1.42.0, `17` → 17.0.0, `8.8p1` → 8.8.0.
pub fn parse_version(text: &str) -> Option<Version> {
    let t = text.trim().trim_start_matches('v');
    let mut nums = [0u64; 3];
    let mut count = 0;
    for part in t.split('.').take(3) {
        let digits: String = part.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() {
            break;
        }
        nums[count] = digits.parse().ok()?;
        count += 1;
        if digits.len() != part.len() {
            break;
        }
    }
    (count > 0).then(|| Version::new(nums[0], nums[1], nums[2]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_leniently() {
        let r = parse_range(">=1.42, <1.63").expect("parses");
        assert!(r.matches(&Version::new(1, 50, 0)));
        assert!(!r.matches(&Version::new(1, 63, 0)));
        assert!(parse_range(">= v2.34").is_ok());
        assert!(parse_range(">=450.80.02").is_ok());
        assert!(parse_range(">=1.0,,<2").is_err());
        assert!(parse_range("newer than 2").is_err());
    }

    #[test]
    fn alternatives_match_either_side() {
        let r = parse_range(">=22.18, <23 || >=23.6").expect("parses");
        assert!(r.matches(&Version::new(22, 19, 0)));
        assert!(!r.matches(&Version::new(23, 1, 0)));
        assert!(r.matches(&Version::new(24, 0, 0)));
        assert!(!r.matches(&Version::new(20, 0, 0)));
        assert!(parse_range(">=1 ||").is_err());
        assert!(parse_range("|| <2").is_err());
    }

    #[test]
    fn versions_parse_leniently() {
        assert_eq!(parse_version("v1.42"), Some(Version::new(1, 42, 0)));
        assert_eq!(parse_version("8.8p1"), Some(Version::new(8, 8, 0)));
        assert_eq!(parse_version("17.0.15"), Some(Version::new(17, 0, 15)));
        assert_eq!(parse_version("latest"), None);
    }
}
