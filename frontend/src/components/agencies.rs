//! The agency tree as people know it: by name. A form that asks for an agency's code
//! offers the agencies by name ([`AgencyChoices`]), and a list names them
//! ([`agency_label`]).

use leptos::prelude::*;
use statreq_contract::AgencyView;

use super::problem::{ui, UiError};
use crate::session::call;

/// Every agency of the tree (readable by everyone signed in), read once for a screen.
pub(crate) fn agencies() -> LocalResource<Result<Vec<AgencyView>, UiError>> {
    LocalResource::new(|| async { call(|c| async move { c.list_agencies().await }).await.map_err(ui) })
}

/// A `<datalist>` of the agencies' codes, each labelled with the agency's name, for
/// an `<input list=…>`: typing 警政署 offers NPA.
#[component]
pub fn AgencyChoices(id: &'static str, agencies: LocalResource<Result<Vec<AgencyView>, UiError>>) -> impl IntoView {
    view! {
        <datalist id=id>
            {move || agencies.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|a| {
                view! { <option value=a.code.clone()>{a.name.clone()}</option> }
            }).collect_view()}
        </datalist>
    }
}

/// `code`'s agency by name with its code (`內政部警政署（NPA）`); the code alone while
/// the names load or when it names no agency.
pub(crate) fn agency_label(agencies: Option<&[AgencyView]>, code: &str) -> String {
    match agencies.and_then(|all| all.iter().find(|a| a.code == code)) {
        Some(a) => format!("{}（{}）", a.name, a.code),
        None => code.to_string(),
    }
}
