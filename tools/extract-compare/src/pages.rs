//! Publisher-like pages around a feed entry's body: five templates that mimic real sites
//! (header and nav, sidebar, share buttons, byline, related articles, comments, cookie banner,
//! footer, script and style), with different class/id names and structure. Deterministic:
//! the boilerplate an entry gets depends only on its index.

use std::fmt::Write as _;

pub struct Entry {
    pub feed: String,
    pub title: String,
    pub author: String,
    pub body_html: String,
    /// The body as text: what a perfect extractor returns.
    pub truth: String,
}

pub const TEMPLATES: &[&str] = &[
    "semantic-article",
    "wordpress-divs",
    "news-story-body",
    "ghost-post-content",
    "div-soup",
];

const SITES: &[&str] = &[
    "The Daily Ledger",
    "Northwind Notes",
    "Metro Herald",
    "Signal and Noise",
    "Kestrel Review",
];

const NAV: &[&str] = &[
    "Home",
    "News",
    "Technology",
    "Science",
    "Culture",
    "Opinion",
    "Podcasts",
    "Video",
    "About",
    "Contact",
];

const POPULAR: &[&str] = &[
    "The ten best laptops for students this autumn",
    "How one town rebuilt its high street after the floods",
    "Everything we know about the new transit plan",
    "Our favourite recipes from readers, ranked",
    "Why your phone battery dies faster in winter",
    "A week in the life of a night-shift nurse",
];

const RELATED: &[(&str, &str)] = &[
    (
        "Why small teams should ship less often",
        "We spoke to a dozen engineering leads about release cadence, and the answers surprised us. Most of them said that slowing down, not speeding up, was what finally made their products more reliable.",
    ),
    (
        "The quiet comeback of the personal website",
        "After a decade of social networks, more people are going back to owning their own corner of the web. Here is what changed, who is leading the way, and what it means for readers like you.",
    ),
    (
        "A beginner's guide to reading the fine print",
        "Terms of service are long, dense and rarely read. We went through twenty of the most popular ones and picked out the clauses that matter most for ordinary people, with plain explanations.",
    ),
    (
        "Inside the lab that tests your headphones",
        "Every year thousands of pairs of headphones pass through a small room in the suburbs. We spent a day with the engineers who measure them, and learned why so many reviews disagree.",
    ),
    (
        "What we learned from a year without meetings",
        "Last spring our newsroom cancelled every recurring meeting for twelve months. Some things fell apart, others got much better, and a few surprised everybody. This is the honest account of it.",
    ),
];

pub const COMMENT_AUTHORS: &[&str] = &[
    "Marguerite Okonkwo",
    "Tobias Lindqvist",
    "Priyanka Deshmukh",
    "Henrik Vasquez",
    "Aurelie Fontaine",
    "Dmitri Kowalczyk",
    "Kenji Arakawa",
];

pub const COMMENTS: &[&str] = &[
    "This is exactly the kind of write-up I was looking for last week. I ended up solving it a different way, but your explanation of the trade-offs makes me want to revisit my approach.",
    "Great piece, thanks. One small correction though: the second link in the article points to an older version of the documentation, which confused me for a good ten minutes.",
    "I have been following this blog for years and this might be my favourite post so far. Would love a follow-up that goes into how this works at a larger scale.",
    "Not sure I agree with the conclusion. In my experience the simpler option wins most of the time, especially when the team is small and the deadline is close.",
    "Shared this with my colleagues and it started a long discussion in our channel. Thanks for taking the time to write it all down so clearly.",
    "Does anyone know whether this still applies to the newer release? I tried the steps on my laptop yesterday and got a slightly different result at the end.",
    "I had the same doubt as Henrik at first, but after trying both for a month I think the author has a point. It depends a lot on the workload, as usual.",
];

const STYLE: &str = "<style>\nbody{margin:0;font-family:Georgia,serif;color:#222}\n.wrap{max-width:1100px;margin:0 auto}\n\
nav a{padding:0 .6em;text-decoration:none}\n.sidebar,.rail{width:300px;float:right}\n\
.cookie{position:fixed;bottom:0;background:#111;color:#eee;padding:1em}\n</style>";

