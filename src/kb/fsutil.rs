//! Writing files so that a crash or a full disk never leaves a truncated one behind.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

/// Write `bytes` to `path` atomically: a temporary file in the same folder, synced, then
/// renamed over the target. Creates the parent folder if needed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let tmp = dir.join(format!(".{name}.tmp.{}", std::process::id()));
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces() {
        let dir = std::env::temp_dir().join(format!("errdex-fsutil-{}", std::process::id()));
        let file = dir.join("sub/x.yaml");
        write_atomic(&file, b"one").expect("first write");
        write_atomic(&file, b"two").expect("second write");
        assert_eq!(fs::read_to_string(&file).expect("read back"), "two");
        let leftovers = fs::read_dir(file.parent().expect("parent"))
            .expect("list")
            .count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
        let _ = fs::remove_dir_all(dir);
    }
}
