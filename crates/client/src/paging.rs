//! Lists: every list endpoint answers `{"items", "next_cursor"}`; these read one page
//! or follow the cursor to the end.

use serde::de::DeserializeOwned;
use statreq_contract::Page;

use crate::{decode, Client, Method, Result};

impl Client {
    /// One page of a list (`path` may carry a query; `cursor` is the previous page's
    /// `next_cursor`).
    pub async fn page<T: DeserializeOwned>(&self, path: &str, cursor: Option<&str>, limit: Option<u32>) -> Result<Page<T>> {
        self.page_with(path, &[], cursor, limit).await
    }

    pub(crate) async fn page_with<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Page<T>> {
        let mut req = self.authed(Method::GET, path).query(query);
        if let Some(c) = cursor {
            req = req.query(&[("cursor", c)]);
        }
        if let Some(l) = limit {
            req = req.query(&[("limit", l)]);
        }
        decode(self.send(req).await?)
    }

    /// Every item of a list, page after page of 200.
    pub(crate) async fn get_all<T: DeserializeOwned>(&self, path: &str) -> Result<Vec<T>> {
        self.get_all_with(path, &[]).await
    }

    pub(crate) async fn get_all_with<T: DeserializeOwned>(&self, path: &str, query: &[(&str, &str)]) -> Result<Vec<T>> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page: Page<T> = self.page_with(path, query, cursor.as_deref(), Some(200)).await?;
            out.extend(page.items);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return Ok(out),
            }
        }
    }
}
