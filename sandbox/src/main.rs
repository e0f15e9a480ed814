//! `kalbio-sandbox`: a Kaleidoscope-compatible API server on SQLite, for local
//! development, demos and tests. See the README's "Sandbox" section.
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod api;
mod error;
mod hooks;
mod multipart;
mod seed;
mod store;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, Request};
use axum::routing::{get, post};
use axum::{middleware, Router, ServiceExt};
use clap::{Parser, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tower::Layer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::normalize_path::NormalizePathLayer;

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
    /// Access-token lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    token_ttl_s: u64,
    /// Largest upload, in MB.
    #[arg(long, default_value_t = 50)]
    max_upload_mb: usize,
    /// An origin allowed by CORS besides any http://localhost:* and http://127.0.0.1:* (repeatable).
    #[arg(long)]
    allow_origin: Vec<String>,
    /// Serve /_sandbox/faults and /_sandbox/requests (for tests), without authentication.
    #[arg(long)]
    test_hooks: bool,
}

/// Settings the handlers read.
pub struct Config {
    pub client_id: String,
    pub client_secret: String,
    pub token_ttl_s: u64,
    pub max_upload_mb: usize,
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

fn router(state: Arc<AppState>, args: &Args) -> Router {
    let json_limit = DefaultBodyLimit::max(4 * 1024 * 1024);
    let upload_limit = DefaultBodyLimit::max(args.max_upload_mb.saturating_mul(1024 * 1024));
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
        .route(
            "/activities",
            get(api::activities).post(api::create_activity),
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
    .layer(cors)
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
    axum::serve(
        listener,
        ServiceExt::<Request<axum::body::Body>>::into_make_service(app),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(|e| format!("server stopped: {e}"))
}
