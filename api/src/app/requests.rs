//! Requests as use cases: load one the caller may see, build the domain's facts
//! about it once, check it, run a transition on it, and show it.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use statreq_contract::{DestructionView, RequestView, SimilarRequest, SimilarRequests};
use statreq_domain::eligibility::{self, EligibilityContext, Finding};
use statreq_domain::lifecycle::{self, available_actions, can_view};
use statreq_domain::{AgencyChain, AgencyCode, Application, Command, RequestFacts, RequestId, State, UserId};
use statreq_store::{AuditContext, ListFilter, RequestRow, Store, StoreResult, UserRow};

use super::users::{self, user_ref, Users};
use super::{db, AppError, AppResult, InputError};
use crate::auth::Principal;
use crate::AppState;

/// Drafts one person may hold at once: enough for any office's work, few enough
/// that a script gone wrong cannot fill the database.
pub const MAX_DRAFTS_PER_USER: i64 = 200;

/// Who created, edited or submitted each request, by (request, version). Each of those
/// events moves the version in its own transaction, so an entry never goes stale and
/// instances need not tell each other anything; a read of a request it holds saves a
/// query. Bounded: the least used entries go first.
#[derive(Clone)]
pub struct AuthorsCache(moka::sync::Cache<(RequestId, i64), Arc<Vec<UserId>>>);

impl Default for AuthorsCache {
    fn default() -> Self {
        Self(moka::sync::Cache::new(10_000))
    }
}

impl AuthorsCache {
    /// The authors of `row` as it stands: read from the database once per version.
    fn of(&self, s: &Store, row: &RequestRow) -> StoreResult<Vec<UserId>> {
        Ok(self.of_all(s, std::slice::from_ref(row))?.remove(&row.id).unwrap_or_default())
    }

    /// The authors of `row` as it stands, if held.
    fn held(&self, row: &RequestRow) -> Option<Vec<UserId>> {
        self.0.get(&(row.id, row.version)).map(|a| a.to_vec())
    }

    /// The authors of each of `rows`, those not held read in one query.
    fn of_all(&self, s: &Store, rows: &[RequestRow]) -> StoreResult<HashMap<RequestId, Vec<UserId>>> {
        let mut out = HashMap::with_capacity(rows.len());
        let mut missing = Vec::new();
        for row in rows {
            match self.0.get(&(row.id, row.version)) {
                Some(known) => {
                    out.insert(row.id, known.to_vec());
                }
                None => missing.push((row.id, row.version)),
            }
        }
        if !missing.is_empty() {
            let ids: Vec<RequestId> = missing.iter().map(|(id, _)| *id).collect();
            let mut read = s.authors_of(&ids)?;
            for (id, version) in missing {
                let authors = read.remove(&id).unwrap_or_default();
                self.0.insert((id, version), Arc::new(authors.clone()));
                out.insert(id, authors);
            }
        }
        Ok(out)
    }
}

/// A request with everything needed to judge and show it.
pub struct Loaded {
    pub row: RequestRow,
    pub chain: AgencyChain,
    pub agency_name: String,
    /// The supervising agencies that review it, by name (rule 5.1).
    pub reviewers: Vec<statreq_contract::AgencyName>,
    pub users: Users,
    /// Who created, edited or submitted it (separation of duties).
    pub authors: Vec<UserId>,
}

impl Loaded {
    /// The domain's facts about this request for authorisation only: what the
    /// caller may do now, with no eligibility checked.
    fn facts<'a>(&'a self, app: &'a Application, ctx: &'a Context) -> RequestFacts<'a> {
        RequestFacts {
            state: self.row.state,
            assignee: self.row.assignee,
            difficulty: self.row.difficulty.and_then(|d| statreq_domain::Difficulty::new(d.into()).ok()),
            chain: &self.chain,
            created_by: self.row.created_by,
            authors: &self.authors,
            application: app,
            revisions: self.row.revision as u32,
            delivered_at: self.row.delivered_at,
            overdue_destructions: &ctx.overdue,
            has_sample_attachment: ctx.has_sample_attachment,
            dictionary: ctx.dictionary.as_deref().unwrap_or(statreq_domain::dictionary::Dictionary::builtin()),
            open_inquiries: &ctx.open_inquiries,
        }
    }
}

