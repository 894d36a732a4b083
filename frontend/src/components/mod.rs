//! Pieces shared by the screens.

pub mod agencies;
pub mod application;
pub mod for_roles;
pub mod header;
pub mod loading;
pub mod page_title;
pub mod problem;
pub mod request;
