use super::*;
use crate::application::*;

pub(crate) fn complete() -> Application {
    Application {
        contact: Contact { name: "王小明".into(), phone: "02-2397-9298#123".into(), email: "wang@example.gov.tw".into() },
        reason: "研議本部所屬機關人力配置".into(),
        requirement: Requirement {
            output: Some(OutputKind::Statistics),
            fields: vec!["agency_code".into(), "official_rank".into(), "sex".into()],
            conditions: "113年12月31日在職人員".into(),
            description: "依機關、官等及性別統計人數".into(),
            sample_output: Some("機關,官等,男,女".into()),
            ..Default::default()
        },
        personal_data: PersonalData { contains: Some(false), ..Default::default() },
        existing_sources: ExistingSource::ALL
            .into_iter()
            .map(|source| SourceAttestation { source, checked: true, note: "無此交叉分類".into() })
            .collect(),
    }
}

fn ok() -> EligibilityContext<'static> {
    EligibilityContext::new(Dictionary::builtin())
}

fn codes(f: &[Finding]) -> Vec<FindingCode> {
    f.iter().map(|f| f.code).collect()
}

#[test]
fn a_complete_statistics_request_has_no_findings() {
    assert_eq!(check(&complete(), ok()), vec![]);
}

#[test]
fn an_empty_draft_lists_every_missing_part_at_once() {
    let f = check(&Application::default(), ok());
    let c = codes(&f);
    for code in [
        FindingCode::ContactNameMissing,
        FindingCode::ContactPhoneInvalid,
        FindingCode::ContactEmailInvalid,
        FindingCode::ReasonMissing,
        FindingCode::OutputKindMissing,
        FindingCode::RequirementDescriptionMissing,
        FindingCode::RequirementFieldsMissing,
        FindingCode::PersonalDataUndeclared,
        FindingCode::SampleOutputMissing,
    ] {
        assert!(c.contains(&code), "{code:?} missing from {c:?}");
    }
    assert_eq!(c.iter().filter(|c| **c == FindingCode::ExistingSourceNotAttested).count(), 6);
    assert!(blocks(&f));
    // Errors come before warnings.
    let first_warning = f.iter().position(|f| f.severity == Severity::Warning).unwrap_or(f.len());
    assert!(f[first_warning..].iter().all(|f| f.severity == Severity::Warning));
}

#[test]
fn rule_4_each_source_must_be_checked_and_explained() {
    let mut app = complete();
    app.existing_sources[2].checked = false;
    app.existing_sources[4].note = " ".into();
    app.existing_sources.remove(5);
    let f = check(&app, ok());
    assert_eq!(
        f.iter().map(|f| (f.code, f.pointer.as_str())).collect::<Vec<_>>(),
        vec![
            (FindingCode::ExistingSourceNotChecked, "/existing_sources/2/checked"),
            (FindingCode::ExistingSourceNoteMissing, "/existing_sources/4/note"),
            (FindingCode::ExistingSourceNotAttested, "/existing_sources/webhr_graphical_query"),
        ]
    );
    assert!(f.iter().all(|f| f.rule == "4"));
}

#[test]
fn rule_3_no_personal_data_declaration_cannot_contradict_fields_or_output() {
    let mut app = complete();
    app.requirement.fields.push("id_number".into());
    app.requirement.output = Some(OutputKind::Detail);
    let c = codes(&check(&app, ok()));
    assert!(c.contains(&FindingCode::PersonalDataContradictsFields));
    assert!(c.contains(&FindingCode::PersonalDataContradictsOutput));
}