/// What the eligibility rules need beyond the request itself.
pub struct Context {
    /// The dictionary in force; the built-in one where only authorisation is asked.
    pub dictionary: Option<std::sync::Arc<statreq_domain::dictionary::Dictionary>>,
    pub overdue: Vec<RequestId>,
    pub has_sample_attachment: bool,
    pub open_inquiries: Vec<i64>,
}

impl Context {
    /// Enough to say what a caller may do (no eligibility checked).
    fn for_authorisation() -> Context {
        Context { dictionary: None, overdue: Vec::new(), has_sample_attachment: false, open_inquiries: Vec::new() }
    }

    /// Everything the eligibility check reads (rules 3, 4, 5.1, 5.3, 6, 7).
    async fn for_check(state: &AppState, l: &Loaded) -> AppResult<Context> {
        let id = l.row.id;
        let agency = l.row.agency_code.clone();
        let now = Utc::now();
        let (overdue, has_sample_attachment, open_inquiries) = db(state, move |s| {
            Ok((overdue_destructions_in(s, &agency, now)?, !s.list_attachments(id)?.is_empty(), s.open_inquiries_of(id)?))
        })
        .await?;
        Ok(Context { dictionary: Some(super::reference::dictionary(state).await?), overdue, has_sample_attachment, open_inquiries })
    }
}

fn referenced_users(row: &RequestRow) -> Vec<UserId> {
    let mut ids = vec![row.created_by];
    ids.extend(row.assignee);
    if let Some(by) = row.destruction.as_ref().and_then(|d| d.get("recorded_by")).and_then(|v| v.as_i64()) {
        ids.push(UserId(by));
    }
    ids
}

/// Loads a request the caller may see; others are [`AppError::NotFound`], never the data.
pub async fn load_for(state: &AppState, who: &Principal, id: RequestId) -> AppResult<Loaded> {
    let tree = state.agencies.tree(state).await?;
    let mut known = Users::new();
    known.insert(who.user.id, who.user.clone());
    // Everything held in memory (the store's read cache, the authors of this version):
    // no hop to the blocking pool. The check of rights below is the same either way.
    let (row, users, authors) = match held(state, id, &known) {
        Some((row, more, authors)) => {
            known.extend(more.into_iter().map(|u| (u.id, u)));
            (row, known, authors)
        }
        None => {
            let cache = state.authors.clone();
            db(state, move |s| {
                let row = s.get_request_cached(id)?;
                let missing = unknown_users(&row, &known);
                if !missing.is_empty() {
                    known.extend(s.get_users_cached(&missing)?.into_iter().map(|u| (u.id, u)));
                }
                let authors = cache.of(s, &row)?;
                Ok((row, known, authors))
            })
            .await?
        }
    };
    let (chain, agency_name) = tree.chain_of(&row.agency_code)?;
    let reviewers = tree.reviewers_of(&chain);
    let loaded = Loaded { row, chain, agency_name, reviewers, users, authors };
    if can_view(&who.actor, &loaded.chain, loaded.row.revision as u32) {
        Ok(loaded)
    } else {
        Err(AppError::NotFound)
    }
}

