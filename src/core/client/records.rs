//! The records module: records, their values, and the field and activity
//! helpers it leans on.

use super::cache::{Caches, Listed};
use super::ident::{key_values_key, path_segment, resolve_field, FieldRef, RecordRef};
use super::Client;
use crate::core::error::{Error, ErrorCode};
use crate::core::http::{Body, Method, Transport};
use crate::core::model::{Activity, EntityField, RecordValue, ValueResource};
use crate::core::query::SearchRecordsQuery;
use crate::core::store::{CompactRecord, Decoder, Id, Sym};
use serde_json::{json, Value};
use std::rc::Rc;

fn not_found(what: &str, name: &str) -> Error {
    Error::new(ErrorCode::NotFound, format!("no {what} is named {name:?}"))
}

/// `progress(done, total, batch)`: records done so far, records asked for, and
/// the ids of the batch that just landed.
pub type BatchProgress<'a> = dyn Fn(usize, usize, &[Option<Id>]) + 'a;

/// From this many ids, `getRecordsByIds` yields once before its requests start.
const YIELD_FROM_IDS: usize = 1000;

/// Decoding a batch gives the page a turn after this many milliseconds.
const DECODE_TURN_MS: i64 = 20;

/// What reads a list answer's parts: an item (`false`) or the whole list (`true`).
type ReadParts<'a> = dyn FnMut(&[u8], bool) -> Result<(), serde_json::Error> + 'a;

impl<T: Transport> Client<T> {
    // ----- fields -----

