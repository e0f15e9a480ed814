//! Entity types (kalbio 0.7.0's `EntityTypesService`): the entity slices, each a
//! set of key fields naming one type of record, e.g. every compound.

use super::Client;
use crate::core::error::Error;
use crate::core::http::Transport;
use crate::core::model::EntitySlice;
use crate::core::query::SearchRecordsQuery;
use std::collections::HashSet;
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

    /// The entity type named `name`, or `None`.
    pub async fn entity_type_by_name(&self, name: &str) -> Result<Option<EntitySlice>, Error> {
        Ok(self
            .entity_types(false)
            .await?
            .iter()
            .find(|t| t.slice_name.as_deref() == Some(name))
            .cloned())
    }

    /// The entity types whose key fields include all of `key_field_ids` (none when
    /// none are given, as kalbio 0.7.0 answers).
    pub async fn entity_types_with_key_fields(
        &self,
        key_field_ids: &[String],
    ) -> Result<Vec<EntitySlice>, Error> {
        if key_field_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self
            .entity_types(false)
            .await?
            .iter()
            .filter(|t| key_field_ids.iter().all(|k| t.key_field_ids.contains(k)))
            .cloned()
            .collect())
    }

    /// The entity type whose key fields are exactly `key_field_ids` (as sets), or `None`.
    pub async fn entity_type_exact_keys(
        &self,
        key_field_ids: &[String],
    ) -> Result<Option<EntitySlice>, Error> {
        let wanted: HashSet<&str> = key_field_ids.iter().map(String::as_str).collect();
        Ok(self
            .entity_types(false)
            .await?
            .iter()
            .find(|t| {
                t.key_field_ids
                    .iter()
                    .map(String::as_str)
                    .collect::<HashSet<_>>()
                    == wanted
            })
            .cloned())
    }

    /// The ids of an entity type's records: `search_records` by its `entity_slice_id`.
    pub async fn entity_type_record_ids(&self, entity_type_id: &str) -> Result<Vec<String>, Error> {
        let query = SearchRecordsQuery {
            entity_slice_id: Some(entity_type_id.to_string()),
            ..Default::default()
        };
        self.search_records(&query).await
    }
}
