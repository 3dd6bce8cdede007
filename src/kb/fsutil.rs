//! Opening and writing files that may come from someone else (an entries folder or an
//! outcomes file that arrived through git) so that a planted symlink, FIFO or device cannot
//! redirect a write, hang errdex or make it read without end; and writing so that a crash
//! or a full disk never leaves a truncated file behind.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

/// How [`open_regular`] opens a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Read; a symlink is refused.
    Read,
    /// Read, following a symlink to its target (still only a regular file).
    ReadFollowing,
    /// Read and append, creating the file when missing; a symlink is refused.
    Append,
}

/// Open `path` so that it can only be a regular file. Never blocks on a FIFO or a device:
/// the open is non-blocking and the file type is checked on the opened descriptor, so a
/// swap between check and open cannot fool it. Except with [`Access::ReadFollowing`] a
/// symlink at `path` itself is refused, with an error that says so (the caller names the
/// path).
pub fn open_regular(path: &Path, access: Access) -> io::Result<File> {
    let mut options = OpenOptions::new();
    match access {
        Access::Read | Access::ReadFollowing => {
            options.read(true);
        }
        Access::Append => {
            options.read(true).append(true).create(true);
        }
    }
    let follow = access == Access::ReadFollowing;
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = libc::O_NONBLOCK;
        if !follow {
            flags |= libc::O_NOFOLLOW;
        }
        options.custom_flags(flags);
    }
    #[cfg(not(unix))]
    if !follow && fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(symlink_refused());
    }
    let file = match options.open(path) {
        Ok(f) => f,
        #[cfg(unix)]
        Err(e) if !follow && e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(symlink_refused());
        }
        Err(e) => return Err(e),
    };
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file (a FIFO, device or folder); errdex only reads and writes \
             ordinary files",
        ));
    }
    Ok(file)
}

fn symlink_refused() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "is a symbolic link, which errdex does not follow here; name the real file instead",
    )
}

/// Read a whole regular file of at most `limit` bytes (see [`open_regular`]).
pub fn read_regular(path: &Path, access: Access, limit: u64) -> io::Result<Vec<u8>> {
    let file = open_regular(path, access)?;
    let too_large = || {
        io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("is larger than the {limit} byte limit"),
        )
    };
    if file.metadata()?.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Refuse when any folder between `root` (not included) and `path`'s parent is a symlink,
/// or when `path` itself is one: a write below `root` must stay below it. Parts that do not
/// exist yet are fine (they will be created as real folders). `path` must be below `root`.
pub fn no_links_below(root: &Path, path: &Path) -> io::Result<()> {
    let rest = path.strip_prefix(root).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not inside {}", path.display(), root.display()),
        )
    })?;
    let mut at = root.to_path_buf();
    for part in rest.components() {
        match part {
            Component::Normal(name) => at.push(name),
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{} leaves {}", path.display(), root.display()),
                ));
            }
        }
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "{} is a symbolic link; errdex does not write through links in its \
                         entries folder (replace it with a real folder or file)",
                        at.display()
                    ),
                ));
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// `path` made absolute against the current folder, so that it never starts with `-` when
/// handed to another program.
pub fn absolute(path: &Path) -> io::Result<PathBuf> {
    std::path::absolute(path)
}

/// Write `bytes` to `path` atomically: a temporary file with an unpredictable name created
/// exclusively in the same folder, synced, then renamed over the target (a symlink at
/// `path` is replaced, never written through). Creates the parent folder if needed.
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
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Like [`write_atomic`], but fails when `path` exists (also as a dangling link) instead of
/// replacing it.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".new.")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("sub/x.yaml");
        write_atomic(&file, b"one").expect("first write");
        write_atomic(&file, b"two").expect("second write");
        assert_eq!(fs::read_to_string(&file).expect("read back"), "two");
        let leftovers = fs::read_dir(file.parent().expect("parent"))
            .expect("list")
            .count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }

    #[cfg(unix)]
    #[test]
    fn planted_links_are_replaced_or_refused_never_written_through() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().expect("tempdir");
        let victim = dir.path().join("victim");
        fs::write(&victim, "keep").expect("victim");
        let out = dir.path().join("out");
        fs::create_dir_all(&out).expect("out");
        // The old predictable temporary names, planted as links to the victim.
        for pid in [std::process::id(), 1, 2] {
            symlink(&victim, out.join(format!(".x.yaml.tmp.{pid}"))).expect("plant");
        }
        let target = out.join("x.yaml");
        symlink(&victim, &target).expect("plant target");
        write_atomic(&target, b"new").expect("write");
        assert_eq!(fs::read_to_string(&victim).expect("victim"), "keep");
        assert!(!fs::symlink_metadata(&target).expect("meta").is_symlink());
        assert_eq!(fs::read_to_string(&target).expect("target"), "new");

        let link = dir.path().join("outcomes.jsonl");
        symlink(&victim, &link).expect("plant outcomes");
        for access in [Access::Append, Access::Read] {
            let e = open_regular(&link, access).expect_err("a link is refused");
            assert!(e.to_string().contains("symbolic link"), "{e}");
        }
        assert_eq!(fs::read_to_string(&victim).expect("victim"), "keep");
        assert!(open_regular(&link, Access::ReadFollowing).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn fifos_and_devices_are_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).expect("c path");
        // SAFETY: mkfifo with a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        for access in [Access::Read, Access::ReadFollowing, Access::Append] {
            let e = open_regular(&fifo, access).expect_err("a FIFO is refused");
            assert!(e.to_string().contains("not a regular file"), "{e}");
        }
        let e = read_regular(Path::new("/dev/zero"), Access::ReadFollowing, 1 << 20)
            .expect_err("a device is refused");
        assert!(e.to_string().contains("not a regular file"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn writes_stay_below_the_root() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("entries");
        fs::create_dir_all(root.join("real")).expect("real");
        symlink(dir.path(), root.join("linked")).expect("plant");
        assert!(no_links_below(&root, &root.join("real/x.yaml")).is_ok());
        assert!(no_links_below(&root, &root.join("new/x.yaml")).is_ok());
        let e = no_links_below(&root, &root.join("linked/x.yaml")).expect_err("refused");
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert!(no_links_below(&root, &root.join("../x.yaml")).is_err());
    }

    #[test]
    fn absolute_paths_never_start_with_a_dash() {
        let p = absolute(Path::new("--dir=-rf/x.yaml")).expect("absolute");
        assert!(p.is_absolute());
        assert!(!p.to_string_lossy().starts_with('-'));
    }
}
