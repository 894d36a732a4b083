//! Registering an application that came on paper or by e-mail (rule 5.2's fallback): a
//! DGPA officer transcribes it into the application form, with the applying agency and
//! the supervising agency's approval it came with, and it goes straight to DGPA's review.

use leptos::prelude::*;
use statreq_contract::{AgencyView, Application, PaperIntakeBody};
use statreq_domain::lifecycle::{AgencyChain, Channel, PaperApproval};
use statreq_domain::AgencyCode;

use crate::components::agencies::{agencies, AgencyChoices};
use crate::i18n::{self, tr, Lang};

/// What the application came with, as the officer types it.
#[derive(Clone, Copy)]
pub struct PaperIntake {
    channel: RwSignal<Channel>,
    agency: RwSignal<String>,
    document: RwSignal<String>,
    day: RwSignal<String>,
    /// The supervising agency that approved it (rule 5.1), by code; empty: not said.
    approver: RwSignal<String>,
}

/// Where this browser keeps what is typed here until it is registered (as the form keeps
/// the application), so that a reload loses neither.
const KEPT: &str = "statreq.form.paper.intake";

impl PaperIntake {
    pub fn new() -> Self {
        let kept: Option<(Channel, String, String, String, String)> =
            crate::session::storage_get(KEPT).and_then(|raw| serde_json::from_str(&raw).ok());
        let (channel, agency, document, day, approver) =
            kept.unwrap_or((Channel::Paper, String::new(), String::new(), String::new(), String::new()));
        let intake = PaperIntake {
            channel: RwSignal::new(channel),
            agency: RwSignal::new(agency),
            document: RwSignal::new(document),
            day: RwSignal::new(day),
            approver: RwSignal::new(approver),
        };
        Effect::new(move |_| {
            let typed = (intake.channel.get(), intake.agency.get(), intake.document.get(), intake.day.get(), intake.approver.get());
            crate::session::storage_set(KEPT, &serde_json::to_string(&typed).unwrap_or_default());
        });
        intake
    }

    /// Registered: nothing of it is kept.
    pub fn forget() {
        crate::session::storage_remove(KEPT);
    }

    /// The registration of `application`; what is missing here, said (the service checks
    /// the rest: the agency, its supervisor, the day, the application's findings).
    pub fn body(&self, lang: Lang, application: Application) -> Result<PaperIntakeBody, String> {
        let agency = self.agency.get_untracked().trim().to_uppercase();
        let document = self.document.get_untracked().trim().to_string();
        let day = chrono::NaiveDate::parse_from_str(self.day.get_untracked().trim(), "%Y-%m-%d").ok();
        match (agency.is_empty(), document.is_empty(), day) {
            (false, false, Some(approved_on)) => Ok(PaperIntakeBody {
                channel: self.channel.get_untracked(),
                on_behalf_of: agency,
                supervisor_approval: PaperApproval {
                    document_number: document,
                    approved_on,
                    agency: Some(self.approver.get_untracked()).filter(|a| !a.is_empty()),
                },
                application,
            }),
            _ => Err(tr(lang, "paper_intake_incomplete")),
        }
    }

