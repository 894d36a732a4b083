//! Why DGPA returns or rejects an application, as a code from a fixed list rather
//! than free text alone: the applicant learns which rule was not met and, when the
//! data already exists, where to find it (rule 4); the statistics count outcomes
//! by reason.

use serde::{Deserialize, Serialize};

use crate::message::Text;

/// The reason for a return or a rejection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OutcomeReason {
    /// The data can be had from an existing source (rule 4); names the catalog entry.
    AvailableInExistingSource,
    /// Not personnel data DGPA's service provides, or not for an agency's
    /// personnel business (rules 1–2).
    OutOfScope,
    /// Personal data asked for without the necessity rule 3 requires.
    PersonalDataNotNecessary,
    /// A field's definition is unsettled: to be confirmed with DGPA first (rule 7).
    DefinitionUnclear,
    /// The form is incomplete or unclear (rule 5.1).
    Incomplete,
    /// Anything else, explained in the comment.
    Other,
}

impl OutcomeReason {
    pub const ALL: [OutcomeReason; 6] = [
        OutcomeReason::AvailableInExistingSource,
        OutcomeReason::OutOfScope,
        OutcomeReason::PersonalDataNotNecessary,
        OutcomeReason::DefinitionUnclear,
        OutcomeReason::Incomplete,
        OutcomeReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeReason::AvailableInExistingSource => "available_in_existing_source",
            OutcomeReason::OutOfScope => "out_of_scope",
            OutcomeReason::PersonalDataNotNecessary => "personal_data_not_necessary",
            OutcomeReason::DefinitionUnclear => "definition_unclear",
            OutcomeReason::Incomplete => "incomplete",
            OutcomeReason::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw)
    }

    /// The rule the reason cites, if any.
    pub fn rule(self) -> Option<&'static str> {
        match self {
            OutcomeReason::AvailableInExistingSource => Some("4"),
            OutcomeReason::OutOfScope => Some("1-2"),
            OutcomeReason::PersonalDataNotNecessary => Some("3"),
            OutcomeReason::DefinitionUnclear => Some("7"),
            OutcomeReason::Incomplete => Some("5.1"),
            OutcomeReason::Other => None,
        }
    }

    /// Whether the reason names an entry of the catalog of existing sources.
    pub fn needs_source(self) -> bool {
        self == OutcomeReason::AvailableInExistingSource
    }

    pub fn label(self) -> Text {
        let (zh, en) = match self {
            OutcomeReason::AvailableInExistingSource => ("既有資料來源已可提供（第4點）", "Available from an existing source (rule 4)"),
            OutcomeReason::OutOfScope => ("非本服務提供之資料或用途（第1、2點）", "Outside the service's data or purposes (rules 1–2)"),
            OutcomeReason::PersonalDataNotNecessary => {
                ("個人資料非執行法定職務所必要（第3點）", "Personal data not necessary for the statutory duty (rule 3)")
            }
            OutcomeReason::DefinitionUnclear => ("欄位定義尚待釐清（第7點）", "A field definition is still to be settled (rule 7)"),
            OutcomeReason::Incomplete => ("申請表填寫不完整或不明確（第5點第1款）", "The form is incomplete or unclear (rule 5.1)"),
            OutcomeReason::Other => ("其他（詳見說明）", "Other (see the comment)"),
        };
        Text::new(zh, en)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_a_stable_name_a_label_and_only_one_names_a_source() {
        for r in OutcomeReason::ALL {
            assert_eq!(OutcomeReason::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).ok(), Some(serde_json::Value::String(r.as_str().into())));
            assert!(!r.label().zh_tw.is_empty() && !r.label().en.is_empty());
        }
        let with_source: Vec<_> = OutcomeReason::ALL.into_iter().filter(|r| r.needs_source()).collect();
        assert_eq!(with_source, [OutcomeReason::AvailableInExistingSource]);
        assert_eq!(OutcomeReason::DefinitionUnclear.rule(), Some("7"));
    }
}
