//! Result files, their passphrases, the audit trail and the catalog of existing sources.

use super::*;
use crate::transport::{Part, Upload};

impl Client {
    // ------------------------------------------------------------ deliveries and audit

    /// Uploads a result file (multipart field `file`).
    pub async fn upload_delivery(&self, id: i64, filename: &str, file: impl Into<Upload>) -> Result<DeliveryView> {
        self.upload_magnitude_table(id, filename, file, &[], None).await
    }

    /// Uploads a statistical CSV table whose `magnitude` columns hold totals, with
    /// `contributions`: a CSV of the same header and rows whose magnitude cells read
    /// `largest/second`, for the dominance check (read by the server, never stored).
    pub async fn upload_magnitude_table(
        &self,
        id: i64,
        filename: &str,
        file: impl Into<Upload>,
        magnitude: &[&str],
        contributions: Option<Upload>,
    ) -> Result<DeliveryView> {
        let mut form = vec![Part::File { name: "file", filename: filename.to_string(), body: file.into() }];
        form.extend(magnitude.iter().map(|m| Part::Text { name: "magnitude", value: m.to_string() }));
        if let Some(c) = contributions {
            form.push(Part::File { name: "contributions", filename: "contributions.csv".to_string(), body: c });
        }
        decode(self.send(self.authed(Method::POST, &format!("/requests/{id}/deliveries")).form(form)).await?)
    }

    /// Attaches a file (e.g. a sample of the output format) to a draft.
    pub async fn upload_attachment(&self, id: i64, filename: &str, file: impl Into<Upload>) -> Result<AttachmentView> {
        let form = vec![Part::File { name: "file", filename: filename.to_string(), body: file.into() }];
        decode(self.send(self.authed(Method::POST, &format!("/requests/{id}/attachments")).form(form)).await?)
    }

    /// A file body as it is served, or the problem.
    async fn get_bytes(&self, path: &str) -> Result<Vec<u8>> {
        body(self.send(self.authed(Method::GET, path)).await?)
    }

    /// Removes an attached file (and destroys its content).
    pub async fn remove_attachment(&self, id: i64, aid: i64) -> Result<()> {
        done(self.send(self.authed(Method::DELETE, &format!("/requests/{id}/attachments/{aid}"))).await?)
    }

    pub async fn attachments(&self, id: i64) -> Result<Vec<AttachmentView>> {
        self.get_all(&format!("/requests/{id}/attachments")).await
    }

    pub async fn download_attachment(&self, id: i64, aid: i64) -> Result<Vec<u8>> {
        self.get_bytes(&format!("/requests/{id}/attachments/{aid}/file")).await
    }

    /// A short-lived link to an attached file (see [`DownloadLink`]).
    pub async fn attachment_link(&self, id: i64, aid: i64) -> Result<DownloadLink> {
        self.post(&format!("/requests/{id}/attachments/{aid}/link"), &serde_json::json!({}), None).await
    }

    pub async fn deliveries(&self, id: i64) -> Result<DeliveryManifest> {
        self.get(&format!("/requests/{id}/deliveries")).await
    }

    /// The file as served: an age file for personal data, else the plain file.
    pub async fn download_delivery(&self, id: i64, did: i64) -> Result<Vec<u8>> {
        self.get_bytes(&format!("/requests/{id}/deliveries/{did}/file")).await
    }

    /// A short-lived link to a result file (see [`DownloadLink`]).
    pub async fn delivery_link(&self, id: i64, did: i64) -> Result<DownloadLink> {
        self.post(&format!("/requests/{id}/deliveries/{did}/link"), &serde_json::json!({}), None).await
    }

    pub async fn reveal_passphrase(&self, id: i64, did: i64) -> Result<PassphraseView> {
        self.post(&format!("/requests/{id}/deliveries/{did}/passphrase"), &serde_json::json!({}), None).await
    }

    /// Asks to keep delivered personal data `days` longer (rule 6).
    pub async fn request_retention_extension(&self, id: i64, days: u32, reason: &str) -> Result<RetentionExtensionView> {
        self.post(&format!("/requests/{id}/retention-extension"), &RetentionExtensionBody { days, reason: reason.into() }, None).await
    }

