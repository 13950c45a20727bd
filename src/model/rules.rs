//! Rules (issue #20): a filter and what to do to the entries it matches as they arrive.
//! `[[rules]]` in the config makes them (`config::rules`); the store applies them to each new
//! entry inside its feed's transaction (`judge`), and `tidings rules apply` to what is stored.

use super::query::{Candidate, Query, holds};

/// One rule: every new entry its filter matches gets its actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub name: String,
    pub query: Query,
    pub actions: Vec<RuleAction>,
}

/// What a rule does to an entry. The words are fixed (`hide`, `skip`, `read`, `star`,
/// `label NAME`, `highlight STYLE`, `notify`): scripts and dotfiles rely on them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RuleAction {
    /// Stored, but out of every view without a `hidden` term.
    Hide,
    /// Never stored.
    Skip,
    Read,
    Star,
    Label(String),
    /// The row is drawn in this style (a theme role's name or a style like `bold red`).
    Highlight(String),
    /// Said to the person at the terminal (and to `[notify] command`), once per refresh.
    Notify,
    /// Its enclosures (audio and video files) queued for download (issue #22).
    Download,
}

impl RuleAction {
    /// Reads an action as the config writes it. A highlight's style is checked by the config,
    /// which knows the theme's roles.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (word, rest) = match text.split_once(char::is_whitespace) {
            Some((w, r)) => (w, r.trim()),
            None => (text, ""),
        };
        let bare = |action: RuleAction| {
            if rest.is_empty() {
                Ok(action)
            } else {
                Err(format!(
                    "\"{word}\" takes nothing after it (found \"{rest}\")"
                ))
            }
        };
        match word.to_ascii_lowercase().as_str() {
            "hide" => bare(RuleAction::Hide),
            "skip" => bare(RuleAction::Skip),
            "read" => bare(RuleAction::Read),
            "star" => bare(RuleAction::Star),
            "notify" => bare(RuleAction::Notify),
            "download" => bare(RuleAction::Download),
            "label" if rest.is_empty() || rest.contains(char::is_whitespace) => Err(
                "\"label\" needs one word after it, the label's name, as in \"label later\"".into(),
            ),
            "label" => Ok(RuleAction::Label(rest.to_owned())),
            "highlight" if rest.is_empty() => Err(
                "\"highlight\" needs a style after it, as in \"highlight found\" or \
                 \"highlight bold yellow\""
                    .into(),
            ),
            "highlight" => Ok(RuleAction::Highlight(rest.to_owned())),
            _ => Err(format!(
                "unknown action \"{text}\" (the actions are hide, skip, read, star, \
                 label NAME, highlight STYLE, notify, download)"
            )),
        }
    }
}

impl std::fmt::Display for RuleAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RuleAction::Hide => f.write_str("hide"),
            RuleAction::Skip => f.write_str("skip"),
            RuleAction::Read => f.write_str("read"),
            RuleAction::Star => f.write_str("star"),
            RuleAction::Label(name) => write!(f, "label {name}"),
            RuleAction::Highlight(style) => write!(f, "highlight {style}"),
            RuleAction::Notify => f.write_str("notify"),
            RuleAction::Download => f.write_str("download"),
        }
    }
}

/// What the rules decided for one new entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fate {
    pub skip: bool,
    pub read: bool,
    pub starred: bool,
    pub hidden: bool,
    /// Labels, in the order the rules gave them, each once (case ignored).
    pub labels: Vec<String>,
    /// The last highlight that matched.
    pub highlight: Option<String>,
    /// The name of the first notify rule that matched.
    pub notify: Option<String>,
    /// Its enclosures are to be downloaded.
    pub download: bool,
}

/// Applies `rules` in order to `entry`: each sees the marks the earlier ones gave (a rule
/// with `read` makes a later `unread` rule not match). Skipping stops there.
pub fn judge(rules: &[Rule], entry: &mut Candidate<'_>, now: i64) -> Fate {
    let mut fate = Fate::default();
    for rule in rules {
        if !holds(&rule.query, entry, now) {
            continue;
        }
        for action in &rule.actions {
            match action {
                RuleAction::Skip => {
                    fate.skip = true;
                    return fate;
                }
                RuleAction::Hide => {
                    fate.hidden = true;
                    entry.hidden = true;
                }
                RuleAction::Read => {
                    fate.read = true;
                    entry.read = true;
                }
                RuleAction::Star => {
                    fate.starred = true;
                    entry.starred = true;
                }
                RuleAction::Label(name) => {
                    let folded = name.to_lowercase();
                    if !entry.labels.contains(&folded) {
                        entry.labels.push(folded);
                        fate.labels.push(name.clone());
                    }
                }
                RuleAction::Highlight(style) => fate.highlight = Some(style.clone()),
                RuleAction::Notify => {
                    fate.notify.get_or_insert_with(|| rule.name.clone());
                }
                RuleAction::Download => fate.download = true,
            }
        }
    }
    fate
}

/// A new entry a notify rule matched, as notifications and `[notify] command` tell it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Noticed {
    pub id: super::EntryId,
    pub feed: String,
    pub title: String,
    pub link: Option<String>,
    /// The rule that asked for it.
    pub rule: String,
}

