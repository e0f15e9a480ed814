//! The API's routes: the contract in `shared/CONTRACT.md`, served from the store.

use crate::error::{ApiError, ApiResult};
use crate::multipart;
use crate::store::{
    now_ms, random_hex, FileTarget, NewValue, Program, RecordSet, Stamp, Store, Upload,
    ACTIVITY_TYPES, FIELD_TYPES, MAX_EXACT_INTEGER,
};
use crate::AppState;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use kalbio::core::model::{Activity, EntityField, Record};
use kalbio::core::query::SearchRecordsQuery;
use kalbio::core::search::{CompiledSearch, Scopes, SearchError, SearchIndex};
use kalbio::core::time::{format_iso, parse_iso};
use serde_json::{json, Map, Value};
use std::collections::HashSet;
use std::sync::{Arc, MutexGuard};

mod activity_edits;
pub use activity_edits::{record_views, remove_operation_records, update_activity};

/// The most ids one `GET /records?record_ids=` may ask for.
const MAX_IDS: usize = 10_000;
/// The longest field name or activity title.
const MAX_NAME: usize = 500;
/// The most filters one search may carry (entity and view field filters together).
const MAX_FILTERS: usize = 50;
/// The longest `filter_prop` (as JSON text) or `search_text`, in bytes.
const MAX_PROP_BYTES: usize = 16 * 1024;
/// Field types that take uploads.
const FILE_FIELD_TYPES: &[&str] = &["file", "image"];

fn store(state: &AppState) -> MutexGuard<'_, Store> {
    state
        .store
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn query_pairs(raw: &Option<String>) -> Vec<(String, String)> {
    raw.as_deref()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}

/// A query parameter that must be given; `shape` shows what its value looks like.
fn required_param(raw: &Option<String>, name: &str, shape: &str) -> ApiResult<String> {
    query_pairs(raw)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
        .ok_or_else(|| {
            ApiError::bad_request("missing_parameter", format!("{name}={shape} is required"))
        })
}

fn parse_json(body: &Bytes) -> ApiResult<Value> {
    if body.is_empty() {
        return Err(ApiError::bad_request(
            "invalid_json",
            "the body is empty; send a JSON object",
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request("invalid_json", format!("the body is not valid JSON: {e}"))
    })
}

/// A request body that must be a JSON object.
fn json_object(body: &Bytes) -> ApiResult<Map<String, Value>> {
    match parse_json(body)? {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::bad_request(
            "invalid_body",
            "the body must be a JSON object",
        )),
    }
}

fn object(value: &Value) -> ApiResult<&Map<String, Value>> {
    value
        .as_object()
        .ok_or_else(|| ApiError::bad_request("invalid_body", "the body must be a JSON object"))
}

fn string_member<'a>(body: &'a Map<String, Value>, name: &str) -> ApiResult<&'a str> {
    match body.get(name) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s),
        Some(Value::String(_)) | None | Some(Value::Null) => Err(ApiError::bad_request(
            "missing_member",
            format!("{name} is required"),
        )),
        Some(_) => Err(ApiError::bad_request(
            "wrong_type",
            format!("{name} must be a string"),
        )),
    }
}

fn optional_string_member<'a>(
    body: &'a Map<String, Value>,
    name: &str,
) -> ApiResult<Option<&'a str>> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::bad_request(
            "wrong_type",
            format!("{name} must be a string or null"),
        )),
    }
}

/// A 400 `unknown_activity` unless an activity has this id.
fn known_activity(store: &Store, id: &str) -> ApiResult<()> {
    match store.activity(id) {
        Some(_) => Ok(()),
        None => Err(ApiError::bad_request(
            "unknown_activity",
            format!("no activity has id {id:?}"),
        )),
    }
}

fn check_name(name: &str, what: &str) -> ApiResult<()> {
    if name.chars().count() > MAX_NAME {
        return Err(ApiError::bad_request(
            "too_long",
            format!("{what} is longer than {MAX_NAME} characters"),
        ));
    }
    Ok(())
}

/// A 409 `duplicate_name` when the name is taken already (`what` says by what).
fn unique_name(taken: bool, what: &str) -> ApiResult<()> {
    if taken {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "duplicate_name",
            format!("{what} exists already"),
        ));
    }
    Ok(())
}

