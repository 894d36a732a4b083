//! A new application copied from an earlier one carries that one's attached files (the
//! sample of the output format rule 5.1 recommends) when the applicant keeps them
//! chosen: each is read from the earlier request and attached to the new draft once it
//! is saved, through the same upload every file takes (its type, size and count checked
//! again). A destroyed one is not offered.

use leptos::prelude::*;
use statreq_contract::AttachmentView;

use crate::i18n::{self, tr, tr_with};
use crate::session::call;

/// The earlier request's files that can be carried over, and which of them are chosen
/// (all, until the applicant says otherwise).
#[derive(Clone, Copy)]
pub struct Carry {
    pub from: i64,
    files: StoredValue<Vec<AttachmentView>>,
    pub chosen: RwSignal<Vec<i64>>,
}

impl Carry {
    pub fn new(from: i64, files: Vec<AttachmentView>) -> Carry {
        let files: Vec<AttachmentView> = files.into_iter().filter(|a| !a.shredded).collect();
        let chosen = RwSignal::new(files.iter().map(|a| a.id).collect());
        Carry { from, files: StoredValue::new(files), chosen }
    }

    /// Whether a file will come along (the form's sample recommendation counts it).
    pub fn any_chosen(&self) -> bool {
        !self.chosen.get().is_empty()
    }

    /// Attaches the chosen files to request `to`; how many could not be.
    pub async fn into_request(self, to: i64) -> usize {
        let chosen = self.chosen.get_untracked();
        let files: Vec<AttachmentView> = self.files.get_value().into_iter().filter(|a| chosen.contains(&a.id)).collect();
        let mut failed = 0;
        for a in files {
            let (from, aid) = (self.from, a.id);
            let copied = match call(move |c| async move { c.download_attachment(from, aid).await }).await {
                Ok(bytes) => call(|c| {
                    let (name, bytes) = (a.filename.clone(), bytes.clone());
                    async move { c.upload_attachment(to, &name, bytes).await }
                })
                .await
                .is_ok(),
                Err(_) => false,
            };
            failed += usize::from(!copied);
        }
        failed
    }

    /// The choice, in the form: one box per file, checked.
    pub fn view(self) -> impl IntoView {
        let lang = i18n::lang();
        let files = self.files.get_value();
        (!files.is_empty()).then(|| {
            view! {
                <fieldset id="carry" class="carry">
                    <legend>{move || tr_with(lang.get(), "attachments_of_request", &[("id", self.from.to_string())])}</legend>
                    <p class="help">{move || tr(lang.get(), "attachments_come_along")}</p>
                    {files.into_iter().map(|a| {
                        let aid = a.id;
                        let id = format!("carry-{aid}");
                        view! {
                            <label class="check" for=id.clone()>
                                <input id=id.clone() type="checkbox"
                                    prop:checked=move || self.chosen.get().contains(&aid)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        self.chosen.update(|c| { c.retain(|x| *x != aid); if on { c.push(aid); } });
                                    } />
                                {crate::i18n::bracketed(lang.get(), &a.filename, crate::i18n::size(lang.get(), a.size_bytes))}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            }
        })
    }
}
