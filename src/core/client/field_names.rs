//! Field names where users write them in a search: the `field_id` of
//! `entity_field_filters` and `entity_field_sorts` may be a field's uuid or its
//! name (key or data field), resolved as the readers resolve them. The server
//! and the cached engine only know uuids, so a query is rewritten before either
//! sees it.

use super::ident::FieldRef;
use super::records::looks_like_uuid;
use super::Client;
use crate::core::error::{Error, ErrorCode};
use crate::core::http::Transport;
use crate::core::query::SearchRecordsQuery;
use crate::core::store::UNKNOWN_SYM;
use std::borrow::Cow;

/// The query's field ids that are not uuids, in order: filters, then sorts.
fn named_fields(query: &SearchRecordsQuery) -> impl Iterator<Item = &str> {
    let filters = query
        .entity_field_filters
        .iter()
        .flatten()
        .map(|f| &f.field_id);
    let sorts = query
        .entity_field_sorts
        .iter()
        .flatten()
        .map(|s| &s.field_id);
    filters.chain(sorts).flatten().map(String::as_str)
}

/// The query with each field id passed through `resolve`; the query itself when
/// `resolve` changes none of them.
fn rewritten<'q>(
    query: &'q SearchRecordsQuery,
    mut resolve: impl FnMut(&str) -> Result<Option<String>, Error>,
) -> Result<Cow<'q, SearchRecordsQuery>, Error> {
    let mut changed: Vec<(String, String)> = Vec::new();
    for text in named_fields(query) {
        if let Some(id) = resolve(text)? {
            if id != text {
                changed.push((text.to_string(), id));
            }
        }
    }
    if changed.is_empty() {
        return Ok(Cow::Borrowed(query));
    }
    let swap = |field: &mut Option<String>| {
        if let Some((_, id)) = changed
            .iter()
            .find(|(from, _)| Some(from) == field.as_ref())
        {
            *field = Some(id.clone());
        }
    };
    let mut query = query.clone();
    for filter in query.entity_field_filters.iter_mut().flatten() {
        swap(&mut filter.field_id);
    }
    for sort in query.entity_field_sorts.iter_mut().flatten() {
        swap(&mut sort.field_id);
    }
    Ok(Cow::Owned(query))
}

impl<T: Transport> Client<T> {
    /// The query as the server takes it: field names replaced by uuids, the field
    /// lists fetched when a name is not in them. A uuid is sent as it is, and so is
    /// a text no list names: the server answers for it (400 `unknown_field`).
    pub async fn search_query_with_ids<'q>(
        &self,
        query: &'q SearchRecordsQuery,
    ) -> Result<Cow<'q, SearchRecordsQuery>, Error> {
        let mut resolved: Vec<(String, String)> = Vec::new();
        for text in named_fields(query) {
            if looks_like_uuid(text) || resolved.iter().any(|(from, _)| from == text) {
                continue;
            }
            match self
                .resolve_data_field(&FieldRef::Text(text.to_string()))
                .await
            {
                Ok(id) => resolved.push((text.to_string(), id)),
                Err(e) if e.code == ErrorCode::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        rewritten(query, |text| {
            Ok(resolved
                .iter()
                .find(|(from, _)| from == text)
                .map(|(_, id)| id.clone()))
        })
    }

    /// The query as the cached engine takes it, without a request: an id the
    /// cached records use, else a uuid or name through the cached field lists. A
    /// field neither knows is a `not_found` error, not an empty answer.
    pub fn cached_query_with_ids<'q>(
        &self,
        query: &'q SearchRecordsQuery,
    ) -> Result<Cow<'q, SearchRecordsQuery>, Error> {
        rewritten(query, |text| {
            if self.symbols().find(text) != UNKNOWN_SYM {
                return Ok(None);
            }
            let id = self.resolve_field_name(text)?;
            if looks_like_uuid(text)
                && id == text
                && self.field_lists_held()
                && !self.field_listed(text)
            {
                return Err(Error::new(
                    ErrorCode::NotFound,
                    format!("no field has the id {text:?} (neither the field lists nor the cached records know it)"),
                ));
            }
            Ok(Some(id))
        })
    }

    /// Whether both field lists are cached.
    fn field_lists_held(&self) -> bool {
        let cache = self.cache.borrow();
        cache.key_fields.is_some() && cache.data_fields.is_some()
    }

    /// Whether a cached field list has a field of this id.
    fn field_listed(&self, id: &str) -> bool {
        let cache = self.cache.borrow();
        cache
            .key_fields
            .iter()
            .chain(cache.data_fields.iter())
            .any(|held| held.list.iter().any(|f| f.id == id))
    }
}
