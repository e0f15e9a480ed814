//! Entity types (kalbio 0.7.0's `EntityTypesService`): the entity slices, each a
//! set of key fields naming one type of record, e.g. every compound.

use super::Client;
use crate::core::error::Error;
use crate::core::http::Transport;
use crate::core::model::EntitySlice;
use crate::core::query::SearchRecordsQuery;
use std::rc::Rc;

impl<T: Transport> Client<T> {
    /// Every entity type (`GET /entity_slices`), cached like the field lists;
    /// `refresh` asks the server even when the list is cached.
    pub async fn entity_types(&self, refresh: bool) -> Result<Rc<Vec<EntitySlice>>, Error> {
        Ok(self
            .listed("/entity_slices", |c| &mut c.entity_types, refresh)
            .await?
            .0)
    }

    /// The ids of an entity type's records, as JSON text: `search_records_json` by
    /// its `entity_slice_id`.
    pub async fn entity_type_record_ids(&self, entity_type_id: &str) -> Result<String, Error> {
        let query = SearchRecordsQuery {
            entity_slice_id: Some(entity_type_id.to_string()),
            ..Default::default()
        };
        self.search_records_json(&query).await
    }
}

/// The entity type named `name` (its `slice_name`), if one is.
pub fn type_by_name<'a>(types: &'a [EntitySlice], name: &str) -> Option<&'a EntitySlice> {
    types.iter().find(|t| t.slice_name.as_deref() == Some(name))
}

/// The entity types whose key fields include all of `key_field_ids`; none when
/// none are given, as kalbio 0.7.0 answers.
pub fn types_with_key_fields<'a>(
    types: &'a [EntitySlice],
    key_field_ids: &[String],
) -> Vec<&'a EntitySlice> {
    if key_field_ids.is_empty() {
        return Vec::new();
    }
    types
        .iter()
        .filter(|t| key_field_ids.iter().all(|k| t.key_field_ids.contains(k)))
        .collect()
}

/// The entity type whose key fields are exactly `key_field_ids` (as sets), if one is.
pub fn type_exact_keys<'a>(
    types: &'a [EntitySlice],
    key_field_ids: &[String],
) -> Option<&'a EntitySlice> {
    // Compared as sets, by inclusion both ways: the lists are a few ids long (and
    // a std HashSet would bring its hasher into the wasm).
    types.iter().find(|t| {
        key_field_ids.iter().all(|k| t.key_field_ids.contains(k))
            && t.key_field_ids.iter().all(|k| key_field_ids.contains(k))
    })
}
