//! The sanitiser against classic XSS vectors, the hostile fixtures, and a real HTML5 parser's view of its output.
use std::path::Path;

use super::*;

const BASE: Option<&str> = Some("https://example.org/blog/post");
const XHTML: &str = "http://www.w3.org/1999/xhtml";

fn safe(html: &str) -> String {
    safe_html(html, BASE)
}

fn parse(page: &str) -> html2text::RcDom {
    html2text::config::plain()
        .parse_html(page.as_bytes())
        .unwrap()
}

/// Whether `el` is in the allowlist itself (h1 and h2 are not).
fn is_allowed(el: &str) -> bool {
    ALLOWED.split_ascii_whitespace().any(|a| a == el)
}

fn attr_allowed(el: &str, attr: &str) -> bool {
    match el {
        "a" => matches!(attr, "href" | "title" | "rel"),
        "img" => matches!(
            attr,
            "src" | "alt" | "title" | "width" | "height" | "loading" | "referrerpolicy"
        ),
        "abbr" => attr == "title",
        "td" | "th" => matches!(attr, "colspan" | "rowspan"),
        "ol" => attr == "start",
        _ => false,
    }
}

/// What a browser builds from `node` down holds only allowlisted elements and attributes,
/// web URLs, and no dropped character.
fn assert_allowed(node: &html2text::Handle, input: &str) {
    match &node.data {
        html2text::Element { name, attrs, .. } => {
            let el = &*name.local;
            assert_eq!(&*name.ns, XHTML, "foreign element {el} from {input:?}");
            assert!(
                is_allowed(el) || matches!(el, "html" | "head" | "body"),
                "element {el} from {input:?}"
            );
            for attr in attrs.borrow().iter() {
                let (an, value) = (&*attr.name.local, &*attr.value);
                assert!(attr.name.ns.is_empty(), "{an} from {input:?}");
                assert!(attr_allowed(el, an), "{el}[{an}] from {input:?}");
                assert!(!value.chars().any(is_dropped), "{value:?} from {input:?}");
                let schemes: &[&str] = match an {
                    "href" => &["http:", "https:", "mailto:"],
                    "src" => &["http:", "https:"],
                    _ => &[],
                };
                if !schemes.is_empty() {
                    assert!(
                        schemes.iter().any(|s| value.starts_with(s)),
                        "{el}[{an}={value:?}] from {input:?}"
                    );
                }
            }
        }
        html2text::Comment { .. } => panic!("comment from {input:?}"),
        _ => {}
    }
    for child in node.children.borrow().iter() {
        assert_allowed(child, input);
    }
}

/// The page outside the container with `id="c"`: each element as `depth:name#id`, and any
/// text; the container's content is checked with [`assert_allowed`].
fn outline(node: &html2text::Handle, depth: usize, input: &str, out: &mut Vec<String>) {
    if let html2text::Element { name, attrs, .. } = &node.data {
        let id = attrs
            .borrow()
            .iter()
            .find(|a| &*a.name.local == "id")
            .map(|a| a.value.to_string());
        out.push(format!(
            "{depth}:{}#{}",
            &*name.local,
            id.as_deref().unwrap_or("")
        ));
        if id.as_deref() == Some("c") {
            for child in node.children.borrow().iter() {
                assert_allowed(child, input);
            }
        }
        if id.is_some() {
            return;
        }
    } else if let Some(text) = text_of(node) {
        if !text.trim().is_empty() {
            out.push(format!("{depth}:text {text:?}"));
        }
    }
    for child in node.children.borrow().iter() {
        outline(child, depth + 1, input, out);
    }
}

/// The text of a text node (`None` for other nodes), as HTML.
fn text_of(node: &html2text::Handle) -> Option<String> {
    match &node.data {
        html2text::Document | html2text::Element { .. } | html2text::Comment { .. } => None,
        // Text nodes are the only other kind the parser makes in a body.
        _ => {
            let mut out = Vec::new();
            node.serialize(&mut out).unwrap();
            Some(String::from_utf8(out).unwrap())
        }
    }
}

/// The output of `input`, parsed as a browser does inside each kind of container a page
/// may put it in: nothing but allowlisted markup, and none of it outside the container.
fn assert_safe(input: &str) {
    let out = safe(input);
    assert_contained(&out, input, &CONTAINERS);
    assert_nested(&out, input);
}

