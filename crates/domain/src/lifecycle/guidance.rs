//! What happens next to a request, in one sentence for whoever is looking at it: the
//! step that is theirs when they can take it (by the actions they may attempt), else
//! who the request waits for. A request page leads with it.

use chrono::NaiveDate;

use super::{roc_date, Action, State};
use crate::message::Text;

/// The next step of a request in `state`, for a caller who may attempt `can`
/// ([`super::available_actions`]); `personal` when the application declares personal
/// data, `destroy_by` its destruction day once delivered (rule 6). `None` once
/// nothing more happens (closed, withdrawn).
pub fn next_step(state: State, can: &[Action], personal: bool, destroy_by: Option<NaiveDate>) -> Option<Text> {
    let may = |a: Action| can.contains(&a);
    let (zh, en): (String, String) = match state {
        State::Draft if may(Action::Submit) => (
            "尚未送出：檢查無誤後請送出，先由主管機關人事機構審核，再送人事總處（第5點第1款）。".into(),
            "Not sent yet: when it checks out, submit it. The supervising agency's personnel office reviews it first, then DGPA (rule 5.1).".into(),
        ),
        State::Draft => ("草稿，尚未送出。".into(), "A draft, not sent yet.".into()),
        State::Returned if may(Action::Submit) => (
            "請依「歷程」中的意見修改後再送出。".into(),
            "Change what the comment in the timeline asks, then submit it again.".into(),
        ),
        State::Returned => ("已退回申請機關補正。".into(), "Returned to the applying office for revision.".into()),
        State::PendingSupervisor if may(Action::SupervisorApprove) => (
            "請審核：同意即送人事總處審查；需修改請退回並說明，不合規定者不予受理（第5點第1款）。".into(),
            "For your review: approving sends it to DGPA; return it saying what to change, or reject it (rule 5.1).".into(),
        ),
        State::PendingSupervisor => (
            "待主管機關人事機構審核，同意後送人事總處（第5點第1款）。".into(),
            "Awaiting the supervising agency's personnel office; once approved it goes to DGPA (rule 5.1).".into(),
        ),
        State::PendingDgpa if may(Action::DgpaAccept) => (
            "請審查：受理後依處理順序排程（第5點第3款）；需修改請退回申請機關。".into(),
            "For your review: once accepted it takes its place in the order (rule 5.3); return it if it needs changes.".into(),
        ),
        State::PendingDgpa => ("主管機關已同意，待人事總處審查。".into(), "Approved by the supervising agency; awaiting DGPA's review.".into()),
        State::Queued if may(Action::Take) => (
            "依工作佇列的順序接手產製（第5點第3款）。".into(),
            "Taken into production in the work queue's order (rule 5.3).".into(),
        ),
        State::Queued => (
            "人事總處依申請順序、難易度、各主管機關已申請量及人事人員數排定處理順序，申請機關不訂完成期限（第5點第3款）。".into(),
            "DGPA orders its work by application order, difficulty, what each supervising agency has already asked for and its personnel staff; no deadline is set by the applicant (rule 5.3).".into(),
        ),
        State::OnHold if may(Action::Resume) => (
            "原因見「歷程」；恢復後回到排程。".into(),
            "The reason is in the timeline; resuming puts it back in the queue.".into(),
        ),
        State::OnHold => ("人事總處暫停處理，原因見「歷程」。".into(), "DGPA has put it on hold; the reason is in the timeline.".into()),
        State::InProduction if may(Action::Deliver) && personal => (
            "請上傳結果檔案，經另一位承辦人覆核後交付；含個人資料，以加密檔案交付（第5點第3款）。".into(),
            "Upload the result files; another officer approves them before delivery. It holds personal data and goes out as encrypted files (rule 5.3).".into(),
        ),
        State::InProduction if may(Action::Deliver) => (
            "請上傳結果檔案後交付，並附回復說明。".into(),
            "Upload the result files, then deliver them with a reply.".into(),
        ),
        State::InProduction => ("人事總處資料產製中。".into(), "DGPA is producing the data.".into()),
        State::Delivered if may(Action::RecordDestruction) => {
            let (zh_by, en_by) = match destroy_by {
                Some(d) => (format!("，並於{}前", roc_date(d)), format!(" by {d}")),
                None => ("並".into(), String::new()),
            };
            (
                format!("請下載交付檔案（含個人資料，為加密檔案）；使用完畢後請銷毀{zh_by}登錄銷毀紀錄（第6點）。"),
                format!("Download the files (personal data, encrypted). Destroy them after use and record the destruction{en_by} (rule 6)."),
            )
        }
        State::Delivered if may(Action::Acknowledge) => (
            "請下載交付檔案，並確認收受以結案。".into(),
            "Download the files, then acknowledge receipt to close the request.".into(),
        ),
        State::Delivered if personal => (
            "已交付，待申請機關於使用完畢後銷毀並登錄（第6點）。".into(),
            "Delivered; the applying office destroys the data after use and records it (rule 6).".into(),
        ),
        State::Delivered => ("已交付，待申請機關確認收受。".into(), "Delivered; awaiting the applying office's acknowledgement.".into()),
        State::Rejected => ("不予受理，理由見「歷程」。".into(), "Rejected; the reason is in the timeline.".into()),
        State::Closed | State::Withdrawn => return None,
    };
    Some(Text::new(zh, en))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every state that still moves says what comes next, in both languages; a caller
    /// who can act is told their step, not who the request waits for.
    #[test]
    fn each_open_state_says_what_comes_next() {
        for state in State::ALL {
            let told = next_step(state, &[], false, None);
            assert_eq!(told.is_none(), matches!(state, State::Closed | State::Withdrawn), "{state:?}");
            if let Some(t) = told {
                assert!(!t.zh_tw.is_empty() && !t.en.is_empty(), "{state:?}");
            }
            for action in super::super::allowed_actions(state) {
                let acting = next_step(state, &[action], true, None);
                if let (Some(a), Some(b)) = (&acting, &next_step(state, &[], true, None)) {
                    if [
                        Action::Submit,
                        Action::SupervisorApprove,
                        Action::DgpaAccept,
                        Action::Take,
                        Action::Resume,
                        Action::Deliver,
                        Action::RecordDestruction,
                    ]
                    .contains(&action)
                    {
                        assert_ne!(a, b, "{state:?} {action:?}");
                    }
                }
            }
        }
    }

    /// Personal data delivered: destroy after use and record it by the day (rule 6),
    /// written as the government writes dates.
    #[test]
    fn a_delivery_of_personal_data_names_the_destruction_day() {
        let by = NaiveDate::from_ymd_opt(2027, 3, 31).unwrap_or_else(|| panic!("a date"));
        let t = next_step(State::Delivered, &[Action::RecordDestruction], true, Some(by)).unwrap_or_else(|| panic!("a step"));
        assert!(t.zh_tw.contains("116年3月31日前") && t.zh_tw.contains("第6點"), "{}", t.zh_tw);
        assert!(t.en.contains("by 2027-03-31") && t.en.contains("rule 6"), "{}", t.en);
        let without = next_step(State::Delivered, &[Action::RecordDestruction], true, None).unwrap_or_else(|| panic!("a step"));
        assert!(without.zh_tw.contains("銷毀並登錄"), "{}", without.zh_tw);
        let ack = next_step(State::Delivered, &[Action::Acknowledge], false, None).unwrap_or_else(|| panic!("a step"));
        assert!(ack.zh_tw.contains("確認收受"), "{}", ack.zh_tw);
    }
}
