#!/usr/bin/env bash
# The whole test suite: formatting, lints, and every test (unit, integration,
# snapshot and headless-Chromium suites), as documented in the README.
set -euo pipefail
cd "$(dirname "$0")/.."
export CI="${CI:-true}"
cargo fmt --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked
