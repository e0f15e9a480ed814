//! `KaleidoscopeClient` and its services.

use super::convert::{
    activity_arg, arg, columns_to_js, field_arg, from_js, invalid, key_values_arg, known_members,
    list_promise, optional_from_js, promise, promise_with_signal, read_promise, record_arg,
    record_id_list, string_arg, to_js, to_js_text, whole_number, ActivityIdentifierArg,
    BatchOptions, BatchOptionsArg, CallOptionsArg, ListOptionsArg, NumberArg, ReadOptionsArg,
    Upload,
};
use super::entity_types::EntityTypesService;
use super::handles::Handles;
use super::state::Inner;
use super::transport::FetchTransport;
use crate::core::client::observe::{EventKind, Observer, RequestEvent};
use crate::core::client::{
    CacheStats, Client, ClientConfig, ColumnsScope, Credentials, RecordRef, TokenFuture,
    DEFAULT_BATCH_SIZE, DEFAULT_CACHE_TTL_MS, DEFAULT_CONCURRENCY, DEFAULT_MAX_RECORDS,
    DEFAULT_URL,
};
use crate::core::defaults;
use crate::core::error::{Error, ErrorCode};
use crate::core::model::{NewActivity, TokenResponse};
use crate::core::query::SearchRecordsQuery;
use crate::core::retry::RetryPolicy;
use js_sys::{Function, Promise};
use serde::Deserialize;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** A record's key values: `{ [key field name or uuid]: value }`. */
export type KeyValues = { [field: string]: string | number };

/** A record named by a `Record`, its uuid, or its key values. */
export type RecordIdentifier = Record | string | KeyValues;

/** A field named by a field object, its uuid or its name. */
export type FieldIdentifier = EntityField | string;

/** An activity named by an activity object, its uuid or its title. */
export type ActivityIdentifier = Activity | string;

/** File data to upload. */
export type FileData = Blob | Uint8Array;

/**
 * What `onRequest` receives when an attempt of a request ends, and `onRetry`
 * before the wait for the next one. Never a header, a query string or a token.
 */
export interface RequestEvent {
    /** The request's method. */
    method: "GET" | "POST" | "PUT" | "DELETE";
    /** The request's path, without its query string. */
    path: string;
    /** Which attempt of the call: 1 for the first. */
    attempt: number;
    /** The answer's status, or `null` when none came. */
    status: number | null;
    /** `"network_error"`, `"timeout"` or `"aborted"` when no answer came, else `null`. */
    error: "network_error" | "timeout" | "aborted" | null;
    /** How long the attempt took, in milliseconds. */
    durationMs: number;
    /** For `onRetry`: how long the client waits before the next attempt, in milliseconds. */
    waitMs?: number;
}

/** What `client.records.columns()` returns. */
export interface RecordColumns {
    /** The records returned, in order: a column's `i`-th entry belongs to `ids[i]`. */
    ids: string[];
    /**
     * One column per field, under the name, uuid or field object's id it was asked by:
     * a `Float64Array` when every value present is a number (`NaN` where a record has
     * none), else texts (other values as JSON text, `null` where a record has none).
     */
    columns: { [field: string]: Float64Array | (string | null)[] };
}
"#;

/// The options of `client.records.columns()`: which values count, as the
/// arguments of `getValueContent` choose them.
#[derive(Deserialize, Default, tsify::Tsify)]
#[serde(default, rename_all = "camelCase")]
pub struct ColumnsOptions {
    /// Only values written in this activity (uuid, title or object), and key values.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "ActivityIdentifier | null")]
    pub activity_id: JsValue,
    /// Also values written on sub-records.
    pub include_sub_record_values: Option<bool>,
    /// Only values written to this record view (key values left out).
    pub record_view_id: Option<String>,
}

