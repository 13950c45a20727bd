//! Cookies from a cookie file in the Netscape format (what curl, wget and browsers' export
//! tools write, issue #24): read, never written. One cookie a line, seven fields separated by
//! tabs: domain, whether subdomains match, path, secure, expiry (Unix seconds, 0 for a session
//! cookie), name, value. `#` starts a comment, but `#HttpOnly_` starts an HTTP-only cookie's
//! domain.

/// One cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    /// Without a leading dot, lower case.
    pub domain: String,
    pub subdomains: bool,
    pub path: String,
    pub secure: bool,
    /// 0: no expiry.
    pub expires: i64,
    pub name: String,
    pub value: String,
}

/// Why a cookie file could not be read: the line and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {why}")]
pub struct CookieError {
    pub line: usize,
    pub why: String,
}

/// Every cookie of a cookie file's text.
pub fn parse(text: &str) -> Result<Vec<Cookie>, CookieError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        let line = match line.strip_prefix("#HttpOnly_") {
            Some(rest) => rest,
            None if line.trim().is_empty() || line.starts_with('#') => continue,
            None => line,
        };
        let err = |why: &str| CookieError {
            line: i + 1,
            why: why.to_owned(),
        };
        let fields: Vec<&str> = line.split('\t').collect();
        let [domain, subdomains, path, secure, expires, name, value] = fields[..] else {
            return Err(err("a cookie has seven fields separated by tabs"));
        };
        let flag = |s: &str| s.eq_ignore_ascii_case("TRUE");
        let expires = expires
            .trim()
            .parse::<i64>()
            .map_err(|_| err("the expiry is not a number of seconds"))?;
        // A name or value that could end the header or start another is refused.
        let bad = |s: &str| s.chars().any(|c| c.is_control() || c == ';');
        if name.is_empty() || bad(name) || name.contains('=') || bad(value) {
            return Err(err(
                "a cookie's name or value has a character a header cannot carry",
            ));
        }
        out.push(Cookie {
            domain: domain.trim_start_matches('.').to_ascii_lowercase(),
            subdomains: flag(subdomains) || domain.starts_with('.'),
            path: if path.is_empty() {
                "/".into()
            } else {
                path.into()
            },
            secure: flag(secure),
            expires,
            name: name.to_owned(),
            value: value.to_owned(),
        });
    }
    Ok(out)
}

/// The `Cookie` header for a request to `url` at `now`: the cookies whose domain, path and
/// security match and that have not expired, longer paths first; `None` when none does.
pub fn header_for(cookies: &[Cookie], url: &url::Url, now: i64) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    let secure = url.scheme() == "https";
    let path = url.path();
    let mut matching: Vec<&Cookie> = cookies
        .iter()
        .filter(|c| {
            let domain =
                host == c.domain || (c.subdomains && host.ends_with(&format!(".{}", c.domain)));
            let path_ok = path == c.path
                || (path.starts_with(&c.path)
                    && (c.path.ends_with('/') || path[c.path.len()..].starts_with('/')));
            domain && path_ok && (secure || !c.secure) && (c.expires == 0 || c.expires > now)
        })
        .collect();
    if matching.is_empty() {
        return None;
    }
    matching.sort_by_key(|c| std::cmp::Reverse(c.path.len()));
    Some(
        matching
            .iter()
            .map(|c| format!("{}={}", c.name, c.value))
            .collect::<Vec<_>>()
            .join("; "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# Netscape HTTP Cookie File\n\
        # a comment\n\
        \n\
        .example.com\tTRUE\t/\tFALSE\t0\tsession\tabc\n\
        #HttpOnly_news.example.com\tFALSE\t/members\tTRUE\t4102444800\tauth\ts3cret\n\
        old.example.com\tFALSE\t/\tFALSE\t1000\tgone\tx\n";

    fn at(url: &str) -> Option<String> {
        header_for(
            &parse(FILE).unwrap(),
            &url::Url::parse(url).unwrap(),
            2_000_000_000,
        )
    }

    #[test]
    fn cookies_go_where_their_domain_path_and_security_say() {
        assert_eq!(
            at("http://example.com/feed").as_deref(),
            Some("session=abc")
        );
        assert_eq!(
            at("https://news.example.com/members/feed.xml").as_deref(),
            Some("auth=s3cret; session=abc")
        );
        // Not over plain HTTP, not outside its path, not to another site, not once expired.
        assert_eq!(
            at("http://news.example.com/members/feed.xml").as_deref(),
            Some("session=abc")
        );
        assert_eq!(
            at("https://news.example.com/membership").as_deref(),
            Some("session=abc")
        );
        assert_eq!(at("https://example.org/"), None);
        // Its own cookie has expired; the site-wide one still goes.
        assert_eq!(
            at("https://old.example.com/").as_deref(),
            Some("session=abc")
        );
        assert_eq!(at("https://notexample.com/"), None);
    }

    #[test]
    fn a_broken_line_is_named() {
        assert_eq!(
            parse("# ok\nexample.com\tTRUE\t/\n").unwrap_err(),
            CookieError {
                line: 2,
                why: "a cookie has seven fields separated by tabs".into()
            }
        );
        // A header cannot be smuggled in: a value with `;` or a control character is refused,
        // and a line break ends the cookie's line.
        assert_eq!(
            parse("example.com\tTRUE\t/\tFALSE\t0\tname\tv\r\nX-Evil: 1\n")
                .unwrap_err()
                .line,
            2
        );
        assert!(parse("example.com\tTRUE\t/\tFALSE\t0\tname\tv; admin=1\n").is_err());
        assert_eq!(
            parse("example.com\tTRUE\t/\tFALSE\tsoon\tn\tv\n")
                .unwrap_err()
                .line,
            1
        );
    }
}
