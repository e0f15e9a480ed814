//! `client.entityTypes`: kalbio 0.7.0's `EntityTypesService` over the core's
//! entity types (the entity slices).

use super::convert::{
    invalid, list_promise, promise, string_arg, to_js_text, Answer, CallOptionsArg, ListOptionsArg,
};
use super::state::Inner;
use crate::core::client::entity_types::{type_by_name, type_exact_keys, types_with_key_fields};
use crate::core::error::{Error, ErrorCode};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** An entity type (kalbio 0.7.0's `EntityType`): the same object as an `EntitySlice`. */
export type EntityType = EntitySlice;
"#;

/// `client.entityTypes`.
#[wasm_bindgen]
pub struct EntityTypesService {
    inner: Inner,
}

/// What a lookup picks from the list of entity types.
enum Pick {
    All,
    ByName(String),
    WithKeyFields(Vec<String>),
    ExactKeys(Vec<String>),
}

impl EntityTypesService {
    pub(super) fn new(inner: Inner) -> EntityTypesService {
        EntityTypesService { inner }
    }

    /// Every lookup but `getTypes`, over the cached list.
    fn lookup(&self, pick: Result<Pick, Error>, options: Option<CallOptionsArg>) -> Promise {
        promise(options, answer(self.inner.clone(), pick, false))
    }
}

/// Every answer of the service: the list (cached, unless `refresh`), then what
/// `pick` picks from it. One async body for all of them keeps the wasm small.
async fn answer(inner: Inner, pick: Result<Pick, Error>, refresh: bool) -> Answer {
    let pick = pick?;
    let types = inner.entity_types(refresh).await?;
    let one = match &pick {
        Pick::All => return to_js_text(&types.iter().collect::<Vec<_>>()),
        Pick::WithKeyFields(ids) => return to_js_text(&types_with_key_fields(&types, ids)),
        Pick::ByName(name) => type_by_name(&types, name),
        Pick::ExactKeys(ids) => type_exact_keys(&types, ids),
    };
    to_js_text(&one)
}

/// A list of key field ids, as strings.
fn id_list(value: &JsValue, what: &str) -> Result<Vec<String>, Error> {
    let list = value
        .dyn_ref::<js_sys::Array>()
        .ok_or_else(|| invalid(format!("{what} must be a list of key field ids")))?;
    list.iter()
        .map(|id| string_arg(&id, &format!("{what}[]")))
        .collect()
}

/// An entity type's id: the type itself (its `id`) or the id.
fn type_id(value: &JsValue) -> Result<String, Error> {
    if value.is_object() {
        let id = js_sys::Reflect::get(value, &"id".into()).unwrap_or(JsValue::UNDEFINED);
        return string_arg(&id, "entityType.id");
    }
    string_arg(value, "entityType")
}

#[wasm_bindgen]
impl EntityTypesService {
    /// Resolves to every entity type (`GET /entity_slices`), cached like the field
    /// lists for `cache.ttlMs`; `{ useCache: false }` asks the server anew.
    #[wasm_bindgen(js_name = getTypes, unchecked_return_type = "Promise<EntityType[]>")]
    pub fn get_types(&self, options: Option<ListOptionsArg>) -> Promise {
        let inner = self.inner.clone();
        list_promise(options, |refresh| answer(inner, Ok(Pick::All), refresh))
    }

    /// Resolves to the entity type named `name` (its `slice_name`, e.g. `"Compound"`),
    /// or to `null`.
    #[wasm_bindgen(js_name = getTypeByName, unchecked_return_type = "Promise<EntityType | null>")]
    pub fn get_type_by_name(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        options: Option<CallOptionsArg>,
    ) -> Promise {
        self.lookup(string_arg(&name, "name").map(Pick::ByName), options)
    }

    /// Resolves to the entity types whose key fields include every one of
    /// `keyFieldIds`; to none when the list is empty.
    #[wasm_bindgen(js_name = getTypesWithKeyFields, unchecked_return_type = "Promise<EntityType[]>")]
    pub fn get_types_with_key_fields(
        &self,
        #[wasm_bindgen(js_name = keyFieldIds, unchecked_param_type = "string[]")]
        key_field_ids: JsValue,
        options: Option<CallOptionsArg>,
    ) -> Promise {
        let ids = id_list(&key_field_ids, "keyFieldIds").map(Pick::WithKeyFields);
        self.lookup(ids, options)
    }

    /// Resolves to the entity type whose key fields are exactly `keyFieldIds` (in any
    /// order), or to `null`.
    #[wasm_bindgen(js_name = getTypeExactKeys, unchecked_return_type = "Promise<EntityType | null>")]
    pub fn get_type_exact_keys(
        &self,
        #[wasm_bindgen(js_name = keyFieldIds, unchecked_param_type = "string[]")]
        key_field_ids: JsValue,
        options: Option<CallOptionsArg>,
    ) -> Promise {
        let ids = id_list(&key_field_ids, "keyFieldIds").map(Pick::ExactKeys);
        self.lookup(ids, options)
    }

    /// Resolves to the ids of an entity type's records, as the server orders them
    /// (kalbio 0.7.0's `EntityType.get_record_ids`: `searchRecords({ entity_slice_id })`).
    #[wasm_bindgen(js_name = getRecordIds, unchecked_return_type = "Promise<string[]>")]
    pub fn get_record_ids(
        &self,
        #[wasm_bindgen(js_name = entityType, unchecked_param_type = "EntityType | string")]
        entity_type: JsValue,
        options: Option<CallOptionsArg>,
    ) -> Promise {
        let inner = self.inner.clone();
        promise(options, async move {
            let id = type_id(&entity_type)?;
            let ids = inner.entity_type_record_ids(&id).await?;
            js_sys::JSON::parse(&ids)
                .map_err(|_| Error::new(ErrorCode::Decode, "could not hand the ids to JavaScript"))
        })
    }
}