/// A request the caller has just created, as [`load_for`] would read it back, from the
/// row the create returned and the agency tree read before it: once the create is
/// committed nothing is left to read, so nothing can fail and answer an error for a
/// request that exists (a retry with the same `Idempotency-Key` would create it again).
/// `None` when the view names someone besides the caller, or the tree lacks the
/// agency (then read it back).
pub fn fresh(state: &AppState, who: &Principal, tree: &super::agencies::AgencyTree, row: RequestRow) -> Option<Loaded> {
    let mut users = Users::new();
    users.insert(who.user.id, who.user.clone());
    if !unknown_users(&row, &users).is_empty() {
        return None;
    }
    let (chain, agency_name) = tree.chain_of(&row.agency_code).ok()?;
    let reviewers = tree.reviewers_of(&chain);
    // A new request's only author is who created it: a draft's one event is `created`,
    // a paper application's are `created` and `registered_from_paper`, both theirs.
    let authors = vec![row.created_by];
    state.authors.0.insert((row.id, row.version), Arc::new(authors.clone()));
    let loaded = Loaded { row, chain, agency_name, reviewers, users, authors };
    can_view(&who.actor, &loaded.chain, loaded.row.revision as u32).then_some(loaded)
}

/// The users `row`'s view names that are not in `known`, each once.
fn unknown_users(row: &RequestRow, known: &Users) -> Vec<UserId> {
    let mut missing: Vec<UserId> = referenced_users(row).into_iter().filter(|u| !known.contains_key(u)).collect();
    missing.sort_unstable();
    missing.dedup();
    missing
}

/// The request, the users its view names (besides `known`) and its authors, if all
/// are held in memory.
fn held(state: &AppState, id: RequestId, known: &Users) -> Option<(RequestRow, Vec<UserRow>, Vec<UserId>)> {
    let row = state.store.cached_request(id)?;
    let missing = unknown_users(&row, known);
    let users = if missing.is_empty() { Vec::new() } else { state.store.cached_users(&missing)? };
    let authors = state.authors.held(&row)?;
    Some((row, users, authors))
}

/// Rows of a list, each with its chain and the users its view names; rows the
/// caller may not see are left out (the query already filters; this is the domain's word).
pub async fn load_list(state: &AppState, who: &Principal, filter: ListFilter) -> AppResult<Vec<Loaded>> {
    let tree = state.agencies.tree(state).await?;
    let cache = state.authors.clone();
    let (rows, all_users, mut authors) = db(state, move |s| {
        let rows = s.list_requests(&filter)?;
        let users = users::load(s, rows.iter().flat_map(referenced_users))?;
        let authors = cache.of_all(s, &rows)?;
        Ok((rows, users, authors))
    })
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let (chain, agency_name) = tree.chain_of(&row.agency_code)?;
        if !can_view(&who.actor, &chain, row.revision as u32) {
            continue;
        }
        let users = referenced_users(&row).into_iter().filter_map(|id| all_users.get(&id).map(|u| (id, u.clone()))).collect();
        let authors = authors.remove(&row.id).unwrap_or_default();
        let reviewers = tree.reviewers_of(&chain);
        out.push(Loaded { row, chain, agency_name, reviewers, users, authors });
    }
    Ok(out)
}

/// Writes with `write` and reads what the written row's view needs besides what
/// `before` knew (its people, its authors), in one hop to the blocking pool.
async fn write_and_reload(
    state: &AppState,
    before: Loaded,
    write: impl FnOnce(&Store) -> StoreResult<RequestRow> + Send + 'static,
) -> AppResult<Loaded> {
    let Loaded { users: mut known, chain, agency_name, reviewers, .. } = before;
    let cache = state.authors.clone();
    let (row, users, authors) = db(state, move |s| {
        let row = write(s)?;
        users::load_into(s, referenced_users(&row), &mut known)?;
        let authors = cache.of(s, &row)?;
        Ok((row, known, authors))
    })
    .await?;
    Ok(Loaded { row, chain, agency_name, reviewers, users, authors })
}

