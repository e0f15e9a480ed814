//! The sans-IO core: everything the client and the sandbox share, with no
//! browser or network imports.

pub mod client;
pub mod defaults;
pub mod error;
pub mod exact;
pub mod filter;
#[cfg(test)]
mod filter_rules_tests;
pub mod fold;
pub mod hash;
pub mod http;
pub mod model;
pub mod number;
pub mod query;
pub mod retry;
pub mod search;
pub mod select;
pub mod store;
pub mod time;