/// How a client connects and authenticates.
#[derive(Deserialize, Default, tsify::Tsify)]
#[serde(default, rename_all = "camelCase")]
pub struct KaleidoscopeClientOptions {
    /// The API's base URL. Default: `https://api.kaleidoscope.bio`.
    pub url: Option<String>,
    /// OAuth client id. With `clientSecret`, for trusted internal tools only: the secret is in the page.
    pub client_id: Option<String>,
    /// OAuth client secret. Never appears in an error, a log line or `toJSON()`.
    pub client_secret: Option<String>,
    /// A function that resolves to `{ access_token, expires_in }`; the client calls it again before the token expires and after a 401. Keeps secrets out of the page.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "() => Promise<{ access_token: string; expires_in: number }>")]
    pub token_provider: JsValue,
    /// Headers added to every request, e.g. an identity-aware proxy's `Authorization`.
    // An index signature: the package's `Record` class shadows TypeScript's `Record<K, V>`.
    #[tsify(type = "{ [name: string]: string } | null")]
    pub additional_headers: Option<serde_json::Map<String, serde_json::Value>>,
    /// Milliseconds one attempt may take before it is aborted. Default: 30000.
    pub timeout_ms: Option<f64>,
    /// Retries after a failed attempt: reads after network errors and 408/429/5xx, writes only after 429 or 503 with Retry-After. Default: 2.
    pub max_retries: Option<f64>,
    /// The first backoff's ceiling in milliseconds (full jitter, doubling). Default: 500.
    pub retry_base_ms: Option<f64>,
    /// The longest wait, including a server's Retry-After, in milliseconds. Default: 8000.
    pub retry_max_ms: Option<f64>,
    /// The record cache's bound.
    pub cache: Option<CacheOptions>,
    /// How many batches `getRecordsByIds` fetches at once. Default: 4.
    pub concurrency: Option<f64>,
    /// Called when each attempt of a request ends (retries included), for logs and metrics.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "(event: RequestEvent) => void")]
    pub on_request: JsValue,
    /// Called before each retry's wait, with the failed attempt's event and its `waitMs`.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "(event: RequestEvent) => void")]
    pub on_retry: JsValue,
}

/// The record cache's options.
#[derive(Deserialize, Default, tsify::Tsify)]
#[serde(default, rename_all = "camelCase")]
pub struct CacheOptions {
    /// The most records held: the least recently used records go first. Default: 50000.
    pub max_records: Option<f64>,
    /// How long a record, a "not found" and the field and activity lists are
    /// reused, in milliseconds; `Infinity` keeps them until evicted. Default: 60000.
    pub ttl_ms: Option<f64>,
}

#[wasm_bindgen]
extern "C" {
    /// The options object of `new KaleidoscopeClient(...)`.
    #[wasm_bindgen(typescript_type = "KaleidoscopeClientOptions")]
    pub type KaleidoscopeClientOptionsArg;
    /// The options of `columns()`.
    #[wasm_bindgen(typescript_type = "ColumnsOptions")]
    pub type ColumnsOptionsArg;
}

/// A number option from `low` to `high`, or `default` when absent.
fn number(value: Option<f64>, key: &str, default: f64, low: f64, high: f64) -> Result<f64, Error> {
    match value {
        None => Ok(default),
        Some(n) if (low..=high).contains(&n) => Ok(n),
        Some(_) => Err(invalid(format!(
            "options.{key} must be a number from {low} to {high}"
        ))),
    }
}

impl KaleidoscopeClientOptions {
    /// The core's configuration, each option checked.
    fn config(self) -> Result<(ClientConfig, f64), Error> {
        let url = self.url.unwrap_or_else(|| DEFAULT_URL.to_string());
        let on_request = hook(self.on_request, "onRequest")?;
        let on_retry = hook(self.on_retry, "onRetry")?;
        let provider = self.token_provider;
        let credentials = if let Some(function) = provider.dyn_ref::<Function>() {
            if self.client_id.is_some() || self.client_secret.is_some() {
                return Err(invalid(
                    "give either options.tokenProvider, or options.clientId and options.clientSecret, not both",
                ));
            }
            Credentials::Provider(token_provider(function.clone()))
        } else if !provider.is_undefined() && !provider.is_null() {
            return Err(invalid("options.tokenProvider must be a function"));
        } else {
            match (self.client_id, self.client_secret) {
                (Some(client_id), Some(client_secret)) => Credentials::ClientSecret {
                    client_id,
                    client_secret,
                },
                _ => {
                    return Err(invalid(
                        "give either tokenProvider, or clientId and clientSecret",
                    ))
                }
            }
        };
        let mut additional_headers = Vec::new();
        for (name, value) in self.additional_headers.unwrap_or_default() {
            match value {
                serde_json::Value::String(value) => additional_headers.push((name, value)),
                _ => {
                    return Err(invalid(format!(
                        "options.additionalHeaders.{name} must be a string"
                    )))
                }
            }
        }
        let timeout_ms = match self.timeout_ms {
            None => defaults::TIMEOUT_MS,
            Some(ms) if ms > 0.0 => ms,
            Some(_) => return Err(invalid("options.timeoutMs must be a positive number")),
        };
        let retry = RetryPolicy {
            max_retries: number(
                self.max_retries,
                "maxRetries",
                defaults::MAX_RETRIES.into(),
                0.0,
                10.0,
            )? as u32,
            base_ms: number(
                self.retry_base_ms,
                "retryBaseMs",
                defaults::RETRY_BASE_MS,
                0.0,
                60_000.0,
            )?,
            max_ms: number(
                self.retry_max_ms,
                "retryMaxMs",
                defaults::RETRY_MAX_MS,
                0.0,
                300_000.0,
            )?,
        };
        let cache = self.cache.unwrap_or_default();
        let ttl_ms = match cache.ttl_ms {
            None => Some(DEFAULT_CACHE_TTL_MS),
            Some(f64::INFINITY) => None,
            Some(ms) if ms.fract() == 0.0 && (0.0..=1e15).contains(&ms) => Some(ms as i64),
            Some(_) => return Err(invalid(
                "options.cache.ttlMs must be a whole number of milliseconds from 0, or Infinity",
            )),
        };
        let max_records = whole_number(
            cache.max_records,
            "options.cache.maxRecords",
            DEFAULT_MAX_RECORDS,
            1,
            10_000_000,
        )?;
        let concurrency = number(
            self.concurrency,
            "concurrency",
            DEFAULT_CONCURRENCY as f64,
            1.0,
            64.0,
        )? as usize;
        let config = ClientConfig {
            url,
            credentials,
            additional_headers,
            clock: Rc::new(|| js_sys::Date::now() as i64),
            random: Rc::new(js_sys::Math::random),
            retry,
            max_records,
            ttl_ms,
            load_names: true,
            concurrency,
            observer: observer(on_request, on_retry),
        };
        Ok((config, timeout_ms))
    }
}

