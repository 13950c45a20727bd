//! The Google Reader API as Miniflux and FreshRSS both speak it: `ClientLogin`, the write
//! token, subscriptions, item ids, item contents and `edit-tag`. Every answer is hostile: its
//! status, type and shape are checked before anything in it is used, and a failure names the
//! call and the server (never the password or the tokens).

use serde_json::Value;
use url::Url;

use super::SyncError;
use super::items::{Item, item_id, long_id, parse_items, signed};
use crate::fetch::http::{Answer, Fetcher};
use crate::store::RemoteFeed;

/// Items asked for in one `stream/items/ids` page.
const IDS_PAGE: usize = 10_000;
/// Items asked for in one `stream/items/contents` call, and ids in one `edit-tag` call.
pub const BATCH: usize = 250;
/// Pages of ids read before a stream is taken as endless (a server that loops its `c`).
const MAX_PAGES: usize = 1_000;

/// The reading list, the read state and the starred state, as every server accepts them.
pub const READING_LIST: &str = "user/-/state/com.google/reading-list";
pub const READ: &str = "user/-/state/com.google/read";
pub const STARRED: &str = "user/-/state/com.google/starred";

/// A logged-in session with one server.
pub struct Session {
    fetcher: Fetcher,
    /// The API's base, ending in `/` (`https://host/` for Miniflux, `…/api/greader.php/` for
    /// FreshRSS).
    base: Url,
    /// The server as messages name it: its URL without credentials.
    pub shown: String,
    auth: String,
    token: Option<String>,
    /// Requests sent so far.
    pub requests: usize,
}

/// A subscription change made from here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    Unsubscribe,
    Rename(String),
    /// Into this folder (a tag here).
    Folder(String),
}

