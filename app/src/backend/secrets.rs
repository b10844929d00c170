//! Secrets the console must be able to read back (the TOTP secrets of two-step verification) are
//! sealed with XChaCha20-Poly1305 under a key kept outside the database: a database dump alone
//! does not reveal them. Each sealed value is bound to its purpose and row (the associated data),
//! so a value copied into another user's row does not open.

use anyhow::{Context, bail};
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use std::path::Path;

const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 24;

#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

impl SecretBox {
    pub fn from_key(key: [u8; 32]) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(Key::from_slice(&key)),
        }
    }

    /// A key given as 64 hexadecimal digits.
    pub fn from_hex(hex_key: &str) -> anyhow::Result<Self> {
        let bytes = hex::decode(hex_key.trim()).context("the secret key is not hexadecimal")?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| anyhow::anyhow!("the secret key must be 32 bytes (64 hex digits)"))?;
        Ok(Self::from_key(key))
    }

    /// The key in `path`, created (readable by the owner only) when the file does not exist.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Self> {
        if path.exists() {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the secret key {}", path.display()))?;
            return Self::from_hex(&text)
                .with_context(|| format!("the secret key in {}", path.display()));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let key: [u8; 32] = rand::random();
        write_private(path, &hex::encode(key))?;
        tracing::info!(path = %path.display(), "created a new secret key");
        Ok(Self::from_key(key))
    }

    /// Encrypts `plain` for `purpose` (e.g. `totp:42`).
    pub fn seal(&self, plain: &[u8], purpose: &str) -> anyhow::Result<String> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| anyhow::anyhow!("encryption failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", hex::encode(out)))
    }

    /// Decrypts what `seal` produced for the same `purpose`.
    pub fn open(&self, sealed: &str, purpose: &str) -> anyhow::Result<Vec<u8>> {
        let Some(body) = sealed.strip_prefix(PREFIX) else {
            bail!("unknown sealed-secret format");
        };
        let bytes = hex::decode(body).context("sealed secret is not hexadecimal")?;
        if bytes.len() <= NONCE_LEN {
            bail!("sealed secret is too short");
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| anyhow::anyhow!("the secret does not open with this key"))
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating the secret key {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("creating {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_sealed_secret_opens_only_for_its_purpose_and_key() {
        let key = SecretBox::from_key([7; 32]);
        let sealed = key.seal(b"JBSWY3DPEHPK3PXP", "totp:1").expect("seal");
        assert!(!sealed.contains("JBSWY3DP"));
        assert_eq!(
            key.open(&sealed, "totp:1").expect("open"),
            b"JBSWY3DPEHPK3PXP"
        );
        assert!(key.open(&sealed, "totp:2").is_err(), "bound to its row");
        assert!(
            SecretBox::from_key([8; 32])
                .open(&sealed, "totp:1")
                .is_err()
        );
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('0') { '1' } else { '0' });
        assert!(key.open(&tampered, "totp:1").is_err());
    }

    #[test]
    fn keys_are_64_hex_digits() {
        assert!(SecretBox::from_hex(&"ab".repeat(32)).is_ok());
        assert!(SecretBox::from_hex("abcd").is_err());
        assert!(SecretBox::from_hex(&"zz".repeat(32)).is_err());
    }

    #[test]
    fn a_key_file_is_created_once_and_read_back() {
        let dir = std::env::temp_dir().join(format!("console-key-{}", std::process::id()));
        let path = dir.join("secret.key");
        let _ = std::fs::remove_dir_all(&dir);
        let first = SecretBox::load_or_create(&path).expect("create");
        let sealed = first.seal(b"x", "p").expect("seal");
        let second = SecretBox::load_or_create(&path).expect("read");
        assert_eq!(second.open(&sealed, "p").expect("open"), b"x");
        let _ = std::fs::remove_dir_all(&dir);
    }

    proptest! {
        #[test]
        fn any_text_fed_to_open_is_refused_without_panic(s in ".{0,200}") {
            let key = SecretBox::from_key([1; 32]);
            prop_assert!(key.open(&s, "totp:1").is_err());
        }
    }
}