/// An optional hook option: a function, or absent.
fn hook(value: JsValue, key: &str) -> Result<Option<Function>, Error> {
    match value.dyn_into::<Function>() {
        Ok(f) => Ok(Some(f)),
        Err(v) if v.is_undefined() || v.is_null() => Ok(None),
        Err(_) => Err(invalid(format!("options.{key} must be a function"))),
    }
}

/// The core's observer calling `onRequest` and `onRetry`; a hook that throws is ignored.
fn observer(on_request: Option<Function>, on_retry: Option<Function>) -> Option<Observer> {
    if on_request.is_none() && on_retry.is_none() {
        return None;
    }
    Some(Rc::new(move |event: &RequestEvent<'_>| {
        let hook = match event.kind {
            EventKind::Attempt => &on_request,
            EventKind::Retry => &on_retry,
        };
        if let Some(f) = hook {
            let _ = f.call1(&JsValue::NULL, &super::convert::request_event(event));
        }
    }))
}

fn token_provider(function: Function) -> Rc<dyn Fn() -> TokenFuture> {
    Rc::new(move || {
        let function = function.clone();
        Box::pin(async move {
            let fail = |m: &str| Error::new(ErrorCode::Auth, m);
            let answer = function
                .call0(&JsValue::NULL)
                .map_err(|_| fail("tokenProvider threw"))?;
            let answer = match answer.dyn_into::<Promise>() {
                Ok(promise) => JsFuture::from(promise)
                    .await
                    .map_err(|_| fail("tokenProvider's promise rejected"))?,
                Err(value) => value,
            };
            // Read member by member: the token is not an argument, and its two
            // members do not warrant a deserializer of their own in the package.
            let member = |key: &str| super::convert::get(&answer, key);
            match (
                member("access_token").as_string(),
                member("expires_in").as_f64(),
            ) {
                (Some(access_token), Some(expires_in)) if expires_in.is_finite() => {
                    Ok(TokenResponse {
                        access_token,
                        refresh_token: None,
                        expires_in,
                    })
                }
                _ => Err(fail(
                    "tokenProvider must answer { access_token, expires_in }",
                )),
            }
        }) as TokenFuture
    })
}

/// A client for the Kaleidoscope API, with its own caches. `await init()` first.
#[wasm_bindgen]
pub struct KaleidoscopeClient {
    inner: Inner,
    /// The services, made once so that `client.records` is the same object each time.
    records: JsValue,
    entity_fields: JsValue,
    activities: JsValue,
    entity_types: JsValue,
    handles: Rc<Handles>,
}

impl KaleidoscopeClient {
    /// `client.records` for Rust callers (the wasm tests): shares the handle registry.
    pub fn records_service(&self) -> RecordsService {
        RecordsService {
            inner: self.inner.clone(),
            handles: self.handles.clone(),
        }
    }

    /// `client.entityFields` for Rust callers.
    pub fn entity_fields_service(&self) -> EntityFieldsService {
        EntityFieldsService {
            inner: self.inner.clone(),
        }
    }

    /// `client.activities` for Rust callers.
    pub fn activities_service(&self) -> ActivitiesService {
        ActivitiesService {
            inner: self.inner.clone(),
        }
    }

    /// `client.entityTypes` for Rust callers.
    pub fn entity_types_service(&self) -> EntityTypesService {
        EntityTypesService::new(self.inner.clone())
    }
}

