//! The JavaScript bindings. They convert between JS values and the core and
//! keep no logic of their own.

pub mod client;
mod convert;
mod entity_types;
mod handles;
pub mod record;
mod state;
mod transport;

use wasm_bindgen::prelude::*;

/// Runs on load: an internal error then prints its cause to the console.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

pub use client::{ActivitiesService, EntityFieldsService, KaleidoscopeClient, RecordsService};
pub use entity_types::EntityTypesService;
pub use record::Record;
