//! Where the fingerprint key comes from: a file (`--hmac-key-file`, or `PIIGUARD_HMAC_KEY_FILE`) or
//! the environment (`PIIGUARD_HMAC_KEY`, hex). Never from a flag's value or a config file: argv is
//! visible in `/proc/<pid>/cmdline`, and config files get copied around.

use std::path::Path;

use crate::fingerprint::{Fingerprinter, KeyError};

/// Environment variable holding the key as hex.
pub const KEY_ENV: &str = "PIIGUARD_HMAC_KEY";

/// Why no key could be loaded. Carries no key material.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The key file could not be read.
    #[error("cannot read the HMAC key file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The environment variable is not hex.
    #[error("{KEY_ENV} must be hex (64 or more hex digits)")]
    NotHex,
    /// The key is too short.
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// Decodes key text: hex when it is all hex digits (after trimming), raw bytes otherwise.
fn decode(bytes: &[u8]) -> Vec<u8> {
    let t = bytes.trim_ascii();
    if t.len() >= 2 && t.len().is_multiple_of(2) && t.iter().all(u8::is_ascii_hexdigit) {
        hex::decode(t).expect("checked hex")
    } else {
        t.to_vec()
    }
}

/// Loads the key: the file if given, else the environment. `Ok(None)` when neither is set.
pub fn load(file: Option<&Path>) -> Result<Option<Fingerprinter>, Error> {
    if let Some(path) = file {
        let bytes = std::fs::read(path).map_err(|source| Error::Read { path: path.display().to_string(), source })?;
        return Ok(Some(Fingerprinter::new(&decode(&bytes))?));
    }
    match std::env::var(KEY_ENV) {
        Ok(v) => {
            let t = v.trim();
            if !t.bytes().all(|b| b.is_ascii_hexdigit()) || t.len() % 2 != 0 {
                return Err(Error::NotHex);
            }
            Ok(Some(Fingerprinter::new(&hex::decode(t).map_err(|_| Error::NotHex)?)?))
        }
        Err(_) => Ok(None),
    }
}
