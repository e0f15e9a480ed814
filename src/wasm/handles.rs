//! One `Record` handle per record while JS holds it: asking for a cached record
//! again answers the same object (refreshed when the cache holds newer data)
//! instead of a new handle each time.

use super::record::Record;
use super::state::Inner;
use crate::core::hash::FastMap;
use crate::core::store::CompactRecord as RecordData;
use js_sys::{Object, WeakRef};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::{JsCast, JsValue};

/// Below this many entries the registry is never swept.
const SWEEP_FLOOR: usize = 1024;

struct Entry {
    /// The JS object, without keeping it alive.
    object: WeakRef,
    /// The data the handle shows, to refresh it in place; alive exactly as long
    /// as the handle's Rust side (gone after `free()`).
    data: Weak<RefCell<Rc<RecordData>>>,
}

/// The live handles of one client, by a 64-bit digest of the record's uuid (8
/// bytes a handle instead of a copy of the id; an entry is used only when its
/// record's id is the one asked for, so a collision costs a new handle, no mix-up).
#[derive(Default)]
pub(super) struct Handles {
    live: RefCell<FastMap<u64, Entry>>,
    sweep_at: std::cell::Cell<usize>,
}

impl Handles {
    /// The handle for a record: the live one if JS still holds it, else a new one.
    pub fn handle(&self, client: &Inner, record: Rc<RecordData>) -> JsValue {
        if let Some(found) = self.live_handle(&record) {
            return found;
        }
        let handle = Record::new(client.clone(), record.clone());
        let data = handle.data_cell();
        let object: JsValue = handle.into();
        let Some(target) = object.dyn_ref::<Object>() else {
            return object;
        };
        let entry = Entry {
            object: WeakRef::new(target),
            data,
        };
        let mut live = self.live.borrow_mut();
        if live.len() >= self.sweep_at.get().max(SWEEP_FLOOR) {
            live.retain(|_, e| e.data.strong_count() > 0);
            self.sweep_at.set(live.len() * 2);
        }
        live.insert(record.id().digest(), entry);
        object
    }

    fn live_handle(&self, record: &Rc<RecordData>) -> Option<JsValue> {
        let live = self.live.borrow();
        let entry = live.get(&record.id().digest())?;
        let data = entry.data.upgrade()?;
        if data.borrow().id() != record.id() {
            return None;
        }
        let object = entry.object.deref()?;
        if !Rc::ptr_eq(&data.borrow(), record) {
            *data.borrow_mut() = record.clone();
        }
        Some(object.into())
    }
}
