//! The `Record` handle: the record stays in wasm memory; JS reads it through
//! getters and asks for plain objects only when it needs them.

use super::convert::{
    activity_arg, arg, content_to_js, field_arg, invalid, json_from_js, promise, read_promise,
    record_id_arg, record_view_arg, to_js, to_js_text, ActivityIdentifierArg, BooleanArg,
    CallOptionsArg, Pairs, ReadOptionsArg, RecordOrIdArg, StringArg, Upload,
};
use super::state::{refresh, Inner, RecordCell};
use crate::core::store::{
    CompactRecord as RecordData, Content, RecordJson, Scope, ValuesJson, NO_SYM,
};
use js_sys::Promise;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A record: a compound, a sample, a batch… Its data lives in wasm memory.
#[wasm_bindgen]
pub struct Record {
    client: Inner,
    /// Held strongly by the handle alone (calls hold it weakly), so it lives
    /// exactly as long as the handle's Rust side: the registry reads that.
    data: RecordCell,
}

impl Record {
    pub(super) fn new(client: Inner, data: Rc<RecordData>) -> Record {
        Record {
            client,
            data: Rc::new(RefCell::new(data)),
        }
    }

    pub(super) fn data_cell(&self) -> std::rc::Weak<RefCell<Rc<RecordData>>> {
        Rc::downgrade(&self.data)
    }

    /// The record as this handle holds it; reading it marks it used in the cache.
    fn current(&self) -> Rc<RecordData> {
        let data = self.data.borrow().clone();
        self.client.touch_record(data.id());
        data
    }
}

/// A text, or `null` (as `toJSON()` shows a member the server left out).
fn text_or_null(text: Option<&str>) -> JsValue {
    text.map_or(JsValue::NULL, JsValue::from_str)
}

fn optional_bool(value: &JsValue, what: &str) -> Result<bool, crate::core::error::Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(false);
    }
    value
        .as_bool()
        .ok_or_else(|| invalid(format!("{what} must be a boolean")))
}

