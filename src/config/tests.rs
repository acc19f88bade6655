use super::*;

fn file(text: &str) -> FileConfig {
    parse(text).unwrap()
}

#[test]
fn the_example_file_parses_and_resolves() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/piiguard.example.toml")).unwrap();
    let s = Settings::resolve(file(&text)).unwrap();
    assert_eq!(s.topics, ["flex-events"]);
    assert_eq!(s.storm, Storm::default());
    assert_eq!(s.max_in_flight, defaults::MAX_IN_FLIGHT);
}

#[test]
fn unknown_keys_are_refused_by_name() {
    let e = parse("brokers = \"a:1\"\ntopcs = [\"x\"]\n").unwrap_err();
    assert!(e.starts_with("line 2: unknown field `topcs`"), "{e}");
    let e = parse("[dlq_storm]\nratio = 0.4\n").unwrap_err();
    assert!(e.contains("unknown field `ratio`"), "{e}");
}

#[test]
fn type_errors_do_not_quote_the_value() {
    let e = parse("max_in_flight = \"Jane Doe 123-45-6789\"\n").unwrap_err();
    assert!(!e.contains("6789") && !e.contains("Jane"), "{e}");
    assert!(e.starts_with("line 1:"), "{e}");
}

#[test]
fn flags_override_env_override_file() {
    let f = file("brokers = \"file:1\"\ngroup = \"g-file\"\ntopics = [\"t\"]\n[librdkafka]\n\"sasl.username\" = \"u\"\n\"socket.timeout.ms\" = 5000\n");
    let env = FileConfig { librdkafka: Some(librdkafka_from_env([("PIIGUARD_LIBRDKAFKA_SASL_PASSWORD".to_owned(), "pw".to_owned()), ("HOME".into(), "/".into())].into_iter())), group: Some("g-env".into()), ..Default::default() };
    let flags = FileConfig { brokers: Some("flag:1".into()), ..Default::default() };
    let s = Settings::resolve(merge(merge(f, env), flags)).unwrap();
    assert_eq!(s.brokers, "flag:1");
    assert_eq!(s.group, "g-env");
    assert_eq!(s.librdkafka["sasl.password"], "pw");
    assert_eq!(s.librdkafka["socket.timeout.ms"], "5000");
    assert_eq!(s.librdkafka.len(), 3);
}

#[test]
fn secrets_are_masked_when_rendered() {
    let f = file("brokers = \"b:1\"\ntopics = [\"t\"]\n[librdkafka]\n\"sasl.password\" = \"hunter2hunter2\"\n\"ssl.key.pem\" = \"-----BEGIN PRIVATE KEY-----abc\"\n\"sasl.oauthbearer.client.secret\" = \"s3cr3tvalue\"\n\"ssl.key.password\" = \"kpw-kpw-kpw\"\n\"security.protocol\" = \"SASL_SSL\"\n");
    let s = Settings::resolve(f).unwrap();
    let out = s.render_masked("file /run/secrets/k (kid 0a1b2c3d)");
    for secret in ["hunter2hunter2", "BEGIN PRIVATE", "s3cr3tvalue", "kpw-kpw-kpw"] {
        assert!(!out.contains(secret), "{out}");
    }
    assert!(out.contains("SASL_SSL"));
    // The rendering is itself a valid config that resolves to the same non-secret settings.
    let again = Settings::resolve(parse(&out).unwrap()).unwrap();
    assert_eq!(again.topics, s.topics);
    assert_eq!(again.metrics_addr, s.metrics_addr);
}