#[wasm_bindgen]
impl KaleidoscopeClient {
    /// Creates a client; nothing is sent until the first call.
    #[wasm_bindgen(constructor)]
    pub fn new(options: KaleidoscopeClientOptionsArg) -> Result<KaleidoscopeClient, JsValue> {
        let options: JsValue = options.into();
        if !options.is_object() {
            return Err(invalid("new KaleidoscopeClient(options) needs an options object").into());
        }
        known_members::<KaleidoscopeClientOptions>(&options, "options")?;
        if let Ok(cache) = js_sys::Reflect::get(&options, &JsValue::from_str("cache")) {
            known_members::<CacheOptions>(&cache, "options.cache")?;
        }
        let options: KaleidoscopeClientOptions = from_js(&options, "options")?;
        let (config, timeout_ms) = options.config()?;
        let client = Client::new(FetchTransport { timeout_ms }, config)?;
        let mut client = KaleidoscopeClient {
            inner: Rc::new(client),
            handles: Rc::default(),
            records: JsValue::UNDEFINED,
            entity_fields: JsValue::UNDEFINED,
            activities: JsValue::UNDEFINED,
            entity_types: JsValue::UNDEFINED,
        };
        client.records = client.records_service().into();
        client.entity_fields = client.entity_fields_service().into();
        client.activities = client.activities_service().into();
        client.entity_types = client.entity_types_service().into();
        Ok(client)
    }

    /// The records service: get, search, create, upload.
    #[wasm_bindgen(getter, unchecked_return_type = "RecordsService")]
    pub fn records(&self) -> JsValue {
        self.records.clone()
    }

    /// The fields service: key fields and data fields.
    #[wasm_bindgen(getter, js_name = entityFields, unchecked_return_type = "EntityFieldsService")]
    pub fn entity_fields(&self) -> JsValue {
        self.entity_fields.clone()
    }

    /// The activities service: experiments, tasks…
    #[wasm_bindgen(getter, unchecked_return_type = "ActivitiesService")]
    pub fn activities(&self) -> JsValue {
        self.activities.clone()
    }

    /// The entity types service (kalbio 0.7.0's `client.entity_types`): the sets of
    /// key fields that name each type of record, e.g. every compound.
    #[wasm_bindgen(getter, js_name = entityTypes, unchecked_return_type = "EntityTypesService")]
    pub fn entity_types(&self) -> JsValue {
        self.entity_types.clone()
    }

    /// Empties every cache (kalbio 0.7.0's `clear_caches()`): records, remembered
    /// misses, the key index, record activities, and the field, activity and
    /// entity type lists. Record handles you hold keep their data.
    #[wasm_bindgen(js_name = clearCaches)]
    pub fn clear_caches(&self) {
        self.inner.clear_caches();
    }

    /// Returns the cache's counters: hits, misses, evictions and records held.
    #[wasm_bindgen(js_name = cacheStats, unchecked_return_type = "CacheStats")]
    pub fn cache_stats(&self) -> Result<JsValue, JsValue> {
        let stats: CacheStats = self.inner.cache_stats();
        Ok(to_js(&stats)?)
    }

    /// Downloads a file value's bytes by its `file_id`; resolves to `null` when there is none.
    #[wasm_bindgen(js_name = downloadFile, unchecked_return_type = "Promise<Uint8Array | null>")]
    pub fn download_file(
        &self,
        #[wasm_bindgen(js_name = fileId, unchecked_param_type = "string")] file_id: JsValue,
        #[wasm_bindgen(js_name = activityId)] activity_id: Option<ActivityIdentifierArg>,
        options: Option<CallOptionsArg>,
    ) -> Promise {
        let (inner, activity_id) = (self.inner.clone(), arg(activity_id));
        promise(options, async move {
            let file_id = string_arg(&file_id, "fileId")?;
            let activity = match activity_arg(&activity_id, "activityId")? {
                Some(a) => Some(inner.resolve_activity(&a).await?),
                None => None,
            };
            let bytes = inner.download_file(&file_id, activity.as_deref()).await?;
            Ok(bytes.map_or(JsValue::NULL, |b| {
                js_sys::Uint8Array::from(b.as_slice()).into()
            }))
        })
    }
}

/// The records service (`client.records`).
#[wasm_bindgen]
pub struct RecordsService {
    inner: Inner,
    handles: Rc<Handles>,
}