    /// A list (fields, activities): the cached one while it is fresh, else
    /// fetched (concurrent askers share one request). Answers whether it was
    /// fetched by this call.
    pub(super) async fn listed<I: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        slot: fn(&mut Caches) -> &mut Option<Listed<I>>,
        refresh: bool,
    ) -> Result<(Rc<Vec<I>>, bool), Error> {
        if !refresh {
            let mut cache = self.cache.borrow_mut();
            let expiry = cache.expiry.clone();
            if let Some(held) = slot(&mut cache).as_ref() {
                if expiry.fresh(held.fetched_at) {
                    return Ok((held.list.clone(), false));
                }
            }
        }
        let mut items: Vec<I> = Vec::new();
        self.fetch_list(path, refresh, &mut |bytes, whole| {
            match whole {
                true => items = crate::core::store::from_json(bytes)?,
                false => items.push(crate::core::store::from_json(bytes)?),
            }
            Ok(())
        })
        .await?;
        let list = Rc::new(items);
        let fetched_at = self.now();
        *slot(&mut self.cache.borrow_mut()) = Some(Listed {
            fetched_at,
            list: list.clone(),
        });
        Ok((list, true))
    }

    /// Fetches a list answer and decodes it an item at a time, as record batches
    /// are: a large project's activity list is megabytes, and read whole it was one
    /// long task. Not generic, so that the wasm holds this future once, not once
    /// per type of list.
    async fn fetch_list(
        &self,
        path: &str,
        fresh: bool,
        read: &mut ReadParts<'_>,
    ) -> Result<(), Error> {
        let response = self.read(path, &[], fresh).await?;
        self.decode_in_turns(path, response, read).await
    }

    /// A JSON array answer handed to `read` an element at a time (`read(element,
    /// false)` keeps it), the page given a turn whenever decoding has held it for
    /// DECODE_TURN_MS: an answer read by code the browser has not optimized yet
    /// would otherwise be one long task. When an element does not decode (or the
    /// answer is no array), the whole answer is read (`read(body, true)` replaces
    /// what was kept), and refused with the error it has always had.
    async fn decode_in_turns(
        &self,
        path: &str,
        response: crate::core::http::HttpResponse,
        read: &mut ReadParts<'_>,
    ) -> Result<(), Error> {
        let parts = match (200..300).contains(&response.status) {
            true => crate::core::store::array_elements(&response.body).unwrap_or_default(),
            false => Vec::new(),
        };
        let mut whole = parts.is_empty();
        let mut turn_started = self.now();
        for (n, &(from, to)) in parts.iter().enumerate() {
            let item = response.body.get(from..to);
            if item.is_none_or(|bytes| read(bytes, false).is_err()) {
                whole = true;
                break;
            }
            if n % 8 == 7 && self.now() - turn_started >= DECODE_TURN_MS {
                self.turn_during(path).await?;
                turn_started = self.now();
            }
        }
        if !whole {
            return Ok(());
        }
        super::decode_with(Method::Get, path, response, |bytes| read(bytes, true))
    }

    /// What `find` finds in a list; when the cached list lacks it (and was not just
    /// fetched), in the list fetched again, once.
    async fn find_listed<I: serde::de::DeserializeOwned, R>(
        &self,
        path: &str,
        slot: fn(&mut Caches) -> &mut Option<Listed<I>>,
        find: impl Fn(&[I]) -> Option<R>,
    ) -> Result<Option<R>, Error> {
        let (list, fetched) = self.listed(path, slot, false).await?;
        match find(&list) {
            Some(found) => Ok(Some(found)),
            None if fetched => Ok(None),
            None => Ok(find(&self.listed(path, slot, true).await?.0)),
        }
    }

    /// A list with one more item, which the server just created.
    fn join_list<I: Clone>(&self, slot: fn(&mut Caches) -> &mut Option<Listed<I>>, item: &I) {
        let mut cache = self.cache.borrow_mut();
        if let Some(held) = slot(&mut cache) {
            let mut list = Vec::clone(&held.list);
            list.push(item.clone());
            held.list = Rc::new(list);
        }
    }

    /// Every key field, cached for the cache's `ttlMs`.
    pub async fn key_fields(&self) -> Result<Rc<Vec<EntityField>>, Error> {
        Ok(self.key_fields_listed(false).await?.0)
    }

    /// Every key field; `refresh` asks the server even when the list is cached.
    pub async fn key_fields_listed(
        &self,
        refresh: bool,
    ) -> Result<(Rc<Vec<EntityField>>, bool), Error> {
        self.listed("/key_fields", |c| &mut c.key_fields, refresh)
            .await
    }

    /// Every data field, cached for the cache's `ttlMs`.
    pub async fn data_fields(&self) -> Result<Rc<Vec<EntityField>>, Error> {
        Ok(self.data_fields_listed(false).await?.0)
    }

    /// Every data field; `refresh` asks the server even when the list is cached.
    pub async fn data_fields_listed(
        &self,
        refresh: bool,
    ) -> Result<(Rc<Vec<EntityField>>, bool), Error> {
        self.listed("/data_fields", |c| &mut c.data_fields, refresh)
            .await
    }

    /// The key field of that name, created when there is none.
    pub async fn get_or_create_key_field(&self, name: &str) -> Result<EntityField, Error> {
        let fields = self.key_fields().await?;
        if let Some(found) = fields.iter().find(|f| f.named(name) || f.id == name) {
            return Ok(found.clone());
        }
        let created: EntityField = self
            .post("/key_fields/", &json!({ "field_name": name }))
            .await?;
        self.join_list(|c| &mut c.key_fields, &created);
        Ok(created)
    }

    /// The data field of that name, created with `field_type` when there is none.
    pub async fn get_or_create_data_field(
        &self,
        name: &str,
        field_type: &str,
    ) -> Result<EntityField, Error> {
        let fields = self.data_fields().await?;
        if let Some(found) = fields.iter().find(|f| f.named(name) || f.id == name) {
            return Ok(found.clone());
        }
        let created: EntityField = self
            .post(
                "/data_fields/",
                &json!({ "field_name": name, "field_type": field_type, "attrs": {} }),
            )
            .await?;
        self.join_list(|c| &mut c.data_fields, &created);
        Ok(created)
    }

    /// The uuid of a key field named by object, uuid or name. A name or uuid the
    /// cached list lacks fetches the list again, once.
    pub async fn resolve_key_field(&self, field: &FieldRef) -> Result<String, Error> {
        if let FieldRef::Object { .. } = field {
            return resolve_field(&[], field, true)
                .ok_or_else(|| Error::invalid("a data field was given where a key field belongs"));
        }
        self.find_listed(
            "/key_fields",
            |c| &mut c.key_fields,
            |fields| resolve_field(fields, field, true),
        )
        .await?
        .ok_or_else(|| not_found("key field", field_text(field)))
    }

    /// The uuid of a data field named by object, uuid or name. Key fields are
    /// accepted too, since records hold their key values under the same ids. A
    /// name or uuid the cached lists lack fetches them again, once.
    pub async fn resolve_data_field(&self, field: &FieldRef) -> Result<String, Error> {
        if let FieldRef::Object { id, .. } = field {
            return Ok(id.clone());
        }
        let mut refreshed = false;
        loop {
            let (data, fetched_data) = self.data_fields_listed(refreshed).await?;
            if let Some(id) = resolve_field(&data, field, false) {
                return Ok(id);
            }
            let (keys, fetched_keys) = self.key_fields_listed(refreshed).await?;
            if let Some(id) = resolve_field(&keys, field, true) {
                return Ok(id);
            }
            if refreshed || (fetched_data && fetched_keys) {
                return Err(not_found("field", field_text(field)));
            }
            refreshed = true;
        }
    }

    /// Forgets the field lists.
    pub fn clear_field_caches(&self) {
        let mut cache = self.cache.borrow_mut();
        cache.key_fields = None;
        cache.data_fields = None;
        self.names_loaded.set(!self.load_names);
    }

    /// The first time a record is about to be fetched, loads the field and
    /// activity lists (side by side), so that names and titles resolve in the
    /// readers that cannot ask the server (`getValueContent`, `getActivityData`).
    /// A list that fails to load is left for the next call that needs it.
    async fn load_names_once(&self) {
        if self.names_loaded.get() {
            return;
        }
        // Callers that come while the lists load ask for them too: the requests are
        // shared, so every caller goes on at the same moment (and their record
        // requests can be shared in turn).
        let fields = super::join::join2(self.key_fields(), self.data_fields());
        let _ = super::join::join2(fields, self.activities()).await;
        self.names_loaded.set(true);
    }

    // ----- activities -----

    /// Adds records to an activity (`PUT /operations/{id}/records`).
    pub async fn add_records_to_activity(
        &self,
        activity: &str,
        record_ids: &[String],
    ) -> Result<(), Error> {
        let activity_id = self.resolve_activity(activity).await?;
        let path = format!("/operations/{}/records", path_segment(&activity_id)?);
        let _: Value = self
            .send_json(Method::Put, &path, &json!({ "record_ids": record_ids }))
            .await?;
        self.cache.borrow_mut().activities = None;
        for id in record_ids {
            self.cache.borrow_mut().drop_record_activities(id);
        }
        Ok(())
    }

    /// The records an activity contains (`GET /operations/{id}/records`), cached on the way.
    pub async fn activity_records(&self, activity: &str) -> Result<Vec<Rc<CompactRecord>>, Error> {
        let activity_id = self.resolve_activity(activity).await?;
        let path = format!("/operations/{}/records", path_segment(&activity_id)?);
        self.load_names_once().await;
        let response = self.send(Method::Get, &path, &[], Body::Empty).await?;
        let mut cache = self.cache.borrow_mut();
        let records = super::optional_with(&path, response, |bytes| {
            Decoder::new(&mut cache.symbols).records(bytes)
        })?
        .unwrap_or_default();
        Ok(records.into_iter().map(|r| cache.put_record(r)).collect())
    }

    /// Every activity, cached for the cache's `ttlMs`.
    pub async fn activities(&self) -> Result<Rc<Vec<Activity>>, Error> {
        Ok(self.activities_listed(false).await?.0)
    }

    /// Every activity; `refresh` asks the server even when the list is cached.
    pub async fn activities_listed(
        &self,
        refresh: bool,
    ) -> Result<(Rc<Vec<Activity>>, bool), Error> {
        self.listed("/activities", |c| &mut c.activities, refresh)
            .await
    }

    /// The activity with that uuid or title, or `None`. One the cached list lacks
    /// fetches the list again, once.
    pub async fn activity_by_id(&self, id_or_title: &str) -> Result<Option<Activity>, Error> {
        self.find_listed(
            "/activities",
            |c| &mut c.activities,
            |list| {
                list.iter()
                    .find(|a| a.id == id_or_title)
                    .or_else(|| list.iter().find(|a| a.titled(id_or_title)))
                    .cloned()
            },
        )
        .await
    }

    /// The uuid of an activity named by uuid or title.
    pub async fn resolve_activity(&self, id_or_title: &str) -> Result<String, Error> {
        self.activity_by_id(id_or_title)
            .await?
            .map(|a| a.id)
            .ok_or_else(|| not_found("activity", id_or_title))
    }

    /// Creates an activity from `{ title, activity_type, … }` and answers it.
    pub async fn create_activity(&self, payload: &Value) -> Result<Activity, Error> {
        let title = payload
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let kind = payload
            .get("activity_type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if title.is_empty() || kind.is_empty() {
            return Err(Error::invalid(
                "createActivity needs a title and an activity_type",
            ));
        }
        let mut body = json!({
            "title": title, "activity_type": kind, "definition_id": null, "program_ids": [],
            "assigned_user_ids": [], "start_date": null, "duration": null, "subscriber_ids": [],
        });
        if let (Some(target), Some(given)) = (body.as_object_mut(), payload.as_object()) {
            for (k, v) in given {
                target.insert(k.clone(), v.clone());
            }
        }
        let created: Vec<Activity> = self.post("/activities", &body).await?;
        let created = created.into_iter().next().ok_or_else(|| {
            Error::new(ErrorCode::Decode, "POST /activities answered an empty list")
                .on(Method::Post, "/activities")
        })?;
        self.join_list(|c| &mut c.activities, &created);
        Ok(created)
    }

    /// The activities that contain a record, reused for 10 seconds.
    pub async fn activities_with_record(
        &self,
        record_id: &str,
    ) -> Result<Rc<Vec<Activity>>, Error> {
        self.activities_with_record_read(record_id, true).await
    }

    /// [`Client::activities_with_record`]; without `use_cache` the server is asked
    /// anew and its answer cached.
    pub async fn activities_with_record_read(
        &self,
        record_id: &str,
        use_cache: bool,
    ) -> Result<Rc<Vec<Activity>>, Error> {
        let path = format!("/records/{}/operations", path_segment(record_id)?);
        let now = self.now();
        if use_cache {
            if let Some(list) = self.cache.borrow_mut().record_activities(record_id, now) {
                return Ok(list);
            }
        }
        let response = self.read(&path, &[], !use_cache).await?;
        let list: Rc<Vec<Activity>> = Rc::new(
            super::optional_with(&path, response, crate::core::store::from_json)?
                .unwrap_or_default(),
        );
        self.cache
            .borrow_mut()
            .put_record_activities(record_id, now, list.clone());
        Ok(list)
    }

    // ----- records -----

    async fn resolve_key_values(
        &self,
        pairs: &[(FieldRef, Value)],
    ) -> Result<Vec<(String, Value)>, Error> {
        if pairs.is_empty() {
            return Err(Error::invalid(
                "key values must name at least one key field",
            ));
        }
        let mut resolved = Vec::with_capacity(pairs.len());
        for (field, value) in pairs {
            resolved.push((self.resolve_key_field(field).await?, value.clone()));
        }
        Ok(resolved)
    }

    /// A record by uuid or key values; `None` when none exists (remembered until
    /// the record caches are cleared).
    pub async fn get_record(&self, record: &RecordRef) -> Result<Option<Rc<CompactRecord>>, Error> {
        self.read_record(record, true).await
    }

    /// [`Client::get_record`]; without `use_cache` the record is fetched anew (by a
    /// request of its own) and the cached entry replaced.
    pub async fn read_record(
        &self,
        record: &RecordRef,
        use_cache: bool,
    ) -> Result<Option<Rc<CompactRecord>>, Error> {
        match record {
            RecordRef::Id(id) => self.get_record_by_uuid(id, use_cache).await,
            RecordRef::KeyValues(pairs) => {
                let resolved = self.resolve_key_values(pairs).await?;
                self.get_record_by_key_values(&resolved, use_cache).await
            }
        }
    }

    /// A GET; `fresh` sends it anew, so that a call bypassing the caches is never
    /// answered by a request that began before it.
    async fn read(
        &self,
        path: &str,
        query: &[(String, String)],
        fresh: bool,
    ) -> Result<crate::core::http::HttpResponse, Error> {
        match fresh {
            true => self.send_now(Method::Get, path, query, Body::Empty).await,
            false => self.send(Method::Get, path, query, Body::Empty).await,
        }
    }

    async fn get_record_by_uuid(
        &self,
        id: &str,
        use_cache: bool,
    ) -> Result<Option<Rc<CompactRecord>>, Error> {
        let path = format!("/records/{}", path_segment(id)?);
        if use_cache {
            if let Some(entry) = self.cache.borrow_mut().record(id) {
                return Ok(entry);
            }
        }
        self.load_names_once().await;
        let response = self.read(&path, &[], !use_cache).await?;
        let mut cache = self.cache.borrow_mut();
        // Straight from the bytes into the store.
        let found = super::optional_with(&path, response, |bytes| {
            Decoder::new(&mut cache.symbols).record(bytes)
        })?;
        match found {
            Some(record) => Ok(Some(cache.put_record(record))),
            None => {
                cache.put_missing(id);
                Ok(None)
            }
        }
    }

    async fn get_record_by_key_values(
        &self,
        resolved: &[(String, Value)],
        use_cache: bool,
    ) -> Result<Option<Rc<CompactRecord>>, Error> {
        let key = key_values_key(resolved);
        if use_cache {
            if let Some(entry) = self.cache.borrow_mut().record_by_key(&key) {
                return Ok(entry);
            }
        }
        let map: serde_json::Map<String, Value> = resolved.iter().cloned().collect();
        let query = vec![(
            "records_key_field_to_value".to_string(),
            Value::Array(vec![Value::Object(map)]).to_string(),
        )];
        self.load_names_once().await;
        let path = "/records/identifiers";
        let response = self.read(path, &query, !use_cache).await?;
        let found = super::optional_with(path, response, |bytes| {
            Decoder::new(&mut self.cache.borrow_mut().symbols).identified_records(bytes)
        })?
        .unwrap_or_default();
        match found.into_iter().next() {
            Some(hit) => Ok(Some(self.cache.borrow_mut().put_record(hit))),
            None => {
                self.cache.borrow_mut().put_missing_key(key);
                Ok(None)
            }
        }
    }

    /// A record's uuid: given, or looked up by key values.
    pub async fn resolve_record_id(&self, record: &RecordRef) -> Result<Option<String>, Error> {
        match record {
            RecordRef::Id(id) => Ok(Some(id.clone())),
            RecordRef::KeyValues(_) => Ok(self.get_record(record).await?.map(|r| r.id_string())),
        }
    }

    /// Records in the order asked, fetching the uncached ones in batches of
    /// `batch_size`; unknown ids are left out, duplicates kept.
    /// `progress(done, total)` is called once per batch, counting records.
    pub async fn get_records_by_ids(
        &self,
        records: &[RecordRef],
        batch_size: usize,
        progress: &dyn Fn(usize, usize),
    ) -> Result<Vec<Rc<CompactRecord>>, Error> {
        self.get_records_by_ids_owned(records.to_vec(), batch_size, progress)
            .await
    }

    /// [`Client::get_records_by_ids`] taking the list: its texts are turned into
    /// compact ids (16 bytes for a uuid) and freed before the records arrive, so a
    /// 50,000-record load does not hold its ids as texts while the store fills.
    pub async fn get_records_by_ids_owned(
        &self,
        records: Vec<RecordRef>,
        batch_size: usize,
        progress: &dyn Fn(usize, usize),
    ) -> Result<Vec<Rc<CompactRecord>>, Error> {
        self.read_records_by_ids(records, batch_size, progress, true)
            .await
    }

    /// [`Client::get_records_by_ids_owned`]; without `use_cache` every record is
    /// fetched anew and the cached entries of the ids asked are dropped first, so
    /// that one the server no longer has is left out.
    pub async fn read_records_by_ids(
        &self,
        records: Vec<RecordRef>,
        batch_size: usize,
        progress: &dyn Fn(usize, usize),
        use_cache: bool,
    ) -> Result<Vec<Rc<CompactRecord>>, Error> {
        if batch_size == 0 || batch_size > 10_000 {
            return Err(Error::invalid("batchSize must be from 1 to 10000"));
        }
        let ids = self.record_ids(records).await?;
        self.read_records_by_id_list(
            ids,
            batch_size,
            &|done, total, _| progress(done, total),
            use_cache,
        )
        .await
    }

    /// The compact ids of records named by uuid or key values (`None`: key
    /// values that matched no record), key values resolved by request when not cached.
    pub async fn record_ids(&self, records: Vec<RecordRef>) -> Result<Vec<Option<Id>>, Error> {
        let mut ids: Vec<Option<Id>> = Vec::with_capacity(records.len());
        for record in records {
            ids.push(match record {
                RecordRef::Id(id) => Some(Id::new(&id)),
                RecordRef::KeyValues(_) => self
                    .resolve_record_id(&record)
                    .await?
                    .map(|id| Id::new(&id)),
            });
        }
        Ok(ids)
    }

    /// The cached records of these ids, in order, without counting a hit or
    /// marking them used (what a progress callback shows of a batch just landed).
    pub fn peek_records(&self, ids: &[Option<Id>]) -> Vec<Rc<CompactRecord>> {
        let cache = self.cache.borrow();
        ids.iter()
            .flatten()
            .filter_map(|id| cache.peek_record_id(id).flatten())
            .collect()
    }

    /// Gives the page a turn (a zero-millisecond sleep: what follows runs as a task
    /// of its own), so that a long `getRecordsByIds` does not make one long task of
    /// the caller's; an abort meanwhile reads as its `GET /records`.
    pub async fn give_turn(&self) -> Result<(), Error> {
        self.turn_during("/records").await
    }

    /// [`Client::give_turn`] while reading `path`'s answer.
    async fn turn_during(&self, path: &str) -> Result<(), Error> {
        self.transport
            .sleep(0.0)
            .await
            .map_err(|e| super::transport_error(e, Method::Get, path, false))
    }

    /// [`Client::get_records_by_ids`] for records named by uuid (`None`: a record
    /// whose key values matched nothing, left out of the answer).
    pub async fn get_records_by_id_list(
        &self,
        ids: Vec<Option<Id>>,
        batch_size: usize,
        progress: &dyn Fn(usize, usize),
    ) -> Result<Vec<Rc<CompactRecord>>, Error> {
        self.read_records_by_id_list(
            ids,
            batch_size,
            &|done, total, _| progress(done, total),
            true,
        )
        .await
    }

    /// [`Client::get_records_by_id_list`], bypassing the caches without `use_cache`
    /// (see [`Client::read_records_by_ids`]); `progress(done, total, batch)` also
    /// receives the ids of the batch that just landed.
    pub async fn read_records_by_id_list(
        &self,
        ids: Vec<Option<Id>>,
        batch_size: usize,
        progress: &BatchProgress<'_>,
        use_cache: bool,
    ) -> Result<Vec<Rc<CompactRecord>>, Error> {
        if batch_size == 0 || batch_size > 10_000 {
            return Err(Error::invalid("batchSize must be from 1 to 10000"));
        }
        // A canonical uuid is a valid path segment and list item; other ids are checked.
        for id in ids.iter().flatten() {
            if let Id::Text(text) = id {
                path_segment(text)?;
                if text.contains(',') {
                    return Err(Error::invalid(format!("{text:?} is not a valid id")));
                }
            }
        }
        // Hold every record of the answer here, so that a cache bound smaller
        // than the request cannot drop early batches before the answer is built
        // (a list, not a map: 4 bytes a record while the store fills).
        let mut got: Vec<Rc<CompactRecord>> = Vec::new();
        let mut batches: Vec<(usize, usize, Vec<&Id>)> = Vec::new();
        {
            let mut cache = self.cache.borrow_mut();
            if !use_cache {
                for id in ids.iter().flatten() {
                    cache.drop_record(&id.text());
                }
            }
            let mut asked: crate::core::hash::FastMap<&Id, ()> =
                crate::core::hash::FastMap::with_capacity_and_hasher(ids.len(), Default::default());
            for (n, chunk) in ids.chunks(batch_size).enumerate() {
                let mut wanted: Vec<&Id> = Vec::new();
                for id in chunk.iter().flatten() {
                    if asked.insert(id, ()).is_some() {
                        continue;
                    }
                    // A hit counts and marks the record used, as every read path does.
                    match cache.cached_record_id(id) {
                        Some(record) => got.push(record),
                        None => {
                            cache.stats.misses += 1;
                            wanted.push(id);
                        }
                    }
                }
                batches.push((n * batch_size, chunk.len(), wanted));
            }
        }
        let total = ids.len();
        // A pool of `concurrency` workers, each taking the next batch as soon as its
        // last one is in (a slow answer holds up one worker, not a whole wave).
        let next = std::cell::Cell::new(0usize);
        let done = std::cell::Cell::new(0usize);
        let failed: std::cell::RefCell<Option<Error>> = std::cell::RefCell::new(None);
        let got = std::cell::RefCell::new(got);
        let worker = || async {
            while failed.borrow().is_none() {
                let at = next.get();
                let Some((start, size, wanted)) = batches.get(at) else {
                    break;
                };
                next.set(at + 1);
                if !wanted.is_empty() {
                    if let Err(e) = self.fetch_batch(wanted, &got, !use_cache).await {
                        failed.borrow_mut().get_or_insert(e);
                        break;
                    }
                }
                done.set(done.get() + size);
                progress(
                    done.get(),
                    total,
                    ids.get(*start..start + size).unwrap_or_default(),
                );
            }
        };
        let workers = (0..self.concurrency.max(1)).map(|_| worker()).collect();
        // The field and activity lists load beside the first batches, not before
        // them: a large project's activity list is megabytes, and the answer waits
        // for whichever comes last.
        let fetching = batches.iter().any(|(_, _, wanted)| !wanted.is_empty());
        // A large load gives the page a turn (a zero-millisecond sleep: a task of its
        // own) between reading its ids and starting its requests, so that neither part
        // makes one long task of the caller's: a dashboard keeps responding.
        if fetching && ids.len() >= YIELD_FROM_IDS {
            self.give_turn().await?;
        }
        let names = async {
            if fetching {
                self.load_names_once().await;
            }
        };
        super::join::join2(names, super::join::join_all(workers)).await;
        if let Some(e) = failed.into_inner() {
            return Err(e);
        }
        // Batches answered out of order: put the cache back in creation order now,
        // so that the next query does not pay for it.
        self.cache.borrow_mut().sort_order();
        let got = got.into_inner();
        // In the order asked, from the cache; only when the cache's bound has
        // dropped some of them are the held records looked up by id.
        let cache = self.cache.borrow();
        let mut dropped: Option<crate::core::hash::FastMap<&Id, &Rc<CompactRecord>>> = None;
        let mut answer = Vec::with_capacity(ids.len());
        for id in ids.iter().flatten() {
            match cache.peek_record_id(id) {
                Some(Some(record)) => answer.push(record),
                Some(None) => {}
                None => {
                    let held =
                        dropped.get_or_insert_with(|| got.iter().map(|r| (r.id(), r)).collect());
                    if let Some(record) = held.get(id) {
                        answer.push(Rc::clone(record));
                    }
                }
            }
        }
        Ok(answer)
    }

    /// One batch of `GET /records?record_ids=…`, decoded straight into the store's
    /// form and stored, each record added to `got`.
    async fn fetch_batch(
        &self,
        wanted: &[&Id],
        got: &std::cell::RefCell<Vec<Rc<CompactRecord>>>,
        fresh: bool,
    ) -> Result<(), Error> {
        let mut list = String::with_capacity(wanted.len() * 37);
        for (n, id) in wanted.iter().enumerate() {
            if n > 0 {
                list.push(',');
            }
            id.push_to(&mut list);
        }
        let query = vec![("record_ids".to_string(), list)];
        let response = self.read("/records", &query, fresh).await?;
        let mut records = Vec::new();
        self.decode_in_turns("/records", response, &mut |bytes, whole| {
            let mut cache = self.cache.borrow_mut();
            let mut decoder = Decoder::new(&mut cache.symbols);
            match whole {
                true => records = decoder.records(bytes)?,
                false => records.push(decoder.record(bytes)?),
            }
            Ok(())
        })
        .await?;
        // Stored in one go, in the order received: a batch's records take
        // neighbouring slots, which queries read in creation order.
        let mut cache = self.cache.borrow_mut();
        let mut got = got.borrow_mut();
        for record in records {
            got.push(cache.put_record(record));
        }
        Ok(())
    }

    /// The record with these key values, created when none exists.
    pub async fn get_or_create_record(
        &self,
        pairs: &[(FieldRef, Value)],
    ) -> Result<Rc<CompactRecord>, Error> {
        self.get_or_create_record_read(pairs, true).await
    }

    /// [`Client::get_or_create_record`]; without `use_cache` the cached record is
    /// not reused: the server answers (and the cache takes its answer).
    pub async fn get_or_create_record_read(
        &self,
        pairs: &[(FieldRef, Value)],
        use_cache: bool,
    ) -> Result<Rc<CompactRecord>, Error> {
        let resolved = self.resolve_key_values(pairs).await?;
        let key = key_values_key(&resolved);
        // Only a real hit is reused: after a remembered miss the record is created.
        if use_cache {
            if let Some(Some(record)) = self.cache.borrow_mut().record_by_key(&key) {
                return Ok(record);
            }
        }
        let map: serde_json::Map<String, Value> = resolved.into_iter().collect();
        let body = json!({ "key_field_to_value": map })
            .to_string()
            .into_bytes();
        // Decoded when the answer is in, straight into the store's form.
        self.load_names_once().await;
        let record = self
            .call_with(Method::Post, "/records", &[], Body::Json(body), |bytes| {
                Decoder::new(&mut self.cache.borrow_mut().symbols).record(bytes)
            })
            .await?;
        Ok(self.cache.borrow_mut().put_record(record))
    }

    /// Record ids matching a search, as the server orders them.
    pub async fn search_records(&self, query: &SearchRecordsQuery) -> Result<Vec<String>, Error> {
        let query = self.search_query_with_ids(query).await?;
        Ok(self
            .get_optional("/records/search", &query.to_params())
            .await?
            .unwrap_or_default())
    }

    /// [`Client::search_records`]'s answer as the server's JSON text, checked to be
    /// a list of strings, for a caller that hands it on whole: a list of 200,000 ids
    /// is then one text in memory, not a string per id plus the text written again.
    pub async fn search_records_json(&self, query: &SearchRecordsQuery) -> Result<String, Error> {
        let path = "/records/search";
        let query = self.search_query_with_ids(query).await?;
        let response = self
            .send(Method::Get, path, &query.to_params(), Body::Empty)
            .await?;
        let text = super::optional_with(path, response, |bytes| {
            crate::core::store::from_json::<IdTexts>(bytes)?;
            // serde_json read the whole body as JSON: it is UTF-8.
            Ok(String::from_utf8_lossy(bytes).into_owned())
        })?;
        Ok(text.unwrap_or_else(|| "[]".to_string()))
    }

    /// Fetches a record again, replacing the cached one in place; a record the
    /// server no longer has is a `not_found` error (and is remembered as such).
    pub async fn refetch(&self, record_id: &str) -> Result<Rc<CompactRecord>, Error> {
        self.cache.borrow_mut().expire_record(record_id);
        self.get_record_by_uuid(record_id, true)
            .await?
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::NotFound,
                    format!("record {record_id:?} no longer exists"),
                )
                .on(Method::Get, &format!("/records/{record_id}"))
            })
    }

    /// Writes a value to a record's field (optionally in an activity), then refetches the record.
    pub async fn add_value(
        &self,
        record_id: &str,
        field: &FieldRef,
        content: Value,
        activity: Option<&str>,
    ) -> Result<RecordValue, Error> {
        self.add_value_in_view(record_id, field, content, activity, None)
            .await
    }

    /// [`Client::add_value`] to a record view of the activity (`record_view_id`,
    /// kalbio 0.5.0; sent as null when `None`, as the reference sends it).
    pub async fn add_value_in_view(
        &self,
        record_id: &str,
        field: &FieldRef,
        content: Value,
        activity: Option<&str>,
        record_view_id: Option<&str>,
    ) -> Result<RecordValue, Error> {
        let path = format!("/records/{}/values", path_segment(record_id)?);
        check_record_view(record_view_id)?;
        let field_id = self.resolve_data_field(field).await?;
        let operation_id = match activity {
            Some(a) => Some(self.resolve_activity(a).await?),
            None => None,
        };
        let body = json!({
            "content": content, "field_id": field_id, "operation_id": operation_id,
            "record_view_id": record_view_id,
        });
        let written: Result<ValueResource, Error> = self.post(&path, &body).await;
        self.after_write(record_id, written.map(|w| w.resource))
            .await
    }

    /// Uploads a file as a record's field value, then refetches the record.
    pub async fn add_file_value(
        &self,
        record_id: &str,
        field: &FieldRef,
        file_name: &str,
        bytes: Vec<u8>,
        mime_type: &str,
        activity: Option<&str>,
    ) -> Result<RecordValue, Error> {
        let file = FileUpload {
            file_name,
            bytes,
            mime_type,
        };
        self.add_file_value_in_view(record_id, field, file, activity, None)
            .await
    }

    /// [`Client::add_file_value`] to a record view of the activity: the multipart
    /// `body` part carries `record_view_id` when one is given.
    pub async fn add_file_value_in_view(
        &self,
        record_id: &str,
        field: &FieldRef,
        file: FileUpload<'_>,
        activity: Option<&str>,
        record_view_id: Option<&str>,
    ) -> Result<RecordValue, Error> {
        let FileUpload {
            file_name,
            bytes,
            mime_type,
        } = file;
        let path = format!("/records/{}/values/file", path_segment(record_id)?);
        if file_name.is_empty() {
            return Err(Error::invalid("fileName must not be empty"));
        }
        check_record_view(record_view_id)?;
        let field_id = self.resolve_data_field(field).await?;
        let mut body = serde_json::Map::new();
        body.insert("field_id".into(), Value::String(field_id));
        if let Some(a) = activity {
            body.insert(
                "operation_id".into(),
                Value::String(self.resolve_activity(a).await?),
            );
        }
        if let Some(view) = record_view_id {
            body.insert("record_view_id".into(), Value::String(view.to_string()));
        }
        let multipart = Body::Multipart {
            file_name: file_name.to_string(),
            mime_type: if mime_type.is_empty() {
                "application/octet-stream".into()
            } else {
                mime_type.to_string()
            },
            bytes,
            json: Value::Object(body).to_string(),
        };
        let written: Result<ValueResource, Error> =
            self.call(Method::Post, &path, &[], multipart).await;
        self.after_write(record_id, written.map(|w| w.resource))
            .await
    }

    /// After a write: on success the record is fetched again and replaces the
    /// cached one in place (no read answers the old one meanwhile); on failure,
    /// or when that refetch fails, the record is dropped from the caches and the
    /// next read fetches it. The write landed, so it is answered even when the
    /// refetch fails.
    async fn after_write(
        &self,
        record_id: &str,
        written: Result<RecordValue, Error>,
    ) -> Result<RecordValue, Error> {
        let value = match written {
            Ok(value) => value,
            Err(e) => {
                self.cache.borrow_mut().drop_record(record_id);
                return Err(e);
            }
        };
        if self.refetch(record_id).await.is_err() {
            self.cache.borrow_mut().drop_record(record_id);
        }
        Ok(value)
    }

    /// Every value of a record, newest last, as the server lists them.
    pub async fn get_values(&self, record_id: &str) -> Result<Vec<RecordValue>, Error> {
        let path = format!("/records/{}/values", path_segment(record_id)?);
        Ok(self.get_optional(&path, &[]).await?.unwrap_or_default())
    }

    /// A cached record by uuid, counted as a cache hit (and marked as used) when found.
    pub fn cached_record_counted(&self, record_id: &str) -> Option<Rc<CompactRecord>> {
        self.cache.borrow_mut().cached_record(record_id)
    }

    /// Marks a cached record used, as reading it through its handle does, so the
    /// records an app keeps reading are the last to be evicted.
    pub fn touch_record(&self, record_id: &crate::core::store::Id) {
        self.cache.borrow_mut().touch(record_id);
    }

    /// A cached record, without a request.
    pub fn cached_record(&self, record_id: &str) -> Option<Rc<CompactRecord>> {
        self.cache.borrow().peek_record(record_id).flatten()
    }

    /// The symbols that name the cached records' fields, activities and slices
    /// (borrowed from the cache: drop before the next call into the client).
    pub fn symbols(&self) -> std::cell::Ref<'_, crate::core::store::Symbols> {
        std::cell::Ref::map(self.cache.borrow(), |c| &c.symbols)
    }

    /// Runs a search over the cached records only, with the sandbox's engine.
    /// `operation_records` are the members of the query's `operation_id`, if it has one.
    pub fn query_cached(
        &self,
        query: &SearchRecordsQuery,
        operation_records: Option<&std::collections::HashSet<String>>,
    ) -> Result<Vec<String>, Error> {
        self.query_cached_with(query, operation_records, |rows, found| {
            found
                .iter()
                .map(|&at| crate::core::search::Rows::id_string(rows, at))
                .collect()
        })
    }

    /// [`Client::query_cached`]'s ids as a JSON list, written straight from the store.
    pub fn query_cached_json(&self, query: &SearchRecordsQuery) -> Result<String, Error> {
        self.query_cached_with(query, None, |rows, found| rows.ids_json(found))
    }

    fn query_cached_with<A>(
        &self,
        query: &SearchRecordsQuery,
        operation_records: Option<&std::collections::HashSet<String>>,
        answer: impl FnOnce(&crate::core::store::StoreRows<'_>, &[usize]) -> A,
    ) -> Result<A, Error> {
        let query = self.cached_query_with_ids(query)?;
        let search = crate::core::search::CompiledSearch::new(&query, self.now())
            .map_err(|e| Error::invalid(e.to_string()))?;
        let mut cache = self.cache.borrow_mut();
        cache.sort_order();
        let rows = cache.rows();
        let found = search.run_rows(&rows, operation_records);
        Ok(answer(&rows, &found))
    }

    /// Empties the record caches and the record-activities cache.
    pub fn clear_record_caches(&self) {
        self.cache.borrow_mut().clear_records();
    }

    /// Empties every cache (kalbio 0.7.0's `clear_caches`): the record caches, the
    /// remembered misses, the key index, the record activities and the field,
    /// activity and entity type lists.
    pub fn clear_caches(&self) {
        let mut cache = self.cache.borrow_mut();
        cache.clear_records();
        cache.key_fields = None;
        cache.data_fields = None;
        cache.activities = None;
        cache.entity_types = None;
    }

    /// The cache's counters.
    pub fn cache_stats(&self) -> super::CacheStats {
        self.cache.borrow().stats()
    }
}

