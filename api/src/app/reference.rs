//! The reference data every check reads — the field dictionary and the catalog of
//! existing sources — cached per instance and reloaded when the store's revision
//! of the kind moves (one small query per use, so an edit on any instance is
//! seen by all at once), and the profiles of delivered requests for similarity
//! (a delivered request's application never changes, so each is read once).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use statreq_domain::calendar::OfficeCalendar;
use statreq_domain::catalog::{self, CatalogEntry};
use statreq_domain::dictionary::{self, Dictionary, Field};
use statreq_domain::similar::Profile;
use statreq_domain::{AgencyCode, Application, RequestId, UserId};
use statreq_store::{Store, StoreResult};

use super::{db, AppError, AppResult};
use crate::AppState;

pub const DICTIONARY: &str = "dictionary";
pub const CATALOG: &str = "catalog";
pub const CALENDAR: &str = "calendar";

type Slot<T> = RwLock<Option<(i64, Arc<T>)>>;

#[derive(Default)]
pub struct ReferenceCache {
    dictionary: Slot<Dictionary>,
    catalog: Slot<Vec<CatalogEntry>>,
    calendar: Slot<Vec<OfficeCalendar>>,
    profiles: Mutex<HashMap<i64, Arc<Profile>>>,
}

/// Writes the built-in dictionary and catalog into a database that never had them.
pub fn seed(store: &Store) -> StoreResult<()> {
    let now = chrono::Utc::now();
    let fields: Vec<(String, serde_json::Value)> = dictionary::seed()
        .into_iter()
        .map(|f| Ok((f.code.clone(), serde_json::to_value(&f)?)))
        .collect::<Result<_, serde_json::Error>>()?;
    store.seed_reference(DICTIONARY, &fields, now)?;
    let entries: Vec<(String, serde_json::Value)> =
        catalog::seed().into_iter().map(|e| Ok((e.id.clone(), serde_json::to_value(&e)?))).collect::<Result<_, serde_json::Error>>()?;
    store.seed_reference(CATALOG, &entries, now)?;
    let years: Vec<(String, serde_json::Value)> = statreq_domain::calendar::seed()
        .into_iter()
        .map(|c| Ok((c.year.to_string(), serde_json::to_value(&c)?)))
        .collect::<Result<_, serde_json::Error>>()?;
    store.seed_reference(CALENDAR, &years, now)?;
    Ok(())
}

async fn cached<T: Send + Sync + 'static>(
    state: &AppState,
    slot: &Slot<T>,
    kind: &'static str,
    build: fn(Vec<serde_json::Value>) -> Result<T, serde_json::Error>,
) -> AppResult<Arc<T>> {
    let revision = db(state, move |s| s.reference_revision(kind)).await?;
    if let Some((r, v)) = slot.read().unwrap_or_else(|e| e.into_inner()).as_ref() {
        if *r == revision {
            return Ok(v.clone());
        }
    }
    let items = db(state, move |s| s.list_reference(kind)).await?;
    let value = Arc::new(
        build(items.into_iter().map(|i| i.body).collect())
            .map_err(|e| AppError::internal(format!("stored reference data ({kind}) does not parse: {e}")))?,
    );
    *slot.write().unwrap_or_else(|e| e.into_inner()) = Some((revision, value.clone()));
    Ok(value)
}

/// The dictionary in force.
pub async fn dictionary(state: &AppState) -> AppResult<Arc<Dictionary>> {
    cached(state, &state.reference.dictionary, DICTIONARY, |bodies| {
        Ok(Dictionary::new(bodies.into_iter().map(serde_json::from_value::<Field>).collect::<Result<_, _>>()?))
    })
    .await
}

/// The catalog in force.
pub async fn catalog(state: &AppState) -> AppResult<Arc<Vec<CatalogEntry>>> {
    cached(state, &state.reference.catalog, CATALOG, |bodies| bodies.into_iter().map(serde_json::from_value::<CatalogEntry>).collect())
        .await
}

/// The office calendar in force, every year statreq keeps.
pub async fn calendar(state: &AppState) -> AppResult<Arc<Vec<OfficeCalendar>>> {
    cached(state, &state.reference.calendar, CALENDAR, |bodies| bodies.into_iter().map(serde_json::from_value::<OfficeCalendar>).collect())
        .await
}

