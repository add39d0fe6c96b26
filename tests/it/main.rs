//! The single integration-test binary. One module per feature; every test
//! goes through the helpers in `support`, never the internals directly.

// Tests may panic: that is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod browser;
mod build;
mod cli;
mod diagnostics;
mod hardening;
mod hostile;
mod links;
mod reader;
mod search;
mod serve;
mod support;
mod tidy;
