//! What the audit trail records: every action code an entry can carry, named for the
//! people who read the trail (DGPA's administrators) in both languages, and grouped by
//! what it concerns. The store writes no other code; the SPA labels entries and offers
//! its search from this list.

use crate::message::Text;

/// An action the audit trail records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditAction {
    /// As stored and searched: `<group>.<what happened>`.
    pub code: &'static str,
    pub zh_tw: &'static str,
    pub en: &'static str,
}

impl AuditAction {
    pub fn label(&self) -> Text {
        Text::new(self.zh_tw, self.en)
    }

    /// The part before the dot (`delivery` of `delivery.downloaded`).
    pub fn group(&self) -> &'static str {
        group_of(self.code)
    }
}

/// The group of a code: what comes before its first dot.
pub fn group_of(code: &str) -> &str {
    code.split_once('.').map_or(code, |(g, _)| g)
}

const fn a(code: &'static str, zh_tw: &'static str, en: &'static str) -> AuditAction {
    AuditAction { code, zh_tw, en }
}

/// Every action, group by group in the order a search offers them.
pub const ACTIONS: &[AuditAction] = &[
    // A request's life (its events, rule 5 to rule 6).
    a("request.created", "建立申請", "created a request"),
    a("request.edited", "修改申請內容", "edited an application"),
    a("request.submitted", "送出申請", "submitted a request"),
    a("request.withdrawn", "撤回申請", "withdrew a request"),
    a("request.registered_from_paper", "登錄紙本或電子郵件申請", "registered an application on paper or by e-mail"),
    a("request.supervisor_approved", "主管機關核轉", "supervising agency approved"),
    a("request.supervisor_returned", "主管機關退回補正", "supervising agency returned for revision"),
    a("request.supervisor_rejected", "主管機關不予核轉", "supervising agency rejected"),
    a("request.dgpa_accepted", "人事總處受理", "DGPA accepted"),
    a("request.dgpa_returned", "人事總處退回補正", "DGPA returned for revision"),
    a("request.dgpa_rejected", "人事總處不予受理", "DGPA rejected"),
    a("request.marked_personal", "認定涉及個人資料", "marked as personal data"),
    a("request.rerated", "重新評定難易度", "re-rated the difficulty"),
    a("request.reassigned", "改派承辦人", "reassigned the officer"),
    a("request.held", "暫停處理", "put on hold"),
    a("request.resumed", "恢復處理", "resumed"),
    a("request.taken", "開始產製", "taken into production"),
    a("request.delivered", "交付資料", "delivered the data"),
    a("request.acknowledged", "確認收訖", "acknowledged receipt"),
    a("request.destruction_recorded", "登錄資料銷毀", "recorded the data's destruction"),
    // Files DGPA produces and the recipient opens.
    a("delivery.uploaded", "上傳交付檔案", "uploaded a delivery file"),
    a("delivery.removed", "刪除交付檔案", "removed a delivery file"),
    a("delivery.disclosure_accepted", "接受小細格揭露風險", "accepted a table's small cells"),
    a("delivery.review_requested", "請其他承辦人複核檔案", "asked another officer to check a file"),
    a("delivery.approved", "複核通過交付檔案", "approved a file for release"),
    a("delivery.downloaded", "下載交付檔案", "downloaded a delivery file"),
    a("delivery.download_refused", "拒絕下載交付檔案", "refused a delivery file's download"),
    a("delivery.passphrase_revealed", "查看解密密碼", "revealed a file's passphrase"),
    a("delivery.passphrase_refused", "拒絕查看解密密碼", "refused a file's passphrase"),
    a("delivery.shredded_after_window", "下載期滿銷毀交付檔案", "shredded a delivery file after its download window"),
    a("delivery.shredded_on_restore", "還原備份時銷毀交付檔案", "shredded a delivery file on restoring a backup"),
    // Files the applicant attaches.
    a("attachment.uploaded", "上傳附件", "uploaded an attachment"),
    a("attachment.removed", "刪除附件", "removed an attachment"),
    a("attachment.downloaded", "下載附件", "downloaded an attachment"),
    a("attachment.shredded_on_restore", "還原備份時銷毀附件", "shredded an attachment on restoring a backup"),
    // Keeping personal data longer (rule 6).
    a("retention.extension_requested", "申請延長保存", "asked to keep data longer"),
    a("retention.extension_decided", "決定延長保存之申請", "decided on keeping data longer"),
    // Questions on the data and the FAQ.
    a("inquiry.created", "提出問題", "asked a question"),
    a("inquiry.replied", "回覆問題", "replied to a question"),
    a("inquiry.closed", "結束問題", "closed a question"),
    a("faq.published", "發布常見問答", "published an FAQ entry"),
    a("faq.withdrawn", "撤下常見問答", "withdrew an FAQ entry"),
    // Signing in.
    a("auth.signed_in", "登入", "signed in"),
    a("auth.sign_in_failed", "登入失敗", "failed to sign in"),
    a("auth.token_issued", "核發系統介接權杖", "issued a service token"),
    a("auth.session_ended", "結束一個登入裝置", "ended a session"),
    a("auth.signed_out", "登出", "signed out"),
    a("auth.signed_out_everywhere", "登出所有裝置", "signed out everywhere"),
    a("auth.refresh_token_reused", "更新權杖遭重複使用（疑遭盜用）", "a refresh token was reused (possibly stolen)"),
    a(
        "auth.refresh_repeated",
        "同一用戶端於數秒內再次使用更新權杖（視為同時更新，登入未結束）",
        "the same client presented a refresh token again within seconds (concurrent refreshes; the sign-in goes on)",
    ),
    // Accounts.
    a("user.created", "建立帳號", "created an account"),
    a("user.updated", "修改帳號", "changed an account"),
    a("user.provisioned", "依 WebHR 登入建立帳號", "created an account from a WebHR sign-in"),
    a("user.updated_from_token", "依 WebHR 登入更新帳號", "updated an account from a WebHR sign-in"),
    a("user.notification_settings", "修改通知設定", "changed notification settings"),
    a("user.age_recipient_set", "設定 age 收件公鑰", "set an age recipient"),
    // Agencies.
    a("agency.created", "新增機關", "added an agency"),
    a("agency.updated", "修改機關", "changed an agency"),
    a("agencies.imported", "匯入機關", "imported agencies"),
    // Reference data.
    a("dictionary.created", "新增欄位說明", "added a field to the dictionary"),
    a("dictionary.updated", "修改欄位說明", "changed a field in the dictionary"),
    a("dictionary.deleted", "刪除欄位說明", "deleted a field from the dictionary"),
    a("catalog.created", "新增既有資料來源", "added an existing source"),
    a("catalog.updated", "修改既有資料來源", "changed an existing source"),
    a("catalog.deleted", "刪除既有資料來源", "deleted an existing source"),
    a("calendar.created", "新增辦公日曆", "added an office calendar year"),
    a("calendar.updated", "修改辦公日曆", "changed an office calendar year"),
    a("calendar.deleted", "刪除辦公日曆", "deleted an office calendar year"),
    // Integration.
    a("webhook.created", "新增 Webhook", "added a webhook"),
    a("webhook.updated", "修改 Webhook", "changed a webhook"),
    a("webhook.secret_rotated", "更換 Webhook 簽章密鑰", "rotated a webhook's secret"),
    a("webhook.deleted", "刪除 Webhook", "deleted a webhook"),
    a("webhook.replayed", "重送 Webhook 通知", "replayed a webhook delivery"),
    // The service itself.
    a("settings.queue_changed", "修改排程設定", "changed the queue's settings"),
    a("keys.rotated", "更換加密金鑰", "rotated the encryption keys"),
    a("audit.exported", "匯出稽核軌跡", "exported the audit trail"),
    a("audit.verified", "驗證稽核軌跡", "verified the audit trail"),
];