#[wasm_bindgen]
impl Record {
    /// The record's uuid.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.current().id_string()
    }

    /// When the record was created (ISO-8601), or `null` when the server left it out.
    #[wasm_bindgen(getter, unchecked_return_type = "string | null")]
    pub fn created_at(&self) -> JsValue {
        text_or_null(self.current().created_at().as_deref())
    }

    /// The entity slice (type) the record belongs to, or `null` when the server left it out.
    #[wasm_bindgen(getter, unchecked_return_type = "string | null")]
    pub fn entity_slice_id(&self) -> JsValue {
        let record = self.current();
        match record.slice() {
            NO_SYM => JsValue::NULL,
            sym => JsValue::from_str(self.client.symbols().name(sym)),
        }
    }

    /// Ids of the values that hold the record's key values.
    #[wasm_bindgen(getter)]
    pub fn identifier_ids(&self) -> Vec<String> {
        self.current()
            .identifier_ids()
            .iter()
            .map(|i| i.to_string())
            .collect()
    }

    /// Human-readable name, e.g. `CMP-0042`, or `null` when the server left it out.
    #[wasm_bindgen(getter, unchecked_return_type = "string | null")]
    pub fn record_identifier(&self) -> JsValue {
        text_or_null(self.current().identifier())
    }

    /// Field id → every value written to it. Makes a new plain object on each read.
    #[wasm_bindgen(
        getter,
        unchecked_return_type = "{ [field_id: string]: RecordValue[] }"
    )]
    pub fn record_values(&self) -> Result<JsValue, JsValue> {
        let record = self.current();
        Ok(to_js_text(&ValuesJson(&record, &self.client.symbols()))?)
    }

    /// The activity the record was created in, or null (as in `toJSON()`).
    #[wasm_bindgen(getter, unchecked_return_type = "string | null")]
    pub fn initial_operation_id(&self) -> JsValue {
        let record = self.current();
        match record.initial_operation() {
            NO_SYM => JsValue::NULL,
            sym => JsValue::from_str(self.client.symbols().name(sym)),
        }
    }

    /// Ids of the record's sub-records.
    #[wasm_bindgen(getter)]
    pub fn sub_record_ids(&self) -> Vec<String> {
        self.current()
            .sub_record_ids()
            .iter()
            .map(|i| i.to_string())
            .collect()
    }

    /// Returns the record as a plain object, in the API's shape.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "RecordJSON")]
    pub fn to_json(&self) -> Result<JsValue, JsValue> {
        let record = self.current();
        let symbols = self.client.symbols();
        Ok(to_js_text(&RecordJson {
            record: &record,
            symbols: &symbols,
        })?)
    }

    /// Returns the content of the field's newest value (by `created_at`), or `null`. With an
    /// activity: only values written in it (and key values). Sub-record values
    /// count only with `includeSubRecordValues`; `subRecordId` alone selects that
    /// sub-record's values (as kalbio 0.7.0 does; 0.5.0 returned `null` there).
    /// Field names and activity titles resolve through the cached lists.
    #[wasm_bindgen(js_name = getValueContent, unchecked_return_type = "unknown")]
    pub fn get_value_content(
        &self,
        #[wasm_bindgen(js_name = fieldId, unchecked_param_type = "FieldIdentifier")]
        field_id: JsValue,
        #[wasm_bindgen(js_name = activityId)] activity_id: Option<ActivityIdentifierArg>,
        #[wasm_bindgen(js_name = includeSubRecordValues)] include_sub: Option<BooleanArg>,
        #[wasm_bindgen(js_name = subRecordId)] sub_record_id: Option<RecordOrIdArg>,
        #[wasm_bindgen(js_name = recordViewId)] record_view_id: Option<StringArg>,
    ) -> Result<JsValue, JsValue> {
        let (activity_id, sub_record_id) = (arg(activity_id), arg(sub_record_id));
        let record = self.current();
        let field = self
            .client
            .field_cached(&record, &field_arg(&field_id, "fieldId")?)?;
        let activity = match activity_arg(&activity_id, "activityId")? {
            Some(a) => Some(self.client.resolve_activity_cached(&a)?),
            None => None,
        };
        let sub = match sub_record_id.is_undefined() || sub_record_id.is_null() {
            true => None,
            false => Some(record_id_arg(&sub_record_id, "subRecordId")?),
        };
        let scope = Scope {
            activity: activity.as_deref().map(|a| self.client.symbols().find(a)),
            include_sub_record_values: optional_bool(&arg(include_sub), "includeSubRecordValues")?,
            sub_record_id: sub.as_deref(),
        };
        // With a record view, only the values written to it count (key values do not).
        let view = record_view_arg(&arg(record_view_id))?.map(|v| self.client.symbols().find(&v));
        let latest = match view {
            Some(view) => record.latest_in_view(field, scope, Some(view)),
            None => record.latest(field, scope),
        };
        match latest {
            Some(value) => Ok(content_to_js(&value.content)?),
            None => Ok(JsValue::NULL),
        }
    }

    /// Returns `{ field_id: content }` of every field with a value in the activity (key values included).
    #[wasm_bindgen(js_name = getActivityData, unchecked_return_type = "{ [field_id: string]: unknown }")]
    pub fn get_activity_data(
        &self,
        #[wasm_bindgen(js_name = activityId)] activity_id: ActivityIdentifierArg,
    ) -> Result<JsValue, JsValue> {
        let record = self.current();
        let activity = activity_arg(&activity_id.into(), "activityId")?
            .ok_or_else(|| invalid("activityId is required"))?;
        let data = self.client.activity_data_cached(&record, &activity)?;
        let pairs: Vec<(&str, &Content)> = data.iter().map(|(f, c)| (f.as_str(), c)).collect();
        Ok(to_js(&Pairs(&pairs))?)
    }

    /// Resolves to the activities that contain this record (kept for 10 seconds;
    /// `{ useCache: false }` asks the server anew).
    #[wasm_bindgen(js_name = getActivities, unchecked_return_type = "Promise<Activity[]>")]
    pub fn get_activities(&self, options: Option<ReadOptionsArg>) -> Promise {
        let (client, id) = (self.client.clone(), self.id());
        read_promise(options, |use_cache| async move {
            to_js_text(&*client.activities_with_record_read(&id, use_cache).await?)
        })
    }

    /// Writes a value to a field (in an activity, if given), then refetches the
    /// record; resolves to the value written (as kalbio 0.7.0's `add_value`).
    #[wasm_bindgen(js_name = addValue, unchecked_return_type = "Promise<RecordValue>")]
    pub fn add_value(
        &self,
        #[wasm_bindgen(js_name = fieldId, unchecked_param_type = "FieldIdentifier")]
        field_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "unknown")] content: JsValue,
        #[wasm_bindgen(js_name = activityId)] activity_id: Option<ActivityIdentifierArg>,
        #[wasm_bindgen(js_name = recordViewId)] record_view_id: Option<StringArg>,
        options: Option<CallOptionsArg>,
    ) -> Promise {
        let place = (arg(activity_id), arg(record_view_id));
        self.write(field_id, content, place, options)
    }

    /// Writes a new value to a field and resolves to it; the record is refetched.
    #[wasm_bindgen(js_name = updateField, unchecked_return_type = "Promise<RecordValue>")]
    pub fn update_field(
        &self,
        #[wasm_bindgen(js_name = fieldId, unchecked_param_type = "FieldIdentifier")]
        field_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "unknown")] value: JsValue,
        #[wasm_bindgen(js_name = activityId)] activity_id: Option<ActivityIdentifierArg>,
        #[wasm_bindgen(js_name = recordViewId)] record_view_id: Option<StringArg>,
        options: Option<CallOptionsArg>,
    ) -> Promise {
        let place = (arg(activity_id), arg(record_view_id));
        self.write(field_id, value, place, options)
    }

    /// Uploads a file as the field's new value and resolves to it; the record is refetched.
    #[wasm_bindgen(js_name = updateFieldFile, unchecked_return_type = "Promise<RecordValue>")]
    // The positional arguments mirror the reference client's signature.
    #[allow(clippy::too_many_arguments)]
    pub fn update_field_file(
        &self,
        #[wasm_bindgen(js_name = fieldId, unchecked_param_type = "FieldIdentifier")]
        field_id: JsValue,
        #[wasm_bindgen(js_name = fileName, unchecked_param_type = "string")] file_name: JsValue,
        #[wasm_bindgen(js_name = fileData, unchecked_param_type = "FileData")] file_data: JsValue,
        #[wasm_bindgen(js_name = fileType, unchecked_param_type = "string")] file_type: JsValue,
        #[wasm_bindgen(js_name = activityId)] activity_id: Option<ActivityIdentifierArg>,
        #[wasm_bindgen(js_name = recordViewId)] record_view_id: Option<StringArg>,
        options: Option<CallOptionsArg>,
    ) -> Promise {
        let (client, data, id) = (self.client.clone(), Rc::downgrade(&self.data), self.id());
        let (activity_id, record_view_id) = (arg(activity_id), arg(record_view_id));
        promise(options, async move {
            let upload = Upload::read(
                &field_id,
                &file_name,
                &file_data,
                &file_type,
                &activity_id,
                &record_view_id,
            )
            .await?;
            let value = super::state::upload_to(&client, &id, upload).await?;
            refresh(&client, &data, &id);
            Ok(value)
        })
    }

    /// Fetches every value of the record from the server.
    #[wasm_bindgen(js_name = getValues, unchecked_return_type = "Promise<RecordValue[]>")]
    pub fn get_values(&self, options: Option<CallOptionsArg>) -> Promise {
        let (client, id) = (self.client.clone(), self.id());
        promise(options, async move {
            to_js_text(&client.get_values(&id).await?)
        })
    }

    /// Drops the record from the caches and fetches it again; this handle then shows the new data.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn refetch(&self, options: Option<CallOptionsArg>) -> Promise {
        let (client, data, id) = (self.client.clone(), Rc::downgrade(&self.data), self.id());
        promise(options, async move {
            client.refetch(&id).await?;
            refresh(&client, &data, &id);
            Ok(JsValue::UNDEFINED)
        })
    }
}

impl Record {
    /// Writes a value; the promise resolves to it.
    fn write(
        &self,
        field_id: JsValue,
        content: JsValue,
        (activity_id, record_view_id): (JsValue, JsValue),
        options: Option<CallOptionsArg>,
    ) -> Promise {
        let (client, data, id) = (self.client.clone(), Rc::downgrade(&self.data), self.id());
        promise(options, async move {
            let field = field_arg(&field_id, "fieldId")?;
            let content = json_from_js(&content, "content")?;
            let activity = activity_arg(&activity_id, "activityId")?;
            let view = record_view_arg(&record_view_id)?;
            let value = client
                .add_value_in_view(&id, &field, content, activity.as_deref(), view.as_deref())
                .await?;
            refresh(&client, &data, &id);
            to_js_text(&value)
        })
    }
}
