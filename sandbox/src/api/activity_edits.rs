//! The routes kalbio 0.7.0 adds for activities: `PUT /activities/{id}`
//! (`Activity.update`), `POST /operations/{id}/records/remove`
//! (`Activity.remove_records`) and `GET /record_views`. Every check runs before
//! anything is written: a refused request changes nothing.

use super::{check_name, json_object, store, unique_name, MAX_NAME};
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::extract::{Path, State};
use axum::Json;
use bytes::Bytes;
use kalbio::core::model::Activity;
use kalbio::core::time::parse_iso;
use serde_json::{Map, Value};
use std::sync::Arc;

/// Members of `Activity.update`'s body the sandbox has no place for: it refuses
/// them rather than answer as if it had kept them.
const NOT_KEPT: &[&str] = &[
    "priority",
    "aggregate_scheduling",
    "add_reviewer_ids",
    "remove_reviewer_ids",
    "comment",
    "shift_dependency_mode",
    "avoid_weekends",
    "extend_in_progress_items",
];

/// The `add_*` / `remove_*` lists of `Activity.update`, and the member each edits.
const LIST_EDITS: &[(&str, &str)] = &[
    ("dependencies", "dependencies"),
    ("label_ids", "label_ids"),
    ("program_ids", "program_ids"),
    ("assigned_user_ids", "assigned_user_ids"),
    ("assigned_group_ids", "assigned_group_ids"),
    ("subscriber_ids", "subscriber_ids"),
];

fn wrong_type(message: String) -> ApiError {
    ApiError::bad_request("wrong_type", message)
}

fn activity_or_404(store: &crate::store::Store, id: &str) -> ApiResult<Activity> {
    store
        .activity(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(format!("no activity has id {id:?}")))
}

/// A member that is a list of strings.
fn string_list(body: &Map<String, Value>, name: &str) -> ApiResult<Option<Vec<String>>> {
    match body.get(name) {
        None => Ok(None),
        Some(v) => serde_json::from_value(v.clone())
            .map(Some)
            .map_err(|_| wrong_type(format!("{name} must be a list of strings"))),
    }
}

/// A member that is null (cleared) or an ISO-8601 date.
fn date_member(body: &Map<String, Value>, name: &str) -> ApiResult<Option<Option<String>>> {
    match body.get(name) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) if parse_iso(s).is_some() => Ok(Some(Some(s.clone()))),
        Some(_) => Err(wrong_type(format!(
            "{name} must be an ISO-8601 date or null"
        ))),
    }
}

/// A member that is null or a string.
fn nullable_text(body: &Map<String, Value>, name: &str) -> ApiResult<Option<Option<String>>> {
    match body.get(name) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= MAX_NAME => {
            Ok(Some(Some(s.clone())))
        }
        Some(_) => Err(wrong_type(format!(
            "{name} must be a non-empty string of at most {MAX_NAME} characters, or null"
        ))),
    }
}