/// A file to upload as a value.
#[derive(Debug, Clone)]
pub struct FileUpload<'a> {
    /// The file's name (not empty).
    pub file_name: &'a str,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// Its MIME type; empty for `application/octet-stream`.
    pub mime_type: &'a str,
}

/// A record view id is a non-empty text when one is given.
fn check_record_view(record_view_id: Option<&str>) -> Result<(), Error> {
    if record_view_id.is_some_and(|v| v.trim().is_empty()) {
        return Err(Error::invalid("recordViewId must not be empty"));
    }
    Ok(())
}

fn field_text(field: &FieldRef) -> &str {
    match field {
        FieldRef::Object { id, .. } => id,
        FieldRef::Text(t) => t,
    }
}

/// Whether a text has the shape of a uuid (8-4-4-4-12 hex digits).
pub fn looks_like_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

impl<T: Transport> Client<T> {
    /// A record's values of a field, found without a request: an id the record
    /// holds values for, then the cached field lists. A name needs the lists to be
    /// loaded; an unknown uuid simply has no values (`None`).
    pub fn field_cached(&self, record: &CompactRecord, field: &FieldRef) -> Result<Sym, Error> {
        self.field_sym(field, |sym| record.fields().any(|f| f == sym))
    }

    /// A field's symbol without a request: an object's id as it is; a text taken
    /// as an id when `known` accepts its symbol, else through the cached field lists.
    fn field_sym(&self, field: &FieldRef, known: impl Fn(Sym) -> bool) -> Result<Sym, Error> {
        let id = match field {
            FieldRef::Object { id, .. } => id,
            FieldRef::Text(text) => {
                let sym = self.cache.borrow().symbols.find(text);
                if known(sym) {
                    return Ok(sym);
                }
                &self.resolve_field_name(text)?
            }
        };
        Ok(self.cache.borrow().symbols.find(id))
    }

