//! `KaleidoscopeClient` and its services.

use super::convert::{
    self, activity_arg, error_to_js, field_arg, invalid, json_from_js, record_arg, string_arg,
    to_js,
};
use super::handles::Handles;
use super::transport::FetchTransport;
use crate::core::client::{
    Client, ClientConfig, Credentials, RecordRef, TokenFuture, DEFAULT_BATCH_SIZE,
    DEFAULT_CONCURRENCY, DEFAULT_MAX_RECORDS, DEFAULT_URL,
};
use crate::core::defaults;
use crate::core::error::{Error, ErrorCode};
use crate::core::model::TokenResponse;
use crate::core::query::SearchRecordsQuery;
use crate::core::retry::RetryPolicy;
use js_sys::{Function, Promise, Reflect};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

pub(super) type Inner = Rc<Client<FetchTransport>>;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** How a client connects and authenticates. */
export interface KaleidoscopeClientOptions {
    /** The API's base URL. Default: `https://api.kaleidoscope.bio`. */
    url?: string;
    /** OAuth client id. With `clientSecret`, for trusted internal tools only: the secret is in the page. */
    clientId?: string;
    /** OAuth client secret. Never appears in an error, a log line or `toJSON()`. */
    clientSecret?: string;
    /** Answers a fresh token; called again before expiry and after a 401. Keeps secrets out of the page. */
    tokenProvider?: () => Promise<{ access_token: string; expires_in: number }>;
    /** Headers added to every request, e.g. an identity-aware proxy's `Authorization`. */
    additionalHeaders?: { [name: string]: string };
    /** Milliseconds one attempt may take before it is aborted. Default: 30000. */
    timeoutMs?: number;
    /** Retries after a failed attempt: reads after network errors and 408/429/5xx, writes only after 429 or 503 with Retry-After. Default: 2. */
    maxRetries?: number;
    /** The first backoff's ceiling in milliseconds (full jitter, doubling). Default: 500. */
    retryBaseMs?: number;
    /** The longest wait, including a server's Retry-After, in milliseconds. Default: 8000. */
    retryMaxMs?: number;
    /** The record cache's bound: the least recently used records go first. Default: 50000. */
    cache?: { maxRecords?: number };
    /** How many batches `getRecordsByIds` fetches at once. Default: 4. */
    concurrency?: number;
}

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

/** What `createActivity` takes. */
export interface NewActivity {
    title: string;
    activity_type: "task" | "experiment" | "project" | "stage" | "milestone" | "cycle";
    definition_id?: string | null;
    program_ids?: string[];
    assigned_user_ids?: string[];
    start_date?: string | null;
    duration?: number | null;
}

/** The client cache's counters. */
export interface CacheStats {
    hits: number;
    misses: number;
    evictions: number;
    records: number;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// The options object of `new KaleidoscopeClient(...)`.
    #[wasm_bindgen(typescript_type = "KaleidoscopeClientOptions")]
    pub type KaleidoscopeClientOptions;
}