/// The request as the caller sees it, with the actions the caller may take.
pub fn view(who: &Principal, l: &Loaded) -> AppResult<RequestView> {
    let app = l.row.application.clone();
    let r = &l.row;
    let ctx = Context::for_authorisation();
    let allowed_actions = available_actions(&l.facts(&app, &ctx), &who.actor);
    let destroy_by = lifecycle::destroy_by(&app, r.delivered_at, r.retention_extra_days);
    let next_step = lifecycle::next_step(r.state, &allowed_actions, app.declares_personal_data(), destroy_by);
    let destruction_overdue = lifecycle::destruction_overdue(r.state, &app, r.delivered_at, r.retention_extra_days, Utc::now());
    let corrupt = |what: &str| AppError::internal(format!("request {}: stored destruction record: {what}", r.id));
    let destruction = match &r.destruction {
        Some(d) => Some(DestructionView {
            destroyed_on: serde_json::from_value(d["destroyed_on"].clone()).map_err(|_| corrupt("destroyed_on"))?,
            method: d["method"].as_str().unwrap_or_default().to_string(),
            recorded_by: user_ref(&l.users, UserId(d["recorded_by"].as_i64().unwrap_or_default())),
            recorded_at: serde_json::from_value(d["recorded_at"].clone()).map_err(|_| corrupt("recorded_at"))?,
        }),
        None => None,
    };
    Ok(RequestView {
        external_ref: r.external_ref.clone(),
        channel: statreq_domain::lifecycle::Channel::parse(&r.channel).unwrap_or(statreq_domain::lifecycle::Channel::Web),
        id: r.id.0,
        state: r.state,
        state_label: r.state.label(),
        version: r.version,
        agency_code: r.agency_code.to_string(),
        agency_name: l.agency_name.clone(),
        supervising_agencies: l.reviewers.clone(),
        created_by: user_ref(&l.users, r.created_by),
        application: app,
        revision: r.revision,
        difficulty: r.difficulty,
        assignee: r.assignee.map(|a| user_ref(&l.users, a)),
        reply: r.reply.clone(),
        destruction,
        destroy_by,
        destruction_overdue,
        allowed_actions,
        next_step,
        created_at: r.created_at,
        updated_at: r.updated_at,
        submitted_at: r.submitted_at,
        dgpa_received_at: r.dgpa_received_at,
        delivered_at: r.delivered_at,
    })
}

/// An application within the shape limits, or every limit it breaks.
pub fn shape_check(app: &Application) -> AppResult<()> {
    let findings = app.shape_errors();
    if findings.is_empty() {
        Ok(())
    } else {
        Err(InputError::InvalidApplication { findings }.into())
    }
}

/// 412 when the client's version is stale.
pub fn check_version(expected: Option<i64>, actual: i64) -> AppResult<()> {
    match expected {
        Some(v) if v != actual => Err(InputError::Stale.into()),
        _ => Ok(()),
    }
}

/// Edits a draft or returned application; each section of `patch` replaces that section.
pub async fn edit(
    state: &AppState,
    who: &Principal,
    id: RequestId,
    expected: Option<i64>,
    patch: statreq_domain::ApplicationPatch,
    audit: AuditContext,
) -> AppResult<Loaded> {
    let loaded = load_for(state, who, id).await?;
    check_version(expected, loaded.row.version)?;
    let mut app = loaded.row.application.clone();
    let ctx = Context::for_authorisation();
    lifecycle::decide(&loaded.facts(&app, &ctx), &who.actor, Command::Edit, Utc::now())?;
    patch.apply(&mut app);
    shape_check(&app)?;
    if app == loaded.row.application {
        // Nothing differs: no new version (another editor's If-Match stays good) and
        // no 「編輯」 in the request's history.
        return Ok(loaded);
    }
    let json = serde_json::to_value(&app).map_err(AppError::internal)?;
    let (id, version, actor) = (loaded.row.id, loaded.row.version, who.actor.user);
    write_and_reload(state, loaded, move |s| s.update_application(id, version, &json, actor, &audit, Utc::now())).await
}