#[test]
fn bad_values_get_clear_errors() {
    let cases = [
        ("topics = [\"t\"]\n", "no brokers"),
        ("brokers = \"b:1\"\n", "no input topics"),
        ("brokers = \"b:1\"\ntopics = [\"t\"]\ncommands_topic = \"t\"\n", "also an input topic"),
        ("brokers = \"b:1\"\ntopics = [\"t\"]\ndlq_topic = \"piiguard.commands\"\n", "must differ"),
        ("brokers = \"b:1\"\ntopics = [\"t\"]\nmetrics_addr = \"localhost\"\n", "not IP:PORT"),
        ("brokers = \"b:1\"\ntopics = [\"t\"]\nassignment_strategy = \"sticky\"\n", "assignment strategy `sticky`"),
        ("brokers = \"b:1\"\ntopics = [\"t\"]\nmax_in_flight = 0\n", "at least 1"),
        ("brokers = \"b:1\"\ntopics = [\"t\"]\n[dlq_storm]\nmax_ratio = 1.5\n", "max_ratio"),
        ("brokers = \"b:1\"\ntopics = [\"t\"]\n[librdkafka]\n\"enable.auto.commit\" = true\n", "set by piiguard"),
        ("brokers = \"b:1\"\ntopics = [\"t\"]\n[librdkafka]\n\"group.instance.id\" = \"x\"\n", "use `group_instance_id`"),
        ("brokers = \"b:1\"\ntopics = [\"t\"]\ngroup_instance_id = \"pod 0\"\n", "group_instance_id must be"),
    ];
    for (text, want) in cases {
        let e = Settings::resolve(file(text)).unwrap_err().to_string();
        assert!(e.contains(want), "{text:?}: {e}");
    }
    assert_eq!(Settings::resolve(file("brokers = \"b:1\"\ntopics = [\"t\"]\nmetrics_addr = \"off\"\n")).unwrap().metrics_addr, None);
}

#[test]
fn static_membership_and_the_stall_check() {
    let s = Settings::resolve(file("brokers = \"b:1\"\ntopics = [\"t\"]\n")).unwrap();
    assert_eq!(s.group_instance_id, None, "dynamic membership by default");
    assert_eq!(s.group_stall, Some(Duration::from_secs(defaults::GROUP_STALL_SECS)));
    let s = Settings::resolve(file("brokers = \"b:1\"\ntopics = [\"t\"]\ngroup_instance_id = \" piiguard-0 \"\ngroup_stall_secs = 0\n")).unwrap();
    assert_eq!(s.group_instance_id.as_deref(), Some("piiguard-0"));
    assert_eq!(s.group_stall, None, "0 disables the check");
    let s = Settings::resolve(file("brokers = \"b:1\"\ntopics = [\"t\"]\ngroup_instance_id = \"\"\n")).unwrap();
    assert_eq!(s.group_instance_id, None, "an empty id means dynamic membership");
}

#[test]
fn conversations_table_defaults_overrides_and_topic_checks() {
    let base = "brokers = \"a:1\"\ntopics = [\"piiguard.findings\"]\n";
    let s = Settings::resolve(file(base)).unwrap();
    assert_eq!((s.conversations.findings_topic.as_deref(), s.conversations.state_topic.as_str()), (None, defaults::STATE_TOPIC));
    assert_eq!(s.conversations.ttl, Duration::from_secs(defaults::CONVERSATION_TTL_SECS));
    // correlate reads the findings topic: it may be the input here (run refuses that itself).
    let s = Settings::resolve(file(&format!("{base}[conversations]\nfindings_topic = \"piiguard.findings\"\nttl_secs = 60\n"))).unwrap();
    assert_eq!((s.conversations.findings_topic.as_deref(), s.conversations.ttl), (Some("piiguard.findings"), Duration::from_secs(60)));
    let flags = FileConfig { conversations: Some(ConversationsFile { state_topic: Some("st".into()), ..Default::default() }), ..Default::default() };
    let s = Settings::resolve(merge(file(&format!("{base}[conversations]\nttl_secs = 60\n")), flags)).unwrap();
    assert_eq!((s.conversations.state_topic.as_str(), s.conversations.ttl), ("st", Duration::from_secs(60)), "merged key by key");
    for bad in ["state_topic = \"piiguard.findings\"", "state_topic = \"piiguard.commands\"", "findings_topic = \"piiguard.dlq\"", "ttl_secs = 0", "max_conversations = 0"] {
        assert!(Settings::resolve(file(&format!("{base}[conversations]\n{bad}\n"))).is_err(), "{bad}");
    }
}