fn script(site: &str) -> String {
    format!(
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}\
         gtag('js',new Date());gtag('config','G-XXXX',{{site:'{site}'}});\n\
         document.addEventListener('DOMContentLoaded',function(){{var b=document.querySelector('.cookie button');\
         if(b)b.onclick=function(){{b.parentNode.remove();}};}});</script>"
    )
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn slug(s: &str) -> String {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// A plain-text body as HTML paragraphs.
pub fn plain_to_html(text: &str) -> String {
    text.split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>\n", esc(p.trim())))
        .collect()
}

/// The boilerplate pieces, with the class names a template gives them.
struct Parts {
    site: &'static str,
    nav_links: String,
    cookie: String,
    share: String,
    popular: String,
    newsletter: String,
    related: String,
    comments: String,
    footer_links: String,
    byline: String,
}

fn parts(t: usize, e: &Entry, i: usize) -> Parts {
    let site = SITES[t];
    let nav_links = NAV
        .iter()
        .map(|n| format!("<a href=\"/{}/\">{n}</a>", slug(n)))
        .collect::<Vec<_>>()
        .join("\n");
    let cookie = "We use cookies and similar technologies to personalise content and ads, to provide social media \
         features and to analyse our traffic. By clicking Accept, you agree to our use of cookies. \
         <a href=\"/privacy/#cookies\">Cookie settings</a> <button type=\"button\">Accept</button>"
        .to_owned();
    let enc = slug(&e.title);
    let share = format!(
        "<a href=\"https://twitter.com/intent/tweet?url=https%3A%2F%2Fexample.com%2F{enc}\">Share on X</a>\n\
         <a href=\"https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fexample.com%2F{enc}\">Share on Facebook</a>\n\
         <a href=\"https://www.linkedin.com/shareArticle?url=https%3A%2F%2Fexample.com%2F{enc}\">Share on LinkedIn</a>\n\
         <a href=\"mailto:?subject={enc}\">Email</a>"
    );
    let popular = (0..5)
        .map(|k| {
            let p = POPULAR[(i + k) % POPULAR.len()];
            format!("<li><a href=\"/2024/04/{}/\">{p}</a></li>", slug(p))
        })
        .collect::<String>();
    let newsletter = "<h3>Subscribe to our newsletter</h3><p>Get our best stories delivered to your inbox every \
        Friday morning. No spam, unsubscribe at any time.</p><form action=\"/subscribe\" method=\"post\">\
        <input type=\"email\" name=\"email\" placeholder=\"you@example.com\"><button type=\"submit\">Sign up</button></form>"
        .to_owned();
    let related = (0..3)
        .map(|k| {
            let (title, teaser) = RELATED[(i + k) % RELATED.len()];
            format!(
                "<a href=\"/2024/03/{}/\">{title}</a>\n<p>{teaser}</p>\n",
                slug(title)
            )
        })
        .collect::<Vec<_>>();
    let related = match t {
        0 | 3 => related
            .iter()
            .map(|r| format!("<li class=\"related-item\">{r}</li>"))
            .collect(),
        _ => related
            .iter()
            .map(|r| format!("<div class=\"rel-card\">{r}</div>"))
            .collect(),
    };
    let n = 3 + i % 3;
    let mut comments = String::new();
    for k in 0..n {
        let a = (i + k) % COMMENT_AUTHORS.len();
        let (author, text) = (COMMENT_AUTHORS[a], COMMENTS[a]);
        let when = format!(
            "May {}, 2024 at {}:{:02} pm",
            15 + k,
            1 + (i + k) % 11,
            (i * 7 + k * 13) % 60
        );
        let _ = match t {
            0 | 3 => writeln!(
                comments,
                "<li class=\"comment\" id=\"comment-{i}{k}\"><article class=\"comment-body\"><footer class=\"comment-meta\">\
                 <b class=\"fn\">{author}</b> <time>{when}</time></footer><div class=\"comment-content\"><p>{text}</p></div>\
                 <a class=\"comment-reply-link\" href=\"#respond\">Reply</a></article></li>"
            ),
            _ => writeln!(
                comments,
                "<div class=\"cmt\" id=\"c{i}{k}\"><div class=\"cmt-author\"><span>{author}</span> <span class=\"cmt-date\">{when}</span></div>\
                 <div class=\"cmt-text\"><p>{text}</p></div><div class=\"cmt-actions\"><a href=\"#\">Reply</a> <a href=\"#\">Like</a></div></div>"
            ),
        };
    }
    let footer_links = [
        "About us",
        "Careers",
        "Advertise",
        "Privacy policy",
        "Terms of use",
        "Contact",
        "RSS",
    ]
    .iter()
    .map(|l| format!("<a href=\"/{}/\">{l}</a>", slug(l)))
    .collect::<Vec<_>>()
    .join(" | ");
    let author = if e.author.trim().is_empty() {
        "Staff Writer".to_owned()
    } else {
        esc(&e.author)
    };
    let byline = format!(
        "By <a rel=\"author\" href=\"/author/{}/\">{author}</a>",
        slug(&author)
    );
    Parts {
        site,
        nav_links,
        cookie,
        share,
        popular,
        newsletter,
        related,
        comments,
        footer_links,
        byline,
    }
}

/// The publisher page for entry `e` (index `i`) in template `t`.
pub fn page(t: usize, e: &Entry, i: usize) -> String {
    let p = parts(t, e, i);
    let title = if e.title.trim().is_empty() {
        "Untitled".to_owned()
    } else {
        esc(&e.title)
    };
    let site = p.site;
    let body = &e.body_html;
    let date = format!("May {}, 2024", 1 + i % 28);
    let iso = format!("2024-05-{:02}", 1 + i % 28);
    let head = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} | {site}</title>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta property=\"og:site_name\" content=\"{site}\"><meta property=\"og:title\" content=\"{title}\">\n\
         <link rel=\"stylesheet\" href=\"/assets/main.css\">\n{STYLE}\n{}</head>\n",
        script(site)
    );
    let Parts {
        nav_links,
        cookie,
        share,
        popular,
        newsletter,
        related,
        comments,
        footer_links,
        byline,
        ..
    } = p;
    let ncomments = comments.matches("Reply</a>").count();
    let rest = match t {
        0 => format!(
            "<body class=\"single single-post\">\n<div class=\"cookie\" id=\"cookie-banner\">{cookie}</div>\n\
             <header class=\"site-header\"><div class=\"wrap\"><a class=\"site-title\" href=\"/\">{site}</a>\n\
             <nav class=\"main-nav\" aria-label=\"Main\">{nav_links}</nav></div></header>\n\
             <div class=\"wrap\"><main id=\"main\">\n<article class=\"post\">\n\
             <header class=\"entry-header\"><h1 class=\"entry-title\">{title}</h1>\n\
             <p class=\"entry-meta\">{byline} &middot; <time datetime=\"{iso}\">{date}</time></p></header>\n\
             <div class=\"share-buttons\">{share}</div>\n\
             <div class=\"entry-content\">\n{body}\n</div>\n\
             <footer class=\"entry-footer\">Posted in <a href=\"/technology/\">Technology</a></footer>\n</article>\n\
             <section class=\"related-posts\"><h2>Related articles</h2><ul>{related}</ul></section>\n\
             <section id=\"comments\" class=\"comments-area\"><h2>{ncomments} comments</h2><ol class=\"comment-list\">\n{comments}</ol>\n\
             <div id=\"respond\"><h3>Leave a reply</h3><form><textarea name=\"comment\"></textarea><button>Post comment</button></form></div></section>\n\
             </main>\n<aside class=\"sidebar\"><section class=\"widget\"><h3>Popular posts</h3><ul>{popular}</ul></section>\n\
             <section class=\"widget newsletter\">{newsletter}</section></aside></div>\n\
             <footer class=\"site-footer\"><nav>{footer_links}</nav><p>&copy; 2024 {site}. All rights reserved.</p></footer>\n</body></html>"
        ),
        1 => format!(
            "<body class=\"post-template-default single\">\n<div id=\"page\" class=\"site\">\n\
             <header id=\"masthead\" class=\"site-header\" role=\"banner\"><div class=\"site-branding\"><p class=\"site-title\"><a href=\"/\">{site}</a></p></div>\n\
             <nav id=\"site-navigation\" class=\"main-navigation\"><ul id=\"primary-menu\">{}</ul></nav></header>\n\
             <div id=\"content\" class=\"site-content\"><div id=\"primary\" class=\"content-area\">\n\
             <div id=\"post-{i}\" class=\"post-{i} post type-post status-publish hentry\">\n\
             <h1 class=\"entry-title\">{title}</h1>\n<div class=\"entry-meta\"><span class=\"byline\">{byline}</span> <span class=\"posted-on\">{date}</span></div>\n\
             <div class=\"entry-content\">\n{body}\n\
             <div class=\"sharedaddy sd-sharing-enabled\"><h3 class=\"sd-title\">Share this:</h3><div class=\"sd-content\">{share}</div></div>\n</div>\n\
             <div class=\"jp-relatedposts\"><h3 class=\"jp-relatedposts-headline\">Related articles</h3>{related}</div>\n</div>\n\
             <div id=\"comments\" class=\"comments-area\"><h2 class=\"comments-title\">{ncomments} thoughts on &ldquo;{title}&rdquo;</h2>\n{comments}</div>\n\
             </div>\n<aside id=\"secondary\" class=\"widget-area\"><section id=\"top-posts-2\" class=\"widget widget_top-posts\"><h2 class=\"widget-title\">Popular posts</h2><ul>{popular}</ul></section>\n\
             <section id=\"blog_subscription-3\" class=\"widget\">{newsletter}</section></aside></div>\n\
             <footer id=\"colophon\" class=\"site-footer\"><div class=\"site-info\">{footer_links}<br>&copy; 2024 {site}. Proudly powered by WordPress.</div></footer></div>\n\
             <div id=\"cookie-law-info-bar\" class=\"cookie\">{cookie}</div>\n</body></html>",
            nav_links
                .split('\n')
                .map(|a| format!("<li class=\"menu-item\">{a}</li>"))
                .collect::<String>()
        ),
        2 => format!(
            "<body>\n<div class=\"cookie consent-banner\" role=\"dialog\">{cookie}</div>\n\
             <header class=\"orb-banner\"><div class=\"brand\"><a href=\"/\">{site}</a></div><nav class=\"nw-nav\">{nav_links}</nav></header>\n\
             <main id=\"main-content\" role=\"main\"><div class=\"container\"><div class=\"column--primary\">\n\
             <div class=\"story-body\"><h1 class=\"story-body__h1\">{title}</h1>\n\
             <div class=\"byline\"><span class=\"byline__name\">{byline}</span><span class=\"byline__title\">Technology reporter</span></div>\n\
             <div class=\"date date--v2\" data-datetime=\"{iso}\">{date}</div>\n\
             <div class=\"sharetools\">{share}</div>\n\
             <div class=\"story-body__inner\" property=\"articleBody\">\n{body}\n</div></div>\n\
             <div class=\"story-more\"><h2>Related articles</h2>{related}</div>\n\
             <div class=\"comments-module\"><h2>Comments ({ncomments})</h2>{comments}</div>\n\
             </div>\n<aside class=\"column--secondary\"><div class=\"most-popular\"><h2>Popular posts</h2><ol>{popular}</ol></div>\n\
             <div class=\"newsletter-promo\">{newsletter}</div></aside></div></main>\n\
             <footer class=\"orb-footer\"><div class=\"orb-footer-links\">{footer_links}</div><small>&copy; 2024 {site}. All rights reserved.</small></footer>\n</body></html>"
        ),
        3 => format!(
            "<body class=\"post-template\">\n<div class=\"site-wrapper\">\n\
             <header class=\"site-head\"><div class=\"site-head-container\"><a class=\"site-head-logo\" href=\"/\">{site}</a>\n\
             <nav class=\"site-head-menu\"><ul class=\"nav\">{}</ul></nav></div></header>\n\
             <main id=\"site-main\" class=\"site-main outer\"><div class=\"inner\">\n\
             <article class=\"post-full post\">\n<header class=\"post-full-header\"><h1 class=\"post-full-title\">{title}</h1>\n\
             <section class=\"post-full-meta\"><span class=\"author-name\">{byline}</span> <time class=\"post-full-meta-date\" datetime=\"{iso}\">{date}</time></section></header>\n\
             <section class=\"post-full-content\"><div class=\"post-content\">\n{body}\n</div></section>\n\
             <section class=\"subscribe-form\">{newsletter}</section>\n\
             <footer class=\"post-full-footer\"><div class=\"share\">{share}</div></footer>\n</article>\n\
             <section class=\"post-comments\" id=\"comments\"><h3>{ncomments} comments</h3><ol>{comments}</ol></section>\n\
             </div></main>\n<aside class=\"read-next outer\"><h3 class=\"read-next-title\">Related articles</h3><ul>{related}</ul>\n\
             <div class=\"read-next-card\"><h3>Popular posts</h3><ul>{popular}</ul></div></aside>\n\
             <footer class=\"site-footer outer\"><section class=\"copyright\">&copy; 2024 {site}</section><nav class=\"site-footer-nav\">{footer_links}</nav></footer>\n\
             <div class=\"cookie gdpr-notice\">{cookie}</div>\n</div>\n</body></html>",
            nav_links
                .split('\n')
                .map(|a| format!("<li>{a}</li>"))
                .collect::<String>()
        ),
        _ => format!(
            "<body>\n<div id=\"__next\"><div class=\"Layout_root__x2Fq1\">\n\
             <div class=\"Cookie_bar__9kLm2 cookie\">{cookie}</div>\n\
             <div class=\"Header_wrap__aZ81k\"><div class=\"Header_logo__1pQr\"><a href=\"/\">{site}</a></div>\n\
             <div class=\"Menu_items__k3Ld\">{}</div></div>\n\
             <div class=\"Grid_row__7hJs2\"><div class=\"Grid_col8__Qw01\">\n\
             <div class=\"Headline_title__m4Zr\"><span>{title}</span></div>\n\
             <div class=\"Meta_line__0pPq\"><span>{byline}</span> <span>{date}</span></div>\n\
             <div class=\"Share_row__Tt5e\">{share}</div>\n\
             <div class=\"styles_body__3xk2P\"><div class=\"styles_inner__aa91\"><div>\n{body}\n</div></div></div>\n\
             <div class=\"Related_box__Rr8n\"><div class=\"Related_head__1\">Related articles</div>{related}</div>\n\
             <div class=\"Comments_list__Zx9c\"><div class=\"Comments_head__2\">{ncomments} responses</div>{comments}</div>\n\
             </div><div class=\"Grid_col4__Lp77\"><div class=\"Rail_box__Ty6\"><div class=\"Rail_head__8\">Popular posts</div><div>{}</div></div>\n\
             <div class=\"Rail_box__Ty6 Newsletter_box__j2\">{newsletter}</div></div></div>\n\
             <div class=\"Footer_wrap__Ws33\"><div>{footer_links}</div><div>&copy; 2024 {site}. All rights reserved.</div></div>\n\
             </div></div>\n<script id=\"__NEXT_DATA__\" type=\"application/json\">{{\"props\":{{\"page\":\"/[slug]\"}}}}</script>\n</body></html>",
            nav_links
                .split('\n')
                .map(|a| format!("<div class=\"Menu_item__x\">{a}</div>"))
                .collect::<String>(),
            popular.replace("<li>", "<div>").replace("</li>", "</div>")
        ),
    };
    head + &rest
}