    /// A field uuid or name that is not among a record's fields, through the
    /// cached field lists.
    pub(super) fn resolve_field_name(&self, text: &str) -> Result<String, Error> {
        let cache = self.cache.borrow();
        let lists: Vec<&Rc<Vec<EntityField>>> =
            [cache.data_fields.as_ref(), cache.key_fields.as_ref()]
                .into_iter()
                .flatten()
                .map(|held| &held.list)
                .collect();
        for list in &lists {
            if let Some(f) = list
                .iter()
                .find(|f| f.id == *text)
                .or_else(|| list.iter().find(|f| f.named(text)))
            {
                return Ok(f.id.clone());
            }
        }
        if looks_like_uuid(text) {
            return Ok(text.to_string());
        }
        if lists.len() == 2 {
            return Err(not_found("field", text));
        }
        Err(Error::invalid(format!(
            "{text:?} is not a field uuid; field names resolve through the field lists: await client.entityFields.getDataFields() and getKeyFields() once first"
        )))
    }

    /// What `getActivityData` answers: `(field id, content)` of every field whose
    /// newest value in the activity (key values included) is not null, as the
    /// Python client leaves null contents out. Without a request.
    pub fn activity_data_cached(
        &self,
        record: &CompactRecord,
        activity: &str,
    ) -> Result<Vec<(String, crate::core::store::Content)>, Error> {
        use crate::core::store::{Content, Scope};
        let activity = self.resolve_activity_cached(activity)?;
        let symbols = self.symbols();
        let scope = Scope {
            activity: Some(symbols.find(&activity)),
            ..Default::default()
        };
        Ok(record
            .fields()
            .filter_map(|field| {
                let value = record.latest(field, scope)?;
                (value.content != Content::Null)
                    .then(|| (symbols.name(field).to_string(), value.content.clone()))
            })
            .collect())
    }