impl Session {
    /// Logs in (`accounts/ClientLogin`).
    pub async fn login(
        fetcher: &Fetcher,
        url: &str,
        user: &str,
        password: &str,
    ) -> Result<Self, SyncError> {
        let shown = crate::model::redact::url(url).into_owned();
        let mut base = Url::parse(url.trim())
            .map_err(|e| SyncError::Config(format!("the sync URL {shown} is not a URL ({e})")))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(SyncError::Config(format!(
                "the sync URL {shown} is not http or https"
            )));
        }
        // Credentials in the URL would go in every request line's log on the server side.
        let _ = base.set_username("");
        let _ = base.set_password(None);
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let mut session = Self {
            fetcher: fetcher.clone(),
            base,
            shown,
            auth: String::new(),
            token: None,
            requests: 0,
        };
        let answer = session
            .send(
                "login",
                session
                    .fetcher
                    .client()
                    .post(session.url("accounts/ClientLogin")?)
                    .form(&[("Email", user), ("Passwd", password)]),
            )
            .await?;
        if matches!(answer.status, 401 | 403) {
            return Err(SyncError::Login {
                server: session.shown.clone(),
                code: answer.status,
            });
        }
        session.check("login", &answer)?;
        let text = String::from_utf8_lossy(&answer.body);
        session.auth = text
            .lines()
            .find_map(|l| l.strip_prefix("Auth="))
            .map(str::trim)
            .filter(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_graphic()))
            .ok_or_else(|| session.bad("login", "no Auth= line in the answer"))?
            .to_owned();
        Ok(session)
    }

    fn url(&self, path: &str) -> Result<Url, SyncError> {
        self.base
            .join(path)
            .map_err(|e| SyncError::Config(format!("the sync URL {}: {e}", self.shown)))
    }

    fn bad(&self, what: &str, why: impl Into<String>) -> SyncError {
        SyncError::BadAnswer {
            server: self.shown.clone(),
            what: what.to_owned(),
            why: why.into(),
        }
    }

    async fn send(
        &mut self,
        what: &str,
        req: reqwest::RequestBuilder,
    ) -> Result<Answer, SyncError> {
        self.requests += 1;
        self.fetcher
            .exchange(req)
            .await
            .map_err(|source| SyncError::Fetch {
                server: self.shown.clone(),
                what: what.to_owned(),
                source,
            })
    }

    /// A failed status, or a web page where the API should have answered, is an error.
    fn check(&self, what: &str, answer: &Answer) -> Result<(), SyncError> {
        if matches!(answer.status, 401 | 403) && what != "login" {
            return Err(SyncError::Refused {
                server: self.shown.clone(),
                what: what.to_owned(),
                code: answer.status,
            });
        }
        if !(200..300).contains(&answer.status) {
            return Err(SyncError::Status {
                server: self.shown.clone(),
                what: what.to_owned(),
                code: answer.status,
            });
        }
        let html = answer
            .content_type
            .as_deref()
            .is_some_and(|t| t.to_ascii_lowercase().contains("html"))
            || answer.body.trim_ascii_start().starts_with(b"<");
        if html {
            return Err(SyncError::NotApi {
                server: self.shown.clone(),
                what: what.to_owned(),
            });
        }
        Ok(())
    }

    fn authorized(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        req.header(
            reqwest::header::AUTHORIZATION,
            format!("GoogleLogin auth={}", self.auth),
        )
    }

    /// A GET of the API answered with a JSON object.
    async fn get_object(
        &mut self,
        what: &str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<serde_json::Map<String, Value>, SyncError> {
        let mut url = self.url(path)?;
        url.query_pairs_mut().append_pair("output", "json");
        for (k, v) in query {
            url.query_pairs_mut().append_pair(k, v);
        }
        let req = self.authorized(self.fetcher.client().get(url));
        let answer = self.send(what, req).await?;
        self.check(what, &answer)?;
        self.object(what, &answer.body)
    }

    fn object(&self, what: &str, body: &[u8]) -> Result<serde_json::Map<String, Value>, SyncError> {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(Value::Array(_)) => Err(self.bad(
                what,
                "a JSON array where an object belongs (does this server implement the call?)",
            )),
            Ok(_) => Err(self.bad(what, "not a JSON object")),
            Err(e) => Err(self.bad(what, format!("not JSON ({e})"))),
        }
    }

    /// A POST of a form with the write token; a stale token is fetched again once.
    async fn post(
        &mut self,
        what: &str,
        path: &str,
        form: &[(&str, String)],
    ) -> Result<Answer, SyncError> {
        for attempt in 0..2 {
            let token = self.token().await?;
            let mut fields: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            fields.push(("T", &token));
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(fields)
                .finish();
            let req = self
                .authorized(self.fetcher.client().post(self.url(path)?))
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(body);
            let answer = self.send(what, req).await?;
            if answer.status == 401 && attempt == 0 {
                self.token = None;
                continue;
            }
            self.check(what, &answer)?;
            return Ok(answer);
        }
        Err(SyncError::Refused {
            server: self.shown.clone(),
            what: what.to_owned(),
            code: 401,
        })
    }

    /// The write token (`reader/api/0/token`), fetched once per session or after a 401.
    async fn token(&mut self) -> Result<String, SyncError> {
        if let Some(t) = &self.token {
            return Ok(t.clone());
        }
        let req = self.authorized(self.fetcher.client().get(self.url("reader/api/0/token")?));
        let answer = self.send("token", req).await?;
        self.check("token", &answer)?;
        let token = String::from_utf8_lossy(&answer.body).trim().to_owned();
        if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(self.bad("token", "not a token"));
        }
        self.token = Some(token.clone());
        Ok(token)
    }

    /// Every subscription (`subscription/list`).
    pub async fn subscriptions(&mut self) -> Result<Vec<RemoteFeed>, SyncError> {
        let what = "subscription/list";
        let map = self
            .get_object(what, "reader/api/0/subscription/list", &[])
            .await?;
        let Some(Value::Array(list)) = map.get("subscriptions") else {
            return Err(self.bad(what, "no subscriptions list"));
        };
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        let mut feeds = Vec::new();
        for s in list {
            let Some(stream_id) = text(s, "id").filter(|id| !id.is_empty()) else {
                return Err(self.bad(what, "a subscription without an id"));
            };
            let url = text(s, "url").unwrap_or_else(|| stream_id.clone());
            let folders = s
                .get("categories")
                .and_then(Value::as_array)
                .map(|c| {
                    c.iter()
                        .filter_map(|c| c.get("label").and_then(Value::as_str))
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            feeds.push(RemoteFeed {
                title: text(s, "title").unwrap_or_else(|| url.clone()),
                site_url: text(s, "htmlUrl").filter(|u| !u.is_empty()),
                stream_id,
                url,
                folders,
            });
        }
        Ok(feeds)
    }

    /// The ids of the items in `stream` (less those in `exclude`, newer than `since`), every
    /// page of them (`stream/items/ids`, paged with `c`).
    pub async fn item_ids(
        &mut self,
        stream: &str,
        exclude: Option<&str>,
        since: Option<i64>,
    ) -> Result<Vec<i64>, SyncError> {
        let what = "stream/items/ids";
        let mut ids = Vec::new();
        let mut continuation: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut query = vec![("s", stream.to_owned()), ("n", IDS_PAGE.to_string())];
            if let Some(x) = exclude {
                query.push(("xt", x.to_owned()));
            }
            if let Some(t) = since {
                query.push(("ot", t.to_string()));
            }
            if let Some(c) = &continuation {
                query.push(("c", c.clone()));
            }
            let map = self
                .get_object(what, "reader/api/0/stream/items/ids", &query)
                .await?;
            let refs = match map.get("itemRefs") {
                Some(Value::Array(refs)) => refs.as_slice(),
                // FreshRSS and Miniflux leave it out (or null) when a stream is empty.
                None | Some(Value::Null) => &[],
                Some(_) => return Err(self.bad(what, "itemRefs is not a list")),
            };
            for r in refs {
                let id = r
                    .get("id")
                    .and_then(|v| match v {
                        Value::String(s) => item_id(s),
                        // Never through a float: ids beyond 2^53 lose their last digits.
                        Value::Number(n) => n.as_u64().map(signed),
                        _ => None,
                    })
                    .ok_or_else(|| self.bad(what, "an item id that is not a number"))?;
                ids.push(id);
            }
            match map.get("continuation").and_then(|c| match c {
                Value::String(s) if !s.is_empty() => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }) {
                Some(next) if !refs.is_empty() && continuation.as_ref() != Some(&next) => {
                    continuation = Some(next);
                }
                _ => return Ok(ids),
            }
        }
        Err(self.bad(what, format!("more than {MAX_PAGES} pages of ids")))
    }

    /// The items with these ids, in full (`stream/items/contents`, a batch per call).
    pub async fn contents(&mut self, ids: &[i64]) -> Result<Vec<Item>, SyncError> {
        let what = "stream/items/contents";
        let form: Vec<(&str, String)> = ids.iter().map(|&id| ("i", long_id(id))).collect();
        let answer = self
            .post(
                what,
                "reader/api/0/stream/items/contents?output=json",
                &form,
            )
            .await?;
        let map = self.object(what, &answer.body)?;
        parse_items(&map).map_err(|why| self.bad(what, why))
    }

    /// Puts `tag` on the items (`add`) or takes it off (`edit-tag`, idempotent).
    pub async fn edit_tag(&mut self, ids: &[i64], tag: &str, add: bool) -> Result<(), SyncError> {
        let mut form: Vec<(&str, String)> = ids.iter().map(|&id| ("i", long_id(id))).collect();
        form.push((if add { "a" } else { "r" }, tag.to_owned()));
        self.post("edit-tag", "reader/api/0/edit-tag", &form)
            .await?;
        Ok(())
    }

    /// Subscribes the server to `url` (`subscription/quickadd`): the new stream's id.
    pub async fn quickadd(&mut self, url: &str) -> Result<String, SyncError> {
        let what = "subscription/quickadd";
        let answer = self
            .post(
                what,
                "reader/api/0/subscription/quickadd?output=json",
                &[("quickadd", url.to_owned())],
            )
            .await?;
        let map = self.object(what, &answer.body)?;
        if let Some(err) = map.get("error_message").and_then(Value::as_str) {
            return Err(self.bad(what, crate::model::sanitize::line(err)));
        }
        map.get("streamId")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| self.bad(what, "no streamId: the server did not subscribe"))
    }

    /// Changes a subscription (`subscription/edit`).
    pub async fn edit_subscription(&mut self, stream: &str, edit: &Edit) -> Result<(), SyncError> {
        let mut form = vec![("s", stream.to_owned())];
        match edit {
            Edit::Unsubscribe => form.push(("ac", "unsubscribe".to_owned())),
            Edit::Rename(title) => {
                form.push(("ac", "edit".to_owned()));
                form.push(("t", title.clone()));
            }
            Edit::Folder(folder) => {
                form.push(("ac", "edit".to_owned()));
                form.push(("a", format!("user/-/label/{folder}")));
            }
        }
        self.post("subscription/edit", "reader/api/0/subscription/edit", &form)
            .await?;
        Ok(())
    }
}