    /// The form's first section: how it came, from whom, and the approval it carries.
    pub fn view(self) -> impl IntoView {
        let lang = i18n::lang();
        let listed = agencies();
        let channel = self.channel;
        let radio = move |id: &'static str, value: Channel, key: &'static str| {
            view! {
                <label class="check" for=id>
                    <input id=id type="radio" name="channel" prop:checked=move || channel.get() == value on:change=move |_| channel.set(value) />
                    {move || tr(lang.get(), key)}
                </label>
            }
        };
        // Who may have approved it: the applying agency's supervising agencies. One: it
        // approved. Several: the officer says which (one no longer among them is unsaid).
        let approver = self.approver;
        let agency = self.agency;
        // (None while the agencies load: what was kept stays until they are known.)
        let choices = Memo::new(move |_| listed.get().and_then(Result::ok).map(|all| supervising(&all, &agency.get())));
        Effect::new(move |_| {
            let Some(choices) = choices.get() else { return };
            let chosen = approver.get_untracked();
            match choices.as_slice() {
                [only] if only.code != chosen => approver.set(only.code.clone()),
                [_] => {}
                _ if !chosen.is_empty() && !choices.iter().any(|a| a.code == chosen) => approver.set(String::new()),
                _ => {}
            }
        });
        let input = move |id: &'static str, key: &'static str, sig: RwSignal<String>, kind: &'static str| {
            view! {
                <label for=id>{move || tr(lang.get(), key)}</label>
                <input id=id type=kind required prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) />
            }
        };
        view! {
            <fieldset id="paper-intake">
                <legend>{move || tr(lang.get(), "paper_intake")}</legend>
                <p class="help">{move || tr(lang.get(), "paper_intake_hint")}</p>
                <div role="radiogroup" aria-label=move || tr(lang.get(), "paper_channel")>
                    {radio("channel-paper", Channel::Paper, "on_paper")}
                    {radio("channel-email", Channel::Email, "by_email")}
                </div>
                <label for="paper-agency">{move || tr(lang.get(), "applying_agency_code")}</label>
                <input id="paper-agency" list="paper-agency-codes" maxlength="32" required prop:value=move || self.agency.get()
                    on:input=move |ev| self.agency.set(event_target_value(&ev)) />
                <AgencyChoices id="paper-agency-codes" agencies=listed />
                <label for="paper-approver">{move || tr(lang.get(), "approving_agency")}</label>
                // Several: one must be chosen (the letter says which); none yet: the agency first.
                <select id="paper-approver" prop:value=move || self.approver.get() on:change=move |ev| self.approver.set(event_target_value(&ev))
                    required=move || choices.get().is_some_and(|c| c.len() > 1)
                    disabled=move || choices.get().is_none_or(|c| c.is_empty())>
                    {move || {
                        let choices = choices.get().unwrap_or_default();
                        let several = choices.len() > 1;
                        let selected = self.approver.get_untracked();
                        let none = choices.is_empty();
                        view! {
                            <Show when=move || several>
                                <option value="">{move || tr(lang.get(), "choose_approving_agency")}</option>
                            </Show>
                            <Show when=move || none>
                                <option value="">{move || tr(lang.get(), "type_applying_agency_first")}</option>
                            </Show>
                            {choices.into_iter().map(|a| {
                                let is = a.code == selected;
                                view! { <option value=a.code.clone() selected=is>{format!("{}（{}）", a.name, a.code)}</option> }
                            }).collect_view()}
                        }
                    }}
                </select>
                {input("paper-document", "approval_document_number", self.document, "text")}
                {input("paper-day", "approval_day", self.day, "date")}
            </fieldset>
        }
    }
}

/// The agencies whose personnel office approves `code`'s applications (rule 5.1), as the
/// service decides them (`AgencyChain::supervising_agencies`); none for a code that names
/// no agency.
fn supervising(all: &[AgencyView], code: &str) -> Vec<AgencyView> {
    let code = code.trim().to_uppercase();
    let find = |c: &str| all.iter().find(|a| a.code == c);
    let Some(agency) = find(&code).and_then(|a| AgencyCode::parse(&a.code).ok()) else { return Vec::new() };
    let mut ancestors = Vec::new();
    let mut at = find(&code).and_then(|a| a.parent_code.clone());
    // A tree has no cycles; a broken one stops at its length.
    while let Some(parent) = at.filter(|_| ancestors.len() <= all.len()) {
        ancestors.extend(AgencyCode::parse(&parent).ok());
        at = find(&parent).and_then(|a| a.parent_code.clone());
    }
    let chain = AgencyChain { agency, ancestors };
    chain.supervising_agencies().into_iter().filter_map(|c| find(c.as_str()).cloned()).collect()
}

/// The screen: the application form for a registration.
#[component]
pub fn PaperRequest() -> impl IntoView {
    view! { <super::form::ApplicationForm initial=Application::default() edit=None paper=PaperIntake::new() /> }
}
