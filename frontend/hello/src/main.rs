//! The smallest Leptos CSR application: the anchor of the SPA's size in `just bench`
//! (`scripts/spa-size.sh`), built with the SPA's profile and flags.

use leptos::prelude::*;

fn main() {
    leptos::mount::mount_to_body(|| view! { <p>"Hello, world!"</p> });
}