/// Page markup around the output: the container (`id="c"`) opened and closed, and the
/// page outline a browser must see (see [`outline`]).
const CONTAINERS: [(&str, &str, &str); 4] = [
    ("<div id=c>", "</div>", "2:body#,3:div#c,3:p#after"),
    (
        "<article id=c>",
        "</article>",
        "2:body#,3:article#c,3:p#after",
    ),
    (
        "<ul><li id=c>",
        "</li></ul>",
        "2:body#,3:ul#,4:li#c,3:p#after",
    ),
    (
        "<table><tr><td id=c>",
        "</td></tr></table>",
        "2:body#,3:table#,4:tbody#,5:tr#,6:td#c,3:p#after",
    ),
];

/// `out` parsed as a browser does inside each of `containers`: nothing but allowlisted
/// markup, and none of it outside the container.
fn assert_contained(out: &str, input: &str, containers: &[(&str, &str, &str)]) {
    for (open, close, expected) in containers {
        let page = format!(
            "<!DOCTYPE html><html><head><title>t</title></head><body>\
             {open}{out}{close}<p id=after>after</p></body></html>"
        );
        let dom = parse(&page);
        let mut seen = Vec::new();
        outline(&dom.document, 0, input, &mut seen);
        let from_body = seen.iter().position(|s| s == "2:body#").unwrap();
        assert_eq!(
            seen[from_body..].join(","),
            *expected,
            "{input:?} escaped its container as {out:?}"
        );
    }
}

#[test]
fn the_container_check_sees_an_escape() {
    for out in [
        "</div></article></li></td>x",
        "<li>x</li>",
        "<td>x</td>",
        "<p>x</p><script>y</script>",
        "<img src=x onerror=y>",
        "<a href=javascript:x>x</a>",
        "<!-- x -->",
    ] {
        let caught = std::panic::catch_unwind(|| assert_contained(out, out, &CONTAINERS));
        assert!(caught.is_err(), "{out:?} passed");
    }
}

/// Every `<` in the output starts a tag of ours, and the tags nest.
fn assert_nested(out: &str, input: &str) {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = out;
    while let Some(at) = rest.find('<') {
        let end = at + rest[at..].find('>').unwrap();
        let tag = &rest[at + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop(), Some(name), "{out:?} from {input:?}");
        } else {
            let name = tag.split(' ').next().unwrap();
            assert!(is_allowed(name), "{name} in {out:?}");
            if !is_void(name) {
                stack.push(name);
            }
        }
        rest = &rest[end + 1..];
    }
    assert!(stack.is_empty(), "{out:?} from {input:?}");
}

#[test]
fn plain_article_survives() {
    let html = r#"<h1>Title</h1><p>Read <a href="../about" title="About us">this</a>
        and <em>that</em>.<br><img src="/img/cat.png" alt="A cat" width="640" height=480></p>
        <ul><li>one</li><li>two</li></ul><ol start="3"><li>three</li></ol>
        <pre><code>fn main() {}</code></pre>
        <table><thead><tr><th colspan="2">head</th></tr></thead>
        <tbody><tr><td>a</td><td rowspan="2">b</td></tr></tbody></table>"#;
    assert_eq!(
        safe(html),
        r#"<h3>Title</h3><p>Read <a href="https://example.org/about" title="About us" rel="nofollow noopener noreferrer">this</a>
        and <em>that</em>.<br><img src="https://example.org/img/cat.png" alt="A cat" width="640" height="480" loading="lazy" referrerpolicy="no-referrer"></p>
        <ul><li>one</li><li>two</li></ul><ol start="3"><li>three</li></ol>
        <pre><code>fn main() {}</code></pre>
        <table><thead><tr><th colspan="2">head</th></tr></thead>
        <tbody><tr><td>a</td><td rowspan="1">b</td></tr></tbody></table>"#
    );
    assert_safe(html);
}

#[test]
fn every_allowed_element_is_kept() {
    assert_eq!(ALLOWED.split_ascii_whitespace().count(), 49);
    assert_eq!(allowed("h1"), Some("h3"));
    assert_eq!(allowed("h2"), Some("h3"));
    for el in ALLOWED.split_ascii_whitespace() {
        let html = if is_void(el) {
            format!("<{el} src=https://example.org/x>")
        } else {
            format!("<table><tr><td><dl><ul><{el}>x</{el}></ul></dl></td></tr></table>")
        };
        assert!(safe(&html).contains(&format!("<{el}")), "{el}");
    }
}

