//! Webhook subscriptions and their delivery logs.

use super::*;

impl Client {
    // ------------------------------------------------------------ webhooks

    /// Subscribes a URL; the answer holds the signing secret, shown once.
    pub async fn create_webhook(&self, body: &WebhookBody) -> Result<WebhookCreated> {
        self.post("/webhooks", body, None).await
    }

    pub async fn list_webhooks(&self) -> Result<Vec<WebhookView>> {
        self.get_all("/webhooks").await
    }

    pub async fn get_webhook(&self, id: i64) -> Result<WebhookView> {
        self.get(&format!("/webhooks/{id}")).await
    }

    /// Changes a subscription in place (URL, events, description), keeping its secret;
    /// `if_match` is the version last read (since 1.11.0).
    pub async fn put_webhook(&self, id: i64, body: &WebhookBody, if_match: Option<i64>) -> Result<WebhookView> {
        self.call(Method::PUT, &format!("/webhooks/{id}"), Some(body), if_match).await
    }

    /// Gives a subscription a new signing secret, shown in this answer only (since 1.11.0).
    pub async fn rotate_webhook_secret(&self, id: i64, if_match: Option<i64>) -> Result<WebhookCreated> {
        self.post(&format!("/webhooks/{id}/secret"), &serde_json::json!({}), if_match).await
    }

    /// A new secret that takes over after `switch_after_seconds` (1.14.0), the current
    /// one signing until then.
    pub async fn rotate_webhook_secret_with(&self, id: i64, body: &RotateSecretBody, if_match: Option<i64>) -> Result<WebhookCreated> {
        self.post(&format!("/webhooks/{id}/secret"), body, if_match).await
    }

    pub async fn delete_webhook(&self, id: i64) -> Result<()> {
        self.delete(&format!("/webhooks/{id}"), &[]).await
    }

    /// A subscription's delivery log, newest first.
    pub async fn webhook_deliveries(&self, id: i64, cursor: Option<&str>) -> Result<Page<WebhookDeliveryView>> {
        match cursor {
            Some(c) => self.get(&format!("/webhooks/{id}/deliveries?cursor={c}")).await,
            None => self.get(&format!("/webhooks/{id}/deliveries")).await,
        }
    }

    /// Sends a logged delivery again (same event id and body).
    pub async fn replay_webhook_delivery(&self, id: i64, delivery_id: i64) -> Result<WebhookDeliveryView> {
        self.post(&format!("/webhooks/{id}/deliveries/{delivery_id}/replay"), &serde_json::json!({}), None).await
    }

    /// Any call with a raw body and extra headers, answered with status, headers and JSON.
    pub async fn raw_with_headers(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> Result<RawResponse> {
        let mut req = self.authed(method, path).body(content_type, body);
        for (name, value) in headers {
            req = req.header(name, *value);
        }
        let res = self.send(req).await?;
        let text = res.text();
        let (status, headers) = (res.status, res.headers);
        let body = if text.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text).map_err(|e| ClientError::Decode(format!("{e}: {text}")))?
        };
        Ok(RawResponse { status, headers, body })
    }

    /// Any call with a raw body, for what the typed methods cannot express.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        if_match: Option<&str>,
    ) -> Result<(u16, serde_json::Value)> {
        let if_match = if_match.map(|v| ("If-Match", v));
        let res = self.raw_with_headers(method, path, content_type, body, if_match.as_slice()).await?;
        Ok((res.status, res.body))
    }
}
