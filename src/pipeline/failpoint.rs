//! Test hooks, inert unless their environment variable is set (one load per pass when unset).
//!
//! - `PIIGUARD_FAILPOINT=NAME:N`: the N-th time the process passes `NAME`, [`abort`] aborts it (as
//!   kill -9 would: no drain, no commit) and [`reached`] returns true (the caller then fails as the
//!   test wants: `scan_panic` makes the scanner panic on that record).
//! - `PIIGUARD_STALLPOINT=NAME:N:MS`: from the N-th pass of `NAME` on, each pass waits MS
//!   milliseconds; the N-th logs "stallpoint reached" (a test stops the process then, SIGSTOP, so
//!   that work is pending when it resumes).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

/// True the N-th time `name` is passed, when `PIIGUARD_FAILPOINT=name:N`.
pub(crate) fn reached(name: &str) -> bool {
    static AT: OnceLock<Option<(String, u64)>> = OnceLock::new();
    static HITS: AtomicU64 = AtomicU64::new(0);
    let at = AT.get_or_init(|| {
        let v = std::env::var("PIIGUARD_FAILPOINT").ok()?;
        let (n, k) = v.split_once(':')?;
        Some((n.to_owned(), k.parse().ok()?))
    });
    matches!(at, Some((n, k)) if n == name && HITS.fetch_add(1, Ordering::Relaxed) + 1 == *k)
}

/// Aborts the process the N-th time `name` is passed, when `PIIGUARD_FAILPOINT=name:N`.
pub(crate) fn abort(name: &str) {
    if reached(name) {
        std::process::abort();
    }
}

/// Waits as `PIIGUARD_STALLPOINT=name:N:MS` says.
pub(crate) async fn stall(name: &str) {
    static AT: OnceLock<Option<(String, u64, u64)>> = OnceLock::new();
    static HITS: AtomicU64 = AtomicU64::new(0);
    let at = AT.get_or_init(|| {
        let v = std::env::var("PIIGUARD_STALLPOINT").ok()?;
        let mut it = v.splitn(3, ':');
        Some((it.next()?.to_owned(), it.next()?.parse().ok()?, it.next()?.parse().ok()?))
    });
    if let Some((n, k, ms)) = at {
        if n == name {
            let hit = HITS.fetch_add(1, Ordering::Relaxed) + 1;
            if hit == *k {
                tracing::warn!(point = name, "stallpoint reached");
            }
            if hit >= *k {
                tokio::time::sleep(Duration::from_millis(*ms)).await;
            }
        }
    }
}
