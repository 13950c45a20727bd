//! The vocabulary of user intent. The runtime maps keys to these (the keymap in the config
//! names them by `Action::name`); `app::update` gives them meaning in the view in front.

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    /// Open the entry or feed under the cursor.
    Open,
    /// Back to the previous view; quits from the unfiltered stream.
    Back,
    /// Back to the previous view, clear the selection or the filter; never quits.
    Cancel,
    ToggleRead,
    ToggleStar,
    /// Add the entry under the cursor to the selection, or take it out.
    ToggleSelect,
    /// Start or end a range selection at the cursor.
    SelectRange,
    /// Select everything in the view (or clear the selection if everything is selected).
    SelectAll,
    /// Mark everything in the view read (asks first).
    MarkAllRead,
    /// Mark the entries from the top of the view down to the cursor read.
    MarkAboveRead,
    /// Take back the last mark change.
    Undo,
    /// Put a label on the selection or the entry (asks for its name).
    AddLabel,
    /// Take a label off the selection or the entry (asks for its name).
    RemoveLabel,
    /// Export the selection (or the entry in front) to a file or the clipboard.
    Export,
    /// Type a filter (or search) for the stream.
    Filter,
    ToggleUnreadOnly,
    /// Every copy of a story several feeds tell, or each story once.
    ToggleCopies,
    /// In the reader: the next or previous entry of the stream.
    NextEntry,
    PrevEntry,
    /// The next unread entry after the cursor (or the open entry).
    NextUnread,
    /// In the reader: the next or previous line matching the search.
    NextMatch,
    PrevMatch,
    /// In the reader: the entry's links, to pick one.
    Links,
    /// In the reader: fetch the entry's whole article (again); in the feed list: fetch the
    /// whole article of the feed's new entries, or stop.
    FullArticle,
    /// Open the link (of the entry, or the one picked) in a browser; over SSH, copy it.
    OpenLink,
    /// Copy the link to the clipboard of the terminal you type in (OSC 52).
    CopyLink,
    /// Play the enclosure in front with the player for its type.
    Play,
    /// Queue the download of the enclosure in front (or the selection's).
    Download,
    /// The download queue.
    Downloads,
    /// Switch between the stream and the feed list.
    Feeds,
    RefreshAll,
    /// Refresh the feed of the entry (or the feed) under the cursor.
    RefreshFeed,
    /// Subscribe to a feed (asks for its URL, or a web page that names it).
    AddFeed,
    /// Unsubscribe from the feed under the cursor (asks first).
    RemoveFeed,
    /// Merge the feed under the cursor with the subscription it looks like (asks first).
    MergeFeeds,
    /// Give the feed under the cursor a title of your own.
    RenameFeed,
    /// Edit the tags of the feed under the cursor.
    EditTags,
    Help,
    Quit,
}

impl Action {
    /// Every action, in the order the help screen lists them.
    pub const ALL: [Action; 45] = [
        Action::Down,
        Action::Up,
        Action::PageDown,
        Action::PageUp,
        Action::Top,
        Action::Bottom,
        Action::Open,
        Action::Back,
        Action::Cancel,
        Action::ToggleRead,
        Action::ToggleStar,
        Action::ToggleSelect,
        Action::SelectRange,
        Action::SelectAll,
        Action::MarkAllRead,
        Action::MarkAboveRead,
        Action::Undo,
        Action::AddLabel,
        Action::RemoveLabel,
        Action::Export,
        Action::Filter,
        Action::ToggleUnreadOnly,
        Action::ToggleCopies,
        Action::NextEntry,
        Action::PrevEntry,
        Action::NextUnread,
        Action::NextMatch,
        Action::PrevMatch,
        Action::Links,
        Action::FullArticle,
        Action::OpenLink,
        Action::CopyLink,
        Action::Play,
        Action::Download,
        Action::Downloads,
        Action::Feeds,
        Action::RefreshAll,
        Action::RefreshFeed,
        Action::AddFeed,
        Action::RemoveFeed,
        Action::MergeFeeds,
        Action::RenameFeed,
        Action::EditTags,
        Action::Help,
        Action::Quit,
    ];