    /// Resolves an activity uuid or title without a request, through the cached activity list.
    pub fn resolve_activity_cached(&self, activity: &str) -> Result<String, Error> {
        let cache = self.cache.borrow();
        if let Some(list) = cache.activities.as_ref().map(|held| &held.list) {
            if let Some(a) = list
                .iter()
                .find(|a| a.id == activity)
                .or_else(|| list.iter().find(|a| a.titled(activity)))
            {
                return Ok(a.id.clone());
            }
            if !looks_like_uuid(activity) {
                return Err(not_found("activity", activity));
            }
        }
        if looks_like_uuid(activity) {
            return Ok(activity.to_string());
        }
        Err(Error::invalid(format!(
            "{activity:?} is not an activity uuid; titles resolve through the activity list: await client.activities.getActivities() once first"
        )))
    }
}

/// One column of [`Client::columns_cached`]: numbers when every value present
/// is a number (`NaN` where a record has none), texts otherwise (`None` where missing).
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Every present value is a number.
    Numbers(Vec<f64>),
    /// Texts (strings as they are, other values as JSON text): `names`, and each
    /// record's `codes` into them (code 1 names `names[0]`; 0: no value). A text
    /// the cache keeps as a category is listed once, so a category field of
    /// 10,000 records is a few names and 10,000 integers, which JavaScript turns
    /// into its array in one loop.
    Texts {
        /// The texts, in the order they first show.
        names: Vec<String>,
        /// By record: 1 + where its text is in `names`; 0: no value.
        codes: Vec<u32>,
    },
}

