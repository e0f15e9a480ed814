//! `kalbio-sandbox`: a Kaleidoscope-compatible API server on SQLite, for local
//! development, demos and tests. See docs/sandbox.md.
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod api;
mod drain;
mod error;
mod hooks;
mod multipart;
mod rows;
mod seed;
mod serve;
mod store;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{middleware, Router};
use clap::{Parser, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tower::Layer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::normalize_path::NormalizePathLayer;
use tower_http::timeout::TimeoutLayer;

/// The longest access-token lifetime: a year (refresh tokens live 24 times as long).
const MAX_TOKEN_TTL_S: u64 = 365 * 24 * 3600;

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
enum SeedKind {
    /// The demo lab: compounds, batches, experiments, files.
    Demo,
    /// Nothing: create fields and records yourself.
    Empty,
}

/// A Kaleidoscope-compatible API server on an embedded SQLite store.
#[derive(Parser, Debug)]
#[command(name = "kalbio-sandbox", version)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one; the listening line says which).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Folder for the SQLite file; a restart on the same folder keeps every write.
    #[arg(long, default_value = ".sandbox-data")]
    data_dir: PathBuf,
    /// What a new (empty) store starts with. Ignored when the store has data.
    #[arg(long, value_enum, default_value_t = SeedKind::Demo)]
    seed: SeedKind,
    /// How many compounds the demo seed makes.
    #[arg(long, default_value_t = 2000)]
    seed_records: usize,
    /// OAuth client id.
    #[arg(long, default_value = "sandbox")]
    client_id: String,
    /// OAuth client secret.
    #[arg(long, default_value = "sandbox-secret")]
    client_secret: String,
    /// Access-token lifetime in seconds (1 to 31536000, a year).
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..=MAX_TOKEN_TTL_S))]
    token_ttl_s: u64,
    /// Largest upload, in MB.
    #[arg(long, default_value_t = 50)]
    max_upload_mb: usize,
    /// An origin allowed by CORS besides any http://localhost:* and http://127.0.0.1:* (repeatable).
    #[arg(long)]
    allow_origin: Vec<String>,
    /// A host name served besides localhost, 127.0.0.1 and [::1] (repeatable), for
    /// a sandbox reached through a proxy or another name. Other `Host` headers get 421.
    #[arg(long)]
    allow_host: Vec<String>,
    /// Seconds a client may take to send a request's headers, and a kept-alive
    /// connection may stay idle; then the connection is closed.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    header_timeout_s: u64,
    /// Seconds one request may take, reading its body included; then it is answered 408.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    request_timeout_s: u64,
    /// The most connections served at once; more wait until one closes.
    #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..=65536))]
    max_connections: u64,
    /// Serve /_sandbox/faults and /_sandbox/requests (for tests), without
    /// authentication, and keep a log of requests for the latter.
    #[arg(long)]
    test_hooks: bool,
}

/// Settings the handlers read.
pub struct Config {
    pub client_id: String,
    pub client_secret: String,
    pub token_ttl_s: u64,
    pub max_upload_mb: usize,
    /// Whether `/_sandbox/*` is served and requests are logged.
    pub test_hooks: bool,
    /// Host names served besides the loopback ones, in lower case.
    pub allow_hosts: Vec<String>,
}

/// Shared by every handler.
pub struct AppState {
    pub store: Mutex<store::Store>,
    pub hooks: Mutex<hooks::Hooks>,
    pub config: Config,
}

fn origin_allowed(origin: &HeaderValue, extra: &[String]) -> bool {
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    if extra.iter().any(|o| o == origin) {
        return true;
    }
    ["http://localhost", "http://127.0.0.1"].iter().any(|base| {
        origin == *base
            || origin
                .strip_prefix(base)
                .and_then(|rest| rest.strip_prefix(':'))
                .is_some_and(|port| port.parse::<u16>().is_ok())
    })
}

/// Whether a `Host` header names this sandbox: a loopback name (any port) or one
/// given with `--allow-host` (with any port, or with the port it names). Anything
/// else may be a page on a DNS-rebinding domain.
fn host_allowed(host: &str, extra: &[String]) -> bool {
    let host = host.trim().to_ascii_lowercase();
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.parse::<u16>().is_ok() && !name.contains(':') => name,
        Some((name, port)) if port.parse::<u16>().is_ok() && name.ends_with(']') => name,
        _ => host.as_str(),
    };
    ["localhost", "127.0.0.1", "[::1]"].contains(&name)
        || extra.iter().any(|h| *h == name || *h == host)
}

/// Answers 421 to requests whose `Host` (and the authority of an absolute-form
/// request line, when there is one) is not this sandbox's.
async fn check_host(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let extra = &state.config.allow_hosts;
    let header = request.headers().get(header::HOST).map(|v| v.to_str().ok());
    let authority = request.uri().authority().map(|a| a.as_str());
    let named = header.is_some() || authority.is_some();
    let header_ok = header.is_none_or(|h| h.is_some_and(|h| host_allowed(h, extra)));
    let authority_ok = authority.is_none_or(|a| host_allowed(a, extra));
    if named && header_ok && authority_ok {
        return next.run(request).await;
    }
    error::ApiError::new(
        StatusCode::MISDIRECTED_REQUEST,
        "unknown_host",
        "this sandbox answers only to localhost, 127.0.0.1 and [::1]; name other hosts with --allow-host",
    )
    .into_response()
}

