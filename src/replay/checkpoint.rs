//! `--checkpoint FILE`: where a replay got to, so a rerun after a crash resumes with no gap.
//!
//! Holds the resolved spans (the end offsets snapshotted when the replay first started, so a resume
//! covers the same range) and, per partition, the next offset whose record is not yet handled
//! (every record below it was written out). Saved atomically (temporary file, fsync, rename).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::range::Span;

/// The checkpoint file's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Format version.
    pub version: u32,
    /// The replay's arguments (topics, bounds, output): a checkpoint only resumes the same replay.
    pub spec: String,
    /// `topic/partition` → the offsets to read.
    pub spans: BTreeMap<String, Span>,
    /// `topic/partition` → next offset not yet handled.
    pub next: BTreeMap<String, i64>,
    /// Set when every span was handled.
    pub complete: bool,
}

/// The key of a partition in the maps.
pub fn key(topic: &str, partition: i32) -> String {
    format!("{topic}/{partition}")
}

impl Checkpoint {
    /// Reads a checkpoint; `Ok(None)` when the file does not exist.
    pub fn load(path: &Path) -> std::io::Result<Option<Checkpoint>> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{} is not a piiguard replay checkpoint", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes it atomically.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let tmp = path.with_extension("tmp");
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&serde_json::to_vec_pretty(self).expect("serialisable"))?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("cp.json");
        assert_eq!(Checkpoint::load(&p).unwrap(), None);
        let c = Checkpoint {
            version: 1,
            spec: "x".into(),
            spans: [(key("t", 0), Span { start: 5, end: 10 })].into(),
            next: [(key("t", 0), 7)].into(),
            complete: false,
        };
        c.save(&p).unwrap();
        assert_eq!(Checkpoint::load(&p).unwrap(), Some(c));
        std::fs::write(&p, b"garbage").unwrap();
        assert!(Checkpoint::load(&p).is_err());
    }
}
