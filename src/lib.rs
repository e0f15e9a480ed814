//! `kalbio`: the Kaleidoscope records client for the browser.
//!
//! The crate has two layers:
//! - [`core`]: plain Rust with no browser imports. Models, identifiers, query
//!   encoding, response decoding, value selection, caches, retry policy and the
//!   filter engine. It builds and tests natively, and the `kalbio-sandbox`
//!   server reuses it.
//! - `wasm` (only on `wasm32`): the JavaScript bindings and the fetch
//!   transport. They convert between JS and the core and hold no logic of
//!   their own.
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