/// `PUT /activities/{id}`: the body kalbio 0.7.0's `Activity.update` sends (only
/// the members given change); answers the activity.
pub async fn update_activity(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Activity>> {
    let body = &json_object(&body)?;
    // One lock from the checks to the write: what was checked is what is written over.
    let mut store_guard = store(&state);
    let mut activity = activity_or_404(&store_guard, &id)?;
    if let Some(name) = body.keys().find(|k| NOT_KEPT.contains(&k.as_str())) {
        return Err(ApiError::bad_request(
            "unsupported",
            format!("the sandbox does not keep {name}"),
        ));
    }
    let known = |k: &str| {
        matches!(
            k,
            "title"
                | "description"
                | "status"
                | "parent_id"
                | "definition_id"
                | "due_date"
                | "start_date"
                | "duration"
                | "external_id"
        ) || LIST_EDITS.iter().any(|(name, _)| {
            k.strip_prefix("add_").or_else(|| k.strip_prefix("remove_")) == Some(name)
        })
    };
    if let Some(name) = body.keys().find(|k| !known(k)) {
        return Err(ApiError::bad_request(
            "unknown_member",
            format!("an activity update has no member {name:?}"),
        ));
    }
    if let Some(title) = body.get("title") {
        let title = title
            .as_str()
            .ok_or_else(|| wrong_type("title must be a string".into()))?;
        check_name(title, "title")?;
        unique_name(
            store_guard
                .activities
                .iter()
                .any(|a| a.titled(title) && a.id != id),
            &format!("an activity titled {title:?}"),
        )?;
        activity.title = Some(title.to_string());
    }
    if let Some(description) = body.get("description") {
        activity.description = description.clone();
    }
    if let Some(status) = body.get("status") {
        match status.as_str() {
            Some(s) if !s.trim().is_empty() && s.chars().count() <= MAX_NAME => {
                activity.status = Some(s.to_string())
            }
            _ => return Err(wrong_type("status must be a non-empty string".into())),
        }
    }
    if let Some(parent) = nullable_text(body, "parent_id")? {
        if let Some(p) = &parent {
            if *p == id || store_guard.activity(p).is_none() {
                return Err(ApiError::bad_request(
                    "unknown_activity",
                    format!("parent_id {p:?} is not another activity"),
                ));
            }
        }
        activity.parent_id = parent;
    }
    if let Some(definition) = nullable_text(body, "definition_id")? {
        activity.definition_id = definition;
    }
    if let Some(external) = nullable_text(body, "external_id")? {
        activity.external_id = external;
    }
    if let Some(due) = date_member(body, "due_date")? {
        activity.due_date = due;
    }
    if let Some(start) = date_member(body, "start_date")? {
        activity.start_date = start;
    }
    if let Some(duration) = body.get("duration") {
        activity.duration = match duration {
            Value::Null => None,
            v => Some(
                v.as_i64()
                    .filter(|d| (0..=100_000).contains(d))
                    .ok_or_else(|| {
                        wrong_type(
                            "duration must be a whole number of days from 0 to 100000".into(),
                        )
                    })?,
            ),
        };
    }
    for (name, _) in LIST_EDITS {
        let add = string_list(body, &format!("add_{name}"))?.unwrap_or_default();
        let remove = string_list(body, &format!("remove_{name}"))?.unwrap_or_default();
        if *name == "program_ids" {
            if let Some(p) = add
                .iter()
                .find(|p| !store_guard.programs.iter().any(|known| known.id == **p))
            {
                return Err(ApiError::bad_request(
                    "unknown_program",
                    format!("no program has id {p:?}"),
                ));
            }
        }
        if *name == "dependencies" {
            if let Some(a) = add
                .iter()
                .find(|a| **a == id || store_guard.activity(a).is_none())
            {
                return Err(ApiError::bad_request(
                    "unknown_activity",
                    format!("dependency {a:?} is not another activity"),
                ));
            }
        }
        let list = match *name {
            "dependencies" => &mut activity.dependencies,
            "label_ids" => &mut activity.label_ids,
            "program_ids" => &mut activity.program_ids,
            "assigned_user_ids" => &mut activity.assigned_user_ids,
            "assigned_group_ids" => &mut activity.assigned_group_ids,
            _ => &mut activity.subscriber_ids,
        };
        list.retain(|x| !remove.contains(x));
        for x in add {
            if !list.contains(&x) {
                list.push(x);
            }
        }
    }
    Ok(Json(store_guard.update_activity(activity)?))
}

/// `POST /operations/{id}/records/remove` `{ record_ids, record_view_id? }`:
/// answers the activity without the records (or with them off that view).
pub async fn remove_operation_records(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Activity>> {
    let body = &json_object(&body)?;
    let ids = string_list(body, "record_ids")?
        .ok_or_else(|| wrong_type("record_ids must be a list of record ids".into()))?;
    if ids.is_empty() {
        return Err(wrong_type(
            "record_ids must name at least one record".into(),
        ));
    }
    let view = match body.get("record_view_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(v)) if !v.trim().is_empty() => Some(v.clone()),
        Some(_) => {
            return Err(wrong_type(
                "record_view_id must be a non-empty string or null".into(),
            ))
        }
    };
    let mut store = store(&state);
    if store.activity(&id).is_none() {
        return Err(ApiError::not_found(format!("no activity has id {id:?}")));
    }
    if let Some(stray) = ids.iter().find(|r| !store.is_member(&id, r)) {
        return Err(ApiError::bad_request(
            "record_not_on_activity",
            format!("record {stray:?} is not on this activity"),
        ));
    }
    Ok(Json(store.remove_records_from_activity(
        &id,
        &ids,
        view.as_deref(),
    )?))
}

/// `GET /record_views`: the record views the sandbox knows (see
/// `Store::record_views`).
pub async fn record_views(State(state): State<Arc<AppState>>) -> Json<Vec<Value>> {
    Json(store(&state).record_views())
}
