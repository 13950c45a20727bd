//! Telling an HTML page from a feed before the repair pass reads it as one. Pure; uses nothing
//! else in the crate.

/// The document's prolog declares it HTML, or its first element is `<html>`.
pub fn looks_like_html(doc: &str) -> bool {
    let head = head_lowercase(doc, 4096);
    let mut rest = head.as_str();
    loop {
        rest = rest.trim_start();
        if rest.starts_with("<!doctype html") {
            return true;
        }
        let skip = if rest.starts_with("<?") {
            rest.find("?>").map(|i| i + 2)
        } else if rest.starts_with("<!--") {
            rest.find("-->").map(|i| i + 3)
        } else if rest.starts_with("<!") {
            rest.find('>').map(|i| i + 1)
        } else {
            return rest.strip_prefix("<html").is_some_and(|after| {
                after.starts_with(|c: char| c == '>' || c.is_ascii_whitespace())
            });
        };
        match skip {
            Some(skip) => rest = &rest[skip..],
            None => return false,
        }
    }
}

/// A weaker hint, used only once no feed root was found: an `<html` tag near the start.
pub fn mentions_html(doc: &str) -> bool {
    head_lowercase(doc, 4096).contains("<html")
}

fn head_lowercase(doc: &str, bytes: usize) -> String {
    let mut end = doc.len().min(bytes);
    while !doc.is_char_boundary(end) {
        end -= 1;
    }
    doc[..end].to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_pages_are_recognised() {
        assert!(looks_like_html(
            "<!DOCTYPE html><html><body>x</body></html>"
        ));
        assert!(looks_like_html(
            "<?xml version=\"1.0\"?>\n<!-- c --><HTML></HTML>"
        ));
        assert!(!looks_like_html(
            "<rss version=\"2.0\"><channel><description>&lt;html&gt;</description></channel></rss>"
        ));
        assert!(!looks_like_html("<htmlfeed/>"));
        assert!(!looks_like_html(
            "<rss><channel><item><description><![CDATA[<!DOCTYPE html><html>]]>"
        ));
    }

    #[test]
    fn html_mentions_are_found() {
        assert!(mentions_html("junk <html><body>"));
        assert!(!mentions_html("<note/>"));
    }
}