#[test]
fn script_style_iframe_object_are_removed_with_content() {
    let out = safe(
        "<script>alert(1)</script><style>p{}</style><iframe src=x>frame</iframe>\
         <object data=y><p>object</p></object><embed src=z><template><p>t</p></template>\
         <noembed>n</noembed><p>kept</p>",
    );
    assert_eq!(out, "<p>kept</p>");
}

#[test]
fn handlers_styles_and_other_attributes_are_dropped() {
    let out = safe(
        r#"<p onclick="x()" style="color:red" class="c" id="i">a</p><img src=https://example.org/a.png onerror=alert(1) srcset="javascript:x 1x"><a href=https://example.org/ onmouseover=x target=_blank>l</a><td>"#,
    );
    assert_eq!(
        out,
        r#"<p>a</p><img src="https://example.org/a.png" loading="lazy" referrerpolicy="no-referrer"><a href="https://example.org/" rel="nofollow noopener noreferrer">l</a>"#
    );
}

#[test]
fn dangerous_urls_are_dropped() {
    for href in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "\tjavascript:alert(1)",
        "java\tscript:alert(1)",
        "java&#x09;script:alert(1)",
        "jav&#x61;script:alert(1)",
        "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)",
        "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)",
        "&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)",
        "javascript&colon;alert(1)",
        "&#1;javascript:alert(1)",
        "&#x20;javascript:alert(1)",
        "vbscript:msgbox(1)",
        "VBScript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "DATA:text/html,x",
        "file:///etc/passwd",
        "livescript:x",
    ] {
        for html in [
            format!("<a href=\"{href}\">x</a>"),
            format!("<img src=\"{href}\">"),
            format!("<a href='{href}'>x</a>"),
        ] {
            let out = safe(&html);
            assert!(
                out == "<a rel=\"nofollow noopener noreferrer\">x</a>" || out.is_empty(),
                "{html:?} -> {out:?}"
            );
            assert_safe(&html);
        }
    }
}

#[test]
fn relative_urls_resolve_against_the_base_or_go() {
    let html = r#"<a href="//cdn.example.net/x?a=1&amp;b=2">x</a><img src="pic.png">"#;
    assert_eq!(
        safe(html),
        r#"<a href="https://cdn.example.net/x?a=1&amp;b=2" rel="nofollow noopener noreferrer">x</a><img src="https://example.org/blog/pic.png" loading="lazy" referrerpolicy="no-referrer">"#
    );
    assert_eq!(
        safe_html(html, None),
        r#"<a rel="nofollow noopener noreferrer">x</a>"#
    );
    assert_eq!(
        safe_html("<a href=\"mailto:a@example.org\">m</a>", None),
        r#"<a href="mailto:a@example.org" rel="nofollow noopener noreferrer">m</a>"#
    );
}