fn option(options: &JsValue, key: &str) -> JsValue {
    Reflect::get(options, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn optional_string(options: &JsValue, key: &str) -> Result<Option<String>, JsValue> {
    let value = option(options, key);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .as_string()
        .map(Some)
        .ok_or_else(|| invalid(format!("options.{key} must be a string")))
}

fn token_provider(function: Function) -> Rc<dyn Fn() -> TokenFuture> {
    Rc::new(move || {
        let function = function.clone();
        Box::pin(async move {
            let fail = |m: String| Error::new(ErrorCode::Auth, m);
            let answer = function
                .call0(&JsValue::NULL)
                .map_err(|_| fail("tokenProvider threw".into()))?;
            let answer = match answer.dyn_into::<Promise>() {
                Ok(promise) => JsFuture::from(promise)
                    .await
                    .map_err(|_| fail("tokenProvider's promise rejected".into()))?,
                Err(value) => value,
            };
            let token: TokenResponse =
                super::convert::from_js(&answer, "the token").map_err(|_| {
                    fail("tokenProvider must answer { access_token, expires_in }".into())
                })?;
            Ok(token)
        }) as TokenFuture
    })
}

/// A client for the Kaleidoscope API. Each client has its own caches.
#[wasm_bindgen]
pub struct KaleidoscopeClient {
    inner: Inner,
    /// The services, made once so that `client.records` is the same object each time.
    records: JsValue,
    entity_fields: JsValue,
    activities: JsValue,
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
}

#[wasm_bindgen]
impl KaleidoscopeClient {
    /// Makes a client. Nothing is sent until the first call.
    #[wasm_bindgen(constructor)]
    pub fn new(options: KaleidoscopeClientOptions) -> Result<KaleidoscopeClient, JsValue> {
        let options: JsValue = options.into();
        if !options.is_object() {
            return Err(invalid(
                "new KaleidoscopeClient(options) needs an options object",
            ));
        }
        let url = optional_string(&options, "url")?.unwrap_or_else(|| DEFAULT_URL.to_string());
        let provider = option(&options, "tokenProvider");
        let credentials = if let Some(function) = provider.dyn_ref::<Function>() {
            Credentials::Provider(token_provider(function.clone()))
        } else if !provider.is_undefined() && !provider.is_null() {
            return Err(invalid("options.tokenProvider must be a function"));
        } else {
            match (
                optional_string(&options, "clientId")?,
                optional_string(&options, "clientSecret")?,
            ) {
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
        let headers = option(&options, "additionalHeaders");
        if !headers.is_undefined() && !headers.is_null() {
            let map: std::collections::BTreeMap<String, String> = convert::from_js(
                &headers,
                "options.additionalHeaders must map header names to strings",
            )?;
            additional_headers.extend(map);
        }
        let timeout = option(&options, "timeoutMs");
        let timeout_ms = if timeout.is_undefined() || timeout.is_null() {
            defaults::TIMEOUT_MS
        } else {
            match timeout.as_f64() {
                Some(ms) if ms.is_finite() && ms > 0.0 => ms,
                _ => return Err(invalid("options.timeoutMs must be a positive number")),
            }
        };
        let number = |key: &str, default: f64, low: f64, high: f64| -> Result<f64, JsValue> {
            let value = option(&options, key);
            if value.is_undefined() || value.is_null() {
                return Ok(default);
            }
            match value.as_f64() {
                Some(n) if n.is_finite() && (low..=high).contains(&n) => Ok(n),
                _ => Err(invalid(format!(
                    "options.{key} must be a number from {low} to {high}"
                ))),
            }
        };
        let retry = RetryPolicy {
            max_retries: number("maxRetries", defaults::MAX_RETRIES.into(), 0.0, 10.0)? as u32,
            base_ms: number("retryBaseMs", defaults::RETRY_BASE_MS, 0.0, 60_000.0)?,
            max_ms: number("retryMaxMs", defaults::RETRY_MAX_MS, 0.0, 300_000.0)?,
        };
        let cache = option(&options, "cache");
        let max_records = if cache.is_undefined() || cache.is_null() {
            DEFAULT_MAX_RECORDS
        } else {
            let max = option(&cache, "maxRecords");
            match max.as_f64() {
                None if max.is_undefined() => DEFAULT_MAX_RECORDS,
                Some(n) if n.fract() == 0.0 && (1.0..=10_000_000.0).contains(&n) => n as usize,
                _ => {
                    return Err(invalid(
                        "options.cache.maxRecords must be a whole number from 1 to 10000000",
                    ))
                }
            }
        };
        let ttl_ms = if cache.is_undefined() || cache.is_null() {
            Some(crate::core::client::DEFAULT_CACHE_TTL_MS)
        } else {
            let ttl = option(&cache, "ttlMs");
            match ttl.as_f64() {
                None if ttl.is_undefined() => Some(crate::core::client::DEFAULT_CACHE_TTL_MS),
                Some(n) if n == f64::INFINITY => None,
                Some(n) if n.fract() == 0.0 && (0.0..=1e15).contains(&n) => Some(n as i64),
                _ => {
                    return Err(invalid(
                        "options.cache.ttlMs must be a whole number of milliseconds from 0, or Infinity",
                    ))
                }
            }
        };
        let concurrency = number("concurrency", DEFAULT_CONCURRENCY as f64, 1.0, 64.0)? as usize;
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
        };
        let client = Client::new(FetchTransport { timeout_ms }, config).map_err(error_to_js)?;
        let mut client = KaleidoscopeClient {
            inner: Rc::new(client),
            handles: Rc::default(),
            records: JsValue::UNDEFINED,
            entity_fields: JsValue::UNDEFINED,
            activities: JsValue::UNDEFINED,
        };
        client.records = client.records_service().into();
        client.entity_fields = client.entity_fields_service().into();
        client.activities = client.activities_service().into();
        Ok(client)
    }

    /// Records: get, search, create, upload.
    #[wasm_bindgen(getter, unchecked_return_type = "RecordsService")]
    pub fn records(&self) -> JsValue {
        self.records.clone()
    }

    /// Key fields and data fields.
    #[wasm_bindgen(getter, js_name = entityFields, unchecked_return_type = "EntityFieldsService")]
    pub fn entity_fields(&self) -> JsValue {
        self.entity_fields.clone()
    }

    /// Activities (experiments, tasks…).
    #[wasm_bindgen(getter, unchecked_return_type = "ActivitiesService")]
    pub fn activities(&self) -> JsValue {
        self.activities.clone()
    }

    /// The cache's counters: hits, misses, evictions and records held.
    #[wasm_bindgen(js_name = cacheStats, unchecked_return_type = "CacheStats")]
    pub fn cache_stats(&self) -> Result<JsValue, JsValue> {
        let s = self.inner.cache_stats();
        let out = js_sys::Object::new();
        for (k, v) in [
            ("hits", s.hits),
            ("misses", s.misses),
            ("evictions", s.evictions),
            ("records", s.records),
        ] {
            Reflect::set(&out, &k.into(), &JsValue::from_f64(v as f64))?;
        }
        Ok(out.into())
    }

    /// Downloads a file value's bytes by its `file_id`; `null` when it does not exist.
    #[wasm_bindgen(js_name = downloadFile, unchecked_return_type = "Promise<Uint8Array | null>")]
    pub fn download_file(
        &self,
        file_id: JsValue,
        #[wasm_bindgen(js_name = activityId)] activity_id: Option<
            super::convert::ActivityIdentifierArg,
        >,
        #[wasm_bindgen(js_name = options)] options: Option<super::convert::CallOptionsArg>,
    ) -> Promise {
        let activity_id: JsValue = activity_id.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        let inner = self.inner.clone();
        super::convert::cancellable(options, async move {
            let file_id = string_arg(&file_id, "fileId")?;
            let activity = match activity_arg(&activity_id, "activityId")? {
                Some(a) => Some(inner.resolve_activity(&a).await.map_err(error_to_js)?),
                None => None,
            };
            match inner
                .download_file(&file_id, activity.as_deref())
                .await
                .map_err(error_to_js)?
            {
                Some(bytes) => Ok(js_sys::Uint8Array::from(bytes.as_slice()).into()),
                None => Ok(JsValue::NULL),
            }
        })
    }
}

/// `client.records`.
#[wasm_bindgen]
pub struct RecordsService {
    inner: Inner,
    handles: Rc<Handles>,
}

#[wasm_bindgen]
impl RecordsService {
    /// A record by uuid or key values; `null` when none exists. Cached: a second call sends nothing.
    #[wasm_bindgen(js_name = getRecordById, unchecked_return_type = "Promise<Record | null>")]
    pub fn get_record_by_id(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RecordIdentifier")] id: JsValue,
        #[wasm_bindgen(js_name = options)] options: Option<super::convert::CallOptionsArg>,
    ) -> Promise {
        // A cached record by uuid answers at once, without scheduling a task.
        if let (Some(uuid), None) = (id.as_string(), options.as_ref()) {
            if let Some(record) = self.inner.cached_record_counted(&uuid) {
                return Promise::resolve(&self.handles.handle(&self.inner, record));
            }
        }
        let inner = self.inner.clone();
        let handles = self.handles.clone();
        super::convert::cancellable(options, async move {
            let id = record_arg(&id, "id")?;
            match inner.get_record(&id).await.map_err(error_to_js)? {
                Some(record) => Ok(handles.handle(&inner, record)),
                None => Ok(JsValue::NULL),
            }
        })
    }

    /// Records in the order asked (duplicates kept, unknown ids left out), fetched in batches.
    #[wasm_bindgen(js_name = getRecordsByIds, unchecked_return_type = "Promise<Record[]>")]
    pub fn get_records_by_ids(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RecordIdentifier[]")] ids: JsValue,
        #[wasm_bindgen(js_name = batchSize)] batch_size: Option<super::convert::NumberArg>,
        #[wasm_bindgen(js_name = options)] options: Option<super::convert::BatchOptionsArg>,
    ) -> Promise {
        let batch_size: JsValue = batch_size.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        let inner = self.inner.clone();
        let handles = self.handles.clone();
        let options: JsValue = options.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        let on_progress = if options.is_object() {
            option(&options, "onProgress")
        } else {
            JsValue::UNDEFINED
        };
        let on_progress = match on_progress.dyn_into::<Function>() {
            Ok(f) => Some(f),
            Err(v) if v.is_undefined() || v.is_null() => None,
            Err(_) => return Promise::reject(&invalid("options.onProgress must be a function")),
        };
        super::convert::cancellable(Some(options.unchecked_into()), async move {
            let array = ids.dyn_into::<js_sys::Array>().map_err(|v| {
                invalid(format!(
                    "ids must be an array, got {}",
                    convert::type_name(&v)
                ))
            })?;
            let mut refs: Vec<RecordRef> = Vec::with_capacity(array.length() as usize);
            for (i, item) in array.iter().enumerate() {
                refs.push(record_arg(&item, &format!("ids[{i}]"))?);
            }
            let batch = if batch_size.is_undefined() || batch_size.is_null() {
                DEFAULT_BATCH_SIZE
            } else {
                match batch_size.as_f64() {
                    Some(n) if n.fract() == 0.0 && (1.0..=10_000.0).contains(&n) => n as usize,
                    _ => return Err(invalid("batchSize must be a whole number from 1 to 10000")),
                }
            };
            let progress = |done: usize, total: usize| {
                if let Some(f) = &on_progress {
                    // A throwing callback must not break the load.
                    let _ = f.call2(
                        &JsValue::NULL,
                        &(done as f64).into(),
                        &(total as f64).into(),
                    );
                }
            };
            let records = inner
                .get_records_by_ids(&refs, batch, &progress)
                .await
                .map_err(error_to_js)?;
            Ok(records
                .into_iter()
                .map(|r| handles.handle(&inner, r))
                .collect::<js_sys::Array>()
                .into())
        })
    }

    /// The record with these key values, created when none exists.
    #[wasm_bindgen(js_name = getOrCreateRecord, unchecked_return_type = "Promise<Record>")]
    pub fn get_or_create_record(
        &self,
        #[wasm_bindgen(js_name = keyValues, unchecked_param_type = "KeyValues")]
        key_values: JsValue,
        #[wasm_bindgen(js_name = options)] options: Option<super::convert::CallOptionsArg>,
    ) -> Promise {
        let inner = self.inner.clone();
        let handles = self.handles.clone();
        super::convert::cancellable(options, async move {
            let pairs = convert::key_values_arg(&key_values, "keyValues")?;
            let record = inner
                .get_or_create_record(&pairs)
                .await
                .map_err(error_to_js)?;
            Ok(handles.handle(&inner, record))
        })
    }

    /// Record ids matching a search, as the server orders them.
    #[wasm_bindgen(js_name = searchRecords, unchecked_return_type = "Promise<string[]>")]
    pub fn search_records(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SearchRecordsQuery")] query: JsValue,
        #[wasm_bindgen(js_name = options)] options: Option<super::convert::CallOptionsArg>,
    ) -> Promise {
        let inner = self.inner.clone();
        super::convert::cancellable(options, async move {
            let query = search_query(query)?;
            let ids = inner.search_records(&query).await.map_err(error_to_js)?;
            to_js(&ids)
        })
    }

    /// The same search evaluated here, over the records already cached, with the sandbox's engine.
    #[wasm_bindgen(js_name = queryCached, unchecked_return_type = "string[]")]
    pub fn query_cached(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SearchRecordsQuery")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        let query = search_query(query)?;
        if query.operation_id.is_some() {
            return Err(invalid(
                "queryCached cannot evaluate operation_id: search the server for activity scopes",
            ));
        }
        let ids = self.inner.query_cached(&query, None).map_err(error_to_js)?;
        to_js(&ids)
    }

    /// Uploads a file as a record's field value and answers the new value.
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
        #[wasm_bindgen(js_name = activityId)] activity_id: Option<
            super::convert::ActivityIdentifierArg,
        >,
        #[wasm_bindgen(js_name = options)] options: Option<super::convert::CallOptionsArg>,
    ) -> Promise {
        let activity_id: JsValue = activity_id.map(Into::into).unwrap_or(JsValue::UNDEFINED);
        let inner = self.inner.clone();
        super::convert::cancellable(options, async move {
            let record = record_arg(&record_id, "recordId")?;
            let field = field_arg(&field_id, "fieldId")?;
            let name = string_arg(&file_name, "fileName")?;
            let mime = file_type
                .as_string()
                .ok_or_else(|| invalid("fileType must be a MIME type string"))?;
            let activity = activity_arg(&activity_id, "activityId")?;
            let bytes = convert::file_bytes(&file_data).await?;
            let id = inner
                .resolve_record_id(&record)
                .await
                .map_err(error_to_js)?
                .ok_or_else(|| {
                    error_to_js(Error::new(
                        ErrorCode::NotFound,
                        "no record has those key values",
                    ))
                })?;
            let value = inner
                .add_file_value(&id, &field, &name, bytes, &mime, activity.as_deref())
                .await
                .map_err(error_to_js)?;
            to_js(&value)
        })
    }

    /// Empties the record caches and the record-activities cache.
    #[wasm_bindgen(js_name = clearRecordCaches)]
    pub fn clear_record_caches(&self) {
        self.inner.clear_record_caches();
    }
}

fn search_query(query: JsValue) -> Result<SearchRecordsQuery, JsValue> {
    if query.is_undefined() || query.is_null() {
        return Ok(SearchRecordsQuery::default());
    }
    if !query.is_object() || js_sys::Array::is_array(&query) {
        return Err(invalid("query must be a SearchRecordsQuery object"));
    }
    // JSON would turn NaN and Infinity into null: check the limit first.
    let limit = option(&query, "limit");
    let absent = limit.is_undefined() || limit.is_null();
    let whole = limit
        .as_f64()
        .is_some_and(|n| n.fract() == 0.0 && (1.0..=1_000_000.0).contains(&n));
    if !absent && !whole {
        return Err(invalid(
            "query.limit must be a whole number from 1 to 1000000",
        ));
    }
    convert::from_js(&query, "query")
}

/// `client.entityFields`.
#[wasm_bindgen]
pub struct EntityFieldsService {
    inner: Inner,
}

#[wasm_bindgen]
impl EntityFieldsService {
    /// Every key field (cached).
    #[wasm_bindgen(js_name = getKeyFields, unchecked_return_type = "Promise<EntityField[]>")]
    pub fn get_key_fields(
        &self,
        #[wasm_bindgen(js_name = options)] options: Option<super::convert::CallOptionsArg>,
    ) -> Promise {
        let inner = self.inner.clone();
        super::convert::cancellable(options, async move {
            to_js(&*inner.key_fields().await.map_err(error_to_js)?)
        })
    }

    /// Every data field (cached).
    #[wasm_bindgen(js_name = getDataFields, unchecked_return_type = "Promise<EntityField[]>")]
    pub fn get_data_fields(
        &self,
        #[wasm_bindgen(js_name = options)] options: Option<super::convert::CallOptionsArg>,
    ) -> Promise {
        let inner = self.inner.clone();
        super::convert::cancellable(options, async move {
            to_js(&*inner.data_fields().await.map_err(error_to_js)?)
        })
    }

    /// The key field of that name, created when there is none.
    #[wasm_bindgen(js_name = getOrCreateKeyField, unchecked_return_type = "Promise<EntityField>")]
    pub fn get_or_create_key_field(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(js_name = options)] options: Option<super::convert::CallOptionsArg>,
    ) -> Promise {
        let inner = self.inner.clone();
        super::convert::cancellable(options, async move {
            let name = string_arg(&name, "name")?;
            to_js(
                &inner
                    .get_or_create_key_field(&name)
                    .await
                    .map_err(error_to_js)?,
            )
        })
    }

    /// The data field of that name, created with `fieldType` when there is none.
    #[wasm_bindgen(js_name = getOrCreateDataField, unchecked_return_type = "Promise<EntityField>")]
    pub fn get_or_create_data_field(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(js_name = fieldType, unchecked_param_type = "string")] field_type: JsValue,
        #[wasm_bindgen(js_name = options)] options: Option<super::convert::CallOptionsArg>,
    ) -> Promise {
        let inner = self.inner.clone();
        super::convert::cancellable(options, async move {
            let name = string_arg(&name, "name")?;
            let field_type = string_arg(&field_type, "fieldType")?;
            to_js(
                &inner
                    .get_or_create_data_field(&name, &field_type)
                    .await
                    .map_err(error_to_js)?,
            )
        })
    }
}

