//! errdex: an offline explorer for a knowledge base of error entries.
//!
//! `kb` is the domain (entries, loading, validation, search, import) with no terminal code;
//! `cli` holds the non-interactive subcommands; `text` makes untrusted text safe to print.

pub mod cli;
pub mod kb;
pub mod present;
pub mod text;
pub mod tui;