/// A built-in article (for the hostile pages, which need no corpus).
fn builtin_article() -> String {
    const SENTENCES: &[&str] = &[
        "The city council voted on Tuesday to extend the evening bus service to the northern districts, ending a campaign that residents had fought for almost six years.",
        "Under the plan, buses on the three busiest routes will run every fifteen minutes until midnight, and a new night route will connect the hospital with the railway station.",
        "Officials said the extra service would cost about four million a year, paid for partly by a small rise in parking charges in the centre and partly by a regional grant.",
        "Not everyone was pleased: several shop owners in the old town argued that higher parking fees would drive customers to the out-of-town retail park instead.",
        "Supporters pointed to a survey in which two thirds of shift workers said they had turned down jobs because they could not get home after the last bus had gone.",
        "The first extended timetables are due to start in September, after drivers have been recruited and trained, and the council will review the numbers after a year.",
    ];
    (0..8)
        .map(|k| {
            let para: Vec<&str> = (0..4)
                .map(|j| SENTENCES[(k + j) % SENTENCES.len()])
                .collect();
            format!("<p>{}</p>\n", para.join(" "))
        })
        .collect()
}

/// (page, truth) for a hostile case: "nested" (100,000 nested divs, then a paragraph; "nested10k"
/// the same with 10,000) or
/// "big" (a normal article page plus 10 MB of repeated paragraphs).
pub fn hostile_page(case: &str) -> (String, String) {
    match case {
        "nested" | "nested10k" => {
            let para = "<p>At the very bottom of a hundred thousand nested elements sits one ordinary paragraph, \
                        long enough to be worth extracting, with commas, full stops, and several clauses, so that a \
                        readability scorer would pick it if it ever got this far down the tree.</p>";
            let depth = if case == "nested" { 100_000 } else { 10_000 };
            let mut html = String::with_capacity(depth * 11 + 1000);
            html.push_str("<!DOCTYPE html><html><head><title>Deep</title></head><body>");
            html.push_str(&"<div>".repeat(depth));
            html.push_str(para);
            html.push_str(&"</div>".repeat(depth));
            html.push_str("</body></html>");
            (html, crate::text::html_to_text(para))
        }
        "big" => {
            let article = builtin_article();
            let entry = Entry {
                feed: String::new(),
                title: "Council extends evening bus service".to_owned(),
                author: "Jane Doe".to_owned(),
                truth: crate::text::html_to_text(&article),
                body_html: article,
            };
            let page = page(0, &entry, 0);
            let filler = "<p>Archive: this paragraph is repeated to make the page very large. It has commas, \
                          like a real paragraph, and enough words to be scored as content by a readability port.</p>\n";
            let mut big = String::with_capacity(10_500_000 + page.len());
            big.push_str("<div class=\"archive\">");
            while big.len() < 10_000_000 {
                big.push_str(filler);
            }
            big.push_str("</div>");
            let at = page.rfind("</body>").unwrap_or(page.len());
            (format!("{}{big}{}", &page[..at], &page[at..]), entry.truth)
        }
        _ => panic!("unknown hostile case {case}"),
    }
}