/// The `record_view_id` of a value write: a non-empty string or null, and only
/// with an activity (a record view is a view on an activity).
fn record_view_member(
    body: &Map<String, Value>,
    operation_id: Option<&str>,
) -> ApiResult<Option<String>> {
    let view = optional_string_member(body, "record_view_id")?;
    if view.is_some_and(|v| v.trim().is_empty()) {
        return Err(ApiError::bad_request(
            "wrong_type",
            "record_view_id must be a non-empty string or null",
        ));
    }
    if view.is_some() && operation_id.is_none() {
        return Err(ApiError::bad_request(
            "record_view_without_activity",
            "record_view_id names a view on an activity: give operation_id too",
        ));
    }
    Ok(view.map(String::from))
}

// ----- auth -----

/// Checks `X-Kal-Authorization: Bearer <token>` on every route but the token endpoint.
pub async fn require_auth(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if path == "/auth/oauth/token" || path.starts_with("/_sandbox") {
        return next.run(request).await;
    }
    let header = request
        .headers()
        .get("x-kal-authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Some(token) = header
        .trim()
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|t| !t.is_empty())
    else {
        return ApiError::unauthorized("X-Kal-Authorization: Bearer <token> is required")
            .into_response();
    };
    let valid = store(&state).token_valid(token, "access");
    match valid {
        Ok(true) => next.run(request).await,
        Ok(false) => {
            ApiError::unauthorized("the access token is unknown or has expired").into_response()
        }
        Err(e) => e.into_response(),
    }
}

pub async fn token(State(state): State<Arc<AppState>>, body: Bytes) -> ApiResult<Json<Value>> {
    let form: std::collections::HashMap<String, String> =
        form_urlencoded::parse(&body).into_owned().collect();
    let grant = form
        .get("grant_type")
        .map(String::as_str)
        .unwrap_or_default();
    let mut store = store(&state);
    let family = match grant {
        "client_credentials" => {
            let id = form
                .get("client_id")
                .map(String::as_str)
                .unwrap_or_default();
            let secret = form
                .get("client_secret")
                .map(String::as_str)
                .unwrap_or_default();
            // Both compared, each in time that depends only on what was sent.
            let same = same_secret(id.as_bytes(), state.config.client_id.as_bytes())
                & same_secret(secret.as_bytes(), state.config.client_secret.as_bytes());
            if !bool::from(same) {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "unknown client id or wrong secret",
                ));
            }
            random_hex(16)
        }
        "refresh_token" => {
            let refresh = form
                .get("refresh_token")
                .map(String::as_str)
                .unwrap_or_default();
            let family = match refresh.is_empty() {
                true => None,
                false => store.rotate_refresh_token(refresh)?,
            };
            family.ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "invalid_grant",
                    "the refresh token is unknown, expired or already used",
                )
            })?
        }
        _ => {
            return Err(ApiError::bad_request(
                "unsupported_grant_type",
                "grant_type must be client_credentials or refresh_token (form-encoded)",
            ))
        }
    };
    let ttl_ms = state.config.token_ttl_s.saturating_mul(1000) as i64;
    let access = random_hex(32);
    let refresh = random_hex(32);
    store.save_token(&access, "access", now_ms() + ttl_ms, &family)?;
    store.save_token(
        &refresh,
        "refresh",
        now_ms() + ttl_ms.saturating_mul(24),
        &family,
    )?;
    Ok(Json(
        json!({ "access_token": access, "refresh_token": refresh, "expires_in": state.config.token_ttl_s }),
    ))
}

/// Whether `given` equals `expected`, in time that depends on `given`'s length
/// only: no early return on a length or a byte that differs.
fn same_secret(given: &[u8], expected: &[u8]) -> subtle::Choice {
    use subtle::ConstantTimeEq;
    let mut same = (given.len() as u64).ct_eq(&(expected.len() as u64));
    for (i, g) in given.iter().enumerate() {
        let e = expected.get(i).copied().unwrap_or(!*g);
        same &= g.ct_eq(&e);
    }
    same
}

// ----- fields, slices, activities -----

pub async fn key_fields(State(state): State<Arc<AppState>>) -> Json<Vec<EntityField>> {
    Json(
        store(&state)
            .fields
            .iter()
            .filter(|f| f.key())
            .cloned()
            .collect(),
    )
}

