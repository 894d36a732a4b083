//! The portable diesel schema: one definition for SQLite and PostgreSQL, using only
//! SQL types both backends share. Kept in step with `migrations/{sqlite,postgres}`;
//! `tests/store.rs` checks that every column here exists on both backends.

diesel::table! {
    agencies (code) {
        code -> Text,
        name -> Text,
        parent_code -> Nullable<Text>,
        personnel_staff -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        display_name -> Text,
        email -> Text,
        agency_code -> Text,
        roles -> Text,
        kind -> Text,
        password_hash -> Nullable<Text>,
        issuer -> Nullable<Text>,
        subject -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        age_recipient -> Nullable<Text>,
        roles_managed -> Bool,
        notification_settings -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        family -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        user_agent -> Nullable<Text>,
        client_addr -> Nullable<Text>,
        used_by_agent -> Nullable<Text>,
        used_by_addr -> Nullable<Text>,
    }
}

diesel::table! {
    requests (id) {
        id -> BigInt,
        agency_code -> Text,
        created_by -> BigInt,
        state -> Text,
        version -> BigInt,
        application -> Text,
        revision -> Integer,
        difficulty -> Nullable<Integer>,
        assignee -> Nullable<BigInt>,
        reply -> Nullable<Text>,
        destruction -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        dgpa_received_at -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        wait_accumulated_seconds -> BigInt,
        wait_since -> Nullable<Timestamp>,
        external_system -> Nullable<Text>,
        external_ref -> Nullable<Text>,
        search_text -> Text,
        personal -> Bool,
        retention_extra_days -> Integer,
        channel -> Text,
    }
}

diesel::table! {
    retention_extensions (id) {
        id -> BigInt,
        request_id -> BigInt,
        days -> Integer,
        reason -> Text,
        requested_by -> BigInt,
        requested_at -> Timestamp,
        decision -> Nullable<Text>,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        comment -> Nullable<Text>,
    }
}

diesel::table! {
    request_events (request_id, seq) {
        request_id -> BigInt,
        seq -> Integer,
        kind -> Text,
        from_state -> Nullable<Text>,
        to_state -> Text,
        actor_id -> BigInt,
        comment -> Nullable<Text>,
        data -> Text,
        at -> Timestamp,
        notified_at -> Nullable<Timestamp>,
        actor_agency -> Nullable<Text>,
    }
}

diesel::table! {
    request_revisions (request_id, number) {
        request_id -> BigInt,
        number -> Integer,
        application -> Text,
        submitted_by -> BigInt,
        submitted_at -> Timestamp,
    }
}

diesel::table! {
    request_messages (id) {
        id -> BigInt,
        request_id -> BigInt,
        author_id -> BigInt,
        body -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    queue_settings (id) {
        id -> Integer,
        settings -> Text,
        version -> BigInt,
        updated_by -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    queue_settings_history (id) {
        id -> BigInt,
        settings -> Text,
        changed_by -> BigInt,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    deliveries (id) {
        id -> BigInt,
        request_id -> BigInt,
        filename -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        storage_key -> Text,
        wrapped_key -> Nullable<Text>,
        passphrase -> Nullable<Text>,
        personal -> Bool,
        uploaded_by -> BigInt,
        uploaded_at -> Timestamp,
        approved_by -> Nullable<BigInt>,
        approved_at -> Nullable<Timestamp>,
        published_at -> Nullable<Timestamp>,
        shredded_at -> Nullable<Timestamp>,
        disclosure -> Nullable<Text>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<BigInt>,
        actor_agency -> Nullable<Text>,
        action -> Text,
        request_id -> Nullable<BigInt>,
        detail -> Text,
        client_addr -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_head (id) {
        id -> Integer,
        last_id -> BigInt,
        last_hash -> Text,
    }
}

diesel::table! {
    attachments (id) {
        id -> BigInt,
        request_id -> BigInt,
        filename -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        storage_key -> Text,
        wrapped_key -> Text,
        uploaded_by -> BigInt,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (caller, idem_key) {
        caller -> BigInt,
        idem_key -> Text,
        fingerprint -> Text,
        status -> Nullable<Integer>,
        headers -> Nullable<Text>,
        body -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhooks (id) {
        id -> BigInt,
        owner_id -> BigInt,
        url -> Text,
        events -> Text,
        description -> Text,
        secret -> Text,
        created_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        version -> BigInt,
        next_secret -> Nullable<Text>,
        next_secret_from -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        channel -> Text,
        webhook_id -> Nullable<BigInt>,
        event_id -> Text,
        event_type -> Text,
        request_id -> Nullable<BigInt>,
        recipient -> Text,
        payload -> Text,
        dedupe_key -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
        replay_of -> Nullable<BigInt>,
    }
}

diesel::table! {
    reference_items (kind, item_key) {
        kind -> Text,
        item_key -> Text,
        body -> Text,
        version -> BigInt,
        updated_at -> Timestamp,
        updated_by -> Nullable<BigInt>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    reference_history (id) {
        id -> BigInt,
        kind -> Text,
        item_key -> Text,
        version -> BigInt,
        action -> Text,
        changes -> Text,
        changed_by -> Nullable<BigInt>,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    reference_revisions (kind) {
        kind -> Text,
        revision -> BigInt,
    }
}

diesel::table! {
    inquiries (id) {
        id -> BigInt,
        agency_code -> Text,
        created_by -> BigInt,
        request_id -> Nullable<BigInt>,
        fields -> Text,
        subject -> Text,
        state -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    inquiry_messages (id) {
        id -> BigInt,
        inquiry_id -> BigInt,
        author_id -> BigInt,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    field_faq (id) {
        id -> BigInt,
        field_code -> Text,
        question -> Text,
        answer -> Text,
        inquiry_id -> Nullable<BigInt>,
        published_by -> BigInt,
        published_at -> Timestamp,
    }
}

diesel::table! {
    inbox (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        link -> Text,
        text_zh -> Text,
        text_en -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        dedupe_key -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    agencies,
    users,
    refresh_tokens,
    requests,
    request_events,
    request_revisions,
    request_messages,
    queue_settings,
    queue_settings_history,
    deliveries,
    audit_log,
    audit_head,
    attachments,
    idempotency_keys,
    webhooks,
    notifications,
    reference_items,
    reference_history,
    reference_revisions,
    inquiries,
    inquiry_messages,
    field_faq,
    inbox,
    retention_extensions
);
