//! Vakwerk turns `site.yaml` and a folder of Markdown pages with typed front
//! matter (`content/`) into a static, cross-referenced knowledge base.
//!
//! Pipeline: load → parse → resolve links → render → index → write.
//! `fs` does the loading and writing; everything between is pure and lives
//! in [`build::build`]. See `ARCHITECTURE.md` for the map of modules and
//! their invariants.

pub mod build;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod error;
pub mod feeds;
pub mod frontmatter;
pub mod fs;
pub mod highlight;
pub mod incremental;
pub mod markdown;
pub mod new;
pub mod overview;
pub mod pack;
pub mod page;
pub mod render;
pub mod sanitize;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
pub mod source;
pub mod swar;
pub mod theme;
pub mod yaml;

pub use build::{Build, BuildOptions, OutputFile, build};
pub use config::Config;
pub use diagnostic::{Diagnostic, Severity};
pub use error::Error;
