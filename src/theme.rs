//! The theme: the built-in default theme embedded in the binary, layered
//! with a site's own theme files.
//!
//! The default theme's source is `themes/default/` in this repository; it is
//! compiled in, so a site needs only `site.yaml` and `content/`. A site's
//! `themes/<name>/` and `templates/` files override or extend it file by
//! file. Pure: the overrides arrive as `SourceFile`s.

use std::collections::BTreeMap;

use crate::source::SourceFile;

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!("../themes/default/", $path)) as &[u8])),*]
    };
}

/// The default theme's files, relative to the theme root.
const DEFAULT: &[(&str, &[u8])] = embed![
    "templates/base.html",
    "templates/macros.html",
    "templates/home.html",
    "templates/section.html",
    "templates/page.html",
    "templates/leerlijn.html",
    "templates/404.html",
    "templates/section-sdg.html",
    "templates/overzicht.html",
    "templates/cursusmap.html",
    "templates/search.html",
    "templates/search-box.html",
    "templates/partials/crumbs.html",
    "templates/partials/updated.html",
    "templates/partials/fields.html",
    "templates/partials/toc.html",
    "templates/partials/related.html",
    "templates/partials/graph.html",
    "templates/partials/backlinks.html",
    "templates/partials/cite.html",
    "static/style.css",
    "static/search.js",
    "static/favicon.svg",
    "static/vakwerk.js",
    "i18n/nl.yaml",
    "i18n/en.yaml",
];

/// A resolved theme: templates, static files and UI strings.
#[derive(Clone, Debug, Default)]
pub struct Theme {
    /// Template name (`page.html`) → source.
    pub templates: BTreeMap<String, String>,
    /// Output path (`style.css`) → bytes.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Language (`nl`) → YAML text of UI strings.
    pub i18n: BTreeMap<String, String>,
    /// Theme files that could not be used (not UTF-8, unknown folder).
    pub problems: Vec<String>,
    /// Templates the site's files provide (the rest come from the default).
    pub overridden: Vec<String>,
}

impl Theme {
    /// The default theme with `overrides` layered on top.
    pub fn load(overrides: &[SourceFile]) -> Theme {
        let mut theme = Theme::default();
        for (path, bytes) in DEFAULT {
            theme.add(path, bytes);
        }
        for file in overrides {
            theme.add(&file.path, &file.bytes);
            if let Some(name) = file.path.strip_prefix("templates/") {
                theme.overridden.push(name.to_string());
            }
        }
        theme
    }

    /// Default templates a site theme does not provide, so they fall back to
    /// the built-in ones (worth a note when a site uses its own theme).
    pub fn fallbacks(&self) -> Vec<&str> {
        DEFAULT
            .iter()
            .filter_map(|(p, _)| p.strip_prefix("templates/"))
            .filter(|t| !self.overridden.iter().any(|o| o == t))
            .collect()
    }

    /// Whether the templates are exactly the built-in ones: the same names,
    /// byte for byte the same text (a site's copy of the default theme, as
    /// the bundled knowledge base has, counts until it is edited).
    pub fn templates_are_default(&self) -> bool {
        let defaults = DEFAULT
            .iter()
            .filter_map(|(p, b)| Some((p.strip_prefix("templates/")?, *b)));
        defaults.clone().count() == self.templates.len()
            && defaults.into_iter().all(|(name, bytes)| {
                self.templates
                    .get(name)
                    .is_some_and(|t| t.as_bytes() == bytes)
            })
    }

    fn add(&mut self, path: &str, bytes: &[u8]) {
        let text = || String::from_utf8(bytes.to_vec()).ok();
        if let Some(name) = path.strip_prefix("templates/") {
            match text() {
                Some(t) => {
                    self.templates.insert(name.to_string(), t);
                }
                None => self
                    .problems
                    .push(format!("template {path} is not valid UTF-8")),
            }
        } else if let Some(name) = path.strip_prefix("static/") {
            self.statics.insert(name.to_string(), bytes.to_vec());
        } else if let Some(name) = path
            .strip_prefix("i18n/")
            .and_then(|n| n.strip_suffix(".yaml"))
        {
            match text() {
                Some(t) => {
                    self.i18n.insert(name.to_string(), t);
                }
                None => self
                    .problems
                    .push(format!("i18n file {path} is not valid UTF-8")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Theme;
    use crate::source::SourceFile;

    /// The built-in theme, and a site's unedited copy of it, count as the
    /// default templates; one edited or one added template does not.
    #[test]
    fn templates_are_default_only_while_unchanged() {
        assert!(Theme::load(&[]).templates_are_default());
        let page = include_str!("../themes/default/templates/page.html");
        let copy = SourceFile::new("templates/page.html", page.as_bytes());
        assert!(Theme::load(std::slice::from_ref(&copy)).templates_are_default());
        let edited = SourceFile::new("templates/page.html", format!("{page} ").as_bytes());
        assert!(!Theme::load(&[edited]).templates_are_default());
        let added = SourceFile::new("templates/methode.html", b"{{ page.title }}".as_slice());
        assert!(!Theme::load(&[added]).templates_are_default());
    }
}