pub async fn data_fields(State(state): State<Arc<AppState>>) -> Json<Vec<EntityField>> {
    Json(
        store(&state)
            .fields
            .iter()
            .filter(|f| !f.key())
            .cloned()
            .collect(),
    )
}

/// Creates the field a request body names (`field_name`), unless the name is taken.
fn new_field(
    state: &AppState,
    body: &Map<String, Value>,
    is_key: bool,
    field_type: &str,
) -> ApiResult<Json<EntityField>> {
    let name = string_member(body, "field_name")?;
    check_name(name, "field_name")?;
    let mut store = store(state);
    unique_name(
        store.fields.iter().any(|f| f.named(name)),
        &format!("a field named {name:?}"),
    )?;
    let field = store.entity_field(name, is_key, field_type, format_iso(now_ms()));
    Ok(Json(store.create_field(field)?))
}

pub async fn create_key_field(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> ApiResult<Json<EntityField>> {
    new_field(&state, &json_object(&body)?, true, "text")
}

pub async fn create_data_field(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> ApiResult<Json<EntityField>> {
    let body = &json_object(&body)?;
    let field_type = string_member(body, "field_type")?;
    if !FIELD_TYPES.contains(&field_type) {
        return Err(ApiError::bad_request(
            "unknown_field_type",
            format!(
                "field_type {field_type:?} is not one of {}",
                FIELD_TYPES.join(", ")
            ),
        ));
    }
    new_field(&state, body, false, field_type)
}

pub async fn entity_slices(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(json!(store(&state).slices))
}

pub async fn activities(State(state): State<Arc<AppState>>) -> Json<Vec<Activity>> {
    Json(store(&state).activities.clone())
}

pub async fn create_activity(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> ApiResult<Json<Vec<Activity>>> {
    let body = &json_object(&body)?;
    let title = string_member(body, "title")?;
    check_name(title, "title")?;
    let kind = string_member(body, "activity_type")?;
    if !ACTIVITY_TYPES.contains(&kind) {
        return Err(ApiError::bad_request(
            "unknown_activity_type",
            format!("activity_type must be one of {}", ACTIVITY_TYPES.join(", ")),
        ));
    }
    let string_list = |name: &str| -> ApiResult<Vec<String>> {
        match body.get(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(v) => serde_json::from_value(v.clone()).map_err(|_| {
                ApiError::bad_request("wrong_type", format!("{name} must be a list of strings"))
            }),
        }
    };
    let start_date = optional_string_member(body, "start_date")?;
    if let Some(d) = start_date {
        if parse_iso(d).is_none() {
            return Err(ApiError::bad_request(
                "wrong_type",
                "start_date must be an ISO-8601 date",
            ));
        }
    }
    let duration = match body.get("duration") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .filter(|d| (0..=100_000).contains(d))
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "wrong_type",
                        "duration must be a whole number of days from 0 to 100000",
                    )
                })?,
        ),
    };
    let mut store = store(&state);
    // Clients look activities up by title: a second one would make that ambiguous.
    unique_name(
        store.activities.iter().any(|a| a.titled(title)),
        &format!("an activity titled {title:?}"),
    )?;
    let program_ids = string_list("program_ids")?;
    if let Some(unknown) = program_ids
        .iter()
        .find(|p| !store.programs.iter().any(|known| known.id == **p))
    {
        return Err(ApiError::bad_request(
            "unknown_program",
            format!("no program has id {unknown:?}"),
        ));
    }
    let activity = Activity {
        id: store.new_id(),
        created_at: Some(format_iso(now_ms())),
        parent_id: None,
        child_ids: Vec::new(),
        definition_id: optional_string_member(body, "definition_id")?.map(String::from),
        program_ids,
        activity_type: Some(kind.to_string()),
        title: Some(title.to_string()),
        description: body.get("description").cloned().unwrap_or(Value::Null),
        status: Some("to do".to_string()),
        assigned_user_ids: string_list("assigned_user_ids")?,
        assigned_group_ids: Vec::new(),
        subscriber_ids: string_list("subscriber_ids")?,
        due_date: None,
        start_date: start_date.map(String::from),
        duration,
        completed_at_date: None,
        dependencies: Vec::new(),
        label_ids: Vec::new(),
        is_draft: Some(false),
        properties: Vec::new(),
        external_id: None,
        all_record_ids: Vec::new(),
        data_table_record_mapping: Default::default(),
        data_table_draft_record_ids: Vec::new(),
        registration_staging_record_view_id: None,
    };
    Ok(Json(vec![store.create_activity(activity)?]))
}

