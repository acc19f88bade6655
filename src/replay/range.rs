//! `--from` / `--to` bounds and their resolution to offsets per partition. Pure: the caller asks
//! the broker for watermarks and timestamp lookups and passes the answers in.

use std::fmt;
use std::str::FromStr;

/// One end of the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// The first retained record.
    Earliest,
    /// The end of each partition as it is when the replay starts.
    Latest,
    /// An offset (the same in every partition); `--to` is inclusive.
    Offset(i64),
    /// A record timestamp in milliseconds since the epoch; `--to` is inclusive.
    Time(i64),
}

impl FromStr for Bound {
    type Err = String;

    fn from_str(s: &str) -> Result<Bound, String> {
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        if lower == "earliest" {
            return Ok(Bound::Earliest);
        }
        if lower == "latest" {
            return Ok(Bound::Latest);
        }
        let num = lower.strip_prefix("offset").map(|r| r.trim_start_matches([':', '=', ' '])).unwrap_or(&lower);
        if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) {
            return num.parse().map(Bound::Offset).map_err(|_| format!("offset `{num}` is too large"));
        }
        match humantime::parse_rfc3339_weak(t) {
            Ok(time) => {
                let ms = time.duration_since(std::time::UNIX_EPOCH).map_err(|_| format!("`{t}` is before 1970"))?.as_millis();
                Ok(Bound::Time(ms as i64))
            }
            Err(_) => Err(format!("`{t}` is not earliest, latest, an offset (`offset:N` or N) or an RFC 3339 UTC time (2026-11-28T09:00:00Z)")),
        }
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bound::Earliest => f.write_str("earliest"),
            Bound::Latest => f.write_str("latest"),
            Bound::Offset(o) => write!(f, "offset:{o}"),
            Bound::Time(ms) => {
                let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(*ms as u64);
                write!(f, "{}", humantime::format_rfc3339_millis(t))
            }
        }
    }
}

/// Why a range cannot be replayed. Messages name offsets and times, never data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    /// `--from` comes after `--to`.
    #[error("--from {0} is after --to {1}")]
    Reversed(Bound, Bound),
    /// Part of the range is no longer retained.
    #[error("{topic}[{partition}]: {bound} is before the earliest retained record (offset {low}); records there were deleted by retention. Start at `earliest` to replay what is left")]
    OutsideRetention {
        /// Topic.
        topic: String,
        /// Partition.
        partition: i32,
        /// The bound.
        bound: Bound,
        /// Low watermark.
        low: i64,
    },
    /// An offset past the end.
    #[error("{topic}[{partition}]: {bound} is past the end of the partition (next offset {high})")]
    PastEnd {
        /// Topic.
        topic: String,
        /// Partition.
        partition: i32,
        /// The bound.
        bound: Bound,
        /// High watermark.
        high: i64,
    },
}

/// Checks what can be checked before asking the broker.
pub fn check_order(from: Bound, to: Bound) -> Result<(), RangeError> {
    let reversed = match (from, to) {
        (Bound::Offset(a), Bound::Offset(b)) | (Bound::Time(a), Bound::Time(b)) => a > b,
        (Bound::Latest, Bound::Earliest) => true,
        _ => false,
    };
    if reversed {
        Err(RangeError::Reversed(from, to))
    } else {
        Ok(())
    }
}

/// What the broker says about one partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartitionFacts {
    /// Low watermark (first retained offset).
    pub low: i64,
    /// High watermark (next offset), snapshotted at start.
    pub high: i64,
    /// Timestamp of the record at `low` (None for an empty partition or when no bound is a time).
    pub first_ts: Option<i64>,
    /// Timestamp of the record at `high - 1`.
    pub last_ts: Option<i64>,
    /// The broker's answer to "first offset with timestamp ≥ from" (when `from` is a time).
    pub from_lookup: Option<i64>,
    /// The broker's answer to "first offset with timestamp ≥ to + 1 ms" (when `to` is a time).
    pub to_lookup: Option<i64>,
}

/// The offsets to read, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Span {
    /// First offset to read.
    pub start: i64,
    /// One past the last offset to read.
    pub end: i64,
}

/// A timestamp lookup made safe: brokers answer imprecisely past the end (the local broker says 0
/// where Kafka says -1, `docs/local-broker.md`), so a time after the last record means the end, and an answer
/// outside the watermarks is clamped to them.
fn lookup(t: i64, answer: Option<i64>, f: &PartitionFacts) -> i64 {
    if f.high <= f.low || f.last_ts.is_some_and(|last| t > last) {
        return f.high;
    }
    match answer {
        Some(o) if o >= 0 => o.clamp(f.low, f.high),
        _ => f.high,
    }
}