#[test]
fn rule_3_personal_data_needs_purpose_duty_and_necessity_per_personal_field() {
    let mut app = complete();
    app.requirement.output = Some(OutputKind::Detail);
    app.requirement.fields = vec!["name".into(), "grade".into(), "birth_date".into()];
    app.personal_data = PersonalData {
        contains: Some(true),
        purpose: Some("research".into()),
        statutory_duty: None,
        necessity: vec![
            NecessityNote { field: "name".into(), note: "核對名冊".into() },
            NecessityNote { field: "sex".into(), note: "x".into() },
        ],
        retention_days: Some(90),
    };
    let f = check(&app, ok());
    let got: Vec<_> = f.iter().map(|f| (f.code, f.pointer.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (FindingCode::PersonalDataPurposeInvalid, "/personal_data/purpose"),
            (FindingCode::PersonalDataStatutoryDutyMissing, "/personal_data/statutory_duty"),
            (FindingCode::PersonalDataNecessityMissing, "/requirement/fields/2"),
            (FindingCode::PersonalDataNecessityUnrequestedField, "/personal_data/necessity/1/field"),
        ]
    );
    app.personal_data.purpose = Some(PURPOSE_PERSONNEL_MANAGEMENT.into());
    app.personal_data.statutory_duty = Some("公務人員考績法第14條".into());
    app.personal_data.retention_days = Some(400);
    assert!(check(&app, ok())
        .iter()
        .any(|f| f.code == FindingCode::RetentionTooLong && f.pointer == "/personal_data/retention_days" && f.rule == "6"));
    app.personal_data.retention_days = Some(90);
    app.personal_data.necessity = vec![
        NecessityNote { field: "name".into(), note: "核對名冊".into() },
        NecessityNote { field: "birth_date".into(), note: "計算退休年齡".into() },
    ];
    assert_eq!(check(&app, ok()), vec![]);
}

#[test]
fn rule_3_a_personal_field_filtered_on_or_broken_down_by_is_personal_data_too() {
    // Declared free of personal data, but filtering on an ID number singles a person
    // out, and a breakdown by a special-category field discloses it.
    let mut app = complete();
    app.requirement.filters = vec![Condition { field: "id_number".into(), op: Operator::Eq, values: vec!["A123456789".into()] }];
    let f = check(&app, ok());
    assert!(f.iter().any(|f| f.code == FindingCode::PersonalDataContradictsFields && f.pointer == "/requirement/filters/0/field"));
    let mut app = complete();
    app.requirement.breakdowns = vec!["disability_category".into()];
    let f = check(&app, ok());
    assert!(f.iter().any(|f| f.code == FindingCode::PersonalDataContradictsFields && f.pointer == "/requirement/breakdowns/0"));

    // Declared personal: every personal field used anywhere needs its necessity note,
    // once, and a note on a field used only in a filter is not "unrequested".
    let mut app = complete();
    app.requirement.fields = vec!["agency_code".into(), "birth_date".into()];
    app.requirement.filters = vec![Condition { field: "birth_date".into(), op: Operator::Lt, values: vec!["1970-01-01".into()] }];
    app.requirement.breakdowns = vec!["sex".into(), "education_level".into()];
    app.personal_data = PersonalData {
        contains: Some(true),
        purpose: Some(PURPOSE_PERSONNEL_MANAGEMENT.into()),
        statutory_duty: Some("公務人員退休資遣撫卹法第19條".into()),
        necessity: vec![NecessityNote { field: "birth_date".into(), note: "推估屆齡退休人數".into() }],
        retention_days: Some(90),
    };
    let personal_breakdown = Dictionary::builtin().field("education_level").is_some_and(|f| f.personal);
    let missing: Vec<String> =
        check(&app, ok()).into_iter().filter(|f| f.code == FindingCode::PersonalDataNecessityMissing).map(|f| f.pointer).collect();
    let mut want: Vec<String> = Vec::new();
    if Dictionary::builtin().field("sex").is_some_and(|f| f.personal) {
        want.push("/requirement/breakdowns/0".into());
    }
    if personal_breakdown {
        want.push("/requirement/breakdowns/1".into());
    }
    assert_eq!(missing, want);

    let mut only_filter = app.clone();
    only_filter.requirement.fields = vec!["agency_code".into()];
    only_filter.requirement.breakdowns.clear();
    let f = check(&only_filter, ok());
    assert!(!f.iter().any(|f| f.code == FindingCode::PersonalDataNecessityUnrequestedField), "{f:?}");
    only_filter.requirement.filters.clear();
    let f = check(&only_filter, ok());
    assert!(f
        .iter()
        .any(|f| f.code == FindingCode::PersonalDataNecessityUnrequestedField && f.pointer == "/personal_data/necessity/0/field"));
}

