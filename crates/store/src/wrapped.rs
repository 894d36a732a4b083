//! Every value the vault wrapped (file keys, sealed passphrases, webhook signing
//! secrets), so that key rotation can re-wrap them all and then retire the old
//! key-encryption key.

use diesel::prelude::*;

use crate::schema::{attachments, deliveries, webhooks};
use crate::{Store, StoreResult};

/// Where a wrapped value is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrappedKind {
    /// A result file's data key.
    DeliveryKey,
    /// A result file's sealed age passphrase.
    DeliveryPassphrase,
    /// An attachment's data key.
    AttachmentKey,
    /// A webhook's sealed signing secret.
    WebhookSecret,
    /// A webhook's sealed signing secret given ahead of its use.
    WebhookNextSecret,
}

impl WrappedKind {
    /// Sealed secrets (`wrapped:blob`) rather than wrapped keys (`kek.blob`).
    pub fn is_sealed(self) -> bool {
        matches!(self, WrappedKind::DeliveryPassphrase | WrappedKind::WebhookSecret | WrappedKind::WebhookNextSecret)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wrapped {
    pub kind: WrappedKind,
    pub id: i64,
    pub value: String,
}

impl Store {
    /// Every wrapped value held (shredded ones have none).
    pub fn wrapped_values(&self) -> StoreResult<Vec<Wrapped>> {
        let mut conn = self.conn()?;
        let mut out = Vec::new();
        let rows: Vec<(i64, Option<String>, Option<String>)> =
            deliveries::table.select((deliveries::id, deliveries::wrapped_key, deliveries::passphrase)).load(&mut *conn)?;
        for (id, key, passphrase) in rows {
            out.extend(key.map(|value| Wrapped { kind: WrappedKind::DeliveryKey, id, value }));
            out.extend(passphrase.map(|value| Wrapped { kind: WrappedKind::DeliveryPassphrase, id, value }));
        }
        let rows: Vec<(i64, String)> = attachments::table.select((attachments::id, attachments::wrapped_key)).load(&mut *conn)?;
        out.extend(rows.into_iter().filter(|(_, v)| !v.is_empty()).map(|(id, value)| Wrapped {
            kind: WrappedKind::AttachmentKey,
            id,
            value,
        }));
        let rows: Vec<(i64, String)> = webhooks::table.select((webhooks::id, webhooks::secret)).load(&mut *conn)?;
        out.extend(rows.into_iter().map(|(id, value)| Wrapped { kind: WrappedKind::WebhookSecret, id, value }));
        let rows: Vec<(i64, Option<String>)> = webhooks::table.select((webhooks::id, webhooks::next_secret)).load(&mut *conn)?;
        out.extend(rows.into_iter().filter_map(|(id, v)| v.map(|value| Wrapped { kind: WrappedKind::WebhookNextSecret, id, value })));
        Ok(out)
    }

    /// Replaces wrapped values, all in one transaction; a value that changed since
    /// it was read (shredded meanwhile) is left alone.
    pub fn set_wrapped_values(&self, changes: &[(Wrapped, String)]) -> StoreResult<usize> {
        self.write_tx(|c| {
            let mut n = 0;
            for (old, new) in changes {
                n += match old.kind {
                    WrappedKind::DeliveryKey => {
                        diesel::update(deliveries::table.find(old.id).filter(deliveries::wrapped_key.eq(&old.value)))
                            .set(deliveries::wrapped_key.eq(Some(new)))
                            .execute(c)?
                    }
                    WrappedKind::DeliveryPassphrase => {
                        diesel::update(deliveries::table.find(old.id).filter(deliveries::passphrase.eq(&old.value)))
                            .set(deliveries::passphrase.eq(Some(new)))
                            .execute(c)?
                    }
                    WrappedKind::AttachmentKey => {
                        diesel::update(attachments::table.find(old.id).filter(attachments::wrapped_key.eq(&old.value)))
                            .set(attachments::wrapped_key.eq(new))
                            .execute(c)?
                    }
                    WrappedKind::WebhookSecret => diesel::update(webhooks::table.find(old.id).filter(webhooks::secret.eq(&old.value)))
                        .set(webhooks::secret.eq(new))
                        .execute(c)?,
                    WrappedKind::WebhookNextSecret => {
                        diesel::update(webhooks::table.find(old.id).filter(webhooks::next_secret.eq(&old.value)))
                            .set(webhooks::next_secret.eq(Some(new)))
                            .execute(c)?
                    }
                };
            }
            Ok(n)
        })
    }
}