/// `client.activities`.
#[wasm_bindgen]
pub struct ActivitiesService {
    inner: Inner,
}

#[wasm_bindgen]
impl ActivitiesService {
    /// Every activity (cached).
    #[wasm_bindgen(js_name = getActivities, unchecked_return_type = "Promise<Activity[]>")]
    pub fn get_activities(
        &self,
        #[wasm_bindgen(js_name = options)] options: Option<super::convert::CallOptionsArg>,
    ) -> Promise {
        let inner = self.inner.clone();
        super::convert::cancellable(options, async move {
            to_js(&*inner.activities().await.map_err(error_to_js)?)
        })
    }

    /// The activity with that uuid or title, or `null`.
    #[wasm_bindgen(js_name = getActivityById, unchecked_return_type = "Promise<Activity | null>")]
    pub fn get_activity_by_id(
        &self,
        #[wasm_bindgen(js_name = idOrTitle, unchecked_param_type = "ActivityIdentifier")]
        id: JsValue,
        #[wasm_bindgen(js_name = options)] options: Option<super::convert::CallOptionsArg>,
    ) -> Promise {
        let inner = self.inner.clone();
        super::convert::cancellable(options, async move {
            let id =
                activity_arg(&id, "idOrTitle")?.ok_or_else(|| invalid("idOrTitle is required"))?;
            match inner.activity_by_id(&id).await.map_err(error_to_js)? {
                Some(a) => to_js(&a),
                None => Ok(JsValue::NULL),
            }
        })
    }

