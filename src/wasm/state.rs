//! What every binding of one client shares: the core client over the browser
//! transport. `client.rs`, `handles.rs` and `record.rs` all depend on this
//! module and on nothing of each other's but what they construct.

use super::convert::{to_js_text, Answer, Upload};
use super::transport::FetchTransport;
use crate::core::client::Client;
use crate::core::store::CompactRecord;
use std::cell::RefCell;
use std::rc::Rc;

/// One client's core, shared by its services and its `Record` handles.
pub(super) type Inner = Rc<Client<FetchTransport>>;

/// The data a `Record` handle shows; swapped in place when the record is refetched.
pub(super) type RecordCell = Rc<RefCell<Rc<CompactRecord>>>;

/// After a write or refetch: point a handle at the record as now cached. A call
/// holds its handle's data weakly (the handle alone keeps it), so a handle freed
/// while the call ran is left alone.
pub(super) fn refresh(client: &Inner, data: &std::rc::Weak<RefCell<Rc<CompactRecord>>>, id: &str) {
    if let (Some(data), Some(fresh)) = (data.upgrade(), client.cached_record(id)) {
        *data.borrow_mut() = fresh;
    }
}

/// Uploads a file to a record's field and answers the new value.
pub(super) async fn upload_to(inner: &Inner, record_id: &str, upload: Upload) -> Answer {
    let file = crate::core::client::FileUpload {
        file_name: &upload.name,
        bytes: upload.bytes,
        mime_type: &upload.mime,
    };
    let value = inner
        .add_file_value_in_view(
            record_id,
            &upload.field,
            file,
            upload.activity.as_deref(),
            upload.record_view.as_deref(),
        )
        .await?;
    to_js_text(&value)
}
