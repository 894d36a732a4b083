//! Store tests on real SQLite and PostgreSQL, a fresh database each.

use chrono::{Duration, TimeZone, Utc};
use statreq_domain::{AgencyCode, Difficulty, EventKind, Outcome, RequestId, State, UserId};
use statreq_e2e::{Backend, TestDatabase};
use statreq_store::{
    Backend as StoreBackend, NewAgency, NewRefreshToken, NewUser, RefreshAsk, RefreshUse, SessionOrigin, Store, StoreError,
};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).single().unwrap_or_default()
}

fn code(c: &str) -> AgencyCode {
    AgencyCode::parse(c).unwrap_or_else(|e| panic!("{c}: {e}"))
}

fn open(backend: Backend) -> (TestDatabase, Store) {
    let db = TestDatabase::new(backend);
    let store = Store::open(&db.url).unwrap_or_else(|e| panic!("open {}: {e}", db.url));
    (db, store)
}

fn user(store: &Store, name: &str, agency: &str) -> UserId {
    let new = NewUser {
        username: name.into(),
        display_name: name.into(),
        email: String::new(),
        agency_code: code(agency),
        roles: "applicant".into(),
        kind: "local".into(),
        password_hash: None,
        issuer: None,
        subject: None,
    };
    store.create_user(new, &ctx(), now()).unwrap_or_else(|e| panic!("{e}")).id
}

/// A fresh hash for the token a rotation stores (each is a row's key).
fn successor() -> &'static str {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    String::leak(format!("next-{}", N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)))
}

/// A refresh token presented by `by`, in a sign-in of the last day, repeats allowed for 30 s.
fn asked(by: &SessionOrigin) -> RefreshAsk<'_> {
    let next_expires_at = now() + Duration::hours(1);
    RefreshAsk {
        started_after: now() - Duration::days(1),
        by,
        repeat_within: Duration::seconds(30),
        next_hash: successor(),
        next_expires_at,
    }
}

fn ctx() -> statreq_store::AuditContext {
    statreq_store::AuditContext { actor_id: None, actor_agency: Some(code("DGPA")), client_addr: Some("127.0.0.1".into()) }
}

fn outcome(to: State, event: EventKind) -> Outcome {
    Outcome {
        to,
        event,
        comment: None,
        freeze_revision: false,
        difficulty: None,
        assignee: None,
        data: serde_json::Value::Null,
        amended: None,
    }
}

#[test]
fn both_backends_have_the_same_migrations() {
    let sqlite = Store::migration_names(StoreBackend::Sqlite);
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite,
        Store::migration_names(StoreBackend::Postgres),
        "migrations/sqlite and migrations/postgres must list the same migrations"
    );
}

fn migrations_run_up_down_up(backend: Backend) {
    let (_db, store) = open(backend);
    store.get_agency(&code("DGPA")).unwrap_or_else(|e| panic!("the root agency exists after migration: {e}"));
    store.revert_all().unwrap_or_else(|e| panic!("down: {e}"));
    assert!(store.get_agency(&code("DGPA")).is_err());
    store.migrate().unwrap_or_else(|e| panic!("up again: {e}"));
    assert_eq!(store.get_agency(&code("DGPA")).map(|a| a.parent_code).ok(), Some(None));
}

/// A database a newer statreq migrated (a rolling upgrade under way, or this binary
/// started again after a rollback) still opens, as docs/operations.md promises for a
/// compatible release, and the migrations this build does not know are named.
fn a_database_migrated_by_a_newer_version_is_named(backend: Backend) {
    use diesel::{Connection, RunQueryDsl};
    let (db, store) = open(backend);
    assert_eq!(store.unknown_migrations().unwrap_or_else(|e| panic!("{e}")), Vec::<String>::new());
    let newer = "INSERT INTO __diesel_schema_migrations (version) VALUES ('20991231000099')";
    let inserted = match backend {
        Backend::Sqlite => diesel::sql_query(newer)
            .execute(&mut diesel::SqliteConnection::establish(db.url.trim_start_matches("sqlite://")).unwrap_or_else(|e| panic!("{e}"))),
        Backend::Postgres => {
            diesel::sql_query(newer).execute(&mut diesel::PgConnection::establish(&db.url).unwrap_or_else(|e| panic!("{e}")))
        }
    };
    assert_eq!(inserted.unwrap_or_else(|e| panic!("{e}")), 1);
    drop(store);
    let again = Store::open(&db.url).unwrap_or_else(|e| panic!("a newer database still opens: {e}"));
    assert_eq!(again.unknown_migrations().unwrap_or_else(|e| panic!("{e}")), vec!["20991231000099".to_string()]);
}

/// The database's disk full (a small tmpfs; on PostgreSQL a tablespace there): a write
/// is refused as `StoreError::Full` (the API's `507 storage_full`), nothing of it kept
/// and everything acknowledged before it kept, the audit chain whole; once space is
/// freed writes work again. Needs root to mount; elsewhere it says it skipped.
fn a_full_disk_is_named_and_keeps_what_was_acknowledged(backend: Backend) {
    use statreq_e2e::disk::{SmallDisk, SmallPostgres};
    let size = 16 * 1024 * 1024;
    let (sqlite, postgres) = match backend {
        Backend::Sqlite => (SmallDisk::mount(size), None),
        Backend::Postgres => (None, SmallPostgres::create(size)),
    };
    let (url, disk) = match (&sqlite, &postgres) {
        (Some(d), _) => (format!("sqlite://{}", d.path().join("statreq.sqlite").display()), d),
        (_, Some(p)) => (p.url.clone(), p.disk()),
        _ => {
            eprintln!("skipped: cannot mount a tmpfs (or make a PostgreSQL tablespace on it) here; needs root");
            return;
        }
    };
    let store = Store::open(&url).unwrap_or_else(|e| panic!("open {url}: {e}"));
    // 256 KiB that no compression shrinks (PostgreSQL compresses large values).
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut noise = || {
        let mut s = String::with_capacity(256 * 1024);
        while s.len() < 256 * 1024 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            s.push_str(&format!("{x:016x}"));
        }
        serde_json::json!({ "pad": s })
    };
    let (first, _) = store.audit_head().unwrap_or_else(|e| panic!("{e}"));
    let filler = disk.fill();
    let mut kept = 0;
    let refused = loop {
        match store.audit(&ctx(), "audit.verified", None, &noise(), now()) {
            Ok(()) => kept += 1,
            Err(e) => break e,
        }
        assert!(kept < 200, "the disk never filled");
    };
    assert!(matches!(refused, StoreError::Full(_)), "{refused:?}");
    assert_eq!(store.audit_head().unwrap_or_else(|e| panic!("{e}")).0, first + kept, "every acknowledged write, and not the refused one");

    std::fs::remove_file(&filler).unwrap_or_else(|e| panic!("{e}"));
    store.audit(&ctx(), "audit.verified", None, &noise(), now()).unwrap_or_else(|e| panic!("after space is freed: {e}"));
    assert_eq!(store.audit_head().unwrap_or_else(|e| panic!("{e}")).0, first + kept + 1);
    assert!(store.verify_audit().unwrap_or_else(|e| panic!("{e}")).is_ok(), "the chain is whole");
}

