//! What kalbio 0.7.0 does to activities beyond creating them: updating one
//! (`PUT /activities/{id}`), listing the record views on them (`GET
//! /record_views`) and taking records off them (`POST
//! /operations/{id}/records/remove`). The callers validate their input; these
//! write it in one transaction each and then apply it to memory.

use super::Store;
use crate::error::{ApiError, ApiResult};
use kalbio::core::model::Activity;
use rusqlite::params;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// A record view as the sandbox knows it: the id a value was written to, or a
/// key of an activity's `data_table_record_mapping`, and what names it.
#[derive(Default)]
struct ViewSeen {
    operations: BTreeSet<String>,
    slice: Option<String>,
}

impl Store {
    /// Replaces a stored activity with `updated` (same id), in memory and on disk.
    pub fn update_activity(&mut self, updated: Activity) -> ApiResult<Activity> {
        let mut stored = updated.clone();
        // Memberships live in their own table; the JSON row never holds them.
        stored.all_record_ids.clear();
        let json = serde_json::to_string(&stored)
            .map_err(|e| ApiError::internal(format!("cannot store the activity: {e}")))?;
        let changed = self.conn.execute(
            "UPDATE activities SET json = ?1 WHERE id = ?2",
            params![json, updated.id],
        )?;
        if changed != 1 {
            return Err(ApiError::internal("the activity vanished"));
        }
        match self.activities.iter_mut().find(|a| a.id == updated.id) {
            Some(slot) => *slot = updated.clone(),
            None => return Err(ApiError::internal("the activity vanished")),
        }
        Ok(updated)
    }

    /// The record views the store has, in kalbio 0.7.0's `RecordView` shape: each
    /// view id a value was written to (with its activity) or an activity's data
    /// table names, attached to those activities, on the entity type of the
    /// first record seen on it.
    pub fn record_views(&self) -> Vec<Value> {
        let mut views: BTreeMap<&str, ViewSeen> = BTreeMap::new();
        for activity in &self.activities {
            for (view, records) in &activity.data_table_record_mapping {
                let seen = views.entry(view).or_default();
                seen.operations.insert(activity.id.clone());
                if seen.slice.is_none() {
                    seen.slice = records
                        .iter()
                        .find_map(|r| self.records.get(r))
                        .and_then(|r| r.entity_slice_id.clone());
                }
            }
        }
        for id in &self.order {
            let Some(record) = self.records.get(id) else {
                continue;
            };
            for value in record.record_values.values().flatten() {
                let (Some(view), Some(op)) = (value.record_view(), value.operation_id.as_deref())
                else {
                    continue;
                };
                let seen = views.entry(view).or_default();
                seen.operations.insert(op.to_string());
                if seen.slice.is_none() {
                    seen.slice.clone_from(&record.entity_slice_id);
                }
            }
        }
        views
            .into_iter()
            .map(|(id, seen)| {
                json!({
                    "id": id, "view_name": null, "entity_slice_id": seen.slice,
                    "program_ids": [], "operation_ids": seen.operations,
                    "operation_definition_ids": [], "view_fields": [], "filters": [],
                    "sorts": [], "color_filters": [], "record_set_ids_filter": [],
                    "record_ids_filter": [], "incrementing_field_ids": [],
                    "is_archived": false, "is_template": false,
                })
            })
            .collect()
    }

    /// Takes records off an activity: off every view of it and out of its
    /// members when `view` is `None`, off that one view only otherwise. The
    /// values the records (and their sub-records) hold in the activity, on the
    /// affected views, are deleted with them; key values stay. Every record must
    /// be a member of the activity (the caller checks).
    pub fn remove_records_from_activity(
        &mut self,
        activity_id: &str,
        record_ids: &[String],
        view: Option<&str>,
    ) -> ApiResult<Activity> {
        let mut activity = self
            .activity(activity_id)
            .cloned()
            .ok_or_else(|| ApiError::internal("the activity vanished"))?;
        // The records, their sub-records (values on them show on the parent too)
        // and their parents (which show theirs).
        let mut affected: BTreeSet<String> = BTreeSet::new();
        let mut leaving: BTreeSet<String> = BTreeSet::new();
        for id in record_ids {
            affected.insert(id.clone());
            leaving.insert(id.clone());
            if let Some(record) = self.records.get(id) {
                for sub in &record.sub_record_ids {
                    affected.insert(sub.clone());
                    if self.is_member(activity_id, sub) {
                        leaving.insert(sub.clone());
                    }
                }
            }
            if let Some(parent) = self.parents.get(id) {
                affected.insert(parent.clone());
            }
        }
        let in_scope = |op: Option<&str>, on_view: Option<&str>| {
            op == Some(activity_id) && view.is_none_or(|v| on_view == Some(v))
        };
        let mut doomed: HashSet<String> = HashSet::new();
        for id in record_ids {
            if let Some(record) = self.records.get(id) {
                for value in record.record_values.values().flatten() {
                    // Key values (record_id null) name the record: never deleted here.
                    if value.record_id.is_some()
                        && in_scope(value.operation_id.as_deref(), value.record_view())
                    {
                        doomed.insert(value.id.clone());
                    }
                }
            }
        }
        for records in activity
            .data_table_record_mapping
            .iter_mut()
            .filter_map(|(v, r)| view.is_none_or(|only| only == v.as_str()).then_some(r))
        {
            records.retain(|r| !leaving.contains(r));
        }
        if view.is_none() {
            activity
                .all_record_ids
                .retain(|r| !leaving.contains(&r.text()));
        }
        let mut stored = activity.clone();
        stored.all_record_ids.clear();
        let json = serde_json::to_string(&stored)
            .map_err(|e| ApiError::internal(format!("cannot store the activity: {e}")))?;
        let tx = self.conn.savepoint()?;
        for value in &doomed {
            tx.execute("DELETE FROM record_values WHERE id = ?1", params![value])?;
        }
        if view.is_none() {
            for record in &leaving {
                tx.execute(
                    "DELETE FROM activity_records WHERE activity_id = ?1 AND record_id = ?2",
                    params![activity_id, record],
                )?;
            }
        }
        tx.execute(
            "UPDATE activities SET json = ?1 WHERE id = ?2",
            params![json, activity_id],
        )?;
        tx.commit()?;
        for id in &affected {
            if let Some(record) = self.records.get_mut(id) {
                for values in record.record_values.values_mut() {
                    values.retain(|v| !doomed.contains(&v.id));
                }
                record.record_values.retain(|_, values| !values.is_empty());
            }
        }
        if view.is_none() {
            if let Some(members) = self.members.get_mut(activity_id) {
                let members = std::sync::Arc::make_mut(members);
                for record in &leaving {
                    members.remove(record);
                }
            }
        }
        if let Some(slot) = self.activities.iter_mut().find(|a| a.id == activity_id) {
            *slot = activity.clone();
        }
        for id in &affected {
            self.reindex(id);
        }
        Ok(activity)
    }
}
