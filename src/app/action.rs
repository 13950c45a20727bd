//! The vocabulary of user intent. The runtime maps keys to these; `update` gives them meaning
//! in the view that is in front.

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Open the entry or feed under the cursor.
    Open,
    /// Back to the previous view; quits from the unfiltered stream.
    Back,
    /// Back to the previous view; never quits.
    Cancel,
    Quit,
    ToggleRead,
    ToggleStar,
    ToggleUnreadOnly,
    /// Switch between the stream and the feed list.
    Feeds,
    Help,
    RefreshAll,
    /// Refresh the feed of the entry (or the feed) under the cursor.
    RefreshFeed,
}

impl Action {
    /// Every action, in the order the help screen lists them.
    pub const ALL: [Action; 17] = [
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
        Action::ToggleUnreadOnly,
        Action::Feeds,
        Action::RefreshAll,
        Action::RefreshFeed,
        Action::Help,
        Action::Quit,
    ];

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
            Action::Cancel => "back (never quits)",
            Action::Quit => "quit from anywhere",
            Action::ToggleRead => "toggle read",
            Action::ToggleStar => "toggle starred",
            Action::ToggleUnreadOnly => "show unread only / everything",
            Action::Feeds => "switch between the stream and the feed list",
            Action::Help => "show this help",
            Action::RefreshAll => "refresh all feeds in the background",
            Action::RefreshFeed => "refresh the feed under the cursor, or the open entry's",
        }
    }
}

/// One line of the help screen: the keys bound to an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpRow {
    pub keys: String,
    pub action: Action,
}
