//! The migrations are embedded (`embed_migrations!`): a migration added later builds
//! the crate again, as diesel's documentation advises (cargo watches a directory's
//! files, and the macro only the files it read).
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
