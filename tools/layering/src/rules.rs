//! The layer table of docs/DESIGN.md §2, as data: which of the crate's modules each module may
//! use, which outside crates it must not, and, for the pure layers (`app`, `ui`), which parts
//! of `std` and which calls would let them touch clocks, files, threads, processes or the
//! network.

/// The crate's top-level modules, innermost first.
pub const MODULES: &[&str] = &[
    "model", "config", "store", "fetch", "render", "export", "app", "ui", "tui", "cli",
];

/// The modules `module` may use besides itself (`None`: not a layer, e.g. the crate root).
pub fn allowed(module: &str) -> Option<&'static [&'static str]> {
    Some(match module {
        "model" => &[],
        "config" | "store" | "render" => &["model"],
        "fetch" => &["model", "store", "render"],
        "export" => &["model", "store", "render"],
        "app" => &["model", "render"],
        "ui" => &["model", "render", "config", "app"],
        "tui" => &[
            "model", "config", "store", "fetch", "render", "export", "app", "ui",
        ],
        "cli" => &[
            "model", "config", "store", "fetch", "render", "export", "tui",
        ],
        _ => return None,
    })
}

/// Outside crates `module` must not name.
pub fn forbidden_crates(module: &str) -> &'static [&'static str] {
    // I/O of every kind: what the pure layers (`app`, `ui`) must not name; `app` draws nothing
    // either, so it is also kept from ratatui.
    const IO_AND_DRAWING: &[&str] = &[
        "tokio",
        "rusqlite",
        "reqwest",
        "crossterm",
        "libc",
        "tempfile",
        "directories",
        "ratatui",
    ];
    const IO: &[&str] = IO_AND_DRAWING.split_last().expect("a list").1;
    match module {
        "model" | "render" => &["tokio", "rusqlite", "reqwest", "crossterm", "ratatui"],
        "config" => &["tokio", "rusqlite", "reqwest", "crossterm"],
        "store" => &["tokio", "reqwest", "crossterm", "ratatui"],
        "fetch" => &["crossterm", "ratatui"],
        "export" => &["tokio", "reqwest", "crossterm", "ratatui"],
        "app" => IO_AND_DRAWING,
        "ui" => IO,
        _ => &[],
    }
}

/// Whether `module` is a pure layer: no clock, file, thread, process, environment or network.
pub fn is_pure(module: &str) -> bool {
    matches!(module, "app" | "ui")
}

/// Parts of `std` a pure layer must not name, and why.
pub const IMPURE_STD: &[(&[&str], &str)] = &[
    (&["std", "fs"], "the filesystem"),
    (&["std", "os"], "the operating system"),
    (&["std", "net"], "the network"),
    (&["std", "thread"], "threads"),
    (&["std", "process"], "processes"),
    (&["std", "env"], "the environment"),
    (&["std", "io", "stdin"], "the terminal"),
    (&["std", "io", "stdout"], "the terminal"),
    (&["std", "io", "stderr"], "the terminal"),
];

/// Types whose `now` reads a clock (whatever path they are named by).
pub const CLOCKS: &[&str] = &["Utc", "Local", "SystemTime", "Instant", "OffsetDateTime"];
