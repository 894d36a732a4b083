//! Each problem's zh-TW and English message.

use statreq_domain::notify::{INQUIRY_WEBHOOK_EVENTS, WEBHOOK_EVENTS};
use statreq_domain::Text;

use super::{InputError, MAX_PAGE};

impl InputError {
    pub fn message(&self) -> Text {
        use InputError::*;
        let mib = |b: &usize| b / (1024 * 1024);
        match self {
            UnsupportedMediaType => Text::new("請以 application/json 送出。", "Send the body as application/json."),
            UnsupportedCharset { charset } => Text::new(
                format!("JSON 須以 UTF-8 編碼送出（RFC 8259），不接受 charset={charset}。"),
                format!("JSON is exchanged in UTF-8 (RFC 8259): send the body in UTF-8, not charset={charset}."),
            ),
            UnsupportedContentEncoding { coding } => Text::new(
                format!("請以不壓縮的內容送出，不接受 Content-Encoding: {coding}。"),
                format!("Send the body uncompressed: Content-Encoding {coding} is not accepted (only identity)."),
            ),
            NotUtf8 { detail } => Text::new(
                "內容不是 UTF-8 編碼的 JSON，請以 UTF-8 送出（RFC 8259）。",
                format!("The body is not UTF-8 encoded JSON (RFC 8259): {detail}."),
            ),
            MalformedJson { detail } => Text::new("內容不是有效的 JSON。", format!("The body is not valid JSON: {detail}")),
            DisallowedCharacter { ch, .. } => {
                let (zh, en, u) = character_kind(*ch);
                Text::new(
                    format!("內容含有不允許的{zh}（{u}），請刪除後再送出（看不見的字元常隨複製貼上帶入，可重新輸入該段文字）。"),
                    format!("The text contains {en} ({u}), which is not allowed; remove it and send again (invisible characters often come with copy and paste: type the passage again)."),
                )
            }
            DisallowedCharacterInQuery { ch } => {
                let (zh, en, u) = character_kind(*ch);
                Text::new(format!("查詢參數含有不允許的{zh}（{u}）。"), format!("A query parameter contains {en} ({u}), which is not allowed."))
            }
            QueryNotUtf8 => Text::new(
                "查詢字串須以 UTF-8 編碼（再以百分比編碼），例如「人事」寫作 %E4%BA%BA%E4%BA%8B。",
                "The query string must be UTF-8 before percent-encoding (e.g. 人事 is %E4%BA%BA%E4%BA%8B).",
            ),
            // The zh-TW text names the place, never the parser's English words.
            UnknownField { pointer, detail } => Text::new(
                match (pointer.is_empty(), expected_names(detail)) {
                    (true, _) => "內容含有本服務不認得的欄位，請依 API 文件填寫。".to_string(),
                    (false, None) => format!("「{pointer}」不是本服務認得的欄位，請依 API 文件填寫。"),
                    (false, Some(names)) => format!("「{pointer}」不是本服務認得的欄位；此處可用的有 {names}。"),
                },
                detail.clone(),
            ),
            DuplicateField { pointer } => Text::new(
                format!("「{pointer}」出現了兩次；同一物件中每個欄位只能給一次。"),
                format!("{pointer} is given twice; each name may appear once in an object."),
            ),
            // What the value should be in zh-TW: the service's own check says it, or
            // serde's English is read into zh-TW where it is worded the same every time.
            InvalidValue { pointer, detail, said } => Text::new(
                match (pointer.is_empty(), said.clone().or_else(|| serde_words(detail))) {
                    (true, Some(w)) => format!("內容有誤：{w}。"),
                    (false, Some(w)) => format!("「{pointer}」有誤：{w}。"),
                    (true, None) => "內容的格式有誤，請依 API 文件填寫。".to_string(),
                    (false, None) => format!("「{pointer}」的內容格式有誤，請依 API 文件填寫。"),
                },
                detail.clone(),
            ),
            InvalidQuery { detail } => Text::new(
                serde_words(detail).map_or_else(|| "查詢參數有誤，請依 API 文件填寫。".to_string(), |w| format!("查詢參數有誤：{w}。")),
                format!("Invalid query parameters: {detail}"),
            ),
            UnknownParameter { name, detail } => Text::new(
                match expected_names(detail) {
                    Some(names) => format!("不接受查詢參數「{name}」；此處可用的有 {names}。"),
                    None => format!("不接受查詢參數「{name}」，請依 API 文件填寫。"),
                },
                format!("Invalid query parameters: {detail}"),
            ),
            InvalidTime { name, detail } => Text::new(
                format!(
                    "查詢參數「{name}」有誤：日期寫作 2026-12-01；時間依 RFC 3339 並含時區，例如 2026-12-01T08:00:00Z 或 2026-12-01T08:00:00%2B08:00（查詢字串中的「+」須寫作 %2B）。"
                ),
                format!(
                    "Invalid query parameters: `{name}`: {detail}. A date reads 2026-12-01; a time is RFC 3339 with its offset, e.g. 2026-12-01T08:00:00Z or 2026-12-01T08:00:00%2B08:00 (a `+` in a query string is sent as %2B, or it reads as a space)."
                ),
            ),
            // The states there are, each with its words: the caller may have read the
            // screen's word (已交付) or guessed one (`paused`).
            UnknownState { given } => {
                let states = statreq_domain::State::ALL;
                let zh: Vec<String> = states.iter().map(|s| format!("{}（{}）", s.as_str(), s.label().zh_tw)).collect();
                let en: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
                Text::new(
                    format!("查詢參數「state」有誤：沒有「{given}」這個狀態；可用的有 {}。", zh.join("、")),
                    format!("Invalid query parameters: `state`: unknown state `{given}`; one of {}.", en.join(", ")),
                )
            }
            InvalidParameter { name, detail } => Text::new(
                format!("查詢參數「{name}」有誤：{}。", detail.zh_tw),
                format!("Invalid query parameters: `{name}`: {}", detail.en),
            ),
            InvalidDayParameter { name, error } => {
                let said = error.text();
                Text::new(format!("查詢參數「{name}」有誤：{}", said.zh_tw), format!("Invalid query parameters: `{name}`: {}", said.en))
            }
            InvalidDayValue { pointer, error } => {
                let said = error.text();
                Text::new(format!("「{pointer}」有誤：{}", said.zh_tw), said.en)
            }
            InvalidRange { from, to, max_days: None } => {
                Text::new(format!("期間有誤：迄日（{to}）須在起日（{from}）當日或之後。"), format!("The period is wrong: `{to}` must be on or after `{from}`."))
            }
            InvalidRange { from, to, max_days: Some(max) } => Text::new(
                format!("期間有誤：迄日（{to}）須在起日（{from}）當日或之後，且期間不超過 {max} 日。"),
                format!("The period is wrong: `{to}` must be on or after `{from}`, and at most {max} days later."),
            ),
            SubtreeNeedsAgency => Text::new(
                "「subtree」須與「agency」併用：請指定要含其下各機關的機關代碼。",
                "`subtree` goes with `agency`: name the agency whose subordinate agencies to include.",
            ),
            DeadlineNotAllowed { .. } => Text::new(
                "申請人不得訂定完成期限；人事總處依收件順序、難易度、各主管機關已申請數量及人事人員數排定作業（第5點第3款）。",
                "Applicants may not set a completion deadline: DGPA orders its work by application order, difficulty, the volume each supervising agency has requested and its personnel staff (rule 5.3).",
            ),
            InvalidIfMatch => Text::new("If-Match 標頭格式有誤，應為 ETag。", "If-Match must be the ETag you were given, e.g. \"3\"."),
            IfMatchRequired => Text::new(
                "請附上 If-Match 標頭（ETag），以免覆蓋他人的修改。",
                "Send If-Match with the ETag you were given so that edits never overwrite each other.",
            ),
            Stale => Text::new(
                "資料已被更新，您看到的不是最新版本；請重新載入後再試。",
                "It has changed since you loaded it (stale If-Match); reload and try again.",
            ),
            InvalidIdempotencyKey { max } => Text::new(
                format!("Idempotency-Key 須為 1 至 {max} 個可見 ASCII 字元（建議使用 UUID）。"),
                format!("Idempotency-Key must be 1 to {max} visible ASCII characters (a UUID is a good choice)."),
            ),
            MethodNotAllowed { allowed } => Text::new(
                format!("此處不支援此 HTTP 方法；可用：{allowed}。"),
                format!("This HTTP method is not allowed here; allowed: {allowed}."),
            ),
            IdempotencyKeyReused => Text::new(
                "此 Idempotency-Key 已用於內容不同的請求；新的請求請使用新的鍵值。",
                "This Idempotency-Key was used for a different request; use a new key for a new request.",
            ),
            IdempotencyInProgress => Text::new(
                "使用相同 Idempotency-Key 的請求仍在處理中，請稍後重試。",
                "A request with the same Idempotency-Key is still being processed; retry shortly.",
            ),
            BodyTooLarge { max_bytes } => Text::new(
                format!("送出的內容過大（上限 {} MiB）。", mib(max_bytes).max(1)),
                format!("The body is too large ({} MiB at most).", mib(max_bytes).max(1)),
            ),
            TooManyAttempts { retry_after } => Text::new(
                format!("登入失敗次數過多，請於 {retry_after} 秒後再試。"),
                format!("Too many failed sign-ins; try again in {retry_after} seconds."),
            ),
            BodyRequired => Text::new(
                "此操作須附上請求內容（JSON 或 CSV 檔案，見 API 文件）。",
                "This operation needs a request body (JSON, or the CSV file; see the API documentation).",
            ),
            UploadInterrupted => Text::new("上傳中斷，未儲存任何資料。", "The upload was interrupted; nothing was stored."),
            BodyStalled { seconds } => Text::new(
                format!("已 {seconds} 秒未收到（或幾乎未收到）傳送中的資料，連線已中止，未儲存任何資料；請檢查網路後重新送出（檔案請重新上傳）。"),
                format!("Nothing (or almost nothing) of the request body arrived for {seconds} seconds, so it was cut off and nothing was stored; check the connection and send it again."),
            ),
            TableTooLarge { max_cells, max_file_mib, max_unpacked_mib } => Text::new(
                format!("此表格超過人數過少細格檢查可讀取之大小（合計至多 {max_cells} 個儲存格，試算表之各工作表自第一個至最後一個使用之列與欄計算；檔案至多 {max_file_mib} MiB，試算表解壓縮後及其儲存格之文字（每格依其顯示次數計）各至多 {max_unpacked_mib} MiB），未儲存；請刪除遠離表格之儲存格或多餘之工作表，或將表格分成數個檔案上傳。"),
                format!("The table is larger than the small-cell check reads (at most {max_cells} cells in all, each sheet of a spreadsheet counted from its first to its last used row and column; a file of at most {max_file_mib} MiB, a spreadsheet unpacked, and the text of its cells counted in every cell that shows it, at most {max_unpacked_mib} MiB each); nothing was stored. Remove cells far from the table or extra sheets, or split the table into several files."),
            ),
            UnreadableTable { detail } => Text::new(
                "無法讀取此試算表以檢查人數過少之細格，未儲存；請確認為 XLSX 或 ODS 檔案，或改以 CSV 上傳。",
                format!("The spreadsheet cannot be read for the small-cell check ({detail}); nothing was stored. Upload a valid XLSX or ODS file, or a CSV."),
            ),
            Draining => Text::new("此服務執行個體正在關閉，請改連其他執行個體。", "This instance is shutting down; send work to another one."),
            FilesUnavailable => Text::new(
                "檔案儲存服務暫時無法使用，請稍後再試；未傳送或儲存任何檔案。",
                "The file store cannot be reached for the moment; no file was sent or stored. Try again later.",
            ),
            StorageFull => Text::new(
                "服務的儲存空間已滿，此次未儲存任何資料；請洽人事總處系統管理人員釋出空間後再送出。",
                "The service's storage is full; nothing was stored. Ask DGPA's system administrators to free space, then send it again.",
            ),
            TransfersBusy => Text::new(
                "目前檔案傳輸量已達上限，請稍後再試。",
                "The server moves as many files as it allows at once; try again in a few seconds.",
            ),
            TooManyTransfers { max } => Text::new(
                format!("您已有 {max} 個檔案正在上傳或下載，請待其完成後再試。"),
                format!("This account already has {max} files moving in or out, as many as one account may; try again when one is done."),
            ),
            MalformedMultipart { detail } => Text::new("上傳格式有誤。", format!("Malformed multipart body: {detail}")),
            UnexpectedField => Text::new(
                "請只以欄位 file 上傳一個檔案（統計成果檔另可附 magnitude 及 contributions 欄位）。",
                "Send exactly one file, in the field `file` (a statistical result may come with `magnitude` and `contributions`).",
            ),
            Magnitude(e) => e.message(),
            FileTypeNotAllowed { kinds } => {
                Text::new(format!("僅接受下列檔案類型：{kinds}。"), format!("Only these file types are accepted: {kinds}."))
            }
            FileTooLarge { max_bytes } => Text::new(
                format!("檔案超過上限 {} MiB。", mib(max_bytes)),
                format!("The file exceeds the limit of {} MiB.", mib(max_bytes)),
            ),
            EmptyFile => Text::new("檔案是空的。", "The file is empty."),
            FileRequired => Text::new("請以欄位 file 上傳檔案。", "Send the file in the multipart field `file`."),
            CsvNotUtf8 => Text::new(
                "檔案須為 UTF-8 編碼（Excel 請以「另存新檔」選擇「CSV UTF-8（逗號分隔）」，而非「CSV（逗號分隔）」）。",
                "The file must be UTF-8 (in Excel, Save As \"CSV UTF-8 (Comma delimited)\", not \"CSV (Comma delimited)\", which is Big5 in Taiwan).",
            ),
            CsvNoRows => Text::new(
                "檔案沒有任何資料列；第一列須為欄位名稱，其後每列一筆。",
                "The file has no rows: a header line with the documented columns, then one line per item.",
            ),
            TooManyRows { max } => Text::new(format!("最多 {max} 列。"), format!("At most {max} rows.")),
            ExportTooLarge { max } => Text::new(
                format!("符合條件的紀錄超過 {max} 筆，請縮短期間（from、to）後分次匯出，或以 limit 分頁。"),
                format!("More than {max} entries match: export a shorter period (`from`, `to`) at a time, or page with `limit`."),
            ),
            CsvRows { .. } => Text::new("CSV 內容有誤，未匯入任何資料。", "The CSV has errors; nothing was imported."),
            InvalidLimit => Text::new(format!("每頁筆數須介於 1 至 {MAX_PAGE}。"), format!("limit must be between 1 and {MAX_PAGE}.")),
            InvalidCursor => {
                Text::new("分頁游標無效；請使用上一頁回應中的 next_cursor。", "The cursor is not valid; use next_cursor from the previous page.")
            }
            InvalidApplication { .. } => {
                Text::new("申請內容超過長度或數量限制，未儲存。", "The application exceeds a length or count limit; nothing was saved.")
            }
            InvalidExternalRef { max } => Text::new(
                format!("外部參考號須為 1 至 {max} 個字元，不含空白。"),
                format!("external_ref must be 1 to {max} characters without spaces."),
            ),
            ExternalRefTaken { reference, existing } => Text::new(
                format!("外部參考號「{reference}」已用於案件 #{existing}。"),
                format!("external_ref '{reference}' is already used by request #{existing}."),
            ),
            InvalidMessage { max } => {
                Text::new(format!("訊息須為 1 至 {max} 字。"), format!("A message must be 1 to {max} characters."))
            }
            InvalidAssignee => Text::new("指派對象須為在職的人事總處承辦人。", "The assignee must be an active DGPA officer."),
            InvalidRecipient => Text::new("請提供 age1 開頭的 X25519 公鑰。", "Give an X25519 age recipient (age1…)."),
            NotInProduction => Text::new("僅於資料產製中可上傳結果檔案。", "Result files are uploaded while the request is in production."),
            NotEditable => Text::new("僅草稿或退回補正之申請可附加檔案。", "Files are attached to drafts and returned applications."),
            NotApplyingAgency => {
                Text::new("僅申請機關之人事人員可附加檔案。", "Only the applying agency's personnel office may attach files.")
            }
            TooManyAttachments { max } => Text::new(format!("最多附加 {max} 個檔案。"), format!("At most {max} files.")),
            TooManyDrafts { max } => Text::new(
                format!("您已有 {max} 件草稿，請先送出或撤回部分草稿。"),
                format!("You hold {max} drafts already; submit or withdraw some first."),
            ),
            Shredded => Text::new(
                "此檔案已依規定銷毀，無法再下載（第6點）。",
                "This file was destroyed as the rules require and can no longer be downloaded (rule 6).",
            ),
            NoPassphrase => Text::new("此檔案不含個人資料，未加密。", "This file holds no personal data and is not encrypted."),
            AlreadyApproved => Text::new("此檔案已覆核。", "This file is already approved."),
            NothingToAccept => Text::new("此檔案沒有待接受之小細格。", "This file has no small cells waiting to be accepted."),
            NothingToReview => Text::new(
                "此檔案無須覆核或已覆核（不含個人資料且無待接受之小細格）。",
                "This file needs no second officer's check, or has had it (no personal data, no small cells waiting).",
            ),
            FilesUploadedAsNotPersonal => Text::new(
                "已上傳之檔案係以非個人資料處理，請先移除後再認定為個人資料。",
                "Files were uploaded as not personal: remove them before marking the data as personal.",
            ),
            NoExtensionWaiting => Text::new("沒有待決定的延長保存申請。", "No retention extension is waiting for a decision."),
            AlreadyPublished => Text::new("此檔案已交付，不得移除。", "This file has been delivered and cannot be removed."),
            NotQueued { state } => Text::new(
                format!("此案件目前為「{}」，不在排程中。", state.label().zh_tw),
                format!("The request is {}, not queued.", state.label().en),
            ),
            InvalidSetting { field, min, max } => {
                Text::new(format!("{field} 須介於 {min} 與 {max} 之間。"), format!("{field} must be between {min} and {max}."))
            }
            InvalidContent { .. } => Text::new("內容有誤，請依各欄說明修正。", "The content is not valid; see each error."),
            SourceIdMismatch => Text::new("代號須與網址中的代號相同。", "The id must be the one in the path."),
            UnknownRequest => Text::new("找不到此案件。", "There is no such request of yours."),
            UnknownCatalogSource => {
                Text::new("既有資料來源目錄中無此代號（GET /sources）。", "There is no such entry in the catalog of existing sources (GET /sources).")
            }
            NotOwnAgencyRequest => Text::new("僅能就本機關的案件提問。", "Only your own agency's requests may be referenced."),
            InquiryClosed => Text::new("此疑義已結案，無法再回覆。", "This question is closed; it takes no more replies."),
            InquiryUnanswered => Text::new(
                "此疑義尚待答復；請先回覆後再發布至 FAQ。",
                "The question awaits an answer: reply first, then publish it to the FAQ.",
            ),
            InvalidAgencyCode { .. } => {
                Text::new("機關代碼須為 1 至 20 個英數字元。", "The agency code must be 1 to 20 ASCII letters or digits.")
            }
            InvalidName { max, .. } => {
                Text::new(format!("名稱須為 1 至 {max} 字的一行文字（不含換行、定位字元）。"), format!("The name must be one line of 1 to {max} characters (no line break or tab)."))
            }
            InvalidStaffCount { max, .. } => Text::new(
                format!("人事人員數須介於 0 至 {max}。"),
                format!("personnel_staff must be between 0 and {max}."),
            ),
            InvalidUsername => Text::new(
                "帳號須為 3 至 64 個小寫英數字或 . _ - @。",
                "The username must be 3 to 64 lower-case letters, digits or . _ - @.",
            ),
            WeakPassword { min, max, .. } => Text::new(
                format!("密碼須為 {min} 至 {max} 字元，不得含帳號、不得為常見密碼或同一字元重複。"),
                format!("The password must be {min} to {max} characters, not contain the username, not be a common password or one character repeated."),
            ),
            InvalidEmail { ascii: None } => Text::new("電子郵件格式有誤。", "The e-mail address is not valid."),
            InvalidEmail { ascii: Some(a) } => Text::new(
                format!("電子郵件格式有誤：請以半形字元填寫：「{a}」。"),
                format!("The e-mail address is not valid: write it in half-width characters: \"{a}\"."),
            ),
            WrongCurrentPassword => Text::new("目前密碼不正確。", "The current password is not correct."),
            PasswordUnchanged => Text::new("新密碼不得與目前密碼相同。", "The new password must differ from the current one."),
            NoLocalPassword => Text::new(
                "此帳號經由 WebHR 等系統登入，於本服務無密碼可變更。",
                "This account signs in through its issuer (e.g. WebHR) and has no password here to change.",
            ),
            RolesRequired => Text::new("請至少指定一個角色。", "Give at least one role."),
            DgpaRoleOutsideDgpa { role } => Text::new(
                format!("「{role}」角色僅限人事總處（DGPA）之帳號。"),
                format!("The role '{role}' is for accounts of DGPA only."),
            ),
            OwnAdministration { .. } => Text::new(
                "不能停用自己的帳號，也不能移除自己的管理者角色；如確有需要，請由另一位管理者辦理（以免無人可管理本服務）。",
                "You cannot disable your own account or take away your own administrator role; if it must be done, another administrator does it (so that the service always has one).",
            ),
            UnsupportedGrantType => Text::new("僅支援 client_credentials。", "Only grant_type client_credentials is supported."),
            InvalidWebhookUrl { reason } => {
                Text::new(format!("通知網址無效：{}。", reason.zh_tw), format!("The webhook URL is not usable: {}.", reason.en))
            }
            InvalidWebhookEvents { max } => Text::new(
                format!("請列出 1 至 {max} 個事件類型，或以 * 訂閱全部案件事件。"),
                format!("List 1 to {max} event types, or * for every request event."),
            ),
            UnknownEventType { given, .. } => Text::new(
                format!("未知的事件類型「{given}」；可用：{}、{}、*（所有案件事件）。", WEBHOOK_EVENTS.join("、"), INQUIRY_WEBHOOK_EVENTS.join("、")),
                format!("Unknown event type '{given}'; known: {}, {}, * (every request event).", WEBHOOK_EVENTS.join(", "), INQUIRY_WEBHOOK_EVENTS.join(", ")),
            ),
            AlwaysInInbox { kind } => {
                let label = statreq_domain::notify::email_kind_label(kind);
                Text::new(
                    format!("「{}」一律出現在「通知」頁（銷毀期限與逾期未處理之提醒，第6點），無法關閉。", label.zh_tw),
                    format!("'{}' always comes to the in-app inbox (destruction deadlines and work left waiting, rule 6); it cannot be turned off.", label.en),
                )
            }
            InvalidDescription { max } => Text::new(
                format!("說明至多 {max} 字。"),
                format!("The description may have at most {max} characters."),
            ),
            TooManyMessages { max } => Text::new(
                format!("此案件的留言已達上限 {max} 則；如需繼續釐清，請以公文或電話聯繫。"),
                format!("This request's thread holds its limit of {max} messages; continue by official letter or telephone."),
            ),
            TooManyReplies { max } => Text::new(
                format!("此疑義的對話已達上限 {max} 則；請結案後另提新的疑義。"),
                format!("This question's thread holds its limit of {max} messages; close it and ask a new question."),
            ),
            AlreadyInFaq { field, faq } => Text::new(
                format!("此疑義已發布至欄位 {field} 的 FAQ（第 {faq} 則）；如需更正，請先撤下該則再發布。"),
                format!("This question is in the FAQ of {field} already (entry {faq}); to correct it, withdraw that entry first."),
            ),
            TooManyInquiries { max } => Text::new(
                format!("您已有 {max} 件尚未結案的疑義，請先將已獲答復的疑義結案。"),
                format!("You have {max} questions not yet closed; close those that are answered first."),
            ),
            TooManyWebhooks { max } => Text::new(
                format!("每個帳號至多 {max} 個訂閱；請先刪除不用的訂閱。"),
                format!("An account may have at most {max} subscriptions; delete one first."),
            ),
            WebhooksNotAllowed => Text::new(
                "僅系統介接帳號或人事總處管理者可訂閱通知。",
                "Only service accounts and DGPA administrators may subscribe to webhooks.",
            ),
        }
    }
}