/// Resolves the range for one partition.
pub fn resolve(topic: &str, partition: i32, from: Bound, to: Bound, f: &PartitionFacts) -> Result<Span, RangeError> {
    let outside = |bound| RangeError::OutsideRetention { topic: topic.to_owned(), partition, bound, low: f.low };
    let past = |bound| RangeError::PastEnd { topic: topic.to_owned(), partition, bound, high: f.high };
    let start = match from {
        Bound::Earliest => f.low,
        Bound::Latest => f.high,
        Bound::Offset(n) if n < f.low => return Err(outside(from)),
        Bound::Offset(n) if n > f.high => return Err(past(from)),
        Bound::Offset(n) => n,
        Bound::Time(t) => {
            // Records before `low` were deleted: if the range reaches before the first retained
            // record and something was deleted, part of it is gone.
            if f.low > 0 && f.first_ts.is_some_and(|first| t < first) {
                return Err(outside(from));
            }
            lookup(t, f.from_lookup, f)
        }
    };
    let end = match to {
        Bound::Earliest => f.low,
        Bound::Latest => f.high,
        Bound::Offset(n) if n < f.low => return Err(outside(to)),
        Bound::Offset(n) if n >= f.high => return Err(past(to)),
        Bound::Offset(n) => n + 1,
        Bound::Time(t) => lookup(t.saturating_add(1), f.to_lookup, f),
    };
    Ok(Span { start, end: end.max(start) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(low: i64, high: i64) -> PartitionFacts {
        PartitionFacts { low, high, first_ts: Some(1_000), last_ts: Some(1_000 + high - 1), from_lookup: None, to_lookup: None }
    }

    #[test]
    fn bounds_parse() {
        assert_eq!("earliest".parse(), Ok(Bound::Earliest));
        assert_eq!("LATEST".parse(), Ok(Bound::Latest));
        assert_eq!("offset:42".parse(), Ok(Bound::Offset(42)));
        assert_eq!("offset 42".parse(), Ok(Bound::Offset(42)));
        assert_eq!("42".parse(), Ok(Bound::Offset(42)));
        assert_eq!("1970-01-01T00:00:01Z".parse(), Ok(Bound::Time(1_000)));
        assert_eq!("1970-01-01T00:00:01.250Z".parse(), Ok(Bound::Time(1_250)));
        assert!("yesterday".parse::<Bound>().unwrap_err().contains("RFC 3339"));
        assert_eq!(Bound::Time(1_250).to_string(), "1970-01-01T00:00:01.250Z");
    }

    #[test]
    fn order_is_checked() {
        assert!(check_order(Bound::Time(5), Bound::Time(4)).is_err());
        assert!(check_order(Bound::Offset(5), Bound::Offset(4)).is_err());
        assert!(check_order(Bound::Latest, Bound::Earliest).is_err());
        assert!(check_order(Bound::Time(4), Bound::Time(4)).is_ok());
    }

    #[test]
    fn offsets_and_edges() {
        let f = facts(0, 100);
        assert_eq!(resolve("t", 0, Bound::Earliest, Bound::Latest, &f), Ok(Span { start: 0, end: 100 }));
        assert_eq!(resolve("t", 0, Bound::Offset(10), Bound::Offset(19), &f), Ok(Span { start: 10, end: 20 }));
        assert!(matches!(resolve("t", 0, Bound::Offset(10), Bound::Offset(100), &f), Err(RangeError::PastEnd { .. })));
        let g = facts(50, 100);
        assert!(matches!(resolve("t", 0, Bound::Offset(10), Bound::Latest, &g), Err(RangeError::OutsideRetention { .. })));
    }

    #[test]
    fn times_use_the_lookup_but_not_its_quirks() {
        // Records at offsets 0..100 with timestamps 1000..1099.
        let mut f = facts(0, 100);
        f.from_lookup = Some(20);
        f.to_lookup = Some(40);
        assert_eq!(resolve("t", 0, Bound::Time(1_020), Bound::Time(1_039), &f), Ok(Span { start: 20, end: 40 }));
        // After the last record the local broker answers 0: that is the end, not the start.
        f.from_lookup = Some(0);
        f.to_lookup = Some(0);
        assert_eq!(resolve("t", 0, Bound::Time(5_000), Bound::Time(6_000), &f), Ok(Span { start: 100, end: 100 }));
        // Kafka's -1 likewise.
        f.from_lookup = Some(-1);
        assert_eq!(resolve("t", 0, Bound::Time(1_500), Bound::Latest, &f), Ok(Span { start: 100, end: 100 }));
        // Before a retention cut.
        let mut g = facts(50, 100);
        g.first_ts = Some(1_050);
        assert!(matches!(resolve("t", 0, Bound::Time(1_000), Bound::Latest, &g), Err(RangeError::OutsideRetention { .. })));
        // An empty partition is an empty span.
        let e = PartitionFacts { low: 0, high: 0, first_ts: None, last_ts: None, from_lookup: Some(0), to_lookup: Some(0) };
        assert_eq!(resolve("t", 0, Bound::Time(1), Bound::Time(2), &e), Ok(Span { start: 0, end: 0 }));
    }
}