// ----- records -----

fn record_or_404<'a>(store: &'a Store, id: &str) -> ApiResult<&'a Record> {
    store
        .records
        .get(id)
        .ok_or_else(|| ApiError::not_found(format!("no record has id {id:?}")))
}

pub async fn get_record(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Json<Record>> {
    Ok(Json(record_or_404(&store(&state), &id)?.clone()))
}

pub async fn get_records(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Vec<Record>>> {
    let ids = required_param(&raw, "record_ids", "<id>,<id>,…")?;
    let ids: Vec<&str> = ids
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if ids.len() > MAX_IDS {
        return Err(ApiError::bad_request(
            "too_many_ids",
            format!("at most {MAX_IDS} ids per request"),
        ));
    }
    let store = store(&state);
    let mut seen = HashSet::new();
    Ok(Json(
        ids.into_iter()
            .filter(|id| seen.insert(*id))
            .filter_map(|id| store.records.get(id).cloned())
            .collect(),
    ))
}

/// Checks `{ key_field_id: value }` and answers the pairs in the order given.
fn key_pairs(store: &Store, value: &Value) -> ApiResult<Vec<(String, Value)>> {
    let map = value.as_object().filter(|m| !m.is_empty()).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_key_values",
            "key values must be a non-empty object { key_field_id: value }",
        )
    })?;
    let mut pairs = Vec::new();
    for (field_id, content) in map {
        match store.field(field_id) {
            Some(f) if f.key() => {}
            Some(_) => {
                return Err(ApiError::bad_request(
                    "not_a_key_field",
                    format!("{field_id:?} is a data field, not a key field"),
                ))
            }
            None => {
                return Err(ApiError::bad_request(
                    "unknown_field",
                    format!("no key field has id {field_id:?}"),
                ))
            }
        }
        let ok = match content {
            Value::String(s) => !s.trim().is_empty() && s.chars().count() <= MAX_NAME,
            Value::Number(n) => {
                let exact = match (n.as_i64(), n.as_u64(), n.as_f64()) {
                    (Some(i), _, _) => i.unsigned_abs() <= MAX_EXACT_INTEGER as u64,
                    (None, Some(u), _) => u <= MAX_EXACT_INTEGER as u64,
                    (None, None, f) => f.is_some_and(|f| f.abs() <= MAX_EXACT_INTEGER),
                };
                if !exact {
                    return Err(ApiError::bad_request(
                        "number_too_large",
                        format!(
                            "the key value of {field_id:?} is beyond ±2^53 and would not be kept exactly; send it as a string"
                        ),
                    ));
                }
                true
            }
            _ => false,
        };
        if !ok {
            return Err(ApiError::bad_request(
                "wrong_type",
                format!("the key value of {field_id:?} must be a non-empty string or a number"),
            ));
        }
        pairs.push((field_id.clone(), content.clone()));
    }
    Ok(pairs)
}

