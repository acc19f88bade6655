//! Keyed fingerprints of sensitive values: HMAC-SHA256 under a secret key, never a plain hash.
//!
//! An SSN has 10^9 possible values, so an unkeyed hash of one is reversed by enumeration (PCI DSS
//! 3.5.1.1, ENISA §3.2). A fingerprint lets a downstream system see that two findings hold the same
//! value without learning it, and only while it does not hold the key. The key id (`kid`) names the key
//! without revealing it, so fingerprints made under different keys are not compared by mistake.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::scanner::{Kind, Normal};

type HmacSha256 = Hmac<Sha256>;

/// Minimum key length in bytes (256 bits).
pub const MIN_KEY_BYTES: usize = 32;

/// Why a key was refused. Never carries key material.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    /// Shorter than [`MIN_KEY_BYTES`].
    #[error("the HMAC key is {0} bytes; at least {MIN_KEY_BYTES} are required")]
    TooShort(usize),
}

/// Computes fingerprints under one key.
#[derive(Clone)]
pub struct Fingerprinter {
    mac: HmacSha256,
    kid: String,
    ephemeral: bool,
}

impl std::fmt::Debug for Fingerprinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fingerprinter").field("kid", &self.kid).field("key", &"[REDACTED]").finish()
    }
}

impl Fingerprinter {
    /// A fingerprinter keyed with `key` (at least 32 bytes).
    pub fn new(key: &[u8]) -> Result<Fingerprinter, KeyError> {
        if key.len() < MIN_KEY_BYTES {
            return Err(KeyError::TooShort(key.len()));
        }
        let mac = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
        let mut kid_mac = mac.clone();
        kid_mac.update(b"piiguard key id v1");
        let kid = hex::encode(&kid_mac.finalize().into_bytes()[..4]);
        Ok(Fingerprinter { mac, kid, ephemeral: false })
    }

    /// A fingerprinter with a random key that lives as long as the process: fingerprints are then
    /// comparable within one run only. Used when no key is configured.
    pub fn ephemeral() -> Fingerprinter {
        let mut key = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut key);
        let mut f = Fingerprinter::new(&key).expect("32-byte key");
        f.ephemeral = true;
        f
    }

    /// The key id: 8 hex digits derived from the key (an HMAC of a constant, not the key).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// True for a per-process random key.
    pub fn is_ephemeral(&self) -> bool {
        self.ephemeral
    }

    /// HMAC-SHA256 of a whole record's bytes (128 bits, hex), for dead-letter references: a copy of
    /// the record can be recognised without the reference holding it.
    pub fn record_hmac(&self, bytes: &[u8]) -> String {
        let mut mac = self.mac.clone();
        mac.update(b"record\0");
        mac.update(bytes);
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// HMAC-SHA256 of a Kafka record's key (128 bits, hex): the key may hold anything (a phone
    /// number, an e-mail address), so outputs carry this instead; the coordinates already identify
    /// the record.
    pub fn key_hmac(&self, key: &[u8]) -> String {
        let mut mac = self.mac.clone();
        mac.update(b"record key\0");
        mac.update(key);
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// HMAC-SHA256 of a phone number or address in `from`/`to` (digits only when it has any, so
    /// `+1 555…` and `whatsapp:+1555…` agree), 128 bits in hex: one side of an SMS conversation.
    pub fn party(&self, value: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(b"party\0");
        if value.bytes().any(|b| b.is_ascii_digit()) {
            value.bytes().filter(u8::is_ascii_digit).for_each(|b| mac.update(&[b]));
        } else {
            mac.update(value.trim().to_lowercase().as_bytes());
        }
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// HMAC-SHA256 of labelled parts (each followed by a zero byte), 128 bits in hex: a keyed id
    /// made of other ids (an SMS conversation's key from its account and its two parties).
    pub fn keyed(&self, label: &str, parts: &[&str]) -> String {
        let mut mac = self.mac.clone();
        mac.update(label.as_bytes());
        for p in parts {
            mac.update(b"\0");
            mac.update(p.as_bytes());
        }
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// HMAC-SHA256 of the normalised value, 128 bits in hex. Normalisation: digits and letters only,
    /// upper case, for identifiers (so "123-45-6789" and "123 45 6789" agree); lower-case words joined
    /// by one space for names.
    pub fn fingerprint(&self, kind: Kind, value: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(kind.as_str().as_bytes());
        mac.update(&[0]);
        if kind.info().normal == Normal::Words {
            for (i, w) in value.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).enumerate() {
                if i > 0 {
                    mac.update(b" ");
                }
                mac.update(w.to_lowercase().as_bytes());
            }
        } else {
            // Full-width digits and letters count as their ASCII forms ("１２３" is "123").
            for c in value.chars() {
                let c = match c {
                    '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                    c => c,
                };
                if c.is_ascii_alphanumeric() {
                    mac.update(&[c.to_ascii_uppercase() as u8]);
                }
            }
        }
        hex::encode(&mac.finalize().into_bytes()[..16])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_and_normalised() {
        let a = Fingerprinter::new(&[7u8; 32]).unwrap();
        let b = Fingerprinter::new(&[8u8; 32]).unwrap();
        assert_eq!(a.fingerprint(Kind::Ssn, "123-45-6789"), a.fingerprint(Kind::Ssn, "123 45 6789"));
        assert_ne!(a.fingerprint(Kind::Ssn, "123-45-6789"), b.fingerprint(Kind::Ssn, "123-45-6789"));
        assert_ne!(a.fingerprint(Kind::Ssn, "123456789"), a.fingerprint(Kind::Account, "123456789"));
        assert_eq!(a.fingerprint(Kind::Name, "Jane  Doe"), a.fingerprint(Kind::Name, "JANE DOE"));
        assert_ne!(a.kid(), b.kid());
        assert_eq!(a.fingerprint(Kind::Ssn, "1").len(), 32);
        assert!(!format!("{a:?}").contains("0707"));
    }

    #[test]
    fn short_keys_are_refused() {
        assert_eq!(Fingerprinter::new(b"short").unwrap_err(), KeyError::TooShort(5));
    }
}