/// The groups, in the order of [`ACTIONS`], with their names.
pub const GROUPS: &[(&str, &str, &str)] = &[
    ("request", "申請案件", "requests"),
    ("delivery", "交付檔案", "delivery files"),
    ("attachment", "附件", "attachments"),
    ("retention", "延長保存", "keeping data longer"),
    ("inquiry", "資料問題", "questions"),
    ("faq", "常見問答", "FAQ"),
    ("auth", "登入", "signing in"),
    ("user", "帳號", "accounts"),
    ("agency", "機關", "agencies"),
    ("agencies", "機關匯入", "agency imports"),
    ("dictionary", "欄位字典", "field dictionary"),
    ("catalog", "既有資料來源", "existing sources"),
    ("calendar", "辦公日曆", "office calendar"),
    ("webhook", "Webhook", "webhooks"),
    ("settings", "排程設定", "queue settings"),
    ("keys", "加密金鑰", "encryption keys"),
    ("audit", "稽核軌跡", "audit trail"),
];

/// The action a code names, if the trail knows it.
pub fn action(code: &str) -> Option<&'static AuditAction> {
    ACTIONS.iter().find(|a| a.code == code)
}

/// A group's name, if there is such a group.
pub fn group_label(group: &str) -> Option<Text> {
    GROUPS.iter().find(|(g, ..)| *g == group).map(|(_, zh, en)| Text::new(*zh, *en))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::{Action, EventKind};

    #[test]
    fn every_code_is_once_in_a_known_group_and_groups_keep_together() {
        let mut seen = std::collections::HashSet::new();
        let mut groups: Vec<&str> = Vec::new();
        for a in ACTIONS {
            assert!(seen.insert(a.code), "{} twice", a.code);
            assert!(group_label(a.group()).is_some(), "{} has no group", a.code);
            assert!(!a.zh_tw.is_empty() && !a.en.is_empty(), "{} unnamed", a.code);
            if groups.last() != Some(&a.group()) {
                assert!(!groups.contains(&a.group()), "{}'s group is split", a.code);
                groups.push(a.group());
            }
        }
        let listed: Vec<&str> = GROUPS.iter().map(|(g, ..)| *g).collect();
        assert_eq!(groups, listed, "GROUPS follow ACTIONS' order");
    }

    #[test]
    fn every_transition_the_lifecycle_records_is_known() {
        // The store writes `request.<event>` for each transition (rule 5's steps).
        for action in Action::ALL {
            let code = format!("request.{}", EventKind::of(action).as_str());
            assert!(super::action(&code).is_some(), "{code} missing");
        }
        assert!(super::action("request.created").is_some());
        assert_eq!(super::action("delivery.downloaded").map(|a| a.label().en), Some("downloaded a delivery file".into()));
        assert!(super::action("delivery").is_none() && super::action("nothing.here").is_none());
    }
}
