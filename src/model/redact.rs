//! Secrets out of URLs before they are shown, logged or exported: the password of
//! `user:password@host` and the values of query parameters that carry credentials (`token`,
//! `api_key`, `password`, …) become `***`. The stored URL keeps them and keeps working; only
//! what a person or a file sees is redacted.

use std::borrow::Cow;

/// What a redacted secret reads as.
pub const HIDDEN: &str = "***";

/// Query parameters whose value is a credential (compared ignoring case, `-` as `_`).
const SECRET_PARAMS: &[&str] = &[
    "access_token",
    "api_key",
    "apikey",
    "auth",
    "auth_token",
    "key",
    "passwd",
    "password",
    "pass",
    "private_token",
    "secret",
    "sig",
    "signature",
    "token",
];

/// `url` with its secrets hidden; unchanged (borrowed) when it has none.
pub fn url(url: &str) -> Cow<'_, str> {
    let userinfo = userinfo_range(url);
    let query = query_secrets(url);
    if userinfo.is_none() && query.is_empty() {
        return Cow::Borrowed(url);
    }
    let mut spans: Vec<(usize, usize)> = userinfo.into_iter().chain(query).collect();
    spans.sort_unstable();
    let mut out = String::with_capacity(url.len());
    let mut at = 0;
    for (start, end) in spans {
        if start < at {
            continue;
        }
        out.push_str(&url[at..start]);
        out.push_str(HIDDEN);
        at = end;
    }
    out.push_str(&url[at..]);
    Cow::Owned(out)
}

/// `base` as a base for relative links: without its user name and password, and without its
/// query when that carries a secret (`?token=`), so that no link resolved against it repeats
/// them (a feed's own address may hold the user's credentials, and an entry without a link of
/// its own has its feed's address for a base).
pub fn link_base(base: &str) -> Option<url::Url> {
    let mut url = url::Url::parse(base.trim()).ok()?;
    // Both fail only for addresses that cannot have a user (`mailto:`): nothing to take away.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    if !query_secrets(url.as_str()).is_empty() {
        url.set_query(None);
    }
    Some(url)
}

/// Every URL in `text` (a message, an error) with its secrets hidden.
pub fn in_text(text: &str) -> Cow<'_, str> {
    if !text.contains("://") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        // The scheme runs back to the last character that cannot be in one.
        let start = rest[..i]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |j| j + 1);
        let mut end = rest[i..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ')' | ']'))
            .map_or(rest.len(), |j| i + j);
        // Punctuation closing the sentence is the message's (`…?token=x: HTTP 401`).
        while end > i + 3 && rest[..end].ends_with([':', ',', '.', ';', '!', '?']) {
            end -= 1;
        }
        let redacted = url(&rest[start..end]);
        changed |= matches!(redacted, Cow::Owned(_));
        out.push_str(&rest[..start]);
        out.push_str(&redacted);
        rest = &rest[end..];
    }
    out.push_str(rest);
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// The byte range of the password in `scheme://user:password@host` (or of the whole userinfo
/// when it has no `:`, as a token often stands there alone).
fn userinfo_range(url: &str) -> Option<(usize, usize)> {
    let authority_start = url.find("://")? + 3;
    let authority_len = url[authority_start..]
        .find(['/', '?', '#'])
        .unwrap_or(url.len() - authority_start);
    let authority = &url[authority_start..authority_start + authority_len];
    let at = authority.rfind('@')?;
    let info = &authority[..at];
    if info.is_empty() {
        return None;
    }
    match info.find(':') {
        Some(colon) if colon + 1 < info.len() => {
            Some((authority_start + colon + 1, authority_start + at))
        }
        Some(_) => None,
        None => Some((authority_start, authority_start + at)),
    }
}

/// The byte ranges of the values of secret query parameters.
fn query_secrets(url: &str) -> Vec<(usize, usize)> {
    let Some(q) = url.find('?') else {
        return Vec::new();
    };
    let end = url[q..].find('#').map_or(url.len(), |i| q + i);
    let mut spans = Vec::new();
    let mut at = q + 1;
    for pair in url[q + 1..end].split('&') {
        if let Some(eq) = pair.find('=') {
            let name = pair[..eq].to_ascii_lowercase().replace('-', "_");
            if SECRET_PARAMS.contains(&name.as_str()) && eq + 1 < pair.len() {
                spans.push((at + eq + 1, at + pair.len()));
            }
        }
        at += pair.len() + 1;
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_tokens_are_hidden() {
        assert_eq!(
            url("http://user:pass@host.example/feed"),
            "http://user:***@host.example/feed"
        );
        assert_eq!(
            url("https://ghp_abc123@host.example/a.atom"),
            "https://***@host.example/a.atom"
        );
        assert_eq!(
            url("https://h.example/f?x=1&token=s3cr3t&API-KEY=k#top"),
            "https://h.example/f?x=1&token=***&API-KEY=***#top"
        );
        assert_eq!(
            url("https://u:p@h.example/f?key=v"),
            "https://u:***@h.example/f?key=***"
        );
    }

    #[test]
    fn urls_without_secrets_are_left_alone() {
        for plain in [
            "https://h.example/feed.xml",
            "https://h.example/a@b/feed",
            "https://h.example/f?monkey=1&keys=2",
            "mailto:someone@h.example",
            "file:///home/u/feed.xml",
            "https://h.example/x?token=",
        ] {
            assert!(matches!(url(plain), Cow::Borrowed(_)), "{plain}");
        }
        assert_eq!(url("https://user:@h.example/"), "https://user:@h.example/");
    }

    #[test]
    fn urls_inside_messages_are_redacted() {
        assert_eq!(
            in_text("error sending request for url (http://a:b@h.example/f): refused"),
            "error sending request for url (http://a:***@h.example/f): refused"
        );
        assert_eq!(
            in_text("HTTP 401 from https://h.example/f?token=x and ftp://u:p@h/"),
            "HTTP 401 from https://h.example/f?token=*** and ftp://u:***@h/"
        );
        // Found trying it: the colon after the address was taken for part of the token.
        assert_eq!(
            in_text(
                "fetching http://u:pw@h.example/f?api_key=K9: HTTP 401, said https://h/x?token=t."
            ),
            "fetching http://u:***@h.example/f?api_key=***: HTTP 401, said https://h/x?token=***."
        );
        assert!(matches!(in_text("no url here"), Cow::Borrowed(_)));
    }
}