#[test]
fn unknown_and_special_fields_are_flagged_with_pointers() {
    let mut app = complete();
    app.requirement.fields = vec!["grade".into(), "shoe_size".into(), "disability_category".into(), "grade".into()];
    app.personal_data.contains = Some(false);
    let f = check(&app, ok());
    let got: Vec<_> = f.iter().map(|f| (f.code, f.pointer.as_str(), f.severity)).collect();
    assert!(got.contains(&(FindingCode::FieldUnknown, "/requirement/fields/1", Severity::Error)));
    assert!(got.contains(&(FindingCode::SpecialCategoryField, "/requirement/fields/2", Severity::Warning)));
    assert!(got.contains(&(FindingCode::FieldDuplicate, "/requirement/fields/3", Severity::Warning)));
    assert!(got.contains(&(FindingCode::PersonalDataContradictsFields, "/requirement/fields/2", Severity::Error)));
}

#[test]
fn rule_5_3_deadlines_in_prose_are_warned_and_in_keys_are_found() {
    let mut app = complete();
    app.reason = "請於12月1日前提供".into();
    let f = check(&app, ok());
    assert_eq!(codes(&f), vec![FindingCode::DeadlineInText]);
    assert_eq!(f[0].rule, "5.3");
    assert!(!blocks(&f));

    // However the deadline is written, in any of the three texts.
    for text in [
        "請於115年12月31日以前提供",
        "本案請於十二月三十一日之前惠予提供",
        "2026-12-31前函復",
        "12/31前送達本部",
        "本月底前完成",
        "請於下週五前",
        "資料需於115年1月5日前。",
        "請儘速提供",
        "盡速辦理為荷",
        "最速件",
        "本案為速件",
        "急件",
        "This is URGENT",
        "please send ASAP",
        "as soon as possible, thanks",
        "needed by 2026-12-31",
        "by December 31, please",
        "by 31st Dec",
        "by the end of the month",
        "by Friday",
        // Typed full-width, as a Chinese input method may.
        "請於１１５年１２月３１日以前提供",
        "１２／３１前送達本部",
        "２０２６－１２－３１前函復",
        "ｐｌｅａｓｅ ｓｅｎｄ ＡＳＡＰ",
        "ｂｙ　Ｆｒｉｄａｙ",
    ] {
        for (pointer, set) in [
            ("/reason", (|a: &mut Application, t: &str| a.reason = t.into()) as fn(&mut Application, &str)),
            ("/requirement/description", |a, t| a.requirement.description = t.into()),
            ("/requirement/conditions", |a, t| a.requirement.conditions = t.into()),
        ] {
            let mut app = complete();
            set(&mut app, text);
            let f = check(&app, ok());
            assert!(f.iter().any(|f| f.code == FindingCode::DeadlineInText && f.pointer == pointer), "{text:?} in {pointer} is not warned");
        }
        assert_eq!(message_findings(text).len(), 1, "{text:?} in a message is not warned");
    }
    // Dates that are conditions, not deadlines, and breakdowns "by" something.
    for text in [
        "113年12月31日前到職之現職人員",
        "以115年1月1日為基準日",
        "依機關、官等及性別統計人數",
        "count by agency and by rank",
        "broken down by 5-year age bands",
        "2025年底在職人數",
    ] {
        assert!(!mentions_deadline(text), "{text:?} is taken for a deadline");
        assert!(message_findings(text).is_empty());
    }

    let body = serde_json::json!({"reason": "x", "requirement": {"Due-Date": "2026-12-01"}, "deadline": null, "list": [{"needed_by": 1}]});
    let mut p = deadline_pointers(&body);
    p.sort();
    assert_eq!(p, vec!["/deadline", "/list/0/needed_by", "/requirement/Due-Date"]);
    assert!(deadline_pointers(&serde_json::to_value(complete()).unwrap_or_default()).is_empty());
}

