//! The formats entries export to: named here so the reader's export dialog can offer them
//! without depending on the `export` layer that writes them.

/// The formats items export to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Markdown,
    Text,
    Html,
    Json,
    Atom,
    Csv,
}

impl ExportFormat {
    pub const NAMES: [&'static str; 6] = ["md", "txt", "html", "json", "atom", "csv"];
    pub const ALL: [ExportFormat; 6] = [
        ExportFormat::Markdown,
        ExportFormat::Text,
        ExportFormat::Html,
        ExportFormat::Json,
        ExportFormat::Atom,
        ExportFormat::Csv,
    ];

    /// Whether the format carries entry bodies at all (CSV has only titles, links, feeds,
    /// dates and authors).
    pub fn has_bodies(self) -> bool {
        self != ExportFormat::Csv
    }

    /// The short name, which is also the file extension.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Markdown => "md",
            ExportFormat::Text => "txt",
            ExportFormat::Html => "html",
            ExportFormat::Json => "json",
            ExportFormat::Atom => "atom",
            ExportFormat::Csv => "csv",
        }
    }

    /// What a person calls it.
    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Markdown => "Markdown",
            ExportFormat::Text => "plain text",
            ExportFormat::Html => "HTML",
            ExportFormat::Json => "JSON",
            ExportFormat::Atom => "Atom",
            ExportFormat::Csv => "CSV",
        }
    }

    /// The format a name (or a file extension) stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "md" | "markdown" => ExportFormat::Markdown,
            "txt" | "text" => ExportFormat::Text,
            "html" | "htm" => ExportFormat::Html,
            "json" => ExportFormat::Json,
            "atom" | "xml" => ExportFormat::Atom,
            "csv" => ExportFormat::Csv,
            _ => return None,
        })
    }
}
