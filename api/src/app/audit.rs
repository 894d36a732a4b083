//! Who does something, from where: the context every audited change carries.

use statreq_store::AuditContext;

use crate::auth::Principal;

/// The audit context of a signed-in caller at a client address.
pub fn context(who: &Principal, client_addr: Option<String>) -> AuditContext {
    AuditContext { actor_id: Some(who.user.id), actor_agency: Some(who.user.agency_code.clone()), client_addr }
}
