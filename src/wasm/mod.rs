//! The JavaScript bindings. They convert between JS values and the core and
//! keep no logic of their own.

pub mod client;
mod convert;
mod entity_types;
mod handles;
pub mod record;
mod state;
mod transport;

// No panic hook: the package is built with immediate abort, so a panic is a trap
// without a message, and the glue turns a trap into a KalbioError with code
// "trapped" on that call and every later one (pkg-template/trap.js).

pub use client::{ActivitiesService, EntityFieldsService, KaleidoscopeClient, RecordsService};
pub use entity_types::EntityTypesService;
pub use record::Record;