#[wasm_bindgen]
impl RecordsService {
    /// Fetches a record by uuid or key values; resolves to `null` when none exists.
    /// Cached: a second call sends nothing; `{ useCache: false }` fetches it anew
    /// and refreshes the cache.
    #[wasm_bindgen(js_name = getRecordById, unchecked_return_type = "Promise<Record | null>")]
    pub fn get_record_by_id(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RecordIdentifier")] id: JsValue,
        options: Option<ReadOptionsArg>,
    ) -> Promise {
        // A cached record by uuid answers at once, without scheduling a task.
        if let (Some(uuid), None) = (id.as_string(), options.as_ref()) {
            if let Some(record) = self.inner.cached_record_counted(&uuid) {
                return Promise::resolve(&self.handles.handle(&self.inner, record));
            }
        }
        let (inner, handles) = (self.inner.clone(), self.handles.clone());
        read_promise(options, |use_cache| async move {
            let record = inner
                .read_record(&record_arg(&id, "id")?, use_cache)
                .await?;
            Ok(record.map_or(JsValue::NULL, |r| handles.handle(&inner, r)))
        })
    }

    /// Fetches records in batches; resolves to them in the order asked (duplicates
    /// kept, unknown ids left out). `{ useCache: false }` fetches the cached ones too.
    #[wasm_bindgen(js_name = getRecordsByIds, unchecked_return_type = "Promise<Record[]>")]
    pub fn get_records_by_ids(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RecordIdentifier[]")] ids: JsValue,
        #[wasm_bindgen(js_name = batchSize)] batch_size: Option<NumberArg>,
        options: Option<BatchOptionsArg>,
    ) -> Promise {
        let (inner, handles, batch_size) =
            (self.inner.clone(), self.handles.clone(), arg(batch_size));
        let options = match optional_from_js::<BatchOptions>(&arg(options), "options") {
            Ok(options) => options,
            Err(e) => return Promise::reject(&e.into()),
        };
        let use_cache = options.use_cache != Some(false);
        let on_progress = match options.on_progress.dyn_into::<Function>() {
            Ok(f) => Some(f),
            Err(v) if v.is_undefined() || v.is_null() => None,
            Err(_) => {
                return Promise::reject(&invalid("options.onProgress must be a function").into())
            }
        };
        promise_with_signal(options.signal, async move {
            // A large list is read in a task of its own, not in the caller's (which
            // may have just handled a search's answer): no long task for the page.
            if ids
                .dyn_ref::<js_sys::Array>()
                .is_some_and(|list| list.length() >= 1000)
            {
                inner.give_turn().await?;
            }
            // A list of uuids (the usual case) crosses once and becomes ids directly.
            let uuids = ids
                .dyn_ref::<js_sys::Array>()
                .and_then(super::convert::uuid_list);
            let refs = match uuids {
                Some(_) => Vec::new(),
                None => record_refs(&ids)?,
            };
            let batch = match batch_size.is_undefined() || batch_size.is_null() {
                true => None,
                false => Some(batch_size.as_f64().unwrap_or(f64::NAN)),
            };
            let batch = whole_number(batch, "batchSize", DEFAULT_BATCH_SIZE, 1, 10_000)?;
            // The batch's records are handed over only to a callback that names a
            // third parameter: a handle per record costs a crossing each.
            let wants_records = on_progress.as_ref().is_some_and(|f| f.length() >= 3);
            let progress = |done: usize, total: usize, batch: &[Option<crate::core::store::Id>]| {
                if let Some(f) = &on_progress {
                    let records: JsValue = if wants_records {
                        inner
                            .peek_records(batch)
                            .into_iter()
                            .map(|r| handles.handle(&inner, r))
                            .collect::<js_sys::Array>()
                            .into()
                    } else {
                        JsValue::UNDEFINED
                    };
                    // A throwing callback must not break the load.
                    let _ = f.call3(
                        &JsValue::NULL,
                        &(done as f64).into(),
                        &(total as f64).into(),
                        &records,
                    );
                }
            };
            let ids = match uuids {
                Some(uuids) => uuids.into_iter().map(Some).collect(),
                None => inner.record_ids(refs).await?,
            };
            let records = inner
                .read_records_by_id_list(ids, batch, &progress, use_cache)
                .await?;
            Ok(records
                .into_iter()
                .map(|r| handles.handle(&inner, r))
                .collect::<js_sys::Array>()
                .into())
        })
    }

    /// Resolves to the record with these key values, created when none exists; a
    /// cached one is reused unless `{ useCache: false }`.
    #[wasm_bindgen(js_name = getOrCreateRecord, unchecked_return_type = "Promise<Record>")]
    pub fn get_or_create_record(
        &self,
        #[wasm_bindgen(js_name = keyValues, unchecked_param_type = "KeyValues")]
        key_values: JsValue,
        options: Option<ReadOptionsArg>,
    ) -> Promise {
        let (inner, handles) = (self.inner.clone(), self.handles.clone());
        read_promise(options, |use_cache| async move {
            let pairs = key_values_arg(&key_values, "keyValues")?;
            let record = inner.get_or_create_record_read(&pairs, use_cache).await?;
            Ok(handles.handle(&inner, record))
        })
    }

