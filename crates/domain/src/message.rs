//! Bilingual user-facing text: zh-TW first, English second.

use serde::{Deserialize, Serialize};

/// A message in both of the service's languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Text {
    /// Traditional Chinese (Taiwan).
    pub zh_tw: String,
    /// English.
    pub en: String,
}

impl Text {
    pub fn new(zh_tw: impl Into<String>, en: impl Into<String>) -> Self {
        Self { zh_tw: zh_tw.into(), en: en.into() }
    }

    pub fn empty() -> Self {
        Self::new("", "")
    }

    pub fn is_empty(&self) -> bool {
        self.zh_tw.is_empty() && self.en.is_empty()
    }
}
