//! The domain: entries, where they come from, how they are checked, searched and converted.
//! Nothing here draws on a terminal.

pub mod author;
pub mod cache;
pub mod codec;
pub mod config;
pub mod corpus;
pub mod diag;
pub mod entry;
pub mod fit;
pub mod follow;
pub mod fsutil;
pub mod import;
pub mod installed;
pub mod load;
pub mod locate;
pub mod markdown;
pub mod outcomes;
pub mod paths;
pub mod pattern;
pub mod redact;
pub mod scan;
pub mod search;
pub mod snapshot;
pub mod validate;
pub mod version;
pub mod yaml;

pub use diag::{Diagnostic, Severity};
pub use entry::Entry;
pub use load::{Catalog, Loaded, Origin, Sources};
