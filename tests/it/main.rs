//! The single integration-test binary. One module per feature; every test
//! goes through the helpers in `support`, never the internals directly.

mod browser;
mod build;
mod cli;
mod diagnostics;
mod links;
mod support;
mod tidy;
