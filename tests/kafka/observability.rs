//! What operators see: the exported metrics (closed label sets, every metric the alert rules and the
//! dashboard name), and JSON logs with allowlisted fields only.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::*;

/// `piiguard_*` metric names in `text` (a rule expression, a panel query).
fn metric_names(text: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(r"piiguard_[a-z_]+").unwrap();
    re.find_iter(text).map(|m| m.as_str().to_owned()).collect()
}

/// Series names and label pairs of an exposition.
fn series(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let re = regex::Regex::new(r#"(\w+)="([^"]*)""#).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let name = l.split(['{', ' ']).next().unwrap().to_owned();
            let labels = l.split_once('{').map_or(Vec::new(), |(_, rest)| {
                let inner = rest.rsplit_once('}').unwrap().0;
                re.captures_iter(inner).map(|c| (c[1].to_owned(), c[2].to_owned())).collect()
            });
            (name, labels)
        })
        .collect()
}

#[test]
fn metrics_cover_the_rules_and_dashboard_labels_are_closed_and_logs_are_allowlisted_json() {
    let b = Broker::start();
    let topic = "events-o";
    create_topics(&b, &[(topic, 2), ("events-o.commands", 2), ("events-o.dlq", 1)]);
    let mut payloads: Vec<Vec<u8>> = piiguard::generate::Generator::new(31).take(2_000).map(|g| g.line.into_bytes()).collect();
    let mut secrets: Vec<String> = piiguard::generate::Generator::new(31).take(2_000).flat_map(|g| g.secrets).collect();
    secrets.push("123-45-6789".into());
    payloads.push(b"{\"note\": \"Jane Doe 123-45-6789\"".to_vec());
    // The category clause runs in the service too: a disclosure with no identifier.
    payloads.push(b"{\"Body\": \"i was diagnosed with lupus last spring, can I pause my plan?\"}".to_vec());
    secrets.push("lupus".into());
    produce(&b, topic, &payloads);
    let svc = spawn_service_at(&b.addr, topic, "g-o", &["--log-format", "json"]);
    let start = Instant::now();
    while svc.metric("piiguard_events_consumed_total", &[]) < payloads.len() as f64 && start.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(200));
    }
    // Every metric the alert rules and the dashboard name is exported. Some come from librdkafka's
    // statistics (lag, committed offsets), reported each second after the first commit, and a dead
    // letter is counted once the dead-letter topic acknowledged it: read /metrics until they and the
    // counts asserted below are there (or a minute has passed).
    let rules = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/prometheus/alerts.yml")).unwrap();
    let dashboard: Value = serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/grafana/dashboards/piiguard.json")).unwrap()).unwrap();
    let queries: Vec<String> = dashboard["panels"].as_array().unwrap().iter().flat_map(|p| p["targets"].as_array().unwrap().iter().map(|t| t["expr"].as_str().unwrap().to_owned())).collect();
    let named: BTreeSet<String> = metric_names(&rules).into_iter().chain(queries.iter().flat_map(|q| metric_names(q))).collect();
    // Series names, and the family names of `# TYPE` lines (a histogram's base name).
    let exported = |metrics: &str| -> BTreeSet<String> {
        let families = metrics.lines().filter_map(|l| l.strip_prefix("# TYPE ")?.split(' ').next().map(str::to_owned));
        series(metrics).into_iter().map(|s| s.0).chain(families).collect()
    };
    let start = Instant::now();
    let (mut status, mut metrics) = svc.get("/metrics");
    let settled = |m: &str| {
        named.is_subset(&exported(m))
            && metric_sum(m, "piiguard_dead_letters_total", &["reason=\"parse_error\""]) >= 1.0
            && metric_sum(m, "piiguard_prohibited_events_total", &["reason=\"category\""]) >= 1.0
    };
    while !settled(&metrics) && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(250));
        (status, metrics) = svc.get("/metrics");
    }
    let (code, _, logs) = svc.stop();
    assert_eq!(status, 200);
    assert_eq!(code, Some(0));
    let exported = exported(&metrics);
    let missing: Vec<&String> = named.iter().filter(|n| !exported.contains(*n)).collect();
    println!("{} metric names in the alert rules and {} dashboard queries; exported: {}; missing: {missing:?}", named.len(), queries.len(), exported.len());
    assert!(missing.is_empty(), "named but not exported: {missing:?}");
    assert!(queries.len() >= 10);

    // Label values only from closed sets or the configuration.
    let kinds: BTreeSet<&str> = piiguard::scanner::Kind::ALL.iter().map(|k| k.as_str()).collect();
    let dl_reasons: BTreeSet<&str> = piiguard::metrics::dead_letter_reasons().collect();
    for (name, labels) in series(&metrics) {
        for (k, v) in labels {
            let ok = match k.as_str() {
                "topic" => v == topic,
                "partition" => v.parse::<u32>().is_ok(),
                "kind" if name == "piiguard_findings_total" => kinds.contains(v.as_str()),
                "kind" => ["assign", "revoke"].contains(&v.as_str()),
                "outcome" => piiguard::metrics::OUTCOMES.contains(&v.as_str()),
                "reason" if name == "piiguard_dead_letters_total" => dl_reasons.contains(v.as_str()),
                "reason" if name == "piiguard_paused" => piiguard::metrics::PAUSE_REASONS.contains(&v.as_str()),
                "reason" if name == "piiguard_state_evictions_total" => piiguard::metrics::EVICTION_REASONS.contains(&v.as_str()),
                "key" => piiguard::correlate::key::KeyKind::ALL.iter().map(|k| k.as_str()).chain(["unresolved"]).any(|x| x == v),
                "reason" => piiguard::metrics::REASONS.contains(&v.as_str()),
                "action" => piiguard::metrics::ACTIONS.contains(&v.as_str()),
                "destination" => piiguard::metrics::DESTINATIONS.contains(&v.as_str()),
                "class" => piiguard::metrics::PERMANENT_CLASSES.contains(&v.as_str()),
                "le" | "version" => true,
                _ => false,
            };
            assert!(ok, "{name}: label {k}={v:?} is not from a closed set");
        }
    }
    assert_eq!(metric_sum(&metrics, "piiguard_dead_letters_total", &["reason=\"parse_error\""]), 1.0);
    assert!(metric_sum(&metrics, "piiguard_prohibited_events_total", &["reason=\"category\""]) >= 1.0, "the category clause runs in the service");
    assert!(metric_sum(&metrics, "piiguard_findings_total", &["kind=\"med\""]) >= 1.0);

    // JSON logs: one object per line, allowlisted fields only.
    const FIELDS: &[&str] = &[
        "timestamp", "level", "message", "addr", "group", "topics", "commands_topic", "dlq_topic", "key", "pass_through",
        "partitions", "reason", "records", "prohibited_combination", "identifier", "category", "commands", "dead_letters", "error",
        "suppressed", "topic", "partition", "offset", "class", "retry_in_ms", "bad_records", "window_secs", "pause_secs",
        // Membership, stops and the group monitor: configuration and counts.
        "group_instance_id", "signal", "deadline_secs", "took_ms", "in_flight_abandoned", "committed", "phase", "in_flight",
        "exit_code", "command", "hold_ms", "stalled_partitions", "stall_secs", "assigned_here",
        // Conversations: topics, settings and counts.
        "findings_topic", "state_topic", "ttl_secs", "conversations", "bytes", "unreadable", "seconds", "conversation_combination",
    ];
    let mut lines = 0;
    for l in logs.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(l).unwrap_or_else(|_| panic!("not a JSON log line: {l}"));
        for k in v.as_object().unwrap().keys() {
            assert!(FIELDS.contains(&k.as_str()), "log field {k} is not allowlisted");
        }
        lines += 1;
    }
    assert!(lines >= 3 && logs.contains("\"message\":\"stopped\""), "{logs}");
    assert_no_leaks(&secrets, &[metrics.as_bytes(), logs.as_bytes()]);
}