/// What kind of character `c` is, in words (zh-TW, English), and its code point, for the
/// message refusing it.
fn character_kind(c: char) -> (&'static str, &'static str, String) {
    let (zh, en) = match c {
        '\0' => ("空字元", "a NUL character"),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => ("文字方向控制字元", "a text-direction control character"),
        _ => ("控制字元", "a control character"),
    };
    (zh, en, statreq_domain::values::code_point(c))
}

/// The names serde lists after "expected" in its refusal of an unknown name
/// (`` unknown field `x`, expected one of `a`, `b` ``), joined as zh-TW lists them.
fn expected_names(refusal: &str) -> Option<String> {
    // serde's words, or a query's (`` unknown query parameter `x` (expected `a`) ``);
    // from the right, since the name refused may itself hold the words.
    let (_, expected) = refusal.rsplit_once(", expected ").or_else(|| refusal.rsplit_once(" (expected "))?;
    let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    (!names.is_empty()).then(|| names.join("、"))
}

/// What serde (or a `FromStr` behind it) wanted, in zh-TW, from its English refusal:
/// 「須為不小於 0 的整數」 for `invalid type: string "x", expected u32`. `None` for a
/// refusal it does not know; its words then stay in the problem's `detail`.
pub fn serde_words(refusal: &str) -> Option<String> {
    let must = |what: &str| Some(format!("須為{what}"));
    // `FromStr` behind a query parameter: the standard library's words.
    match refusal {
        "invalid digit found in string" => return must("整數（只含阿拉伯數字）"),
        "cannot parse integer from empty string" => return must("整數，不可空白"),
        "number too large to fit in target type" => return Some("數字過大".into()),
        "number too small to fit in target type" => return Some("數字過小".into()),
        "provided string was not `true` or `false`" => return must(" true 或 false"),
        "invalid float literal" | "cannot parse float from empty string" => return must("數字"),
        _ => {}
    }
    // The domain's own types refuse in words of their own.
    use statreq_domain::ids::{InvalidAgencyCode, InvalidDifficulty};
    use statreq_domain::{AgencyCode, Difficulty};
    if refusal == (InvalidDifficulty { min: Difficulty::MIN, max: Difficulty::MAX }).to_string() {
        return must(&format!(" {} 至 {} 的整數（難易度）", Difficulty::MIN, Difficulty::MAX));
    }
    if refusal == (InvalidAgencyCode { max: AgencyCode::MAX_LEN }).to_string() {
        return must(&format!("機關代碼：1 至 {} 個英文字母或數字", AgencyCode::MAX_LEN));
    }
    if let Some(name) = refusal.strip_prefix("missing field `").and_then(|r| r.strip_suffix('`')) {
        return Some(format!("缺少必填欄位「{name}」"));
    }
    if let Some(rest) = refusal.strip_prefix("unknown variant `") {
        let (given, _) = rest.split_once('`')?;
        return expected_names(rest).map(|choices| format!("沒有「{given}」這個選項；可用的有 {choices}"));
    }
    let expected = ["invalid type: ", "invalid value: "]
        .iter()
        .find_map(|p| refusal.strip_prefix(p))
        .and_then(|rest| rest.rsplit_once(", expected "))
        .map(|(_, e)| e)?;
    match expected {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => must("不小於 0 的整數"),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => must("整數"),
        "f32" | "f64" => must("數字"),
        "a boolean" => must(" true 或 false"),
        "a string" | "a borrowed string" | "a character" => must("文字（JSON 字串）"),
        "a sequence" => must("陣列"),
        "a map" => must("物件"),
        e if e.starts_with("struct ") => must("物件"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::serde_words;
    use statreq_domain::ids::InvalidDifficulty;

    /// Each refusal as serde and the standard library word it, read into zh-TW; and one
    /// it does not know left to the English detail.
    #[test]
    fn serdes_refusals_in_zh_tw() {
        let via_json = |body: &str| serde_json::from_str::<Probe>(body).err().map(|e| e.to_string()).unwrap_or_default();
        let via_query = |q: &str| serde_urlencoded::from_str::<Probe>(q).err().map(|e| e.to_string()).unwrap_or_default();
        let read = |refusal: String| {
            // serde_json adds where it was; the service reads it without (serde_path_to_error).
            let bare = refusal.split(" at line ").next().unwrap_or_default().to_string();
            serde_words(&bare).unwrap_or_else(|| panic!("no words for {bare:?}"))
        };
        assert_eq!(read(via_json(r#"{"days":"30"}"#)), "須為不小於 0 的整數");
        assert_eq!(read(via_json(r#"{"days":-1}"#)), "須為不小於 0 的整數");
        assert_eq!(read(via_json(r#"{"days":1,"offset":1.5}"#)), "須為整數");
        assert_eq!(read(via_json(r#"{"days":1,"flag":"yes"}"#)), "須為 true 或 false");
        assert_eq!(read(via_json(r#"{"days":1,"reason":7}"#)), "須為文字（JSON 字串）");
        assert_eq!(read(via_json(r#"{"days":1,"list":{}}"#)), "須為陣列");
        assert_eq!(read(via_json(r#"{"days":1,"inner":5}"#)), "須為物件");
        assert_eq!(read(via_json(r#"{"days":1,"kind":"paused"}"#)), "沒有「paused」這個選項；可用的有 approve、refuse");
        assert_eq!(read(via_json(r#"{}"#)), "缺少必填欄位「days」");
        assert_eq!(read(via_query("days=x")), "須為整數（只含阿拉伯數字）");
        assert_eq!(read(via_query("days=-1")), "須為整數（只含阿拉伯數字）");
        assert_eq!(read(via_query("days=")), "須為整數，不可空白");
        assert_eq!(read(via_query("days=99999999999")), "數字過大");
        assert_eq!(read(via_query("days=1&flag=yes")), "須為 true 或 false");
        assert_eq!(read(InvalidDifficulty { min: 1, max: 5 }.to_string()), "須為 1 至 5 的整數（難易度）");
        assert_eq!(
            read(serde_json::from_str::<statreq_domain::AgencyCode>(r#""a b""#).err().map(|e| e.to_string()).unwrap_or_default()),
            "須為機關代碼：1 至 20 個英文字母或數字"
        );
        assert_eq!(serde_words("the body must be a JSON object"), None);
        assert_eq!(serde_words("unknown variant `x`, there are no variants"), None);
        let unknown = serde_json::from_str::<Inner>(r#"{"x":1}"#).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(super::expected_names(&unknown), None, "{unknown}");
        let unknown = serde_json::from_str::<Probe>(r#"{"x":1}"#).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(super::expected_names(&unknown).as_deref(), Some("days、offset、flag、reason、list、inner、kind"), "{unknown}");
        let unknown = serde_json::from_str::<Probe>(r#"{"`, expected `x`":1}"#).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(super::expected_names(&unknown).is_some_and(|n| n.starts_with("days、")), "{unknown}");
        assert_eq!(serde_words("invalid length 3, expected a day"), None);
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Probe {
        days: u32,
        offset: Option<i64>,
        flag: Option<bool>,
        reason: Option<String>,
        list: Option<Vec<u8>>,
        inner: Option<Inner>,
        kind: Option<Kind>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inner {}

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Approve,
        Refuse,
    }
}