impl Column {
    /// Each record's text of a text column, in order (`None`: no value); empty for numbers.
    pub fn texts(&self) -> Vec<Option<&str>> {
        match self {
            Column::Numbers(_) => Vec::new(),
            Column::Texts { names, codes } => codes
                .iter()
                .map(|&code| {
                    let at = usize::try_from(code).ok()?.checked_sub(1)?;
                    names.get(at).map(String::as_str)
                })
                .collect(),
        }
    }
}

/// Builds a [`Column::Texts`]: a text named by a category cell is listed once;
/// any other text is listed where it shows (most texts of a column are categories).
struct TextsBuilder {
    names: Vec<String>,
    codes: Vec<u32>,
    /// By category code: the text's code in `names`, 0 until listed.
    categories: [u32; 256],
}

impl TextsBuilder {
    fn new(len: usize) -> Self {
        TextsBuilder {
            names: Vec::new(),
            codes: Vec::with_capacity(len),
            categories: [0; 256],
        }
    }

    /// A record's text (`category`: the cell's code, 0 when read from the record).
    fn push(&mut self, text: Option<&str>, category: u8) {
        let code = match text {
            None => 0,
            Some(text) => {
                // A category's text is listed the first time it shows.
                let memo = self
                    .categories
                    .get_mut(usize::from(category))
                    .filter(|_| category != 0);
                match memo {
                    Some(code) if *code != 0 => *code,
                    memo => {
                        self.names.push(text.to_string());
                        let code = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
                        if let Some(listed) = memo {
                            *listed = code;
                        }
                        code
                    }
                }
            }
        };
        self.codes.push(code);
    }