/// Every eligibility finding for the application as it stands, with the covering
/// source (rule 4), and similar earlier requests.
pub async fn check(state: &AppState, who: &Principal, id: RequestId) -> AppResult<(Vec<Finding>, SimilarRequests)> {
    let loaded = load_for(state, who, id).await?;
    let ctx = Context::for_check(state, &loaded).await?;
    let catalog = super::reference::catalog(state).await?;
    let app = &loaded.row.application;
    let mut findings = eligibility::check(
        app,
        EligibilityContext {
            dictionary: ctx.dictionary.as_deref().unwrap_or(statreq_domain::dictionary::Dictionary::builtin()),
            open_inquiries: &ctx.open_inquiries,
            has_supervisor: loaded.chain.has_supervisor(),
            overdue_destructions: &ctx.overdue,
            has_sample_attachment: ctx.has_sample_attachment,
        },
    );
    findings.extend(statreq_domain::catalog::covering_finding(app, &catalog));
    let similar = similar_requests(state, who, app, loaded.row.id).await?;
    Ok((findings, similar))
}

/// How many similar requests a check lists, and how alike they must be.
const SIMILAR_SHOWN: usize = 10;
const SIMILAR_MIN_PERCENT: u8 = 30;

/// Earlier delivered requests like this one: those the caller may see, and a count
/// of the others (other agencies' requests are not disclosed).
async fn similar_requests(state: &AppState, who: &Principal, app: &Application, id: RequestId) -> AppResult<SimilarRequests> {
    let profiles = super::reference::delivered_profiles(state).await?;
    let matches = statreq_domain::similar::rank(&app.requirement, id.0, &profiles, SIMILAR_MIN_PERCENT, usize::MAX);
    let tree = state.agencies.tree(state).await?;
    let agency_of: HashMap<i64, &AgencyCode> = profiles.iter().map(|p| (p.request_id, &p.agency)).collect();
    let mut out = SimilarRequests::default();
    for m in matches {
        let Some(agency) = agency_of.get(&m.request_id).copied() else { continue };
        let visible = tree.chain(agency).is_some_and(|(chain, _)| can_view(&who.actor, &chain, 1));
        if !visible {
            out.other_count += 1;
        } else if out.visible.len() < SIMILAR_SHOWN {
            out.visible.push(SimilarRequest {
                request_id: m.request_id,
                agency_code: agency.to_string(),
                agency_name: tree.get(agency).map(|a| a.name.clone()).unwrap_or_default(),
                percent: m.percent,
                shared_fields: m.shared_fields,
            });
        }
    }
    Ok(out)
}

/// Delivered personal-data requests an agency has not destroyed in time (rule 6).
pub async fn overdue_destructions(state: &AppState, agency: &AgencyCode) -> AppResult<Vec<RequestId>> {
    let (agency, now) = (agency.clone(), Utc::now());
    db(state, move |s| overdue_destructions_in(s, &agency, now)).await
}

fn overdue_destructions_in(s: &Store, agency: &AgencyCode, now: chrono::DateTime<Utc>) -> StoreResult<Vec<RequestId>> {
    let filter = ListFilter { own_agency: Some(agency.clone()), states: vec![State::Delivered], limit: 10_000, ..Default::default() };
    Ok(s.list_requests(&filter)?
        .into_iter()
        .filter(|r| lifecycle::destruction_overdue(r.state, &r.application, r.delivered_at, r.retention_extra_days, now))
        .map(|r| r.id)
        .collect())
}

/// Requests past their time: waiting with DGPA beyond the queue's maximum (its
/// overdue band, rule 5.3), or delivered personal data past its destroy-by day (rule 6).
pub async fn overdue_ids(state: &AppState) -> AppResult<Vec<RequestId>> {
    let snapshot = super::queue::cached_snapshot(state).await?;
    let mut ids: Vec<RequestId> = snapshot.order.iter().filter(|r| r.overdue).map(|r| r.id).collect();
    // Only personal data has a destroy-by day (rule 6): the rest is not read.
    let filter =
        ListFilter { all_submitted: true, states: vec![State::Delivered], personal: Some(true), limit: 100_000, ..Default::default() };
    let rows = db(state, move |s| s.list_requests(&filter)).await?;
    let now = Utc::now();
    ids.extend(rows.into_iter().filter_map(|r| {
        lifecycle::destruction_overdue(r.state, &r.application, r.delivered_at, r.retention_extra_days, now).then_some(r.id)
    }));
    Ok(ids)
}

