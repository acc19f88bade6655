//! The HTTP endpoint of `piiguard run`: `/metrics` (Prometheus text format), `/healthz` (alive) and
//! `/readyz` (ready to do its job). Plain text answers; nothing from a payload.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;

use crate::metrics::Metrics;
use crate::pipeline::health::Health;

/// Binds `addr` and serves until the runtime stops. Returns the bound address (useful with port 0).
pub async fn serve(addr: SocketAddr, metrics: Metrics, health: Arc<Health>) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let h2 = health.clone();
    let app = Router::new()
        .route(
            "/metrics",
            get(move || {
                let m = metrics.clone();
                async move { ([("content-type", prometheus::TEXT_FORMAT)], m.render()) }
            }),
        )
        .route(
            "/healthz",
            get(move || {
                let h = health.clone();
                async move {
                    if h.alive() {
                        (StatusCode::OK, "ok\n")
                    } else {
                        (StatusCode::SERVICE_UNAVAILABLE, "service loop stalled\n")
                    }
                }
            }),
        )
        .route(
            "/readyz",
            get(move || {
                let h = h2.clone();
                async move {
                    match h.readiness() {
                        Ok(()) => (StatusCode::OK, "ready\n".to_owned()),
                        Err(why) => (StatusCode::SERVICE_UNAVAILABLE, format!("not ready: {why}\n")),
                    }
                }
            }),
        );
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "metrics endpoint stopped");
        }
    });
    Ok(bound)
}