#[test]
fn urls_and_titles_are_attribute_escaped() {
    let out = safe(r#"<a href="https://example.org/?q=&quot;'<>" title='"x" &amp; <y>'>t</a>"#);
    assert_eq!(
        out,
        r#"<a href="https://example.org/?q=%22%27%3C%3E" title="&quot;x&quot; &amp; &lt;y&gt;" rel="nofollow noopener noreferrer">t</a>"#
    );
}

#[test]
fn numbers_are_digits_and_clamped() {
    // `prepare` already turns every row span into 1 (for html2text), so only the checks
    // on column spans show here.
    assert_eq!(
        safe("<table><tr><td colspan=0 rowspan=99999999999>a<td colspan=\"2x\" rowspan=x>b"),
        r#"<table><tr><td colspan="1" rowspan="1">a</td><td>b</td></tr></table>"#
    );
    assert_eq!(
        number("99999999999", 65_534, true).as_deref(),
        Some("65534")
    );
    assert_eq!(number(" 7 ", 65_534, true).as_deref(), Some("7"));
    assert_eq!(number("+7", 65_534, true), None);
    assert_eq!(
        safe(r#"<ol start="-4"><li>x</ol><ol start="1e3"></ol>"#),
        r#"<ol start="-4"><li>x</li></ol><ol></ol>"#
    );
    assert_eq!(
        safe("<img src=https://example.org/a width=50% height=\"20\">"),
        r#"<img src="https://example.org/a" height="20" loading="lazy" referrerpolicy="no-referrer">"#
    );
}

#[test]
fn foreign_and_form_elements_are_gone() {
    let out = safe(
        "<svg><script>alert(1)</script><a xlink:href=javascript:x>s</a></svg>\
         <math><mi>m</mi><maction actiontype=statusline>x</maction></math>\
         <form action=https://evil.example/><input name=p><button formaction=javascript:x>b</button></form>\
         <base href=https://evil.example/><meta http-equiv=refresh content=0><link rel=stylesheet href=x>",
    );
    assert_eq!(out, "<a rel=\"nofollow noopener noreferrer\">s</a>mxb");
}

#[test]
fn stray_end_tags_cannot_escape() {
    let html = "<p>a</div></body></html><script>alert(1)</script></p></p>b</td></tr></table>\
                <li>c<td>d<dd>e";
    assert_eq!(safe(html), "<p>a</p>bcde");
    assert_safe(html);
}

#[test]
fn unclosed_elements_are_closed() {
    assert_eq!(
        safe("<div><p>a<b>b<i>c"),
        "<div><p>a<b>b<i>c</i></b></p></div>"
    );
    assert_eq!(
        safe("<p>a<p>b<ul><li>c<li>d</ul>"),
        "<p>a</p><p>b</p><ul><li>c</li><li>d</li></ul>"
    );
    assert_eq!(
        safe("<table><tr><td>a<td>b<tr><td>c</table>"),
        "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"
    );
}

#[test]
fn nesting_is_capped() {
    let out = safe(&("<span>".repeat(100) + "x" + &"</span>".repeat(100) + "y"));
    assert_eq!(out.matches("<span>").count(), MAX_OPEN);
    assert!(out.ends_with(&format!("x{}y", "</span>".repeat(MAX_OPEN))));
}

#[test]
fn text_is_escaped() {
    assert_eq!(
        safe(r#"a < b > c "d" 'e' &amp; &copy; &#169; &#xA9; & &x &#; &#x; &#12"#),
        "a &lt; b &gt; c &quot;d&quot; &#39;e&#39; &amp; &copy; &#169; &#xA9; &amp; &amp;x &amp;#; &amp;#x; &amp;#12"
    );
    assert_eq!(safe("&lt;script&gt;x"), "&lt;script&gt;x");
    assert_eq!(
        safe("<textarea><b>t</b></textarea><xmp><i>&amp;</i></xmp><title>gone</title>"),
        "&lt;b&gt;t&lt;/b&gt;&lt;i&gt;&amp;amp;&lt;/i&gt;"
    );
}

#[test]
fn controls_and_bidi_overrides_are_dropped() {
    let html = "a\u{1b}[2J\u{7}b\u{9b}c\u{202e}d\u{2066}e\u{7f}\t\r\nf\
                &#27;&#x1B;&#x9b;&#x202E;&#8238;&#x2069;&#0;g\u{200f}";
    assert_eq!(safe(html), "a[2Jbcde\t\r\nfg\u{200f}");
    assert_eq!(
        safe_html(
            "<img src=x alt=\"a&#x202e;b\u{1b}\" title=\"&#x202e;\">",
            None
        ),
        ""
    );
    assert_eq!(
        safe("<abbr title=\"a&#x202e;b\u{1b}c\">x</abbr>"),
        "<abbr title=\"abc\">x</abbr>"
    );
}

/// Classic vectors, most from the OWASP XSS filter evasion cheat sheet, and a few
/// mutation-XSS ones.
const VECTORS: &[&str] = &[
    r"<SCRIPT SRC=https://cdn.jsdelivr.net/gh/Moksh45/host-xss.rocks/index.js></SCRIPT>",
    r#"javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/"/+/onmouseover=1/+/[*/[]/+alert(1)//'>"#,
    r#"<IMG SRC="javascript:alert('XSS');">"#,
    r"<IMG SRC=javascript:alert('XSS')>",
    r"<IMG SRC=JaVaScRiPt:alert('XSS')>",
    r"<IMG SRC=javascript:alert(&quot;XSS&quot;)>",
    r#"<IMG SRC=`javascript:alert("RSnake says, 'XSS'")`>"#,
    r#"<a onmouseover="alert(document.cookie)">xxs link</a>"#,
    r"<a onmouseover=alert(document.cookie)>xxs link</a>",
    r#"<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\>"#,
    r"<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    r#"<IMG SRC=# onmouseover="alert('xxs')">"#,
    r#"<IMG SRC= onmouseover="alert('xxs')">"#,
    r#"<IMG onmouseover="alert('xxs')">"#,
    r#"<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>"#,
    r#"<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">"#,
    r"<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    r"<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    r#"<IMG SRC="jav&#x09;ascript:alert('XSS');">"#,
    r#"<IMG SRC="jav&#x0A;ascript:alert('XSS');">"#,
    r#"<IMG SRC="jav&#x0D;ascript:alert('XSS');">"#,
    r#"<IMG SRC=" &#14;  javascript:alert('XSS');">"#,
    r#"<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>"#,
    r#"<BODY onload!#$%&()*~+-_.,:;?@[/|\]^`=alert("XSS")>"#,
    r#"<SCRIPT/SRC="http://xss.rocks/xss.js"></SCRIPT>"#,
    r#"<<SCRIPT>alert("XSS");//\<</SCRIPT>"#,
    r"<SCRIPT SRC=http://xss.rocks/xss.js?< B >",
    r"<SCRIPT SRC=//xss.rocks/.j>",
    r#"<IMG SRC="`<javascript:alert>`('XSS')""#,
    r"<iframe src=http://xss.rocks/scriptlet.html <",
    r#"\";alert('XSS');//"#,
    r#"</TITLE><SCRIPT>alert("XSS");</SCRIPT>"#,
    r#"<INPUT TYPE="IMAGE" SRC="javascript:alert('XSS');">"#,
    r#"<BODY BACKGROUND="javascript:alert('XSS')">"#,
    r#"<IMG DYNSRC="javascript:alert('XSS')">"#,
    r#"<IMG LOWSRC="javascript:alert('XSS')">"#,
    r#"<STYLE>li {list-style-image: url("javascript:alert('XSS')");}</STYLE><UL><LI>XSS</br>"#,
    r#"<IMG SRC='vbscript:msgbox("XSS")'>"#,
    r#"<IMG SRC="livescript:[code]">"#,
    r"<svg/onload=alert('XSS')>",
    r"<BODY ONLOAD=alert('XSS')>",
    r#"<BGSOUND SRC="javascript:alert('XSS');">"#,
    r#"<BR SIZE="&{alert('XSS')}">"#,
    r#"<LINK REL="stylesheet" HREF="javascript:alert('XSS');">"#,
    r"<STYLE>@import'http://xss.rocks/xss.css';</STYLE>",
    r#"<META HTTP-EQUIV="Link" Content="<http://xss.rocks/xss.css>; REL=stylesheet">"#,
    r#"<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert('XSS');">"#,
    r#"<IMG STYLE="xss:expr/*XSS*/ession(alert('XSS'))">"#,
    r#"<TABLE BACKGROUND="javascript:alert('XSS')">"#,
    r#"<TABLE><TD BACKGROUND="javascript:alert('XSS')">"#,
    r#"<DIV STYLE="background-image: url(javascript:alert('XSS'))">"#,
    r#"<DIV STYLE="background-image:\0075\0072\006C\0028'\006a\0061\0076\0061\0073\0063\0072\0069\0070\0074\003a\0061\006c\0065\0072\0074\0028.1027\0058.1053\0053\0027\0029'\0029">"#,
    r#"<DIV STYLE="width: expression(alert('XSS'));">"#,
    r#"<BASE HREF="javascript:alert('XSS');//">"#,
    r#"<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.rocks/scriptlet.html"></OBJECT>"#,
    r#"<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIj48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+" type="image/svg+xml" AllowScriptAccess="always"></EMBED>"#,
    r#"<SCRIPT a=">" SRC="httx://xss.rocks/xss.js"></SCRIPT>"#,
    r#"<SCRIPT ="blah" SRC="httx://xss.rocks/xss.js"></SCRIPT>"#,
    r#"<SCRIPT a=">'>" SRC="httx://xss.rocks/xss.js"></SCRIPT>"#,
    r#"<SCRIPT>document.write("<SCRI");</SCRIPT>PT SRC="httx://xss.rocks/xss.js"></SCRIPT>"#,
    "<A HREF=\"h\ntt\tp://6\t6.000146.0x7.147/\">XSS</A>",
    r#"<A HREF="//www.google.com/">XSS</A>"#,
    r#"<A HREF="javascript:document.location='http://www.google.com/'">XSS</A>"#,
    r#"<a href="javascript&colon;alert(1)">x</a><a href="java&Tab;script:alert(1)">y</a>"#,
    r"<IMG SRC=x onerror=alert(1)//",
    r"<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    r#"<noscript><p title="</noscript><img src=x onerror=alert(1)>">"#,
    r"<svg><style><img src=x onerror=alert(1)></style></svg>",
    r#"<xmp><p title="</xmp><img src=x onerror=alert(1)>">"#,
    r"<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    r#"<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>"#,
    r"<form><button formaction=javascript:alert(1)>X</button></form>",
    r"<isindex type=image src=1 onerror=alert(1)>",
    r"<details open ontoggle=alert(1)>",
    r#"<video><source onerror="alert(1)"></video><audio src=x onerror=alert(1)>"#,
    r#"<img src="data:image/svg+xml,<svg onload=alert(1)>">"#,
    r#"<!--<img src="--><img src=x onerror=alert(1)//">"#,
    r"<p>text</p></div></body></html><script>alert(1)</script>",
    r"<textarea></textarea><script>alert(1)</script>",
    r"<title><img src=x onerror=alert(1)></title>",
    r"<plaintext><script>alert(1)</script>",
    r#"<a href="https://ok.example/" onclick=alert(1) style="position:fixed;inset:0">cover</a>"#,
    r#"<a href="https://a.example/"><a href="javascript:alert(1)">nested</a></a>"#,
    r#"<img src="https://ok.example/x.png" alt="&quot; onerror=&quot;alert(1)">"#,
    r#"<a title='" onmouseover=alert(1) x="' href=https://ok.example/>q</a>"#,
    r#"<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>"#,
    r#"<math href="javascript:alert(1)">click</math>"#,
    r#"<object data="javascript:alert(1)"><param name=x value=y></object>"#,
    r"<li>x</li><dd>y</dd><dt>z</dt><tr><td>w</td></tr><caption>c</caption><tbody>",
    r"</li></ul></td></tr></table></article></div><p>out",
    r"<table><tr><td><table><li>a<dd>b</table></td></tr></table></table>after",
    r"<p><div><h1><h2><p><table><p><caption><hr></caption><tfoot><h6></table>",
    r"<a href=https://x.example/><table><a href=https://y.example/><td><a>z</table>",
    r"<ul><li><table><tr><td><li>cell item</li></td></tr></table></ul>",
    r"<dl><dt>a<dd>b<dl><dt>c</dl><dd>d</dl><dd>e",
    "<p>\u{202e}evil\u{1b}[2J&#x202e;&#27;</p>",
    r"<scr<script>ipt>alert(1)</script><scr<script>ipt>alert(2)</scr</script>ipt>",
    r#"<IMG SRC="jav&#x09;ascript:alert('XSS');"><a href="&#x6A;avascript:alert(1)">"#,
    r#"<img/src="https://ok.example/"/onerror=alert(1)>"#,
    r#"<a"href=javascript:alert(1)>x</a><a/href=javascript:alert(1)>y</a>"#,
    "<a href=\"\u{0}javascript:alert(1)\">nul</a>",
];

#[test]
fn classic_xss_vectors_give_only_allowed_markup() {
    assert!(VECTORS.len() >= 40);
    for v in VECTORS {
        if std::env::var_os("SHOW").is_some() {
            eprintln!("{v}\n  -> {}", safe(v));
        }
        assert_safe(v);
        let out = safe(v);
        for tag in [
            "<script", "<style", "<svg", "<math", "<iframe", "<form", "<base",
        ] {
            assert!(!out.to_ascii_lowercase().contains(tag), "{v:?} -> {out:?}");
        }
    }
}

/// The strings of a JSON document.
fn json_strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| json_strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| json_strings(v, out)),
        _ => {}
    }
}