/// The years with an office calendar, in order, and those due by `now` without one
/// (`calendar::years_to_set`: this year, and from October next year).
pub async fn calendar_years(state: &AppState, now: chrono::DateTime<chrono::Utc>) -> AppResult<(Vec<i32>, Vec<i32>)> {
    let mut years: Vec<i32> = calendar(state).await?.iter().map(|c| c.year).collect();
    years.sort_unstable();
    let missing = statreq_domain::calendar::years_to_set(statreq_domain::lifecycle::taiwan_date(now), &years);
    Ok((years, missing))
}

/// The profiles of every delivered request.
pub async fn delivered_profiles(state: &AppState) -> AppResult<Vec<Arc<Profile>>> {
    let delivered = db(state, |s| s.delivered_requests()).await?;
    let missing: Vec<RequestId> = {
        let known = state.reference.profiles.lock().unwrap_or_else(|e| e.into_inner());
        delivered.iter().map(|d| d.0).filter(|id| !known.contains_key(&id.0)).collect()
    };
    if !missing.is_empty() {
        let apps = db(state, move |s| s.applications_of(&missing)).await?;
        let agency: HashMap<RequestId, &AgencyCode> = delivered.iter().map(|(id, a)| (*id, a)).collect();
        let mut known = state.reference.profiles.lock().unwrap_or_else(|e| e.into_inner());
        for (id, value) in apps {
            let app: Application = serde_json::from_value(value).unwrap_or_default();
            let Some(agency) = agency.get(&id) else { continue };
            known.insert(id.0, Arc::new(Profile::of(id.0, (*agency).clone(), &app.requirement)));
        }
    }
    let known = state.reference.profiles.lock().unwrap_or_else(|e| e.into_inner());
    Ok(delivered.iter().filter_map(|(id, _)| known.get(&id.0).cloned()).collect())
}

/// Saves one reference item (a field, a catalog entry); a version mismatch on an
/// edit is a stale copy (412). Every change is kept in the item's history.
pub async fn save(
    state: &AppState,
    kind: &'static str,
    key: String,
    value: serde_json::Value,
    expected: Option<i64>,
    create_only: bool,
    audit: statreq_store::AuditContext,
) -> AppResult<statreq_store::Saved> {
    let saved = db(state, move |s| s.save_reference(kind, &key, &value, expected, create_only, &audit, chrono::Utc::now())).await;
    super::stale_if_expected(saved, expected).map(|(saved, _)| saved)
}

/// An item's changes as shown: who, when, and each value before and after.
pub async fn history_view(
    state: &AppState,
    changes: Vec<statreq_store::ReferenceChange>,
) -> AppResult<Vec<statreq_contract::ReferenceChangeView>> {
    let ids: Vec<UserId> = changes.iter().filter_map(|c| c.changed_by).collect();
    let users = db(state, move |s| super::users::load(s, ids)).await?;
    Ok(changes
        .into_iter()
        .map(|c| statreq_contract::ReferenceChangeView {
            version: c.version,
            action: c.action,
            changes: serde_json::from_value(c.changes).unwrap_or_default(),
            changed_by: c.changed_by.map(|id| super::users::user_ref(&users, id)),
            changed_at: c.changed_at,
        })
        .collect())
}

/// Creates and updates reference items all at once (an import); the counts of what changed.
pub async fn import(
    state: &AppState,
    kind: &'static str,
    items: Vec<(String, serde_json::Value)>,
    audit: statreq_store::AuditContext,
) -> AppResult<statreq_contract::ReferenceImportResult> {
    let actor = audit.actor_id;
    let counts = db(state, move |s| s.import_reference(kind, &items, &audit, chrono::Utc::now())).await?;
    tracing::info!(actor = ?actor, kind, created = counts.created, updated = counts.updated, "reference data imported");
    Ok(statreq_contract::ReferenceImportResult { created: counts.created, updated: counts.updated, unchanged: counts.unchanged })
}

/// A published FAQ entry as shown.
pub fn faq_view(f: statreq_store::FaqRow, users: &super::users::Users) -> statreq_contract::FaqView {
    statreq_contract::FaqView {
        id: f.id,
        field: f.field_code,
        question: f.question,
        answer: f.answer,
        inquiry_id: f.inquiry_id,
        published_by: super::users::user_ref(users, f.published_by),
        published_at: f.published_at,
    }
}