#[test]
fn contact_formats() {
    assert!(is_phone("02-2397-9298#123"));
    assert!(is_phone("(02)23979298"));
    assert!(is_phone("+886 2 2397 9298"));
    assert!(!is_phone("call me"));
    assert!(!is_phone("123"));
    // Full-width, as a Chinese input method types it: the same number.
    assert!(is_phone("０２－２３９７－９２９８＃１２３"));
    assert!(is_phone("（０２）２３９７９２９８轉１２３"));
    assert!(!is_phone("１２３"));
    assert!(is_email("a.b@mail.gov.tw"));
    assert!(!is_email("a@b"));
    assert!(!is_email("a b@c.tw"));
    // An address typed full-width is not one (mail goes to ASCII), and is told how to write it.
    let mut app = complete();
    app.contact.email = "ｗａｎｇ＠ｍａｉｌ．ｇｏｖ．ｔｗ".into();
    let f = check(&app, ok());
    let email = f.iter().find(|f| f.code == FindingCode::ContactEmailInvalid).unwrap_or_else(|| panic!("{f:?}"));
    assert_eq!(email.pointer, "/contact/email");
    assert!(email.message.zh_tw.ends_with("請以半形字元填寫：「wang@mail.gov.tw」。"), "{}", email.message.zh_tw);
    app.contact.email = "ｗａｎｇ@mail.gov.tw".into();
    let f = check(&app, ok());
    assert!(f.iter().any(|f| f.code == FindingCode::ContactEmailInvalid && f.message.zh_tw.contains("「wang@mail.gov.tw」")), "{f:?}");
    app.contact.email = "not an address".into();
    assert!(!check(&app, ok()).iter().any(|f| f.message.zh_tw.contains("半形")));
}

#[test]
fn an_attached_sample_satisfies_the_sample_recommendation() {
    let mut app = complete();
    app.requirement.sample_output = None;
    assert_eq!(codes(&check(&app, ok())), vec![FindingCode::SampleOutputMissing]);
    let with_file = EligibilityContext { has_sample_attachment: true, ..ok() };
    assert_eq!(check(&app, with_file), vec![]);
}

fn cond(field: &str, op: Operator, values: &[&str]) -> Condition {
    Condition { field: field.into(), op, values: values.iter().map(|v| (*v).to_string()).collect() }
}

#[test]
fn rule_7_structured_conditions_are_checked_against_the_dictionary() {
    let mut app = complete();
    app.requirement.filters = vec![
        cond("official_rank", Operator::In, &["junior", "senior"]),
        cond("grade", Operator::Between, &["6", "9"]),
        cond("birth_date", Operator::Ge, &["1970-01-01"]),
        cond("service_years", Operator::Gt, &["10.5"]),
    ];
    app.requirement.breakdowns = vec!["agency_code".into(), "sex".into()];
    assert_eq!(check(&app, ok()), vec![], "valid conditions and breakdowns find nothing");

    app.requirement.filters = vec![
        cond("no_such_field", Operator::Eq, &["1"]),
        cond("official_rank", Operator::In, &["junior", "general"]),
        cond("sex", Operator::Lt, &["M"]),
        cond("age", Operator::Between, &["30"]),
        cond("age", Operator::Eq, &["thirty"]),
        cond("birth_date", Operator::Le, &["1970/01/01"]),
        cond("grade", Operator::Between, &["9", "6"]),
        cond("name", Operator::Eq, &[" "]),
    ];
    app.requirement.breakdowns = vec!["sex".into(), "sex".into(), "nope".into()];
    let f = check(&app, ok());
    let got: Vec<(FindingCode, &str)> = f.iter().map(|f| (f.code, f.pointer.as_str())).collect();
    use FindingCode::*;
    for want in [
        (FieldUnknown, "/requirement/filters/0/field"),
        (ConditionValueNotInCodeTable, "/requirement/filters/1/values/1"),
        (ConditionOperatorInvalid, "/requirement/filters/2/op"),
        (ConditionValueCount, "/requirement/filters/3/values"),
        (ConditionValueType, "/requirement/filters/4/values/0"),
        (ConditionValueType, "/requirement/filters/5/values/0"),
        (ConditionValueType, "/requirement/filters/6/values/1"),
        (ConditionValueType, "/requirement/filters/7/values/0"),
        (FieldDuplicate, "/requirement/breakdowns/1"),
        (FieldUnknown, "/requirement/breakdowns/2"),
    ] {
        assert!(got.contains(&want), "{want:?} missing from {got:?}");
    }
    let outside = f.iter().find(|f| f.code == ConditionValueNotInCodeTable).map(|f| f.message.en.clone()).unwrap_or_default();
    assert!(outside.contains("\"general\"") && outside.contains("senior"), "{outside}");
    // Filtering on a name is personal data, which the application denies (rule 3).
    assert!(got.contains(&(PersonalDataContradictsFields, "/requirement/filters/7/field")));
    assert!(f
        .iter()
        .all(|f| f.rule == "7" || f.code == FieldDuplicate || f.code == PersonalDataContradictsFields || f.severity == Severity::Warning));
    assert!(blocks(&f));
}