    /// The activities that contain a record (reused for 10 seconds).
    #[wasm_bindgen(js_name = getActivitiesWithRecord, unchecked_return_type = "Promise<Activity[]>")]
    pub fn get_activities_with_record(
        &self,
        #[wasm_bindgen(js_name = recordId, unchecked_param_type = "RecordIdentifier")]
        record_id: JsValue,
        #[wasm_bindgen(js_name = options)] options: Option<super::convert::CallOptionsArg>,
    ) -> Promise {
        let inner = self.inner.clone();
        super::convert::cancellable(options, async move {
            let record = record_arg(&record_id, "recordId")?;
            match inner
                .resolve_record_id(&record)
                .await
                .map_err(error_to_js)?
            {
                Some(id) => to_js(
                    &*inner
                        .activities_with_record(&id)
                        .await
                        .map_err(error_to_js)?,
                ),
                None => Ok(js_sys::Array::new().into()),
            }
        })
    }

    /// Creates an activity and answers it.
    #[wasm_bindgen(js_name = createActivity, unchecked_return_type = "Promise<Activity>")]
    pub fn create_activity(
        &self,
        #[wasm_bindgen(unchecked_param_type = "NewActivity")] activity: JsValue,
        #[wasm_bindgen(js_name = options)] options: Option<super::convert::CallOptionsArg>,
    ) -> Promise {
        let inner = self.inner.clone();
        super::convert::cancellable(options, async move {
            let payload = json_from_js(&activity, "activity")?;
            if !payload.is_object() {
                return Err(invalid(
                    "createActivity needs an object { title, activity_type, … }",
                ));
            }
            to_js(&inner.create_activity(&payload).await.map_err(error_to_js)?)
        })
    }
}