fn a_stale_transition_writes_nothing(backend: Backend) {
    let (_db, store) = open(backend);
    let u = user(&store, "a", "DGPA");
    let r = store.create_request(&code("DGPA"), u, &serde_json::json!({"reason": "x"}), now()).unwrap_or_else(|e| panic!("{e}"));
    let mut submit = outcome(State::PendingSupervisor, EventKind::Submitted);
    submit.freeze_revision = true;
    let after = store.apply_transition(r.id, r.version, State::Draft, &submit, u, &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((after.state, after.version, after.revision), (State::PendingSupervisor, r.version + 1, 1));
    assert!(after.submitted_at.is_some());
    // The same transition again, decided on the old version: refused, nothing written.
    let again = store.apply_transition(r.id, r.version, State::Draft, &submit, u, &ctx(), now());
    assert!(matches!(again, Err(StoreError::Conflict)), "{again:?}");
    let wrong_state = store.apply_transition(r.id, after.version, State::Draft, &submit, u, &ctx(), now());
    assert!(matches!(wrong_state, Err(StoreError::Conflict)), "{wrong_state:?}");
    assert_eq!(store.list_events(r.id).map(|e| e.len()).ok(), Some(2));
    assert_eq!(store.list_revisions(r.id).map(|v| v.len()).ok(), Some(1));
    assert_eq!(store.get_request(r.id).map(|x| x.version).ok(), Some(after.version));

    // Acceptance records difficulty and DGPA's first receipt survives a return.
    let approve = outcome(State::PendingDgpa, EventKind::SupervisorApproved);
    let r2 =
        store.apply_transition(r.id, after.version, State::PendingSupervisor, &approve, u, &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    let first = r2.dgpa_received_at;
    let mut accept = outcome(State::Queued, EventKind::DgpaAccepted);
    accept.difficulty = Difficulty::new(5).ok();
    accept.assignee = Some(u);
    let r3 = store
        .apply_transition(r.id, r2.version, State::PendingDgpa, &accept, u, &ctx(), now() + Duration::hours(1))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((r3.difficulty, r3.assignee, r3.dgpa_received_at), (Some(5), Some(u), first));
    let events = store.list_events(r.id).unwrap_or_default();
    assert_eq!(events.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
    assert_eq!(events[3].from_state, Some(State::PendingDgpa));
}

fn refresh_token_reuse_revokes_the_family(backend: Backend) {
    let (_db, store) = open(backend);
    let u = user(&store, "r", "DGPA");
    let exp = now() + Duration::hours(1);
    let long_ago = now() - Duration::days(1);
    let desk = SessionOrigin { user_agent: Some("Mozilla/5.0 (Windows NT 10.0)".into()), client_addr: Some("10.0.0.5".into()) };
    let elsewhere = SessionOrigin { user_agent: Some("curl/8.5.0".into()), client_addr: Some("203.0.113.9".into()) };
    let window = Duration::seconds(30);
    let ask = |by, at| {
        (
            RefreshAsk {
                started_after: long_ago,
                by,
                repeat_within: window,
                next_hash: successor(),
                next_expires_at: now() + Duration::hours(1),
            },
            at,
        )
    };
    let present = |h: &str, (ask, at): (RefreshAsk<'_>, chrono::DateTime<chrono::Utc>)| store.use_refresh_token(h, &ask, &ctx(), at).ok();
    let refresh = |h: &str| present(h, ask(&elsewhere, now()));
    store
        .insert_refresh_token(
            &NewRefreshToken {
                token_hash: "h1",
                family: "fam",
                user_id: u,
                issued_at: now() - Duration::minutes(5),
                expires_at: exp,
                origin: desk.clone(),
            },
            Some(&ctx()),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let rotated = Some(RefreshUse::Rotated { user_id: u, family: "fam".into() });
    assert_eq!(present("h1", ask(&desk, now())), rotated);
    // The same client presenting it again within the window (two tabs at once, a lost
    // response retried) is answered as a rotation too, and audited as such.
    assert_eq!(present("h1", ask(&desk, now() + Duration::seconds(5))), rotated);
    let repeated = statreq_store::AuditFilter { action: Some("auth.refresh_repeated".into()), limit: 10, ..Default::default() };
    assert_eq!(store.list_audit(&repeated).map(|t| t.len()).ok(), Some(1));
    // Where each token went is kept, the newest telling where the session was last seen;
    // a User-Agent is kept to 300 characters, without control characters.
    let phone =
        SessionOrigin { user_agent: Some(format!("Mozilla/5.0 (iPhone)\u{7}{}", "x".repeat(400))), client_addr: Some("10.0.3.7".into()) };
    store
        .insert_refresh_token(
            &NewRefreshToken {
                token_hash: "h2",
                family: "fam",
                user_id: u,
                issued_at: now() + Duration::seconds(10),
                expires_at: exp,
                origin: phone.clone(),
            },
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let seen = store.sessions_of(u, now()).unwrap_or_else(|e| panic!("{e}"));
    let kept = seen[0].origin.user_agent.clone().unwrap_or_default();
    assert_eq!((kept.chars().count(), kept.starts_with("Mozilla/5.0 (iPhone)x")), (300, true), "{kept}");
    assert_eq!(seen[0].origin.client_addr.as_deref(), Some("10.0.3.7"));
    // And where it began: the sign-in's token, however many came after.
    assert_eq!((&seen[0].first_origin, seen[0].started_at), (&desk, now() - Duration::minutes(5)));
    // Nothing but blanks and control characters is no User-Agent.
    let blank = SessionOrigin { user_agent: Some(" \u{7} ".into()), client_addr: None };
    store
        .insert_refresh_token(
            &NewRefreshToken { token_hash: "h2b", family: "fam-blank", user_id: u, issued_at: now(), expires_at: exp, origin: blank },
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let blank = store.sessions_of(u, now()).unwrap_or_default().into_iter().find(|s| s.id == "fam-blank").map(|s| s.origin);
    assert_eq!(blank, Some(SessionOrigin::default()));
    // From elsewhere, even within the window, it is reuse: the family ends.
    assert_eq!(refresh("h1"), Some(RefreshUse::Reused));
    assert_eq!(refresh("h2"), Some(RefreshUse::Reused), "the family's newer token is revoked too");
    // After the window, or with no window, the same client presenting it again is reuse too.
    for (hash, family, at, within) in [("h1a", "fam-later", 31, window), ("h1b", "fam-none", 1, Duration::zero())] {
        let issued = NewRefreshToken { token_hash: hash, family, user_id: u, issued_at: now(), expires_at: exp, origin: desk.clone() };
        store.insert_refresh_token(&issued, None).unwrap_or_else(|e| panic!("{e}"));
        let (mut first, _) = ask(&desk, now());
        first.repeat_within = within;
        let again = RefreshAsk { repeat_within: within, next_hash: successor(), ..first.clone() };
        assert!(matches!(present(hash, (first, now())), Some(RefreshUse::Rotated { .. })), "{family}");
        assert_eq!(present(hash, (again, now() + Duration::seconds(at))), Some(RefreshUse::Reused), "{family}");
    }
    assert_eq!(refresh("nope"), Some(RefreshUse::Invalid));
    store
        .insert_refresh_token(
            &NewRefreshToken {
                token_hash: "h3",
                family: "fam2",
                user_id: u,
                issued_at: now(),
                expires_at: now(),
                origin: SessionOrigin::default(),
            },
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(refresh("h3"), Some(RefreshUse::Invalid), "expired");
    // The absolute session lifetime: a sign-in older than the cutoff has ended.
    store
        .insert_refresh_token(
            &NewRefreshToken {
                token_hash: "h4",
                family: "fam3",
                user_id: u,
                issued_at: now() - Duration::hours(2),
                expires_at: exp,
                origin: SessionOrigin::default(),
            },
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let (mut late, at) = ask(&desk, now());
    late.started_after = now() - Duration::hours(1);
    assert_eq!(present("h4", (late, at)), Some(RefreshUse::SessionEnded));
    // Signing out revokes the session; a disabled account loses every session.
    store
        .insert_refresh_token(
            &NewRefreshToken {
                token_hash: "h5",
                family: "fam4",
                user_id: u,
                issued_at: now(),
                expires_at: exp,
                origin: SessionOrigin::default(),
            },
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.revoke_session("h5", &ctx(), now()).ok(), Some(true));
    assert_eq!(refresh("h5"), Some(RefreshUse::Invalid));
    store
        .insert_refresh_token(
            &NewRefreshToken {
                token_hash: "h6",
                family: "fam5",
                user_id: u,
                issued_at: now(),
                expires_at: exp,
                origin: SessionOrigin::default(),
            },
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    // A change made on an older reading than the stored version is refused, untouched.
    let version = store.get_user(u).map(|r| r.version).unwrap_or_default();
    let off = statreq_store::UserUpdate { active: Some(false), ..Default::default() };
    let stale = store.update_user(u, off.clone(), Some(version - 1), &ctx(), now());
    assert!(matches!(stale, Err(StoreError::Conflict)), "{stale:?}");
    assert_eq!(store.get_user(u).map(|r| (r.active, r.version)).ok(), Some((true, version)));
    let changed = store.update_user(u, off, Some(version), &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((changed.active, changed.version), (false, version + 1));
    assert_eq!(refresh("h6"), Some(RefreshUse::Invalid));
    let actions: Vec<String> = store
        .list_audit(&statreq_store::AuditFilter { limit: 50, ..Default::default() })
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for a in ["user.created", "auth.signed_in", "auth.refresh_token_reused", "auth.signed_out", "user.updated"] {
        assert!(actions.iter().any(|x| x == a), "{a} not audited: {actions:?}");
    }
    assert_eq!(store.verify_audit().ok().map(|r| r.is_ok()), Some(true));
}

fn the_agency_tree_stays_a_tree(backend: Backend) {
    let (_db, store) = open(backend);
    let a = |c: &str, parent: &str| NewAgency { code: code(c), name: c.into(), parent_code: code(parent), personnel_staff: 3 };
    store.create_agency(a("MOI", "DGPA"), &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    store.create_agency(a("NPA", "MOI"), &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    let chain: Vec<String> = store.agency_chain(&code("NPA")).unwrap_or_default().into_iter().map(|x| x.code.to_string()).collect();
    assert_eq!(chain, vec!["NPA", "MOI", "DGPA"]);
    let cycle = store.update_agency(
        &code("MOI"),
        statreq_store::AgencyUpsert { parent_code: Some(code("NPA")), ..Default::default() },
        None,
        &ctx(),
        now(),
    );
    let under_itself = statreq_domain::lifecycle::PlacementError::UnderItself { agency: code("MOI"), parent: code("NPA") };
    assert!(matches!(&cycle, Err(StoreError::Placement(p)) if *p == under_itself), "{cycle:?}");
    // Each change raises the version; one made on an older reading is refused, untouched.
    let rename = |name: &str| statreq_store::AgencyUpsert { name: Some(name.into()), ..Default::default() };
    let v = store.get_agency(&code("NPA")).map(|a| a.version).unwrap_or_default();
    let renamed = store.update_agency(&code("NPA"), rename("警政署"), Some(v), &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(renamed.version, v + 1);
    // The same name again writes nothing: no version, no audit entry.
    let audited = store.audit_head().map(|h| h.0).unwrap_or_default();
    let same = store.update_agency(&code("NPA"), rename("警政署"), Some(v + 1), &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((same.version, store.audit_head().map(|h| h.0).unwrap_or_default()), (v + 1, audited));
    let stale = store.update_agency(&code("NPA"), rename("舊名"), Some(v), &ctx(), now());
    assert!(matches!(stale, Err(StoreError::Conflict)), "{stale:?}");
    assert_eq!(store.get_agency(&code("NPA")).map(|a| (a.name, a.version)).ok(), Some(("警政署".to_string(), v + 1)));
    let orphan = store.create_agency(a("X", "NOPE"), &ctx(), now());
    assert!(matches!(&orphan, Err(StoreError::Placement(statreq_domain::lifecycle::PlacementError::UnknownParent { .. }))), "{orphan:?}");
    assert!(matches!(store.create_agency(a("MOI", "DGPA"), &ctx(), now()), Err(StoreError::Duplicate(_))));
    // Foreign keys are enforced on every connection (SQLite needs the pragma).
    let orphan = NewUser {
        username: "o".into(),
        display_name: "o".into(),
        email: String::new(),
        agency_code: code("NOWHERE"),
        roles: "applicant".into(),
        kind: "local".into(),
        password_hash: None,
        issuer: None,
        subject: None,
    };
    assert!(matches!(store.create_user(orphan, &ctx(), now()), Err(StoreError::MissingReference(_))));
    // Codes are written only as `AgencyCode` gives them; one edited behind the
    // store's back is reported, not quietly read as another agency.
    store.batch_execute("UPDATE agencies SET name = 'x' WHERE code = 'NPA'").unwrap_or_else(|e| panic!("{e}"));
    store.batch_execute("INSERT INTO agencies (code, name, parent_code, personnel_staff, created_at, updated_at) SELECT 'moe', name, parent_code, personnel_staff, created_at, updated_at FROM agencies WHERE code = 'NPA'").unwrap_or_else(|e| panic!("{e}"));
    assert!(store.list_agencies().is_err(), "a lower-case stored code is damage");
}

fn a_wrong_url_reports_its_real_cause(backend: Backend) {
    let url = match backend {
        Backend::Sqlite => "sqlite:///nonexistent-dir/sub/x.sqlite".to_string(),
        Backend::Postgres => "postgres://statreq:wrong-password@127.0.0.1:5432/postgres".to_string(),
    };
    let err = Store::open(&url).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(!err.contains("multiconnection"), "{err}");
    let expected = match backend {
        Backend::Sqlite => "nonexistent-dir",
        Backend::Postgres => "password",
    };
    assert!(err.contains(expected), "{err}");
    assert!(matches!(Store::open("mysql://x"), Err(StoreError::InvalidUrl(_))));
}

fn the_audit_chain_detects_edits_deletions_and_truncation(backend: Backend) {
    let (_db, store) = open(backend);
    for i in 0..5 {
        store
            .audit(&ctx(), "audit.verified", Some(statreq_domain::RequestId(i)), &serde_json::json!({"n": i}), now() + Duration::seconds(i))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(store.verify_audit().ok(), Some(Ok(5)));
    let entries = store.list_audit(&statreq_store::AuditFilter { limit: 10, ..Default::default() }).unwrap_or_default();
    assert_eq!(entries.iter().map(|e| e.id).collect::<Vec<_>>(), vec![5, 4, 3, 2, 1]);
    assert_eq!(entries[1].prev_hash, entries[2].hash);

    // Edited content.
    store.batch_execute("UPDATE audit_log SET detail = '{\"n\":99}' WHERE id = 3").unwrap_or_else(|e| panic!("{e}"));
    let broken = store.verify_audit().ok().and_then(|r| r.err());
    assert_eq!(broken.as_ref().map(|b| b.id), Some(3), "{broken:?}");
    assert!(broken.is_some_and(|b| b.reason.contains("edited")));
    store.batch_execute("UPDATE audit_log SET detail = '{\"n\":2}' WHERE id = 3").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.verify_audit().ok(), Some(Ok(5)), "restored");

    // A deleted entry in the middle, then one at the end.
    let (_db2, store2) = open(backend);
    for i in 0..4 {
        store2.audit(&ctx(), "audit.verified", None, &serde_json::json!({"n": i}), now()).unwrap_or_else(|e| panic!("{e}"));
    }
    store2.batch_execute("DELETE FROM audit_log WHERE id = 4").unwrap_or_else(|e| panic!("{e}"));
    assert!(store2.verify_audit().ok().and_then(|r| r.err()).is_some_and(|b| b.reason.contains("head")));
    store2.batch_execute("DELETE FROM audit_log WHERE id = 2").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store2.verify_audit().ok().and_then(|r| r.err()).map(|b| b.id), Some(2));
}

fn transitions_and_settings_are_audited_in_their_transaction(backend: Backend) {
    let (_db, store) = open(backend);
    let u = user(&store, "a", "DGPA");
    let r = store.create_request(&code("DGPA"), u, &serde_json::json!({}), now()).unwrap_or_else(|e| panic!("{e}"));
    let submit = outcome(State::PendingSupervisor, EventKind::Submitted);
    store.apply_transition(r.id, r.version, State::Draft, &submit, u, &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    // A refused (stale) transition leaves no audit entry either.
    assert!(store.apply_transition(r.id, r.version, State::Draft, &submit, u, &ctx(), now()).is_err());
    store.put_queue_settings(&serde_json::json!({"x": 1}), 0, u, &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    let entries = store.list_audit(&statreq_store::AuditFilter { limit: 10, ..Default::default() }).unwrap_or_default();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["settings.queue_changed", "request.submitted", "request.created", "user.created"]);
    assert_eq!(entries[1].request_id, Some(r.id));
    // An edit names what it changed (pointers only).
    let r = store.get_request(r.id).unwrap_or_else(|e| panic!("{e}"));
    let edited = store.update_application(r.id, r.version, &serde_json::json!({"reason": "p"}), u, &ctx(), now());
    assert!(edited.is_ok(), "{edited:?}");
    // One action, or a group's every action (`_` and `%` are no wildcards).
    let found = |action: &str| -> Vec<String> {
        let f = statreq_store::AuditFilter { action: Some(action.into()), limit: 10, ..Default::default() };
        store.list_audit(&f).unwrap_or_default().into_iter().map(|e| e.action).collect()
    };
    assert_eq!(found("request.*"), vec!["request.edited", "request.submitted", "request.created"]);
    assert_eq!(found("request.edited").len(), 1);
    let detail: serde_json::Value = serde_json::from_str(
        &store
            .list_audit(&statreq_store::AuditFilter { action: Some("request.edited".into()), limit: 1, ..Default::default() })
            .unwrap_or_default()[0]
            .detail,
    )
    .unwrap_or_default();
    assert_eq!(detail["changed"], serde_json::json!(["/reason"]), "{detail}");
    for nothing in ["r_quest.*", "%.*", "request", "request.", ".*", "*"] {
        assert!(found(nothing).is_empty(), "{nothing}");
    }
    assert_eq!(store.verify_audit().ok(), Some(Ok(5)));
}

fn reference_data_is_versioned_with_history_and_seeded_once(backend: Backend) {
    use serde_json::json;
    use statreq_store::Saved;
    let (_db, store) = open(backend);
    let seed = vec![("a".to_string(), json!({"name": "A"})), ("b".to_string(), json!({"name": "B"}))];
    assert_eq!(store.reference_revision("catalog").ok(), Some(0));
    assert!(store.seed_reference("catalog", &seed, now()).unwrap_or_else(|e| panic!("{e}")));
    assert!(!store.seed_reference("catalog", &[("c".into(), json!({}))], now()).unwrap_or_else(|e| panic!("{e}")), "seeded once");
    assert_eq!(store.reference_revision("catalog").ok(), Some(1));
    assert_eq!(store.list_reference("catalog").unwrap_or_default().len(), 2);

    // Updates are guarded by version; an unchanged save changes nothing.
    let (saved, a) =
        store.save_reference("catalog", "a", &json!({"name": "A2"}), Some(1), false, &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((saved, a.version), (Saved::Updated, 2));
    assert!(matches!(
        store.save_reference("catalog", "a", &json!({"name": "A3"}), Some(1), false, &ctx(), now()),
        Err(StoreError::Conflict)
    ));
    let (saved, _) =
        store.save_reference("catalog", "a", &json!({"name": "A2"}), Some(2), false, &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(saved, Saved::Unchanged);
    assert!(matches!(store.save_reference("catalog", "b", &json!({}), None, true, &ctx(), now()), Err(StoreError::Duplicate(_))));
    assert_eq!(store.reference_revision("catalog").ok(), Some(2), "only a real change moves the revision");

    // Deleting leaves a tombstone and the history; the key may be used again.
    assert!(matches!(store.delete_reference("catalog", "a", Some(1), &ctx(), now()), Err(StoreError::Conflict)));
    store.delete_reference("catalog", "a", Some(2), &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(store.get_reference("catalog", "a"), Err(StoreError::NotFound)));
    let (saved, again) =
        store.save_reference("catalog", "a", &json!({"name": "A4"}), None, true, &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((saved, again.version), (Saved::Created, 4));
    let history = store.reference_history("catalog", "a").unwrap_or_default();
    let actions: Vec<(&str, i64)> = history.iter().map(|h| (h.action.as_str(), h.version)).collect();
    assert_eq!(actions, [("created", 1), ("updated", 2), ("deleted", 3), ("created", 4)]);
    assert_eq!(history[1].changes, json!([{"pointer": "/name", "before": "A", "after": "A2"}]));

    // An import is one transaction, counted.
    let counts = store
        .import_reference(
            "catalog",
            &[("a".into(), json!({"name": "A4"})), ("b".into(), json!({"name": "B2"})), ("c".into(), json!({}))],
            &ctx(),
            now(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((counts.created, counts.updated, counts.unchanged), (1, 1, 1));
    let actions: Vec<String> = store
        .list_audit(&statreq_store::AuditFilter { limit: 20, ..Default::default() })
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        actions.iter().any(|a| a == "catalog.deleted") && actions.iter().filter(|a| *a == "catalog.updated").count() == 2,
        "{actions:?}"
    );
    assert_eq!(store.verify_audit().ok().map(|r| r.is_ok()), Some(true));
}

/// SQLite: what is deleted (a signed-out session's token here; shredded keys the same
/// way) is overwritten, not left in the file's free pages (`secure_delete`).
#[test]
fn sqlite_overwrites_what_is_deleted() {
    let (db, store) = open(Backend::Sqlite);
    let u = user(&store, "s", "DGPA");
    let marker = "d3adbeefc0ffee5ecretmarker0123456789abcdefd3adbeefc0ffee5ecret";
    store
        .insert_refresh_token(
            &NewRefreshToken {
                token_hash: marker,
                family: "fam-secure",
                user_id: u,
                issued_at: now(),
                expires_at: now() + Duration::hours(1),
                origin: SessionOrigin::default(),
            },
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    store.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)").unwrap_or_else(|e| panic!("{e}"));
    let file = db.data_dir().join("statreq.sqlite");
    let holds = |path: &std::path::Path| {
        let bytes = std::fs::read(path).unwrap_or_default();
        bytes.windows(marker.len()).any(|w| w == marker.as_bytes())
    };
    assert!(holds(&file), "the token is in the file before deletion (the test can see it)");
    store.revoke_session(marker, &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    store.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)").unwrap_or_else(|e| panic!("{e}"));
    assert!(!holds(&file), "the deleted token lingers in the database file");
}

/// Many writers at once, more than the pool has connections, and a second store on
/// the same database (as another process would be, outside this one's turn-taking):
/// every acknowledged write is there, none failed for a busy database.
fn concurrent_writers_all_land(backend: Backend) {
    let (db, store) = open(backend);
    let other = Store::open(&db.url).unwrap_or_else(|e| panic!("a second store: {e}"));
    let u = user(&store, "w", "DGPA");
    let written: Vec<Vec<statreq_domain::RequestId>> = std::thread::scope(|scope| {
        let writers: Vec<_> = (0..24)
            .map(|i| {
                let s = if i % 4 == 0 { &other } else { &store };
                scope.spawn(move || {
                    (0..15)
                        .map(|k| {
                            let app = serde_json::json!({"reason": format!("writer {i}, request {k}")});
                            s.create_request(&code("DGPA"), u, &app, now()).unwrap_or_else(|e| panic!("writer {i}, request {k}: {e}")).id
                        })
                        .collect()
                })
            })
            .collect();
        writers.into_iter().map(|w| w.join().unwrap_or_else(|_| panic!("a writer panicked"))).collect()
    });
    let ids: std::collections::HashSet<_> = written.iter().flatten().copied().collect();
    assert_eq!(ids.len(), 24 * 15, "every acknowledged write has its own id");
    for id in ids {
        store.get_request(id).unwrap_or_else(|e| panic!("request {id} was acknowledged but is not there: {e}"));
    }
}

/// An administrator finds accounts among thousands by words (username, name, e-mail,
/// any case, `%` and `_` taken literally), agency and role, a page at a time.
fn accounts_are_found_by_words_agency_and_role(backend: Backend) {
    let (_db, store) = open(backend);
    let a = |c: &str, parent: &str| NewAgency { code: code(c), name: c.into(), parent_code: code(parent), personnel_staff: 3 };
    store.create_agency(a("MOI", "DGPA"), &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    store.create_agency(a("NPA", "MOI"), &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    let mk = |username: &str, name: &str, email: &str, agency: &str, roles: &str| {
        let new = NewUser {
            username: username.into(),
            display_name: name.into(),
            email: email.into(),
            agency_code: code(agency),
            roles: roles.into(),
            kind: "local".into(),
            password_hash: None,
            issuer: None,
            subject: None,
        };
        store.create_user(new, &ctx(), now()).unwrap_or_else(|e| panic!("{e}")).id
    };
    mk("lin.npa", "林怡君", "Lin@NPA.gov.tw", "NPA", "applicant");
    mk("chang.moi", "張雅婷", "chang@moi.gov.tw", "MOI", "applicant,supervisor");
    mk("wang.moi", "王小明", "wang_1@moi.gov.tw", "MOI", "supervisor,applicant");
    mk("chen.npa", "陳100%", "", "NPA", "applicant,supervisor,dgpa_admin");
    let find = |text: Option<&str>, agency: Option<&str>, role: Option<&'static str>| {
        let filter = statreq_store::UserFilter { text: text.map(String::from), agency: agency.map(code), role };
        let rows = store.find_users(&filter, None, 100).unwrap_or_else(|e| panic!("{e}"));
        rows.into_iter().map(|u| u.username).collect::<Vec<_>>()
    };
    assert_eq!(find(None, None, None).len(), 4);
    assert_eq!(find(Some("  "), None, None).len(), 4, "blank words select everyone");
    assert_eq!(find(Some("NPA"), None, None), ["lin.npa", "chen.npa"], "username and e-mail, any case");
    assert_eq!(find(Some("雅婷"), None, None), ["chang.moi"], "the name");
    assert_eq!(find(Some("lin@npa"), None, None), ["lin.npa"]);
    assert_eq!(find(Some("g_1"), None, None), ["wang.moi"], "`_` is itself, not any character");
    assert_eq!(find(Some("0%"), None, None), ["chen.npa"], "`%` is itself");
    assert_eq!(find(Some("_"), None, None), ["wang.moi"]);
    assert_eq!(find(None, Some("MOI"), None), ["chang.moi", "wang.moi"]);
    assert_eq!(find(None, None, Some("supervisor")), ["chang.moi", "wang.moi", "chen.npa"], "first, last and middle of the list");
    assert_eq!(find(None, None, Some("dgpa_admin")), ["chen.npa"]);
    assert_eq!(find(Some("moi"), Some("MOI"), Some("applicant")), ["chang.moi", "wang.moi"]);
    assert!(find(Some("林"), Some("MOI"), None).is_empty());
    // Paged by id: the second page starts after the first.
    let filter = statreq_store::UserFilter { role: Some("applicant"), ..Default::default() };
    let first = store.find_users(&filter, None, 2).unwrap_or_else(|e| panic!("{e}"));
    let after = first.last().map(|u| u.id.0);
    let second = store.find_users(&filter, after, 2).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<_> = first.into_iter().chain(second).map(|u| u.username).collect();
    assert_eq!(names, ["lin.npa", "chang.moi", "wang.moi", "chen.npa"]);
}

/// A history loaded at once is not news: its events before the cutoff are marked told,
/// the later ones still wait for the outbox.
fn an_old_history_is_not_news(backend: Backend) {
    let (_db, store) = open(backend);
    let u = user(&store, "a", "DGPA");
    let long_ago = now() - Duration::days(30);
    let r = store.create_request(&code("DGPA"), u, &serde_json::json!({"reason": "x"}), long_ago).unwrap_or_else(|e| panic!("{e}"));
    let mut submit = outcome(State::PendingSupervisor, EventKind::Submitted);
    submit.freeze_revision = true;
    store.apply_transition(r.id, r.version, State::Draft, &submit, u, &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.unnotified_events(10).map(|e| e.len()).ok(), Some(2));
    assert_eq!(store.mark_events_notified_before(now() - Duration::days(14), now()).ok(), Some(1));
    let left = store.unnotified_events(10).unwrap_or_default();
    assert_eq!(left.iter().map(|e| e.kind).collect::<Vec<_>>(), [EventKind::Submitted]);
    assert_eq!(store.mark_events_notified_before(now() - Duration::days(14), now()).ok(), Some(0), "once");
}

/// A refresh that waited while its twin from the same client spent the token (on
/// PostgreSQL it finds the row spent once the twin commits; on SQLite it starts after)
/// is a repeat, answered as a rotation: neither a conflict nor a reuse.
fn a_refresh_waiting_on_its_twin_is_a_repeat(backend: Backend) {
    let (db, store) = open(backend);
    let u = user(&store, "twin", "DGPA");
    let desk = SessionOrigin { user_agent: Some("Mozilla/5.0 (Windows NT 10.0)".into()), client_addr: Some("10.0.0.5".into()) };
    let issued = NewRefreshToken {
        token_hash: "h-twin",
        family: "fam-twin",
        user_id: u,
        issued_at: now(),
        expires_at: now() + Duration::hours(1),
        origin: desk.clone(),
    };
    store.insert_refresh_token(&issued, None).unwrap_or_else(|e| panic!("{e}"));
    // The twin's spending, its transaction held open until the store's call waits on it.
    let spend = "UPDATE refresh_tokens SET used_at = '2026-11-24 09:30:00', used_by_agent = 'Mozilla/5.0 (Windows NT 10.0)', \
                 used_by_addr = '10.0.0.5' WHERE token_hash = 'h-twin'";
    let ask = asked(&desk);
    let got = while_held(&db, backend, &[spend], || store.use_refresh_token("h-twin", &ask, &ctx(), now() + Duration::seconds(1)));
    assert_eq!(got.ok(), Some(RefreshUse::Rotated { user_id: u, family: "fam-twin".into() }));
}

/// Runs `call` while another connection holds a transaction that has run `sql`, and
/// commits it once `call` has had time to start waiting on it (SQLite: for the write lock,
/// taken by `BEGIN IMMEDIATE`; PostgreSQL: for the rows it wrote). `call`'s answer.
fn while_held<T: Send>(db: &TestDatabase, backend: Backend, sql: &[&str], call: impl FnOnce() -> T + Send) -> T {
    use diesel::{Connection, RunQueryDsl};
    type Exec = Box<dyn FnMut(&str)>;
    let (begin, mut exec): (&str, Exec) = match backend {
        Backend::Sqlite => {
            let mut c = diesel::SqliteConnection::establish(db.url.trim_start_matches("sqlite://")).unwrap_or_else(|e| panic!("{e}"));
            (
                "BEGIN IMMEDIATE",
                Box::new(move |q| {
                    diesel::sql_query(q).execute(&mut c).unwrap_or_else(|e| panic!("{q}: {e}"));
                }),
            )
        }
        Backend::Postgres => {
            let mut c = diesel::PgConnection::establish(&db.url).unwrap_or_else(|e| panic!("{e}"));
            (
                "BEGIN",
                Box::new(move |q| {
                    diesel::sql_query(q).execute(&mut c).unwrap_or_else(|e| panic!("{q}: {e}"));
                }),
            )
        }
    };
    std::iter::once(begin).chain(sql.iter().copied()).for_each(&mut exec);
    std::thread::scope(|s| {
        let waiting = s.spawn(call);
        std::thread::sleep(std::time::Duration::from_millis(300));
        exec("COMMIT");
        waiting.join().unwrap_or_else(|_| panic!("the waiting call panicked"))
    })
}

/// A sign-in ended because a spent token came back (theft) refreshes no more, however
/// the two met: a token of it stored after the ending (a rotation that committed just
/// after) is refused, and a refresh that waited on the ending's commit (PostgreSQL)
/// finds it ended.
fn a_sign_in_ended_for_reuse_refreshes_no_more(backend: Backend) {
    let (db, store) = open(backend);
    let u = user(&store, "late", "DGPA");
    let desk = SessionOrigin { user_agent: Some("Mozilla/5.0 (Windows NT 10.0)".into()), client_addr: Some("10.0.0.5".into()) };
    let elsewhere = SessionOrigin { user_agent: Some("curl/8.5.0".into()), client_addr: Some("203.0.113.9".into()) };
    let issue = |token_hash, family| {
        let token = NewRefreshToken {
            token_hash,
            family,
            user_id: u,
            issued_at: now(),
            expires_at: now() + Duration::hours(1),
            origin: desk.clone(),
        };
        store.insert_refresh_token(&token, None).unwrap_or_else(|e| panic!("{e}"));
    };
    let present = |hash: &str, by: &SessionOrigin| {
        let ask = asked(by);
        store.use_refresh_token(hash, &ask, &ctx(), now()).ok()
    };
    issue("h-a", "fam-late");
    assert!(matches!(present("h-a", &desk), Some(RefreshUse::Rotated { .. })));
    assert_eq!(present("h-a", &elsewhere), Some(RefreshUse::Reused), "the spent token from elsewhere ends the sign-in");
    issue("h-late", "fam-late");
    let listed = store.sessions_of(u, now()).unwrap_or_else(|e| panic!("{e}"));
    assert!(listed.iter().all(|s| s.id != "fam-late"), "an ended sign-in is not listed as a session: {listed:?}");
    assert_eq!(present("h-late", &desk), Some(RefreshUse::Reused), "a token stored after the ending");
    issue("h-live", "fam-held");
    let ending = "UPDATE refresh_tokens SET revoked_at = '2026-11-24 09:30:00' WHERE family = 'fam-held'";
    let got = while_held(&db, backend, &[ending], || present("h-live", &desk));
    assert_eq!(got, Some(RefreshUse::Reused), "a refresh that waited on the ending");
}

/// Signing out (the session, one session from the list, everywhere) while a refresh of
/// that session commits ends the token the refresh issued too: on PostgreSQL the ending
/// waits for the rotation and then sees its successor.
fn signing_out_during_a_refresh_ends_what_it_issued(backend: Backend) {
    let (db, store) = open(backend);
    let u = user(&store, "out", "DGPA");
    let desk = SessionOrigin { user_agent: Some("Mozilla/5.0 (Windows NT 10.0)".into()), client_addr: Some("10.0.0.5".into()) };
    let present = |hash: &str| {
        let ask = asked(&desk);
        store.use_refresh_token(hash, &ask, &ctx(), now()).ok()
    };
    type Ending<'a> = Box<dyn Fn() -> Option<bool> + Send + Sync + 'a>;
    let endings: [(&str, Ending<'_>); 3] = [
        ("signed out", Box::new(|| store.revoke_session("h-0", &ctx(), now()).ok())),
        ("ended from the list", Box::new(|| store.end_session(u, "fam-1", &ctx(), now()).ok())),
        ("signed out everywhere", Box::new(|| store.end_all_sessions(u, &ctx(), now()).map(|n| n > 0).ok())),
    ];
    for (i, (what, end)) in endings.iter().enumerate() {
        let token = NewRefreshToken {
            token_hash: &format!("h-{i}"),
            family: &format!("fam-{i}"),
            user_id: u,
            issued_at: now(),
            expires_at: now() + Duration::hours(1),
            origin: desk.clone(),
        };
        store.insert_refresh_token(&token, None).unwrap_or_else(|e| panic!("{e}"));
        // The refresh: the token spent and its successor stored, in one transaction held open.
        let rotation = [
            format!("UPDATE refresh_tokens SET used_at = '2026-11-24 09:30:00' WHERE token_hash = 'h-{i}'"),
            format!(
                "INSERT INTO refresh_tokens (token_hash, family, user_id, created_at, expires_at) \
                 VALUES ('h-{i}-next', 'fam-{i}', {u}, '2026-11-24 09:30:00', '2026-11-24 10:30:00')"
            ),
        ];
        let rotation: Vec<&str> = rotation.iter().map(String::as_str).collect();
        assert_eq!(while_held(&db, backend, &rotation, end), Some(true), "{what}");
        assert_eq!(present(&format!("h-{i}-next")), Some(RefreshUse::Invalid), "{what}: the refresh's successor");
    }
}

/// An e-mail waits `hold_email` after it was made before it is due, a webhook not at
/// all; the e-mails waiting for an address (in any case, due or not) are leased with one
/// that is due, to go as one message, and none is leased twice.
fn emails_to_one_address_are_leased_together(backend: Backend) {
    let (_db, store) = open(backend);
    let note = |channel: &str, recipient: &str, event: &str| statreq_store::NewNotification {
        channel: channel.into(),
        webhook_id: None,
        event_id: event.into(),
        event_type: "request.reassigned".into(),
        request_id: None,
        recipient: recipient.into(),
        payload: r#"{"subject":"s","body":"b"}"#.into(),
        dedupe_key: None,
    };
    let t0 = now();
    let queue = |n: statreq_store::NewNotification, at| store.enqueue_notification(&n, at).unwrap_or_else(|e| panic!("{e}"));
    queue(note("email", "officer2@dgpa.gov.tw", "e1"), t0);
    queue(note("email", "Officer2@DGPA.gov.tw", "e2"), t0 + Duration::seconds(30));
    queue(note("email", "lin@npa.gov.tw", "e3"), t0 + Duration::seconds(30));
    queue(note("webhook", "http://127.0.0.1:9/hook", "w1"), t0 + Duration::seconds(30));
    let (lease, hold) = (Duration::minutes(1), Duration::seconds(60));
    let events = |rows: Vec<statreq_store::NotificationRow>| rows.into_iter().map(|r| r.event_id).collect::<Vec<_>>();
    let due = |at| events(store.lease_due_notifications(50, lease, hold, at).unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(due(t0 + Duration::seconds(40)), ["w1"], "a webhook goes at once, e-mails are held");
    assert_eq!(due(t0 + Duration::seconds(61)), ["e1"], "the first e-mail's hold is over");
    let with_it = |at| {
        let to = ["officer2@dgpa.gov.tw".to_string()];
        events(store.lease_emails_to(&to, 200, lease, at).unwrap_or_else(|e| panic!("{e}")))
    };
    assert_eq!(with_it(t0 + Duration::seconds(61)), ["e2"], "the other one to that address, held still, goes with it");
    assert_eq!(with_it(t0 + Duration::seconds(62)), Vec::<String>::new(), "leased already");
    assert_eq!(due(t0 + Duration::seconds(91)), ["e3"]);
}

/// A tree made deeper than the bound before it was kept (by an older version, or by
/// hand) blocks no change that does not place anything there: a rename of the deep
/// agency, or of another, goes through; an agency made under the deep one is refused; a
/// move that mends it goes through.
fn a_tree_too_deep_already_blocks_only_what_goes_deeper(backend: Backend) {
    use statreq_domain::lifecycle::{PlacementError, MAX_DEPTH};
    let (_db, store) = open(backend);
    let a = |c: &str, parent: &str| NewAgency { code: code(c), name: c.into(), parent_code: code(parent), personnel_staff: 3 };
    store.create_agency(a("MOI", "DGPA"), &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    let levels = MAX_DEPTH + 6;
    let sql: String = (2..=levels)
        .map(|level| {
            let parent = if level == 2 { "MOI".to_string() } else { format!("Z{:03}", level - 1) };
            format!(
                "INSERT INTO agencies (code, name, parent_code, personnel_staff, created_at, updated_at) \
                 SELECT 'Z{level:03}', 'Z{level:03}', '{parent}', personnel_staff, created_at, updated_at FROM agencies WHERE code = 'MOI';"
            )
        })
        .collect();
    store.batch_execute(&sql).unwrap_or_else(|e| panic!("{e}"));
    let deepest = format!("Z{levels:03}");
    let rename = |name: &str| statreq_store::AgencyUpsert { name: Some(name.into()), ..Default::default() };
    store.update_agency(&code(&deepest), rename("最深"), None, &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    store.update_agency(&code("MOI"), rename("內政部"), None, &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    let deeper = store.create_agency(a("DEEPER", &deepest), &ctx(), now());
    assert!(matches!(&deeper, Err(StoreError::Placement(PlacementError::TooDeep { agency })) if agency.as_str() == "DEEPER"), "{deeper:?}");
    let up = statreq_store::AgencyUpsert { parent_code: Some(code("DGPA")), ..Default::default() };
    store.update_agency(&code("Z010"), up, None, &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    store.create_agency(a("DEEPER", &deepest), &ctx(), now()).unwrap_or_else(|e| panic!("mended: {e}"));
}

/// Two moves made at once cannot together close a cycle: with A being moved under B in
/// another transaction (as the store makes a move: the tree's lock, then the change),
/// moving B under A waits for it and then finds the cycle (on PostgreSQL each passed its
/// own check, and the tree held A under B under A).
fn two_moves_at_once_keep_the_tree_a_tree(backend: Backend) {
    let (db, store) = open(backend);
    let a = |c: &str| NewAgency { code: code(c), name: c.into(), parent_code: code("DGPA"), personnel_staff: 3 };
    for c in ["AAA", "BBB"] {
        store.create_agency(a(c), &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    }
    let lock = format!("SELECT pg_advisory_xact_lock({})", statreq_store::AGENCY_TREE_LOCK);
    let move_a = "UPDATE agencies SET parent_code = 'BBB', version = version + 1 WHERE code = 'AAA'";
    let held: Vec<&str> = match backend {
        Backend::Postgres => vec![lock.as_str(), move_a],
        Backend::Sqlite => vec![move_a],
    };
    let move_b = statreq_store::AgencyUpsert { parent_code: Some(code("AAA")), ..Default::default() };
    let got = while_held(&db, backend, &held, || store.update_agency(&code("BBB"), move_b, None, &ctx(), now()));
    assert!(matches!(got, Err(StoreError::Placement(statreq_domain::lifecycle::PlacementError::UnderItself { .. }))), "{got:?}");
    let parent = |c: &str| store.get_agency(&code(c)).ok().and_then(|x| x.parent_code).map(|p| p.to_string());
    assert_eq!((parent("AAA"), parent("BBB")), (Some("BBB".into()), Some("DGPA".into())));
}

/// A move in the agency tree records, in its own transaction, on the timeline of each
/// application awaiting review that it gives to other reviewers (rule 5.1), by the
/// administrator who moved it, which agency moved where and whose review it left and
/// joined: the notification worker tells the office, its webhooks and the reviewers from
/// that record, so no move is made untold. Applications past that review, of agencies
/// whose reviewers stay, a rename and a refused move record nothing; an import records
/// as the form does.
fn a_move_records_whose_review_it_changed_in_its_own_transaction(backend: Backend) {
    let (_db, store) = open(backend);
    let a =
        |c: &str, name: &str, parent: &str| NewAgency { code: code(c), name: name.into(), parent_code: code(parent), personnel_staff: 3 };
    for (c, name, parent) in [("MOI", "內政部", "DGPA"), ("NPA", "內政部警政署", "MOI"), ("TPE", "臺北市政府", "DGPA")] {
        store.create_agency(a(c, name, parent), &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    }
    let admin = user(&store, "admin", "DGPA");
    let by_admin = statreq_store::AuditContext { actor_id: Some(admin), ..ctx() };
    let submitted = |agency: &str, to: &[(State, EventKind)]| {
        let u = user(&store, &format!("u-{agency}-{}", to.len()), agency);
        let mut r = store.create_request(&code(agency), u, &serde_json::json!({"reason": "x"}), now()).unwrap_or_else(|e| panic!("{e}"));
        let mut from = State::Draft;
        for (state, event) in [(State::PendingSupervisor, EventKind::Submitted)].iter().chain(to) {
            let mut step = outcome(*state, *event);
            step.freeze_revision = *event == EventKind::Submitted;
            r = store.apply_transition(r.id, r.version, from, &step, u, &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
            from = *state;
        }
        r.id
    };
    let awaiting = submitted("NPA", &[]);
    let approved = submitted("NPA", &[(State::PendingDgpa, EventKind::SupervisorApproved)]);
    let own = submitted("MOI", &[]);
    let changes = |id| {
        let events = store.list_events(id).unwrap_or_else(|e| panic!("{e}"));
        events.into_iter().filter(|e| e.kind == EventKind::SupervisorChanged).collect::<Vec<_>>()
    };
    let to_tpe = statreq_store::AgencyUpsert { parent_code: Some(code("TPE")), ..Default::default() };
    store.update_agency(&code("NPA"), to_tpe, None, &by_admin, now()).unwrap_or_else(|e| panic!("{e}"));
    let got = changes(awaiting);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].actor_id, got[0].from_state, got[0].to_state), (admin, Some(State::PendingSupervisor), State::PendingSupervisor));
    assert_eq!(
        got[0].data,
        serde_json::json!({"agency": "NPA", "agency_name": "內政部警政署", "parent": "TPE", "parent_name": "臺北市政府",
            "from": ["MOI"], "to": ["TPE"], "to_names": ["臺北市政府"]})
    );
    assert_eq!((changes(approved).len(), changes(own).len()), (0, 0), "past its review, and reviewed by the same agency");
    // A rename, and a move the tree refuses (TPE under NPA, now below it), record nothing.
    let rename = statreq_store::AgencyUpsert { name: Some("警政署".into()), ..Default::default() };
    store.update_agency(&code("NPA"), rename, None, &by_admin, now()).unwrap_or_else(|e| panic!("{e}"));
    let cycle = statreq_store::AgencyUpsert { parent_code: Some(code("NPA")), ..Default::default() };
    assert!(store.update_agency(&code("TPE"), cycle, None, &by_admin, now()).is_err());
    assert_eq!(changes(awaiting).len(), 1);
    // Back under MOI by import: recorded the same way.
    let back = vec![NewAgency { code: code("NPA"), name: "警政署".into(), parent_code: code("MOI"), personnel_staff: 3 }];
    store.import_agencies(back, &by_admin, now()).unwrap_or_else(|e| panic!("{e}"));
    let got = changes(awaiting);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(
        (&got[1].data["from"], &got[1].data["to"], &got[1].data["agency_name"]),
        (&serde_json::json!(["TPE"]), &serde_json::json!(["MOI"]), &serde_json::json!("警政署"))
    );
}

fn a_list_over_more_agencies_than_a_statement_binds(backend: Backend) {
    let (_db, store) = open(backend);
    let u = user(&store, "big", "DGPA");
    let draft = store.create_request(&code("DGPA"), u, &serde_json::json!({"reason": "x"}), now()).unwrap_or_else(|e| panic!("{e}"));
    let mut submit = outcome(State::PendingSupervisor, EventKind::Submitted);
    submit.freeze_revision = true;
    let other = store.create_request(&code("DGPA"), u, &serde_json::json!({"reason": "y"}), now()).unwrap_or_else(|e| panic!("{e}"));
    store.apply_transition(other.id, other.version, State::Draft, &submit, u, &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    // A subtree of 40,000 agencies (SQLite binds at most 32,766 values in a statement).
    let many: Vec<AgencyCode> = (0..40_000).map(|i| code(&format!("X{i:05}"))).collect();
    let with_dgpa: Vec<AgencyCode> = many.iter().cloned().chain([code("DGPA")]).collect();
    let ids = |f: &statreq_store::ListFilter| {
        let mut got: Vec<i64> = store.list_requests(f).unwrap_or_else(|e| panic!("{e}")).into_iter().map(|r| r.id.0).collect();
        got.sort_unstable();
        let counted: i64 = store.count_requests(f).unwrap_or_else(|e| panic!("{e}")).iter().map(|c| c.count).sum();
        assert_eq!(counted, got.len() as i64, "the counts narrow as the list does");
        got
    };
    let among = |agencies: &[AgencyCode]| statreq_store::ListFilter {
        own_agency: Some(code("DGPA")),
        agencies: Some(agencies.to_vec()),
        ..Default::default()
    };
    assert_eq!(ids(&among(&with_dgpa)), [draft.id.0, other.id.0]);
    assert_eq!(ids(&among(&many)), Vec::<i64>::new());
    assert_eq!(ids(&among(&with_dgpa[39_990..])), [draft.id.0, other.id.0], "a few, bound one by one");
    // A supervisor of them all sees what was submitted, not the draft.
    let supervising = |supervised: Vec<AgencyCode>| statreq_store::ListFilter { supervised, ..Default::default() };
    assert_eq!(ids(&supervising(with_dgpa.clone())), [other.id.0]);
    assert_eq!(ids(&supervising(many)), Vec::<i64>::new());
    // Narrowed to, or leaving out, 40,000 requests by number (the overdue ones, as many
    // as the queue and the deliveries hold).
    let numbers: Vec<RequestId> = (100_000..140_000).map(RequestId).chain([other.id]).collect();
    let by_number = |ids: Option<Vec<RequestId>>, exclude_ids: Vec<RequestId>| statreq_store::ListFilter {
        own_agency: Some(code("DGPA")),
        ids,
        exclude_ids,
        ..Default::default()
    };
    assert_eq!(ids(&by_number(Some(numbers.clone()), Vec::new())), [other.id.0]);
    assert_eq!(ids(&by_number(Some(numbers[..39_000].to_vec()), Vec::new())), Vec::<i64>::new());
    assert_eq!(ids(&by_number(None, numbers.clone())), [draft.id.0]);
    assert_eq!(ids(&by_number(None, numbers[39_990..].to_vec())), [draft.id.0], "a few, bound one by one");
    // Accounts by 40,000 ids at once (every creator of years of delivered requests, as the
    // destruction reminders read them): those that exist.
    let asked: Vec<UserId> = (1..=40_000).map(UserId).chain([u]).collect();
    let found = store.get_users(&asked).unwrap_or_else(|e| panic!("{e}"));
    assert!(found.iter().any(|x| x.id == u) && found.len() < 10, "{}", found.len());
}

fn sign_ins_that_can_no_longer_refresh_are_forgotten(backend: Backend) {
    let (_db, store) = open(backend);
    let (u, v) = (user(&store, "p", "DGPA"), user(&store, "q", "DGPA"));
    let token = |hash: &'static str, family: &'static str, user_id, expires_in: Duration| NewRefreshToken {
        token_hash: hash,
        family,
        user_id,
        issued_at: now() - Duration::hours(13),
        expires_at: now() + expires_in,
        origin: SessionOrigin::default(),
    };
    for t in [
        // Ended yesterday: every token expired.
        token("old-1", "old", u, -Duration::days(1)),
        token("old-2", "old", u, -Duration::hours(30)),
        token("old-v", "old-v", v, -Duration::days(3)),
        // Still going: a spent token expired long ago, its successor still valid (the spent
        // one must stay, so that presenting it again is seen as reuse).
        token("live-1", "live", u, -Duration::days(2)),
        token("live-2", "live", u, Duration::hours(1)),
        // Expired an hour ago, after the cutoff: kept for now.
        token("recent", "recent", v, -Duration::hours(1)),
    ] {
        store.insert_refresh_token(&t, None).unwrap_or_else(|e| panic!("{e}"));
    }
    let before: Vec<String> = store.sessions_of(u, now()).unwrap_or_default().into_iter().map(|s| s.id).collect();
    assert_eq!(store.purge_refresh_tokens(now() - Duration::hours(2)).ok(), Some(3), "old-1, old-2, old-v");
    assert_eq!(store.purge_refresh_tokens(now() - Duration::hours(2)).ok(), Some(0));
    let after: Vec<String> = store.sessions_of(u, now()).unwrap_or_default().into_iter().map(|s| s.id).collect();
    assert_eq!((before, after), (vec!["live".to_string()], vec!["live".to_string()]));
    // Every token of a live sign-in stays, the expired ones too: one spent and presented
    // again must be known, to end the sign-in as reuse.
    let known = |hash: &str| store.session_of_token(hash).ok().flatten().map(|(family, _)| family);
    let kept: Vec<Option<String>> = ["live-1", "live-2", "recent", "old-1", "old-v"].into_iter().map(known).collect();
    let want = [Some("live"), Some("live"), Some("recent"), None, None].map(|f| f.map(str::to_string));
    assert_eq!(kept, want);
    assert_eq!(store.purge_refresh_tokens(now()).ok(), Some(1), "recent, once past the cutoff");
    // More than a chunk at once: every one goes.
    for i in 0..1_100 {
        let (hash, family) = (String::leak(format!("bulk-h{i}")), String::leak(format!("bulk-f{i}")));
        store.insert_refresh_token(&token(hash, family, v, -Duration::days(2)), None).unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(store.purge_refresh_tokens(now() - Duration::days(1)).ok(), Some(1_100));
}

macro_rules! on_both {
    ($($name:ident),*) => {
        mod sqlite { $( #[test] fn $name() { super::$name(super::Backend::Sqlite) } )* }
        mod postgres { $( #[test] fn $name() { super::$name(super::Backend::Postgres) } )* }
    };
}

on_both!(
    a_list_over_more_agencies_than_a_statement_binds,
    sign_ins_that_can_no_longer_refresh_are_forgotten,
    a_move_records_whose_review_it_changed_in_its_own_transaction,
    reference_data_is_versioned_with_history_and_seeded_once,
    the_audit_chain_detects_edits_deletions_and_truncation,
    transitions_and_settings_are_audited_in_their_transaction,
    migrations_run_up_down_up,
    a_database_migrated_by_a_newer_version_is_named,
    a_full_disk_is_named_and_keeps_what_was_acknowledged,
    a_stale_transition_writes_nothing,
    refresh_token_reuse_revokes_the_family,
    a_refresh_waiting_on_its_twin_is_a_repeat,
    a_sign_in_ended_for_reuse_refreshes_no_more,
    signing_out_during_a_refresh_ends_what_it_issued,
    emails_to_one_address_are_leased_together,
    two_moves_at_once_keep_the_tree_a_tree,
    a_tree_too_deep_already_blocks_only_what_goes_deeper,
    the_agency_tree_stays_a_tree,
    a_wrong_url_reports_its_real_cause,
    concurrent_writers_all_land,
    the_read_cache_follows_every_writer,
    accounts_are_found_by_words_agency_and_role,
    an_old_history_is_not_news
);

/// Waits (up to 10 s) until `ok` holds.
fn eventually(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !ok() {
        assert!(std::time::Instant::now() < deadline, "{what}: not after 10 s");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

/// Reads the request until the cache holds it (its watcher has started, or started
/// again), and returns the row it held. The cache may drop it again at any moment (its
/// watcher may see a commit made before the read only after it), so what it held is
/// looked at as it was seen.
fn read_until_held(cached: &Store, id: statreq_domain::RequestId) -> statreq_store::RequestRow {
    let mut held = None;
    eventually("the row is held", || {
        let _ = cached.get_request_cached(id);
        held = cached.cached_request(id);
        held.is_some()
    });
    held.unwrap_or_else(|| unreachable!("eventually returns once held"))
}

/// The read cache holds rows, shows this instance's own writes at once and another
/// writer's (an instance, a command) within moments, users as requests.
fn the_read_cache_follows_every_writer(backend: Backend) {
    let (db, plain) = open(backend);
    let cached = Store::open(&db.url).and_then(Store::with_read_cache).unwrap_or_else(|e| panic!("{e}"));
    let u = user(&plain, "a", "DGPA");
    let r = plain.create_request(&code("DGPA"), u, &serde_json::json!({"reason": "x"}), now()).unwrap_or_else(|e| panic!("{e}"));
    // Held once read (after the watcher has started).
    assert_eq!(read_until_held(&cached, r.id).version, r.version);

    // Another writer: seen within moments, never the old row kept after it.
    let edited =
        plain.update_application(r.id, r.version, &serde_json::json!({"reason": "y"}), u, &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    eventually("another writer's change is seen", || cached.get_request_cached(r.id).map(|x| x.version).ok() == Some(edited.version));
    assert_eq!(cached.get_request_cached(r.id).map(|x| x.application.reason).ok().as_deref(), Some("y"));

    // This instance's own write: at once.
    let mine = cached
        .update_application(r.id, edited.version, &serde_json::json!({"reason": "z"}), u, &ctx(), now())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cached.get_request_cached(r.id).map(|x| x.version).ok(), Some(mine.version));

    // SQL by hand (PostgreSQL: the trigger announces it; SQLite: the file's data version).
    plain.batch_execute(&format!("UPDATE requests SET difficulty = 4 WHERE id = {}", r.id)).unwrap_or_else(|e| panic!("{e}"));
    eventually("a change by SQL is seen", || cached.get_request_cached(r.id).map(|x| x.difficulty).ok() == Some(Some(4)));

    // Users as requests.
    eventually("the user is held", || {
        let _ = cached.get_users_cached(&[u]);
        cached.cached_users(&[u]).is_some()
    });
    let change = statreq_store::UserUpdate { display_name: Some("林怡君".into()), ..Default::default() };
    plain.update_user(u, change, None, &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    eventually("another writer's user change is seen", || {
        cached.get_users_cached(&[u]).map(|v| v[0].display_name.clone()).ok().as_deref() == Some("林怡君")
    });
    // A store without the cache holds nothing.
    assert!(plain.cached_request(r.id).is_none());
}

/// PostgreSQL: when the listening connection dies, nothing held is served (its
/// announcements may be lost); reads go to the database until it listens again.
#[test]
fn the_read_cache_stops_serving_when_its_listener_dies() {
    let (db, plain) = open(Backend::Postgres);
    let cached = Store::open(&db.url).and_then(Store::with_read_cache).unwrap_or_else(|e| panic!("{e}"));
    let u = user(&plain, "a", "DGPA");
    let r = plain.create_request(&code("DGPA"), u, &serde_json::json!({"reason": "x"}), now()).unwrap_or_else(|e| panic!("{e}"));
    read_until_held(&cached, r.id);
    plain
        .batch_execute(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = '{}'",
            statreq_store::WATCHER_NAME
        ))
        .unwrap_or_else(|e| panic!("{e}"));
    eventually("nothing is served from memory", || cached.cached_request(r.id).is_none());
    let edited =
        plain.update_application(r.id, r.version, &serde_json::json!({"reason": "y"}), u, &ctx(), now()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cached.get_request_cached(r.id).map(|x| x.version).ok(), Some(edited.version), "read from the database");
    // Listening again: rows are held again, and changes still reach it.
    read_until_held(&cached, r.id); // listening again
    let again = plain
        .update_application(r.id, edited.version, &serde_json::json!({"reason": "z"}), u, &ctx(), now())
        .unwrap_or_else(|e| panic!("{e}"));
    eventually("changes reach it after reconnecting", || cached.get_request_cached(r.id).map(|x| x.version).ok() == Some(again.version));
}
