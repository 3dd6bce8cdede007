//! The folders errdex reads and writes, from the platform's conventions.

use std::path::PathBuf;

/// errdex's own folders on this machine.
#[derive(Debug, Clone)]
pub struct Paths {
    /// Where the user's own entries live (`<data>/entries`).
    pub entries_dir: PathBuf,
    /// errdex's data folder.
    pub data_dir: PathBuf,
    /// errdex's config folder.
    pub config_dir: PathBuf,
    /// errdex's cache folder.
    pub cache_dir: PathBuf,
}

impl Paths {
    /// The platform's folders for errdex (None when no home folder is known).
    pub fn discover() -> Option<Paths> {
        let dirs = directories::ProjectDirs::from("", "", "errdex")?;
        Some(Paths {
            entries_dir: dirs.data_dir().join("entries"),
            data_dir: dirs.data_dir().to_path_buf(),
            config_dir: dirs.config_dir().to_path_buf(),
            cache_dir: dirs.cache_dir().to_path_buf(),
        })
    }
}