#[test]
fn a_condition_value_typed_full_width_is_told_how_to_write_it() {
    let mut app = complete();
    app.requirement.filters = vec![
        cond("age", Operator::Ge, &["３０"]),
        cond("birth_date", Operator::Ge, &["１９７０－０１－０１"]),
        cond("grade", Operator::Between, &["６", "9"]),
        cond("age", Operator::Eq, &["三十"]),
    ];
    let f = check(&app, ok());
    let message =
        |pointer: &str| f.iter().find(|f| f.pointer == pointer).map(|f| f.message.clone()).unwrap_or_else(|| panic!("{pointer}: {f:?}"));
    for (pointer, ascii) in [
        ("/requirement/filters/0/values/0", "30"),
        ("/requirement/filters/1/values/0", "1970-01-01"),
        ("/requirement/filters/2/values/0", "6"),
    ] {
        let m = message(pointer);
        assert!(m.zh_tw.contains(&format!("請以半形字元填寫：「{ascii}」")), "{pointer}: {}", m.zh_tw);
        assert!(m.en.contains(&format!("Write it in half-width characters: \"{ascii}\"")), "{pointer}: {}", m.en);
    }
    assert!(!message("/requirement/filters/3/values/0").zh_tw.contains("半形"), "no ASCII form fits: no such hint");
    assert!(blocks(&f), "still refused: the value is stored as sent");
}

#[test]
fn breakdowns_belong_to_statistics_and_open_questions_warn() {
    let mut app = complete();
    app.requirement.breakdowns = vec!["sex".into()];
    app.requirement.output = Some(OutputKind::Detail);
    app.personal_data = PersonalData {
        contains: Some(true),
        purpose: Some(PURPOSE_PERSONNEL_MANAGEMENT.into()),
        statutory_duty: Some("公務人員任用法".into()),
        necessity: vec![NecessityNote { field: "sex".into(), note: "性別統計".into() }],
        retention_days: Some(30),
    };
    assert_eq!(codes(&check(&app, ok())), vec![FindingCode::BreakdownOnDetail]);
    let open = [4, 9];
    let f = check(&complete(), EligibilityContext { open_inquiries: &open, ..ok() });
    assert_eq!(codes(&f), vec![FindingCode::InquiryOpen]);
    assert!(!blocks(&f) && f[0].message.en.contains("4, 9"));
}

#[test]
fn agency_without_supervisor_blocks() {
    let f = check(&complete(), EligibilityContext { has_supervisor: false, ..ok() });
    assert_eq!(codes(&f), vec![FindingCode::AgencyWithoutSupervisor]);
    assert!(blocks(&f));
}

#[test]
fn rule_6_an_overdue_destruction_blocks_and_names_the_request() {
    let overdue = [crate::ids::RequestId(17)];
    let f = check(&complete(), EligibilityContext { overdue_destructions: &overdue, ..ok() });
    assert_eq!(f.iter().map(|f| f.code).collect::<Vec<_>>(), vec![FindingCode::DestructionOverdue]);
    assert!(blocks(&f));
    assert!(f[0].message.zh_tw.contains("17") && f[0].message.en.contains("17") && f[0].rule == "6");
}

#[test]
fn shape_limits_are_errors_with_pointers() {
    let mut app = complete();
    app.reason = "字".repeat(limits::LONG_TEXT + 1);
    app.requirement.fields = vec!["x".into(); limits::MAX_FIELDS + 1];
    let f = app.shape_errors();
    assert_eq!(codes(&f), vec![FindingCode::TooLong, FindingCode::TooMany]);
    assert_eq!(f[0].pointer, "/reason");
}

#[test]
fn every_code_has_a_stable_name() {
    assert_eq!(FindingCode::DeadlineInText.name(), "deadline_in_text");
    assert_eq!(FindingCode::TooMany.name(), "too_many");
}
