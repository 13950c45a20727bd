//! Every path one source file names: in `use` trees (groups, renames and globs expanded), in
//! code and types, and inside macro calls (scanned token by token), each resolved against the
//! module it is written in (`crate::`, `self::`, `super::super::`, inline `mod` blocks).

use proc_macro2::{TokenStream, TokenTree};
use std::collections::HashSet;
use syn::visit::{self, Visit};

/// Where a path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Into this crate: the absolute module path, without `crate`.
    Crate(Vec<String>),
    /// Into another crate (`std` included): its name first.
    Extern(Vec<String>),
}

/// One path named in a file.
#[derive(Debug, Clone)]
pub struct Named {
    pub line: usize,
    /// The path as written (`::` between segments).
    pub written: String,
    /// The segments as written, for checks that do not need resolving (clocks).
    pub segments: Vec<String>,
    pub target: Target,
}

/// A `pub use`: naming `alias` (an absolute crate path) is naming `target`.
#[derive(Debug, Clone)]
pub struct Reexport {
    pub alias: Vec<String>,
    pub target: Target,
}

#[derive(Default)]
pub struct Scanned {
    pub named: Vec<Named>,
    pub reexports: Vec<Reexport>,
}

/// Scans `source`, written in module `module` (e.g. `["app", "feeds"]`); `externs` are the
/// names of outside crates (`std`, `core`, `alloc` and the dependencies).
pub fn scan(source: &str, module: &[String], externs: &HashSet<String>) -> syn::Result<Scanned> {
    let file = syn::parse_file(source)?;
    let mut scanner = Scanner {
        module: module.to_vec(),
        externs,
        out: Scanned::default(),
    };
    scanner.visit_file(&file);
    Ok(scanner.out)
}

struct Scanner<'a> {
    module: Vec<String>,
    externs: &'a HashSet<String>,
    out: Scanned,
}

impl Scanner<'_> {
    fn resolve(&self, segments: &[String]) -> Option<Target> {
        let first = segments.first()?;
        match first.as_str() {
            "crate" => Some(Target::Crate(segments[1..].to_vec())),
            "self" | "super" => {
                let mut module = self.module.clone();
                let mut rest = segments;
                while let Some(head) = rest.first() {
                    match head.as_str() {
                        "self" => {}
                        "super" => {
                            module.pop();
                        }
                        _ => break,
                    }
                    rest = &rest[1..];
                }
                module.extend(rest.iter().cloned());
                Some(Target::Crate(module))
            }
            "Self" => None,
            "" => Some(Target::Extern(segments[1..].to_vec())),
            name if self.externs.contains(name) => Some(Target::Extern(segments.to_vec())),
            // A name in scope here (a child module, an item, something imported: the import
            // itself is checked where it is written).
            _ => {
                let mut module = self.module.clone();
                module.extend(segments.iter().cloned());
                Some(Target::Crate(module))
            }
        }
    }

    fn name(&mut self, segments: Vec<String>, line: usize) {
        if let Some(target) = self.resolve(&segments) {
            self.out.named.push(Named {
                line,
                written: segments.join("::"),
                segments,
                target,
            });
        }
    }

    fn use_tree(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>, public: bool) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(&p.tree, prefix, public);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                let alias = if name == "self" {
                    prefix.last().cloned().unwrap_or_default()
                } else {
                    name.clone()
                };
                let mut path = prefix.clone();
                if name != "self" {
                    path.push(name);
                }
                self.used(path, Some(alias), n.ident.span().start().line, public);
            }
            syn::UseTree::Rename(r) => {
                let mut path = prefix.clone();
                path.push(r.ident.to_string());
                let alias = r.rename.to_string();
                self.used(path, Some(alias), r.ident.span().start().line, public);
            }
            syn::UseTree::Glob(g) => {
                let line = g.star_token.spans[0].start().line;
                self.used(prefix.clone(), None, line, public);
            }
            syn::UseTree::Group(g) => {
                for item in &g.items {
                    self.use_tree(item, prefix, public);
                }
            }
        }
    }

    fn used(&mut self, path: Vec<String>, alias: Option<String>, line: usize, public: bool) {
        if public
            && let (Some(alias), Some(target)) = (alias, self.resolve(&path))
            && alias != "_"
        {
            let mut full = self.module.clone();
            full.push(alias);
            self.out.reexports.push(Reexport {
                alias: full,
                target,
            });
        }
        self.name(path, line);
    }

    /// Paths inside a macro's tokens: runs of `ident :: ident …` (and a leading `::`).
    fn macro_tokens(&mut self, tokens: TokenStream) {
        let mut run: Vec<String> = Vec::new();
        let mut line = 0;
        let mut colons = 0;
        let flush = |this: &mut Self, run: &mut Vec<String>, line: usize| {
            if run.len() > 1 || run.first().is_some_and(|s| s.is_empty()) {
                this.name(std::mem::take(run), line);
            }
            run.clear();
        };
        for tree in tokens {
            match tree {
                TokenTree::Ident(ident) => {
                    if run.is_empty() || colons == 2 {
                        if run.is_empty() {
                            line = ident.span().start().line;
                        }
                        run.push(ident.to_string());
                    } else {
                        flush(self, &mut run, line);
                        line = ident.span().start().line;
                        run.push(ident.to_string());
                    }
                    colons = 0;
                }
                TokenTree::Punct(p) if p.as_char() == ':' => {
                    colons += 1;
                    if colons == 2 && run.is_empty() {
                        run.push(String::new());
                        line = p.span().start().line;
                    }
                }
                TokenTree::Group(group) => {
                    flush(self, &mut run, line);
                    colons = 0;
                    self.macro_tokens(group.stream());
                }
                TokenTree::Punct(_) | TokenTree::Literal(_) => {
                    flush(self, &mut run, line);
                    colons = 0;
                }
            }
        }
        flush(self, &mut run, line);
    }
}

impl<'ast> Visit<'ast> for Scanner<'_> {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if item.content.is_some() {
            self.module.push(item.ident.to_string());
            visit::visit_item_mod(self, item);
            self.module.pop();
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let public = !matches!(item.vis, syn::Visibility::Inherited);
        let mut prefix = if item.leading_colon.is_some() {
            vec![String::new()]
        } else {
            Vec::new()
        };
        self.use_tree(&item.tree, &mut prefix, public);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let mut segments: Vec<String> = Vec::new();
        if path.leading_colon.is_some() {
            segments.push(String::new());
        }
        segments.extend(path.segments.iter().map(|s| s.ident.to_string()));
        if segments.len() > 1 {
            let line = path
                .segments
                .first()
                .map_or(0, |s| s.ident.span().start().line);
            self.name(segments, line);
        }
        visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        visit::visit_macro(self, mac);
        self.macro_tokens(mac.tokens.clone());
    }
}