/// Loads, lets the domain decide, stores the outcome at the version decided on —
/// the one way a request changes state.
pub async fn transition(
    state: &AppState,
    who: &Principal,
    id: RequestId,
    precondition: super::Precondition,
    audit: AuditContext,
    command: Command,
) -> AppResult<Loaded> {
    let loaded = load_for(state, who, id).await?;
    let app = &loaded.row.application;
    let ctx = if matches!(command, Command::Submit) {
        Context::for_check(state, &loaded).await?
    } else {
        Context { dictionary: Some(super::reference::dictionary(state).await?), ..Context::for_authorisation() }
    };
    let now = Utc::now();
    // Who may act comes first (403), then the caller's copy (428/412), then the rest.
    let decided = lifecycle::decide(&loaded.facts(app, &ctx), &who.actor, command, now);
    if let Err(r) = &decided {
        if r.is_about_who() {
            return Err(r.clone().into());
        }
    }
    check_version(precondition.required()?, loaded.row.version)?;
    let outcome = decided?;
    let (version, from, actor) = (loaded.row.version, loaded.row.state, who.actor.user);
    let event = outcome.event;
    let after = write_and_reload(state, loaded, move |s| s.apply_transition(id, version, from, &outcome, actor, &audit, now)).await?;
    let row = &after.row;
    state.queue.changed(id);
    state.wake.notify_one();
    if event == statreq_domain::EventKind::DestructionRecorded {
        // The keys are gone (crypto-shredded in the transaction); now the bodies.
        let files = db(state, move |s| s.list_deliveries(id)).await.unwrap_or_default();
        state.files.remove(files.iter().map(|f| f.storage_key.as_str())).await;
    }
    if row.state.is_terminal() {
        // The request ended: its attachments' keys went in the transaction; now the bodies.
        let shredded = db(state, move |s| s.list_attachments(id)).await.unwrap_or_default();
        state.files.remove(shredded.iter().filter(|a| a.wrapped_key.is_empty()).map(|a| a.storage_key.as_str())).await;
    }
    tracing::info!(request = %id, actor = %actor, event = event.as_str(), to = row.state.as_str(), "transition");
    Ok(after)
}

/// Loads the users of a list of rows (events, messages, revisions …) in one go.
pub fn users_of(s: &Store, ids: impl IntoIterator<Item = UserId>) -> StoreResult<Users> {
    users::load(s, ids)
}

/// Delivered requests holding data to destroy (rule 6), soonest first: all of them
/// (DGPA), or one office's (`own_agency`).
pub async fn destructions_due(state: &AppState, own_agency: Option<AgencyCode>) -> AppResult<Vec<statreq_contract::DestructionDueView>> {
    let filter = statreq_store::ListFilter {
        all_submitted: own_agency.is_none(),
        own_agency,
        states: vec![State::Delivered],
        limit: 100_000,
        ..Default::default()
    };
    let rows = db(state, move |s| s.list_requests(&filter)).await?;
    let tree = state.agencies.tree(state).await?;
    let today = statreq_domain::lifecycle::taiwan_date(Utc::now());
    let mut out: Vec<statreq_contract::DestructionDueView> = rows
        .into_iter()
        .filter_map(|r| {
            let destroy_by = statreq_domain::lifecycle::destroy_by(&r.application, r.delivered_at, r.retention_extra_days)?;
            Some(statreq_contract::DestructionDueView {
                request_id: r.id.0,
                reason: r.application.reason.clone(),
                agency_name: tree.get(&r.agency_code).map(|a| a.name.clone()).unwrap_or_default(),
                agency_code: r.agency_code.to_string(),
                delivered_at: r.delivered_at?,
                destroy_by,
                overdue: today > destroy_by,
                days_left: (destroy_by - today).num_days(),
            })
        })
        .collect();
    out.sort_by_key(|d| (d.destroy_by, d.request_id));
    Ok(out)
}