/// A hostile document as HTML bodies: as is, with its XML escapes undone once (the HTML a
/// feed carries in its elements), and the strings of a JSON feed.
fn bodies(bytes: &[u8]) -> Vec<String> {
    let raw = String::from_utf8_lossy(bytes).into_owned();
    let unescaped = raw
        .replace("<![CDATA[", "")
        .replace("]]>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    let mut out = vec![raw, unescaped];
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(bytes) {
        json_strings(&json, &mut out);
    }
    out
}

#[test]
fn hostile_fixtures_give_only_allowed_markup() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    for dir in ["hostile/v1", "hostile/v2"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            files.push(entry.unwrap().path());
        }
    }
    // Among the feed fixtures, the generated hostile ones are those without a source prefix.
    for entry in std::fs::read_dir(root.join("feeds")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_file() && !name.contains("__") && name != "README.md" {
            files.push(path);
        }
    }
    files.sort();
    assert!(files.len() > 100, "{}", files.len());
    for path in files {
        for body in bodies(&std::fs::read(&path).unwrap()) {
            let out = safe(&body);
            let name = path.display().to_string();
            // One container: parsing megabytes of output four times is slow.
            assert_contained(&out, &name, &CONTAINERS[..1]);
            assert_nested(&out, &name);
        }
    }
}