pub async fn get_or_create_record(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> ApiResult<Json<Record>> {
    let body = &json_object(&body)?;
    let mut store = store(&state);
    let pairs = key_pairs(
        &store,
        body.get("key_field_to_value").unwrap_or(&Value::Null),
    )?;
    let parent = optional_string_member(body, "parent_record_id")?;
    if let Some(p) = parent {
        record_or_404(&store, p).map_err(|_| {
            ApiError::bad_request("unknown_record", format!("no record has id {p:?}"))
        })?;
    }
    let operation = optional_string_member(body, "operation_id")?;
    if let Some(op) = operation {
        known_activity(&store, op)?;
    }
    // Found before created, under the store's lock: parallel creations make one record.
    if let Some(found) = store.find_by_key_values(&pairs, parent) {
        return Ok(Json(found.clone()));
    }
    Ok(Json(store.create_record(&pairs, parent, operation, None)?))
}

pub async fn records_by_identifiers(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Vec<Value>>> {
    let text = required_param(&raw, "records_key_field_to_value", "<JSON list>")?;
    let list: Value = serde_json::from_str(&text).map_err(|e| {
        ApiError::bad_request(
            "invalid_json",
            format!("records_key_field_to_value is not valid JSON: {e}"),
        )
    })?;
    let list = list.as_array().ok_or_else(|| {
        ApiError::bad_request(
            "wrong_type",
            "records_key_field_to_value must be a JSON list of objects",
        )
    })?;
    let store = store(&state);
    let mut out = Vec::new();
    for item in list {
        let pairs = key_pairs(&store, item)?;
        if let Some(record) = store.find_by_key_values(&pairs, None) {
            out.push(json!({ "record": record }));
        }
    }
    Ok(Json(out))
}

pub async fn search(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Vec<String>>> {
    let pairs = query_pairs(&raw);
    let query =
        SearchRecordsQuery::from_params(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| ApiError::bad_request("invalid_query", e.to_string()))?;
    check_search_size(&query)?;
    let (search, scopes) = CompiledSearch::with_scopes(&query, now_ms()).map_err(|e| match e {
        SearchError::Unsupported(_) => ApiError::bad_request("unsupported", e.to_string()),
        SearchError::Invalid(_) => ApiError::bad_request("invalid_query", e.to_string()),
        _ => ApiError::bad_request("invalid_filter", e.to_string()),
    })?;
    let (index, members) = search_snapshot(&store(&state), &query, &scopes)?;
    // Run on the snapshot, off the store's lock and off the threads that serve
    // requests: a long search holds up neither writers nor other readers.
    let found = tokio::task::spawn_blocking(move || search.run(&*index, members.as_deref())).await;
    found
        .map(Json)
        .map_err(|_| ApiError::internal("the search stopped unexpectedly"))
}

/// The records a search's scopes allow, when it names any.
type Members = Option<Arc<HashSet<String>>>;

/// Checks the fields, slice, activity, record sets and program a search names,
/// and answers what it runs on: the store's search index and the records its
/// scopes allow (shared when one scope alone decides).
fn search_snapshot(
    store: &Store,
    query: &SearchRecordsQuery,
    scopes: &Scopes,
) -> ApiResult<(Arc<SearchIndex>, Members)> {
    let field_ids = query
        .entity_field_filters
        .iter()
        .flatten()
        .filter_map(|f| f.field_id.as_deref())
        .chain(
            query
                .entity_field_sorts
                .iter()
                .flatten()
                .filter_map(|s| s.field_id.as_deref()),
        )
        .chain(
            query
                .view_field_filters
                .iter()
                .flatten()
                .filter_map(|f| f.key_field_id.as_deref().or(f.view_field_id.as_deref())),
        )
        .chain(
            query
                .view_field_sorts
                .iter()
                .flatten()
                .filter_map(|s| s.key_field_id.as_deref().or(s.view_field_id.as_deref())),
        );
    for id in field_ids {
        if store.field(id).is_none() {
            return Err(ApiError::bad_request(
                "unknown_field",
                format!("no field has id {id:?}"),
            ));
        }
    }
    if let Some(slice) = &query.entity_slice_id {
        if !store.slices.iter().any(|s| s.id == *slice) {
            return Err(ApiError::bad_request(
                "unknown_entity_slice",
                format!("no entity slice has id {slice:?}"),
            ));
        }
    }
    Ok((Arc::clone(&store.index), scope_members(store, scopes)?))
}

/// The records every scope of a search allows: those of its activity, of its
/// `record_set_id`, of any of its `record_set_ids` and of its program.
fn scope_members(store: &Store, scopes: &Scopes) -> ApiResult<Members> {
    let record_set = |id: &str| {
        store.record_set_members(id).ok_or_else(|| {
            ApiError::bad_request("unknown_record_set", format!("no record set has id {id:?}"))
        })
    };
    let mut sets: Vec<Arc<HashSet<String>>> = Vec::new();
    if let Some(op) = &scopes.operation_id {
        known_activity(store, op)?;
        sets.push(store.members.get(op).cloned().unwrap_or_default());
    }
    if let Some(id) = &scopes.record_set_id {
        sets.push(record_set(id)?);
    }
    if let Some(ids) = &scopes.record_set_ids {
        let mut any = HashSet::new();
        for id in ids {
            any.extend(record_set(id)?.iter().cloned());
        }
        sets.push(Arc::new(any));
    }
    if let Some(id) = &scopes.program_id {
        let members = store.program_members(id).ok_or_else(|| {
            ApiError::bad_request("unknown_program", format!("no program has id {id:?}"))
        })?;
        sets.push(Arc::new(members));
    }
    // The smallest set first: the intersection is at most its size.
    sets.sort_by_key(|s| s.len());
    let mut sets = sets.into_iter();
    let Some(first) = sets.next() else {
        return Ok(None);
    };
    let rest: Vec<_> = sets.collect();
    if rest.is_empty() {
        return Ok(Some(first));
    }
    let both = first
        .iter()
        .filter(|id| rest.iter().all(|s| s.contains(*id)))
        .cloned()
        .collect();
    Ok(Some(Arc::new(both)))
}

/// `GET /programs`: every program (what kalbio 0.5.0's `programs.get_programs` reads).
pub async fn programs(State(state): State<Arc<AppState>>) -> Json<Vec<Program>> {
    Json(store(&state).programs.clone())
}

/// `GET /record_sets`: every record set with its records (the sandbox's own endpoint).
pub async fn record_sets(State(state): State<Arc<AppState>>) -> Json<Vec<RecordSet>> {
    Json(store(&state).record_sets.clone())
}

/// Refuses searches too big to be a real query: too many filters, or a prop or
/// text too long.
fn check_search_size(query: &SearchRecordsQuery) -> ApiResult<()> {
    let entity = query.entity_field_filters.iter().flatten();
    let view = query.view_field_filters.iter().flatten();
    let count = entity.clone().count() + view.clone().count();
    if count > MAX_FILTERS {
        return Err(ApiError::bad_request(
            "too_many_filters",
            format!("a search takes at most {MAX_FILTERS} filters; this one has {count}"),
        ));
    }
    let props = entity
        .map(|f| &f.filter_prop)
        .chain(view.map(|f| &f.filter_prop))
        .map(|p| serde_json::to_string(p).map_or(usize::MAX, |t| t.len()));
    let text = query.search_text.as_ref().map(String::len);
    if props.chain(text).any(|len| len > MAX_PROP_BYTES) {
        return Err(ApiError::bad_request(
            "too_long",
            format!("a filter_prop or search_text is longer than {MAX_PROP_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// Whether `content` suits a field of `field_type`.
fn check_content(field_type: &str, content: &Value) -> Result<(), String> {
    let ok = match field_type {
        _ if content.is_null() => return Err("content must not be null".into()),
        "number" => content.as_f64().is_some_and(f64::is_finite),
        "qualified-number" => {
            content.is_number() || content.get("value").is_some_and(Value::is_number)
        }
        "date" => content.as_str().and_then(parse_iso).is_some(),
        "boolean" => content.is_boolean(),
        "multiselect" | "people" => content
            .as_array()
            .is_some_and(|a| a.iter().all(Value::is_string)),
        "file" => return Err("file fields take uploads: POST /records/{id}/values/file".into()),
        "text" | "select" | "status" | "smiles-string" | "URL" | "email" | "phone" | "formula"
        | "molfile" | "dna-oligo" | "rna-oligo" | "peptide" | "plasmid" | "rxn"
        | "record-reference" => content.is_string(),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("this {field_type} field does not take {content}")
            .chars()
            .take(300)
            .collect())
    }
}

/// Checks a value write's field and activity; answers the field's id and the activity's.
fn check_write_target(
    store: &Store,
    record_id: &str,
    field_id: &str,
    operation_id: Option<&str>,
) -> ApiResult<()> {
    record_or_404(store, record_id)?;
    match store.field(field_id) {
        Some(f) if f.key() => {
            return Err(ApiError::bad_request(
                "key_field_value",
                "key values are set when the record is created; they cannot be written as values",
            ))
        }
        Some(_) => {}
        None => {
            return Err(ApiError::bad_request(
                "unknown_field",
                format!("no data field has id {field_id:?}"),
            ))
        }
    }
    if let Some(op) = operation_id {
        known_activity(store, op)?;
    }
    Ok(())
}

pub async fn add_value(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let body = &json_object(&body)?;
    let field_id = string_member(body, "field_id")?;
    let operation_id = optional_string_member(body, "operation_id")?;
    let record_view_id = record_view_member(body, operation_id)?;
    let mut store = store(&state);
    check_write_target(&store, &id, field_id, operation_id)?;
    let content = body.get("content").cloned().unwrap_or(Value::Null);
    let field_type = store
        .field(field_id)
        .and_then(|f| f.field_type.clone())
        .unwrap_or_default();
    check_content(&field_type, &content).map_err(|m| ApiError::bad_request("wrong_type", m))?;
    let value = store.add_value(
        &id,
        NewValue {
            field_id: field_id.to_string(),
            content,
            operation_id: operation_id.map(String::from),
            record_view_id,
        },
        Stamp::Now,
    )?;
    Ok(Json(json!({ "resource": value })))
}

pub async fn add_file_value(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<Json<Value>> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("uploads are limited to {} MB", state.config.max_upload_mb),
            )
        } else {
            ApiError::bad_request("invalid_body", format!("could not read the upload: {e}"))
        }
    })?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let boundary = multipart::boundary(content_type, &body).map_err(|e| match e {
        multipart::BoundaryError::Missing => ApiError::bad_request(
            "invalid_multipart",
            "send multipart/form-data with a file part and a body part",
        ),
        multipart::BoundaryError::Invalid => ApiError::bad_request(
            "invalid_boundary",
            format!(
                "the multipart boundary must be 1 to {} characters of those RFC 2046 allows",
                multipart::MAX_BOUNDARY
            ),
        ),
    })?;
    let parts = multipart::parse(&body, &boundary).ok_or_else(|| {
        ApiError::bad_request("invalid_multipart", "the multipart body is malformed")
    })?;
    let file = parts.iter().find(|p| p.name == "file").ok_or_else(|| {
        ApiError::bad_request("missing_file", "the multipart body has no file part")
    })?;
    let meta = parts.iter().find(|p| p.name == "body").ok_or_else(|| {
        ApiError::bad_request(
            "missing_member",
            "the multipart body has no body part with { field_id }",
        )
    })?;
    let meta: Value = serde_json::from_slice(&meta.data).map_err(|e| {
        ApiError::bad_request(
            "invalid_json",
            format!("the body part is not valid JSON: {e}"),
        )
    })?;
    let meta = object(&meta)?;
    let field_id = string_member(meta, "field_id")?;
    let operation_id = optional_string_member(meta, "operation_id")?;
    let record_view_id = record_view_member(meta, operation_id)?;
    let file_name = file.file_name.clone().unwrap_or_default();
    if file_name.trim().is_empty()
        || file_name.contains(['/', '\\', '\0'])
        || file_name == ".."
        || file_name.chars().count() > 255
    {
        return Err(ApiError::bad_request(
            "invalid_file_name",
            "the file name must be a plain name without path separators",
        ));
    }
    let mime = file
        .content_type
        .clone()
        .unwrap_or_else(|| "application/octet-stream".into());
    let mut store = store(&state);
    check_write_target(&store, &id, field_id, operation_id)?;
    let field_type = store.field(field_id).and_then(|f| f.field_type.as_deref());
    if !field_type.is_some_and(|t| FILE_FIELD_TYPES.contains(&t)) {
        return Err(ApiError::bad_request(
            "wrong_type",
            format!(
                "this {} field does not take files; uploads go into {} fields",
                field_type.unwrap_or("unknown"),
                FILE_FIELD_TYPES.join(" or ")
            ),
        ));
    }
    let upload = Upload {
        file_name: &file_name,
        mime_type: &mime,
        bytes: &file.data,
    };
    let target = FileTarget {
        field_id,
        operation_id: operation_id.map(String::from),
        record_view_id,
    };
    let value = store.add_file_value(&id, target, upload, None)?;
    Ok(Json(json!({ "resource": value })))
}

pub async fn record_values(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let store = store(&state);
    let record = record_or_404(&store, &id)?;
    let mut values: Vec<&kalbio::core::model::RecordValue> =
        record.record_values.values().flatten().collect();
    values.sort_by(|a, b| {
        kalbio::core::select::compare_created(a.created_at.as_deref(), b.created_at.as_deref())
    });
    Ok(Json(json!(values)))
}

pub async fn record_operations(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Activity>>> {
    let store = store(&state);
    record_or_404(&store, &id)?;
    Ok(Json(
        store
            .activities
            .iter()
            .filter(|a| store.is_member(&a.id, &id))
            .cloned()
            .collect(),
    ))
}

pub async fn operation_records(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Record>>> {
    activity_records(&store(&state), &id)
}

/// The records an activity contains, or a 404 when there is no such activity.
fn activity_records(store: &Store, id: &str) -> ApiResult<Json<Vec<Record>>> {
    let activity = store
        .activity(id)
        .ok_or_else(|| ApiError::not_found(format!("no activity has id {id:?}")))?;
    Ok(Json(
        activity
            .all_record_ids
            .iter()
            .filter_map(|r| store.records.get(&r.text()).cloned())
            .collect(),
    ))
}

pub async fn add_operation_records(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Vec<Record>>> {
    let body = &json_object(&body)?;
    let ids: Vec<String> = body
        .get("record_ids")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .ok_or_else(|| {
            ApiError::bad_request("wrong_type", "record_ids must be a list of record ids")
        })?;
    let mut store = store(&state);
    if store.activity(&id).is_none() {
        return Err(ApiError::not_found(format!("no activity has id {id:?}")));
    }
    if let Some(unknown) = ids.iter().find(|r| !store.records.contains_key(*r)) {
        return Err(ApiError::bad_request(
            "unknown_record",
            format!("no record has id {unknown:?}"),
        ));
    }
    store.add_records_to_activity(&id, &ids)?;
    activity_records(&store, &id)
}

fn file_response(store: &Store, file_id: &str) -> ApiResult<Response> {
    let (name, mime, bytes) = store
        .file(file_id)?
        .ok_or_else(|| ApiError::not_found(format!("no file has id {file_id:?}")))?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&mime)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    // An uploaded file is served as the type it was sent with, never as one a browser guesses.
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}

pub async fn download_file(
    State(state): State<Arc<AppState>>,
    Path(file_id): Path<String>,
) -> ApiResult<Response> {
    file_response(&store(&state), &file_id)
}

pub async fn download_activity_file(
    State(state): State<Arc<AppState>>,
    Path((activity_id, file_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let store = store(&state);
    if store.activity(&activity_id).is_none() {
        return Err(ApiError::not_found(format!(
            "no activity has id {activity_id:?}"
        )));
    }
    file_response(&store, &file_id)
}

/// Gives error answers that axum or tower made (body limits, bad paths) the
/// API's JSON shape, so every 4xx has `{ "code", "message" }`.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let mut response = json_error_body(next.run(request).await);
    if matches!(
        response.status(),
        StatusCode::PAYLOAD_TOO_LARGE | StatusCode::REQUEST_TIMEOUT
    ) {
        // The body was not read to its end, so the connection cannot carry another
        // request: say so, or a client reusing it finds it closed under its next request.
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

fn json_error_body(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if status.as_u16() < 400 || is_json {
        return response;
    }
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            ("too_large", "the body is larger than the sandbox accepts")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "send the body as JSON"),
        StatusCode::NOT_FOUND => ("not_found", "no such endpoint"),
        StatusCode::REQUEST_TIMEOUT => (
            "timeout",
            "the request took too long (a body shorter than its Content-Length?)",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this endpoint does not take that method",
        ),
        _ if status.is_client_error() => ("bad_request", "the request could not be read"),
        _ => return response,
    };
    let mut answer = ApiError::new(status, code, message).into_response();
    for name in [header::RETRY_AFTER] {
        if let Some(v) = response.headers().get(&name) {
            answer.headers_mut().insert(name, v.clone());
        }
    }
    answer
}

pub async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not take that method",
    )
}

#[cfg(test)]
mod tests {
    use super::same_secret;

    #[test]
    fn secrets_match_only_when_equal() {
        let same = |a: &str, b: &str| bool::from(same_secret(a.as_bytes(), b.as_bytes()));
        assert!(same("sandbox-secret", "sandbox-secret"));
        assert!(same("", ""));
        for wrong in [
            "",
            "s",
            "sandbox-secreT",
            "sandbox-secret-",
            "sandbox-secre",
            "xandbox-secret",
        ] {
            assert!(!same(wrong, "sandbox-secret"), "{wrong}");
        }
        // A byte equal to the missing one's complement: the padding never matches by accident.
        assert!(!same("ab\u{0}", "ab"));
    }
}