    /// The name the config file uses for this action.
    pub fn name(self) -> &'static str {
        match self {
            Action::Down => "down",
            Action::Up => "up",
            Action::PageDown => "page-down",
            Action::PageUp => "page-up",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::Open => "open",
            Action::Back => "back",
            Action::Cancel => "cancel",
            Action::ToggleRead => "toggle-read",
            Action::ToggleStar => "toggle-star",
            Action::ToggleSelect => "toggle-select",
            Action::SelectRange => "select-range",
            Action::SelectAll => "select-all",
            Action::MarkAllRead => "mark-all-read",
            Action::MarkAboveRead => "mark-above-read",
            Action::Undo => "undo",
            Action::AddLabel => "add-label",
            Action::RemoveLabel => "remove-label",
            Action::Export => "export",
            Action::Filter => "filter",
            Action::ToggleUnreadOnly => "toggle-unread-only",
            Action::ToggleCopies => "toggle-copies",
            Action::NextEntry => "next-entry",
            Action::PrevEntry => "prev-entry",
            Action::NextUnread => "next-unread",
            Action::NextMatch => "next-match",
            Action::PrevMatch => "prev-match",
            Action::Links => "links",
            Action::FullArticle => "full-article",
            Action::OpenLink => "open-link",
            Action::CopyLink => "copy-link",
            Action::Play => "play",
            Action::Download => "download",
            Action::Downloads => "downloads",
            Action::Feeds => "feeds",
            Action::RefreshAll => "refresh-all",
            Action::RefreshFeed => "refresh-feed",
            Action::AddFeed => "add-feed",
            Action::RemoveFeed => "remove-feed",
            Action::MergeFeeds => "merge-feeds",
            Action::RenameFeed => "rename-feed",
            Action::EditTags => "edit-tags",
            Action::Help => "help",
            Action::Quit => "quit",
        }
    }

    /// The action a config file names, if any.
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }

    /// One line for the help screen.
    pub fn describe(self) -> &'static str {
        match self {
            Action::Up => "move up (scroll up in the reader)",
            Action::Down => "move down (scroll down in the reader)",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "go to the top",
            Action::Bottom => "go to the bottom",
            Action::Open => "open the entry (stream) or show the feed's entries (feed list)",
            Action::Back => "back; on the stream, quit",
            Action::Cancel => "clear the selection, then the filter; back (never quits)",
            Action::ToggleRead => "toggle read (the selection, if any)",
            Action::ToggleStar => "toggle starred (the selection, if any)",
            Action::ToggleSelect => "select the entry / unselect it",
            Action::SelectRange => "start or end a range selection",
            Action::SelectAll => "select everything in the view / clear",
            Action::MarkAllRead => "mark everything in the view read (asks)",
            Action::MarkAboveRead => "mark the entries above the cursor read",
            Action::Undo => "undo the last mark or label change",
            Action::AddLabel => "put a label on the selection or the entry (asks its name)",
            Action::RemoveLabel => "take a label off the selection or the entry",
            Action::Export => "export the selection (or the entry) to a file or the clipboard",
            Action::Filter => "filter and search: unread starred feed: tag: author: since: …",
            Action::ToggleUnreadOnly => "show unread only / everything",
            Action::ToggleCopies => "show every copy of a story / each story once",
            Action::NextEntry => "next entry (reader)",
            Action::PrevEntry => "previous entry (reader)",
            Action::NextUnread => "next unread entry",
            Action::NextMatch => "next search match (reader)",
            Action::PrevMatch => "previous search match (reader)",
            Action::Links => "the entry's links, to pick one (reader)",
            Action::FullArticle => {
                "fetch the whole article (reader); whole articles for the feed on/off (feeds)"
            }
            Action::OpenLink => "open the link in a browser (over SSH: copy it)",
            Action::CopyLink => "copy the link (to your terminal's clipboard)",
            Action::Play => "play the enclosure (podcast, video); the file if downloaded",
            Action::Download => "download the enclosure (the selection's); retry (queue)",
            Action::Downloads => "the download queue, with progress",
            Action::Feeds => "switch between the stream and the feed list",
            Action::RefreshAll => "refresh all feeds in the background",
            Action::RefreshFeed => "refresh the feed under the cursor, or the open entry's",
            Action::AddFeed => "subscribe to a feed (a feed's URL or a page naming it)",
            Action::RemoveFeed => "unsubscribe from the feed under the cursor (asks)",
            Action::MergeFeeds => "merge the feed with the subscription it looks like (asks)",
            Action::RenameFeed => "rename the feed under the cursor (empty: its own title)",
            Action::EditTags => "edit the tags of the feed under the cursor",
            Action::Help => "show this help",
            Action::Quit => "quit from anywhere",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_unique_name_that_reads_back() {
        let mut names = std::collections::HashSet::new();
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
            names.insert(a.name());
        }
        assert_eq!(names.len(), Action::ALL.len());
        assert_eq!(Action::from_name("fly"), None);
    }
}