    fn finish(self) -> Column {
        Column::Texts {
            names: self.names,
            codes: self.codes,
        }
    }
}

/// Columns with the names the fields were asked by.
pub type NamedColumns = Vec<(String, Column)>;

/// What [`Client::columns_cached`] answers: the records' ids and one column per field asked.
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    /// The records, in the order answered.
    pub ids: Vec<String>,
    /// (the field as the caller named it, its column).
    pub columns: NamedColumns,
}

/// Which values [`Client::columns_cached`] reads, as `getValueContent`'s arguments scope them.
#[derive(Debug, Clone, Copy, Default)]
pub struct ColumnsScope<'a> {
    /// Only values written in this activity (uuid or title), and key values.
    pub activity: Option<&'a str>,
    /// Also values written on sub-records.
    pub include_sub_record_values: bool,
    /// Only values written to this record view (key values left out).
    pub record_view: Option<&'a str>,
}

impl<T: Transport> Client<T> {
    /// The current value of each field for each record of `ids` the cache holds,
    /// whatever its age as in [`Client::query_cached`] (records not held are left
    /// out), in one pass over the store: what a chart or a table needs, without a
    /// `Record` per row. `scope` selects the values as `getValueContent` does.
    pub fn columns_cached(
        &self,
        ids: &[String],
        fields: &[FieldRef],
        scope: ColumnsScope<'_>,
    ) -> Result<Columns, Error> {
        let parsed: Vec<Id> = ids.iter().map(|id| Id::new(id)).collect();
        let (found, columns) = self.columns_cached_at(&parsed, fields, scope)?;
        // The ids answered as they were asked: printing each record's id again costs more.
        let ids = found
            .iter()
            .filter_map(|&at| ids.get(at).cloned())
            .collect();
        Ok(Columns { ids, columns })
    }