    /// Resolves to the ids of the records matching a search, in the server's order.
    #[wasm_bindgen(js_name = searchRecords, unchecked_return_type = "Promise<string[]>")]
    pub fn search_records(
        &self,
        query: Option<SearchRecordsQueryArg>,
        options: Option<CallOptionsArg>,
    ) -> Promise {
        let (inner, query) = (self.inner.clone(), arg(query));
        promise(options, async move {
            let ids = inner
                .search_records_json(&search_query(&query, "query")?)
                .await?;
            js_sys::JSON::parse(&ids)
                .map_err(|_| Error::new(ErrorCode::Decode, "could not hand the ids to JavaScript"))
        })
    }

    /// Returns at once the ids of the cached records, whatever their age, that match
    /// the search, by the rules of `searchRecords`.
    #[wasm_bindgen(js_name = queryCached, unchecked_return_type = "string[]")]
    pub fn query_cached(&self, query: Option<SearchRecordsQueryArg>) -> Result<JsValue, JsValue> {
        let ids = self
            .inner
            .query_cached_json(&cached_search(&arg(query), "query")?)?;
        js_sys::JSON::parse(&ids).map_err(|_| {
            Error::new(ErrorCode::Decode, "could not hand the ids to JavaScript").into()
        })
    }

    /// Returns columns for charts and tables, in one call: each field's current value for
    /// every record named by `idsOrQuery` (a list of `Record`s or uuids, or a query
    /// run as `queryCached`) that the cache holds, whatever its age; others are
    /// left out of `ids`. A column of numbers is a `Float64Array`, `NaN` where a
    /// record has no value. The options scope the values as `getValueContent`'s
    /// arguments do. Field names and activity titles resolve through the cached lists.
    #[wasm_bindgen(unchecked_return_type = "RecordColumns")]
    pub fn columns(
        &self,
        #[wasm_bindgen(
            js_name = idsOrQuery,
            unchecked_param_type = "(Record | string)[] | SearchRecordsQuery"
        )]
        ids_or_query: JsValue,
        #[wasm_bindgen(unchecked_param_type = "FieldIdentifier[]")] fields: JsValue,
        options: Option<ColumnsOptionsArg>,
    ) -> Result<JsValue, JsValue> {
        // The records: a list of ids, or the rows a query finds.
        let uuids = ids_or_query
            .dyn_ref::<js_sys::Array>()
            .and_then(super::convert::uuid_list);
        let (ids, query) = match ids_or_query.dyn_ref::<js_sys::Array>() {
            Some(_) if uuids.is_some() => (Vec::new(), None),
            Some(list) => (record_id_list(list, "idsOrQuery")?, None),
            None if ids_or_query.is_object() => (
                Vec::new(),
                Some(cached_search(&ids_or_query, "idsOrQuery")?),
            ),
            None => {
                return Err(invalid(format!(
                "idsOrQuery must be a list of Records or uuids, or a SearchRecordsQuery, got {}",
                super::convert::type_name(&ids_or_query)
            ))
                .into())
            }
        };
        let fields = fields.dyn_into::<js_sys::Array>().map_err(|v| {
            invalid(format!(
                "fields must be a list of fields, got {}",
                super::convert::type_name(&v)
            ))
        })?;
        let fields = fields
            .iter()
            .enumerate()
            .map(|(i, f)| field_arg(&f, &format!("fields[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        let options = arg(options);
        super::convert::reject_unknown_members::<ColumnsOptions>(&options, "options")?;
        let options: ColumnsOptions = optional_from_js(&options, "options")?;
        let activity = activity_arg(&options.activity_id, "options.activityId")?;
        if options.record_view_id.as_deref() == Some("") {
            return Err(invalid("options.recordViewId must not be empty").into());
        }
        let scope = ColumnsScope {
            activity: activity.as_deref(),
            include_sub_record_values: options.include_sub_record_values.unwrap_or(false),
            record_view: options.record_view_id.as_deref(),
        };
        let answer = match (&query, uuids) {
            (Some(query), _) => self.inner.columns_for_query(query, &fields, scope)?,
            // Uuids given as strings: the ids answered are those strings, taken
            // from the list itself rather than written out again.
            (None, Some(uuids)) => {
                let (found, columns) = self.inner.columns_cached_at(&uuids, &fields, scope)?;
                let list = ids_or_query.unchecked_ref::<js_sys::Array>();
                let ids = match found.len() == uuids.len() {
                    true => list.slice(0, list.length()),
                    false => found.iter().map(|&at| list.get(at as u32)).collect(),
                };
                return Ok(super::convert::columns_with_ids(ids.into(), &columns)?);
            }
            (None, None) => self.inner.columns_cached(&ids, &fields, scope)?,
        };
        Ok(columns_to_js(&answer)?)
    }

    /// Uploads a file as a record's field value. Resolves to the new value.
    #[wasm_bindgen(js_name = createRecordValueFile, unchecked_return_type = "Promise<RecordValue>")]
    // The positional arguments mirror the reference client's signature.
    #[allow(clippy::too_many_arguments)]
    pub fn create_record_value_file(
        &self,
        #[wasm_bindgen(js_name = recordId, unchecked_param_type = "RecordIdentifier")]
        record_id: JsValue,
        #[wasm_bindgen(js_name = fieldId, unchecked_param_type = "FieldIdentifier")]
        field_id: JsValue,
        #[wasm_bindgen(js_name = fileName, unchecked_param_type = "string")] file_name: JsValue,
        #[wasm_bindgen(js_name = fileData, unchecked_param_type = "FileData")] file_data: JsValue,
        #[wasm_bindgen(js_name = fileType, unchecked_param_type = "string")] file_type: JsValue,
        #[wasm_bindgen(js_name = activityId)] activity_id: Option<ActivityIdentifierArg>,
        options: Option<CallOptionsArg>,
    ) -> Promise {
        let (inner, activity_id) = (self.inner.clone(), arg(activity_id));
        promise(options, async move {
            let record = record_arg(&record_id, "recordId")?;
            let no_view = JsValue::UNDEFINED;
            let upload = Upload::read(
                &field_id,
                &file_name,
                &file_data,
                &file_type,
                &activity_id,
                &no_view,
            )
            .await?;
            let id = inner
                .resolve_record_id(&record)
                .await?
                .ok_or_else(|| Error::new(ErrorCode::NotFound, "no record has those key values"))?;
            super::state::upload_to(&inner, &id, upload).await
        })
    }

    /// Empties the record caches and the record-activities cache (the field and
    /// activity lists stay: `client.clearCaches()` empties those too).
    #[wasm_bindgen(js_name = clearRecordCaches)]
    pub fn clear_record_caches(&self) {
        self.inner.clear_record_caches();
    }
}

/// A query to run over the cached records: one that names no activity.
fn cached_search(query: &JsValue, what: &str) -> Result<SearchRecordsQuery, Error> {
    let query = search_query(query, what)?;
    if query.operation_id.is_some() {
        return Err(invalid(format!(
            "{what}.operation_id cannot be evaluated over cached records: search the server for activity scopes"
        )));
    }
    Ok(query)
}

#[wasm_bindgen]
extern "C" {
    /// A search query argument.
    #[wasm_bindgen(typescript_type = "SearchRecordsQuery")]
    pub type SearchRecordsQueryArg;
    /// What `createActivity` takes.
    #[wasm_bindgen(typescript_type = "NewActivity")]
    pub type NewActivityArg;
}

/// `ids` of `getRecordsByIds`: an array of record identifiers.
fn record_refs(ids: &JsValue) -> Result<Vec<RecordRef>, Error> {
    let array = ids.dyn_ref::<js_sys::Array>().ok_or_else(|| {
        invalid(format!(
            "ids must be an array, got {}",
            super::convert::type_name(ids)
        ))
    })?;
    // A list of uuids alone is read by `uuid_list` before this is called.
    array
        .iter()
        .enumerate()
        .map(|(i, item)| record_arg(&item, &format!("ids[{i}]")))
        .collect()
}

/// A search query, the argument `what`; `undefined` and `null` search everything.
#[inline(never)]
fn search_query(query: &JsValue, what: &str) -> Result<SearchRecordsQuery, Error> {
    if !query.is_undefined()
        && !query.is_null()
        && (!query.is_object() || js_sys::Array::is_array(query))
    {
        return Err(invalid(format!(
            "{what} must be a SearchRecordsQuery object, got {}",
            super::convert::type_name(query)
        )));
    }
    super::convert::reject_unknown_members::<SearchRecordsQuery>(query, what)?;
    let query: SearchRecordsQuery = optional_from_js(query, what)?;
    if query
        .limit
        .is_some_and(|n| !(1..=crate::core::query::MAX_LIMIT).contains(&u64::from(n)))
    {
        return Err(invalid(format!(
            "{what}.limit must be a whole number from 1 to 1000000"
        )));
    }
    Ok(query)
}

/// The fields service (`client.entityFields`).
#[wasm_bindgen]
pub struct EntityFieldsService {
    inner: Inner,
}

#[wasm_bindgen]
impl EntityFieldsService {
    /// Resolves to every key field, cached for `cache.ttlMs`; `{ useCache: false }` asks the server anew.
    #[wasm_bindgen(js_name = getKeyFields, unchecked_return_type = "Promise<EntityField[]>")]
    pub fn get_key_fields(&self, options: Option<ListOptionsArg>) -> Promise {
        let inner = self.inner.clone();
        list_promise(options, |refresh| async move {
            to_js_text(&*inner.key_fields_listed(refresh).await?.0)
        })
    }

    /// Resolves to every data field, cached for `cache.ttlMs`; `{ useCache: false }` asks the server anew.
    #[wasm_bindgen(js_name = getDataFields, unchecked_return_type = "Promise<EntityField[]>")]
    pub fn get_data_fields(&self, options: Option<ListOptionsArg>) -> Promise {
        let inner = self.inner.clone();
        list_promise(options, |refresh| async move {
            to_js_text(&*inner.data_fields_listed(refresh).await?.0)
        })
    }

    /// Resolves to the key field of that name, created when there is none.
    #[wasm_bindgen(js_name = getOrCreateKeyField, unchecked_return_type = "Promise<EntityField>")]
    pub fn get_or_create_key_field(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        options: Option<CallOptionsArg>,
    ) -> Promise {
        let inner = self.inner.clone();
        promise(options, async move {
            to_js_text(
                &inner
                    .get_or_create_key_field(&string_arg(&name, "name")?)
                    .await?,
            )
        })
    }

    /// Resolves to the data field of that name, created with `fieldType` when there is none.
    #[wasm_bindgen(js_name = getOrCreateDataField, unchecked_return_type = "Promise<EntityField>")]
    pub fn get_or_create_data_field(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(js_name = fieldType, unchecked_param_type = "string")] field_type: JsValue,
        options: Option<CallOptionsArg>,
    ) -> Promise {
        let inner = self.inner.clone();
        promise(options, async move {
            let (name, kind) = (
                string_arg(&name, "name")?,
                string_arg(&field_type, "fieldType")?,
            );
            to_js_text(&inner.get_or_create_data_field(&name, &kind).await?)
        })
    }
}

/// The activities service (`client.activities`).
#[wasm_bindgen]
pub struct ActivitiesService {
    inner: Inner,
}

#[wasm_bindgen]
impl ActivitiesService {
    /// Resolves to every activity, cached for `cache.ttlMs`; `{ useCache: false }` asks the server anew.
    #[wasm_bindgen(js_name = getActivities, unchecked_return_type = "Promise<Activity[]>")]
    pub fn get_activities(&self, options: Option<ListOptionsArg>) -> Promise {
        let inner = self.inner.clone();
        list_promise(options, |refresh| async move {
            to_js_text(&*inner.activities_listed(refresh).await?.0)
        })
    }

    /// Resolves to the activity with that uuid or title, or to `null`.
    #[wasm_bindgen(js_name = getActivityById, unchecked_return_type = "Promise<Activity | null>")]
    pub fn get_activity_by_id(
        &self,
        #[wasm_bindgen(js_name = idOrTitle, unchecked_param_type = "ActivityIdentifier")]
        id: JsValue,
        options: Option<CallOptionsArg>,
    ) -> Promise {
        let inner = self.inner.clone();
        promise(options, async move {
            let id =
                activity_arg(&id, "idOrTitle")?.ok_or_else(|| invalid("idOrTitle is required"))?;
            to_js_text(&inner.activity_by_id(&id).await?)
        })
    }

    /// Resolves to the activities that contain a record (kept for 10 seconds;
    /// `{ useCache: false }` asks the server anew).
    #[wasm_bindgen(js_name = getActivitiesWithRecord, unchecked_return_type = "Promise<Activity[]>")]
    pub fn get_activities_with_record(
        &self,
        #[wasm_bindgen(js_name = recordId, unchecked_param_type = "RecordIdentifier")]
        record_id: JsValue,
        options: Option<ReadOptionsArg>,
    ) -> Promise {
        let inner = self.inner.clone();
        read_promise(options, |use_cache| async move {
            match inner
                .resolve_record_id(&record_arg(&record_id, "recordId")?)
                .await?
            {
                Some(id) => to_js_text(&*inner.activities_with_record_read(&id, use_cache).await?),
                None => Ok(js_sys::Array::new().into()),
            }
        })
    }

    /// Creates an activity. Resolves to the new activity.
    #[wasm_bindgen(js_name = createActivity, unchecked_return_type = "Promise<Activity>")]
    pub fn create_activity(
        &self,
        activity: NewActivityArg,
        options: Option<CallOptionsArg>,
    ) -> Promise {
        let (inner, activity) = (self.inner.clone(), JsValue::from(activity));
        promise(options, async move {
            let activity: NewActivity = from_js(&activity, "activity")?;
            to_js_text(&inner.create_activity(&activity.payload()).await?)
        })
    }
}
