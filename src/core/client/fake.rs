//! A transport for tests: records every request and answers from a handler.
#![allow(missing_docs)]

use crate::core::client::{Client, ClientConfig, Credentials};
use crate::core::http::{HttpRequest, HttpResponse, Transport, TransportError};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

type Handler = Box<dyn Fn(&HttpRequest) -> Result<HttpResponse, TransportError>>;

#[allow(missing_docs)]
pub struct FakeTransport {
    pub requests: RefCell<Vec<HttpRequest>>,
    /// Every backoff wait asked for, in milliseconds.
    pub sleeps: RefCell<Vec<f64>>,
    /// The most requests that were waiting for their answers at one time.
    pub max_in_flight: Cell<usize>,
    in_flight: Cell<usize>,
    handler: Handler,
}

impl FakeTransport {
    pub fn new(
        handler: impl Fn(&HttpRequest) -> Result<HttpResponse, TransportError> + 'static,
    ) -> Self {
        FakeTransport {
            requests: RefCell::new(Vec::new()),
            sleeps: RefCell::new(Vec::new()),
            max_in_flight: Cell::new(0),
            in_flight: Cell::new(0),
            handler: Box::new(handler),
        }
    }

    /// `METHOD path?query` of every request but the token requests.
    pub fn api_calls(&self) -> Vec<String> {
        self.requests
            .borrow()
            .iter()
            .filter(|r| r.path != "/auth/oauth/token")
            .map(|r| {
                format!(
                    "{} {}",
                    r.method.as_str(),
                    r.url.trim_start_matches("http://api.test")
                )
            })
            .collect()
    }
}

impl Transport for FakeTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        // Like a real network, answer on a later poll, so concurrent calls overlap.
        self.in_flight.set(self.in_flight.get() + 1);
        self.max_in_flight
            .set(self.max_in_flight.get().max(self.in_flight.get()));
        YieldOnce(false).await;
        self.in_flight.set(self.in_flight.get().saturating_sub(1));
        let answer = (self.handler)(&request);
        self.requests.borrow_mut().push(request);
        answer
    }

    async fn sleep(&self, ms: f64) -> Result<(), TransportError> {
        self.sleeps.borrow_mut().push(ms);
        Ok(())
    }
}

pub fn json(status: u16, body: serde_json::Value) -> Result<HttpResponse, TransportError> {
    Ok(HttpResponse {
        status,
        headers: vec![("x-request-id".into(), "req-1".into())],
        body: body.to_string().into_bytes(),
        attempts: 1,
    })
}

pub fn token_answer() -> Result<HttpResponse, TransportError> {
    json(
        200,
        serde_json::json!({"access_token": "tok-1", "refresh_token": "ref-1", "expires_in": 3600}),
    )
}

/// A client over a fake, with a clock the test moves.
pub fn client(
    handler: impl Fn(&HttpRequest) -> Result<HttpResponse, TransportError> + 'static,
) -> (Client<FakeTransport>, Rc<Cell<i64>>) {
    client_holding(handler, crate::core::client::DEFAULT_MAX_RECORDS)
}

/// A client over a fake whose cache holds at most `max_records` records.
pub fn client_holding(
    handler: impl Fn(&HttpRequest) -> Result<HttpResponse, TransportError> + 'static,
    max_records: usize,
) -> (Client<FakeTransport>, Rc<Cell<i64>>) {
    client_with(handler, max_records, false)
}

/// A client over a fake that loads the field and activity lists beside its
/// first record fetch, as the browser client does.
pub fn client_loading_names(
    handler: impl Fn(&HttpRequest) -> Result<HttpResponse, TransportError> + 'static,
) -> (Client<FakeTransport>, Rc<Cell<i64>>) {
    client_with(handler, crate::core::client::DEFAULT_MAX_RECORDS, true)
}

fn client_with(
    handler: impl Fn(&HttpRequest) -> Result<HttpResponse, TransportError> + 'static,
    max_records: usize,
    load_names: bool,
) -> (Client<FakeTransport>, Rc<Cell<i64>>) {
    let now = Rc::new(Cell::new(1_800_000_000_000));
    let clock = now.clone();
    let client = client_on_clock(
        handler,
        max_records,
        load_names,
        Rc::new(move || clock.get()),
    );
    (client, now)
}

/// A clock that moves `step_ms` each time it is read: work "takes" time, so that
/// the page is given turns.
pub fn moving_clock(step_ms: i64) -> Rc<dyn Fn() -> i64> {
    let ticks = Cell::new(0i64);
    Rc::new(move || {
        ticks.set(ticks.get() + step_ms);
        1_800_000_000_000 + ticks.get()
    })
}

/// A client over a fake that reads the time from `clock`.
pub fn client_on_clock(
    handler: impl Fn(&HttpRequest) -> Result<HttpResponse, TransportError> + 'static,
    max_records: usize,
    load_names: bool,
    clock: Rc<dyn Fn() -> i64>,
) -> Client<FakeTransport> {
    let config = ClientConfig {
        url: "http://api.test/".into(),
        credentials: Credentials::ClientSecret {
            client_id: "id".into(),
            client_secret: "s3cret".into(),
        },
        additional_headers: vec![("Authorization".into(), "Bearer proxy".into())],
        clock,
        random: Rc::new(|| 0.5),
        retry: crate::core::retry::RetryPolicy::default(),
        max_records,
        ttl_ms: Some(crate::core::client::DEFAULT_CACHE_TTL_MS),
        load_names,
        concurrency: crate::core::client::DEFAULT_CONCURRENCY,
        observer: None,
    };
    Client::new(FakeTransport::new(handler), config).unwrap()
}

/// Pending on the first poll, ready on the next.
struct YieldOnce(bool);

impl std::future::Future for YieldOnce {
    type Output = ();
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if self.0 {
            std::task::Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    }
}

/// Runs futures concurrently on this thread and answers their outputs in order.
pub fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut pending: Vec<std::pin::Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pending.iter().map(|_| None).collect();
    pollster::block_on(std::future::poll_fn(|cx| {
        let mut all = true;
        for (future, out) in pending.iter_mut().zip(outputs.iter_mut()) {
            if out.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *out = Some(v),
                    std::task::Poll::Pending => all = false,
                }
            }
        }
        if all {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    }));
    outputs.into_iter().flatten().collect()
}