/// One line telling what notify rules matched: "3 new for your rules: Title (Feed); …",
/// at most `max` characters, safe for a terminal's notification (no control characters).
pub fn summary(noticed: &[Noticed], max: usize) -> String {
    let mut out = match noticed.len() {
        1 => "1 new entry for your rules: ".to_owned(),
        n => format!("{n} new entries for your rules: "),
    };
    for (i, n) in noticed.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(&n.title);
        if !n.feed.is_empty() {
            out.push_str(" (");
            out.push_str(&n.feed);
            out.push(')');
        }
        if out.chars().count() > max {
            break;
        }
    }
    let clean: String = super::sanitize::line(&out)
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    if clean.chars().count() > max {
        let mut cut: String = clean.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    } else {
        clean
    }
}

/// A mark change made outside the reader (`tidings rules apply`) that its undo takes back:
/// what made it, the mark, and the entries it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journaled {
    pub what: String,
    pub mark: super::Mark,
    pub ids: Vec<super::EntryId>,
    /// The label's name, for a label mark.
    pub label: Option<String>,
}

/// What rules did to the entries a refresh stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ruled {
    /// New entries not stored, for a `skip` rule.
    pub skipped: usize,
    pub noticed: Vec<Noticed>,
    /// Downloads a `download` rule queued.
    pub downloads: usize,
}

impl Ruled {
    pub fn add(&mut self, other: Ruled) {
        self.skipped += other.skipped;
        self.downloads += other.downloads;
        self.noticed.extend(other.noticed);
    }
}

/// A rule from its filter and actions as the config writes them (for tests).
#[cfg(test)]
pub(crate) fn rule(name: &str, filter: &str, actions: &[&str]) -> Rule {
    Rule {
        name: name.into(),
        query: super::query::parse(filter).expect("a filter that parses"),
        actions: actions
            .iter()
            .map(|a| RuleAction::parse(a).expect("an action"))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_read_as_written_and_bad_ones_say_why() {
        for text in [
            "hide",
            "skip",
            "read",
            "star",
            "notify",
            "label later",
            "highlight bold yellow",
        ] {
            assert_eq!(RuleAction::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(RuleAction::parse(" HIDE ").unwrap(), RuleAction::Hide);
        for (text, why) in [
            ("delete", "unknown action \"delete\""),
            ("label", "needs one word"),
            ("label a b", "needs one word"),
            ("highlight", "needs a style"),
            ("read now", "takes nothing after it"),
        ] {
            let err = RuleAction::parse(text).unwrap_err();
            assert!(err.contains(why), "{text}: {err}");
        }
    }

    #[test]
    fn the_summary_is_one_bounded_line_without_control_characters() {
        let noticed = |title: &str| Noticed {
            id: crate::model::EntryId(1),
            feed: "LWN".into(),
            title: title.into(),
            link: None,
            rule: "r".into(),
        };
        assert_eq!(
            summary(&[noticed("Kernel 7.0")], 100),
            "1 new entry for your rules: Kernel 7.0 (LWN)"
        );
        let many: Vec<Noticed> = (0..50)
            .map(|i| noticed(&format!("T{i}\u{1b}]9;x\u{7}")))
            .collect();
        let line = summary(&many, 80);
        assert!(
            line.starts_with("50 new entries for your rules: T0]9;x (LWN); T1"),
            "{line}"
        );
        assert_eq!(line.chars().count(), 80);
        assert!(line.ends_with('…'));
        assert!(!line.chars().any(char::is_control));
    }

    #[test]
    fn rules_apply_in_order_and_see_what_earlier_ones_did() {
        let rules = [
            rule("ads", "title:/^\\[ad\\]/", &["hide", "read"]),
            rule("unread rust", "unread rust", &["label rust", "notify"]),
            rule("rust", "rust", &["label Rust", "highlight found", "notify"]),
            rule("spam", "casino", &["skip"]),
        ];
        let mut ad = Candidate {
            title: "[Ad] Rust hosting",
            ..Candidate::default()
        };
        let fate = judge(&rules, &mut ad, 0);
        assert!(fate.hidden && fate.read && !fate.skip);
        // Read by the first rule: the second does not match; the third labels once.
        assert_eq!(fate.labels, ["Rust"]);
        assert_eq!(fate.highlight.as_deref(), Some("found"));
        assert_eq!(fate.notify.as_deref(), Some("rust"));
        let mut news = Candidate {
            title: "Rust 2.0",
            ..Candidate::default()
        };
        let fate = judge(&rules, &mut news, 0);
        assert_eq!(fate.labels, ["rust"]);
        assert_eq!(fate.notify.as_deref(), Some("unread rust"));
        let mut spam = Candidate {
            title: "Casino",
            ..Candidate::default()
        };
        assert!(judge(&rules, &mut spam, 0).skip);
        let mut other = Candidate {
            title: "Gardening",
            ..Candidate::default()
        };
        assert_eq!(judge(&rules, &mut other, 0), Fate::default());
    }
}