    /// DGPA's answer to the waiting extension; `version` is the request's ETag.
    pub async fn decide_retention_extension(
        &self,
        id: i64,
        version: Option<i64>,
        decision: ExtensionDecision,
        comment: Option<&str>,
    ) -> Result<RetentionExtensionView> {
        let body = RetentionDecisionBody { decision, comment: comment.map(String::from) };
        let tag = version.map_or_else(|| "*".to_string(), |v| format!("\"{v}\""));
        self.call_tagged(Method::POST, &format!("/requests/{id}/retention-extension/decision"), Some(&body), Some(tag)).await
    }

    pub async fn retention_extensions(&self, id: i64) -> Result<Vec<RetentionExtensionView>> {
        self.get_all(&format!("/requests/{id}/retention-extensions")).await
    }

    /// Accepts a table's small cells with the reason (a second officer).
    pub async fn accept_disclosure(&self, id: i64, did: i64, reason: &str) -> Result<DeliveryView> {
        self.post(&format!("/requests/{id}/deliveries/{did}/disclosure"), &AcceptDisclosureBody { reason: reason.into() }, None).await
    }

    /// Removes a file not yet delivered, with the reason kept in the audit trail.
    pub async fn remove_delivery(&self, id: i64, did: i64, reason: &str) -> Result<()> {
        self.delete(&format!("/requests/{id}/deliveries/{did}"), &[("reason", reason)]).await
    }

    pub async fn approve_delivery(&self, id: i64, did: i64) -> Result<DeliveryView> {
        self.post(&format!("/requests/{id}/deliveries/{did}/approve"), &serde_json::json!({}), None).await
    }

    /// Asks the other DGPA officers to check a file (four eyes).
    pub async fn request_review(&self, id: i64, did: i64) -> Result<DeliveryView> {
        self.post(&format!("/requests/{id}/deliveries/{did}/review-request"), &serde_json::json!({}), None).await
    }

    /// Registers an X25519 age recipient for this account's downloads (`None` removes it).
    pub async fn set_age_recipient(&self, recipient: Option<&str>) -> Result<AgeRecipientBody> {
        self.call(Method::PUT, "/me/age-recipient", Some(&AgeRecipientBody { recipient: recipient.map(String::from) }), None).await
    }

    /// Delivered personal data awaiting destruction (own agency, or all for DGPA).
    pub async fn destructions(&self) -> Result<Vec<DestructionDueView>> {
        self.get_all("/destructions").await
    }

    /// The audit trail, newest first; `query` like `request_id=3&action=delivery.downloaded`.
    pub async fn audit(&self, query: &str) -> Result<Page<AuditEntryView>> {
        self.get(&format!("/audit?{query}")).await
    }

    /// The same selection as CSV text (administrators; since 1.12.0); `query` as for [`Client::audit`].
    pub async fn audit_csv(&self, query: &str) -> Result<String> {
        self.get_text(&format!("/audit.csv?{query}")).await
    }

    /// Checks the whole audit chain now (administrators).
    pub async fn verify_audit(&self) -> Result<AuditVerificationView> {
        self.post("/audit/verification", &serde_json::json!({}), None).await
    }

    // ------------------------------------------------------------ existing sources (rule 4)

    /// The catalog of existing sources; `query` as in `source=…&field=…`, or empty.
    pub async fn sources(&self, query: &str) -> Result<Vec<statreq_domain::catalog::CatalogEntry>> {
        self.get_all(&format!("/sources?{query}")).await
    }

    pub async fn get_source(&self, id: &str) -> Result<SourceView> {
        self.get(&format!("/sources/{id}")).await
    }

    pub async fn create_source(&self, entry: &CatalogEntry) -> Result<SourceView> {
        self.post("/sources", entry, None).await
    }

    pub async fn put_source(&self, entry: &CatalogEntry, if_match: Option<i64>) -> Result<SourceView> {
        self.call(Method::PUT, &format!("/sources/{}", entry.id), Some(entry), if_match).await
    }

    pub async fn delete_source(&self, id: &str, if_match: Option<i64>) -> Result<()> {
        let mut req = self.authed(Method::DELETE, &format!("/sources/{id}"));
        if let Some(v) = if_match {
            req = req.header("If-Match", format!("\"{v}\""));
        }
        done(self.send(req).await?)
    }

    pub async fn source_history(&self, id: &str) -> Result<Vec<ReferenceChangeView>> {
        self.get_all(&format!("/sources/{id}/history")).await
    }

    /// Catalog entries ranked by how much of a request they cover.
    pub async fn request_sources(&self, id: i64) -> Result<Vec<statreq_domain::catalog::Coverage>> {
        self.get_all(&format!("/requests/{id}/sources")).await
    }
}