    /// [`Client::columns_cached`] by parsed ids: answers where in `ids` the records
    /// the cache holds are, and the columns over them.
    pub fn columns_cached_at(
        &self,
        ids: &[Id],
        fields: &[FieldRef],
        scope: ColumnsScope<'_>,
    ) -> Result<(Vec<usize>, NamedColumns), Error> {
        let plan = self.column_plan(fields, scope)?;
        let cache = self.cache.borrow();
        let mut rows: Vec<(&CompactRecord, Option<usize>)> = Vec::with_capacity(ids.len());
        let mut found = Vec::with_capacity(ids.len());
        for (at, id) in ids.iter().enumerate() {
            if let Some((record, slot)) = cache.peek_record_slot(id) {
                rows.push((record, Some(slot)));
                found.push(at);
            }
        }
        Ok((found, plan.read(&rows, Some(cache.columns()))))
    }

    /// [`Client::columns_cached`] for the records a query finds among the cached
    /// ones, in its order: read from the rows the search found, with no list of ids
    /// in between.
    pub fn columns_for_query(
        &self,
        query: &SearchRecordsQuery,
        fields: &[FieldRef],
        scope: ColumnsScope<'_>,
    ) -> Result<Columns, Error> {
        let plan = self.column_plan(fields, scope)?;
        self.query_cached_with(query, None, |rows, found| {
            let records: Vec<(&CompactRecord, Option<usize>)> = found
                .iter()
                .filter_map(|&at| Some((*rows.rows.get(at)?, rows.slot(at))))
                .collect();
            let ids = records.iter().map(|(r, _)| r.id_string()).collect();
            Columns {
                ids,
                columns: plan.read(&records, rows.cells.as_ref().map(|(columns, _)| *columns)),
            }
        })
    }

    /// The fields and scope of a columns call, resolved against the cached lists.
    fn column_plan(
        &self,
        fields: &[FieldRef],
        scope: ColumnsScope<'_>,
    ) -> Result<ColumnPlan, Error> {
        let activity = match scope.activity {
            Some(a) => Some(self.resolve_activity_cached(a)?),
            None => None,
        };
        // Each field as a symbol: by id, or by name through the cached field lists.
        let mut syms = Vec::with_capacity(fields.len());
        for field in fields {
            let name = match field {
                FieldRef::Object { id, .. } => id,
                FieldRef::Text(text) => text,
            };
            let sym = self.field_sym(field, |sym| sym != crate::core::store::UNKNOWN_SYM)?;
            syms.push((name.clone(), sym));
        }
        let cache = self.cache.borrow();
        Ok(ColumnPlan {
            fields: syms,
            activity: activity.as_deref().map(|a| cache.symbols.find(a)),
            include_sub_record_values: scope.include_sub_record_values,
            view: scope.record_view.map(|v| cache.symbols.find(v)),
        })
    }
}

/// The fields of a columns call as symbols (with the names they were asked by),
/// and its scope.
struct ColumnPlan {
    fields: Vec<(String, crate::core::store::Sym)>,
    activity: Option<crate::core::store::Sym>,
    include_sub_record_values: bool,
    view: Option<crate::core::store::Sym>,
}

impl ColumnPlan {
    /// Each field's column over `records` (each with its slot in `cells`, the
    /// cache's columns, which hold most current values without reading the record).
    fn read(
        &self,
        records: &[(&CompactRecord, Option<usize>)],
        cells: Option<&crate::core::store::columns::Columns>,
    ) -> NamedColumns {
        use crate::core::store::columns::Cell;
        use crate::core::store::{Content, Scope};
        let scope = Scope {
            activity: self.activity,
            include_sub_record_values: self.include_sub_record_values,
            sub_record_id: None,
        };
        let view = self.view;
        // The cells hold the value `getValueContent` shows without options.
        let current = self.activity.is_none() && !self.include_sub_record_values && view.is_none();
        let mut columns = Vec::with_capacity(self.fields.len());
        for (name, sym) in &self.fields {
            let sym = *sym;
            let column = cells.filter(|_| current).and_then(|c| c.column(sym));
            let values: Vec<Option<Cell<'_>>> = records
                .iter()
                .map(|&(r, slot)| {
                    if let Some(cell) = column.zip(slot).and_then(|(c, slot)| c.cell(slot)) {
                        return Some(cell);
                    }
                    r.latest_in_view(sym, scope, view).map(|v| match v.content {
                        Content::Float(f) => Cell::Number(f),
                        ref content => Cell::Named(0, content),
                    })
                })
                .collect();
            let numeric = values.iter().flatten().all(|c| {
                matches!(
                    c,
                    Cell::Number(_)
                        | Cell::Named(_, Content::Int(_) | Content::Float(_) | Content::Null)
                )
            });
            let column = if numeric {
                Column::Numbers(
                    values
                        .iter()
                        .map(|c| match c {
                            Some(Cell::Number(f) | Cell::Named(_, Content::Float(f))) => *f,
                            Some(Cell::Named(_, Content::Int(i))) => *i as f64,
                            _ => f64::NAN,
                        })
                        .collect(),
                )
            } else {
                let mut texts = TextsBuilder::new(values.len());
                for value in &values {
                    match value {
                        None | Some(Cell::Named(_, Content::Null)) => texts.push(None, 0),
                        Some(Cell::Named(code, c)) => match c.as_str() {
                            Some(s) => texts.push(Some(s), *code),
                            None => {
                                texts.push(Some(&serde_json::to_string(c).unwrap_or_default()), 0)
                            }
                        },
                        Some(Cell::Number(f)) => texts.push(
                            Some(&serde_json::to_string(&Content::Float(*f)).unwrap_or_default()),
                            0,
                        ),
                    }
                }
                texts.finish()
            };
            columns.push((name.clone(), column));
        }
        columns
    }
}

/// A JSON list of strings, read to check its shape and nothing kept.
struct IdTexts;

impl<'de> serde::Deserialize<'de> for IdTexts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct List;
        impl<'de> serde::de::Visitor<'de> for List {
            type Value = IdTexts;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of record ids")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<IdTexts, A::Error> {
                while seq.next_element::<IdText>()?.is_some() {}
                Ok(IdTexts)
            }
        }
        d.deserialize_seq(List)
    }
}

/// One string of an [`IdTexts`] list.
struct IdText;

impl<'de> serde::Deserialize<'de> for IdText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = IdText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a record id")
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<IdText, E> {
                Ok(IdText)
            }
        }
        d.deserialize_str(Text)
    }
}