fn router(state: Arc<AppState>, args: &Args) -> Router {
    let json_bytes = 4 * 1024 * 1024;
    let upload_bytes = args.max_upload_mb.saturating_mul(1024 * 1024);
    let json_limit = DefaultBodyLimit::max(json_bytes);
    let upload_limit = DefaultBodyLimit::max(upload_bytes);
    let body_bounds = drain::BodyBounds {
        keep: upload_bytes.max(json_bytes),
        drain: upload_bytes
            .max(json_bytes)
            .saturating_add(64 * 1024 * 1024),
        timeout: std::time::Duration::from_secs(args.request_timeout_s),
    };
    let mut app = Router::new()
        .route("/auth/oauth/token", post(api::token))
        .route(
            "/key_fields",
            get(api::key_fields).post(api::create_key_field),
        )
        .route(
            "/data_fields",
            get(api::data_fields).post(api::create_data_field),
        )
        .route("/entity_slices", get(api::entity_slices))
        .route("/programs", get(api::programs))
        .route("/record_sets", get(api::record_sets))
        .route(
            "/activities",
            get(api::activities).post(api::create_activity),
        )
        .route("/activities/{id}", put(api::update_activity))
        .route("/record_views", get(api::record_views))
        .route(
            "/operations/{id}/records/remove",
            post(api::remove_operation_records),
        )
        .route(
            "/activities/{activity_id}/file/{file_id}",
            get(api::download_activity_file),
        )
        .route(
            "/records",
            get(api::get_records).post(api::get_or_create_record),
        )
        .route("/records/identifiers", get(api::records_by_identifiers))
        .route("/records/search", get(api::search))
        .route("/records/{id}", get(api::get_record))
        .route(
            "/records/{id}/values",
            get(api::record_values).post(api::add_value),
        )
        .route(
            "/records/{id}/values/file",
            post(api::add_file_value).layer(upload_limit),
        )
        .route("/records/{id}/operations", get(api::record_operations))
        .route(
            "/operations/{id}/records",
            get(api::operation_records).put(api::add_operation_records),
        )
        .route("/files/{file_id}", get(api::download_file));
    if args.test_hooks {
        app = app
            .route(
                "/_sandbox/faults",
                post(hooks::add_fault).delete(hooks::clear_faults),
            )
            .route(
                "/_sandbox/requests",
                get(hooks::list_requests).delete(hooks::clear_requests),
            );
    }
    let extra = args.allow_origin.clone();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            origin_allowed(origin, &extra)
        }))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([
            HeaderName::from_static("x-kal-authorization"),
            HeaderName::from_static("authorization"),
            HeaderName::from_static("content-type"),
        ])
        .expose_headers([
            HeaderName::from_static("retry-after"),
            HeaderName::from_static("x-request-id"),
        ])
        .max_age(std::time::Duration::from_secs(7200));
    let mut app = app
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(json_limit)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            std::time::Duration::from_secs(args.request_timeout_s),
        ))
        .layer(middleware::from_fn(api::json_errors))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            api::require_auth,
        ));
    if args.test_hooks {
        app = app.layer(middleware::from_fn_with_state(
            state.clone(),
            hooks::inject_faults,
        ));
    }
    app.layer(middleware::from_fn_with_state(
        state.clone(),
        hooks::request_log,
    ))
    .layer(middleware::from_fn_with_state(
        body_bounds,
        drain::read_body_first,
    ))
    .layer(cors)
    .layer(middleware::from_fn_with_state(state.clone(), check_host))
    .with_state(state)
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    if let Err(message) = run(args).await {
        eprintln!("kalbio-sandbox: {message}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), String> {
    let mut store = store::Store::open(&args.data_dir).map_err(|e| e.message)?;
    if store.is_empty() && args.seed == SeedKind::Demo {
        let started = std::time::Instant::now();
        seed::seed(&mut store, args.seed_records)
            .map_err(|e| format!("seeding failed: {}", e.message))?;
        eprintln!(
            "seeded {} compounds in {:.1} s",
            args.seed_records,
            started.elapsed().as_secs_f64()
        );
    }
    let state = Arc::new(AppState {
        store: Mutex::new(store),
        hooks: Mutex::new(hooks::Hooks::default()),
        config: Config {
            client_id: args.client_id.clone(),
            client_secret: args.client_secret.clone(),
            token_ttl_s: args.token_ttl_s,
            max_upload_mb: args.max_upload_mb,
            test_hooks: args.test_hooks,
            allow_hosts: args
                .allow_host
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .collect(),
        },
    });
    let app = NormalizePathLayer::trim_trailing_slash().layer(router(state, &args));
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], args.port)))
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", args.port))?;
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(args.port);
    println!("listening on http://127.0.0.1:{port}");
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let limits = serve::Limits {
        max_connections: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
        header_timeout: std::time::Duration::from_secs(args.header_timeout_s),
    };
    serve::serve(listener, app, limits).await
}

#[cfg(test)]
mod tests {
    use super::host_allowed;

    #[test]
    fn only_loopback_names_and_allowed_hosts_are_served() {
        let extra = vec!["lab.example".to_string(), "proxy.example:8443".to_string()];
        for host in [
            "localhost",
            "LocalHost:8787",
            "127.0.0.1:1",
            "[::1]",
            "[::1]:8787",
            "lab.example",
            "Lab.Example:80",
            "proxy.example:8443",
        ] {
            assert!(host_allowed(host, &extra), "{host}");
        }
        for host in [
            "",
            "evil.example",
            "localhost.evil.example",
            "127.0.0.1.nip.io:8787",
            "127.0.0.2",
            "::1",
            "[::2]:8787",
            "localhost:99999",
            "lab.example.evil",
            "proxy.example:8444",
            "localhost:8787@evil.example",
        ] {
            assert!(!host_allowed(host, &extra), "{host}");
        }
    }
}
