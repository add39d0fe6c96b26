//! Slugs: the URL-safe names of pages and heading anchors.
//!
//! A slug is NFC-normalised, transliterated to ASCII (`cliënt` → `client`),
//! lowercased, and made of `[a-z0-9]` runs joined by `-`. The same function
//! makes heading ids, so editors can predict anchors from heading text.

use unicode_normalization::UnicodeNormalization;

/// Turn any text into a slug. May return an empty string (for `…`).
pub fn slugify(text: &str) -> String {
    // Every heading of every page is slugged; most are ASCII, which NFC
    // and transliteration leave as they are.
    let ascii: std::borrow::Cow<'_, str> = if unchanged_by_folding(text) {
        text.into()
    } else {
        let nfc: String = text.nfc().collect();
        deunicode::deunicode(&nfc).into()
    };
    let mut out = String::with_capacity(ascii.len());
    let mut dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// Why a written slug is not acceptable, if it is not.
pub fn check(slug: &str) -> Result<(), String> {
    if slug.is_empty() {
        return Err("the slug is empty".into());
    }
    if slug.contains("..")
        || slug.contains(['/', '\\'])
        || slug.to_ascii_lowercase().contains("%2e")
        || slug.contains('%')
    {
        return Err(format!(
            "slug `{slug}` contains a path separator, `..` or an escape; a slug is one path segment"
        ));
    }
    if slug.chars().any(char::is_control) {
        return Err(format!(
            "slug `{}` contains control characters",
            slug.escape_debug()
        ));
    }
    if slugify(slug) != slug {
        return Err(format!(
            "slug `{slug}` is not in URL form; use `{}` (lowercase letters, digits and `-`)",
            slugify(slug)
        ));
    }
    Ok(())
}

/// Whether NFC and transliteration leave `text` as it is: ASCII below DEL
/// (deunicode drops DEL).
fn unchanged_by_folding(text: &str) -> bool {
    text.bytes().all(|b| b < 0x7F)
}

/// Fold a path the way case-insensitive, accent-folding file systems see it.
pub fn fold_path(path: &str) -> String {
    // Slugs are ASCII, so nearly every output path is: then folding is
    // lowercasing.
    if unchanged_by_folding(path) {
        return path.to_ascii_lowercase();
    }
    let nfc: String = path.nfc().collect();
    deunicode::deunicode(&nfc).to_lowercase()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_diacritics_and_punctuation() {
        assert_eq!(
            slugify("Cliënt & coördinatie: wat nu?"),
            "client-coordinatie-wat-nu"
        );
        assert_eq!(slugify("  SDG 10 "), "sdg-10");
        assert_eq!(slugify("…"), "");
    }

    #[test]
    fn ascii_needs_no_transliteration() {
        // `slugify` and `fold_path` skip NFC and deunicode for ASCII text
        // below DEL.
        let ascii: String = (0u8..0x7F).map(char::from).collect();
        assert!(unchanged_by_folding(&ascii));
        assert_eq!(deunicode::deunicode(&ascii), ascii);
        let nfc: String = ascii.nfc().collect();
        assert_eq!(nfc, ascii);
        assert!(!unchanged_by_folding("a\u{7f}b"));
        assert_eq!(
            slugify("a\u{7f}b"),
            slugify(&deunicode::deunicode("a\u{7f}b"))
        );
        assert_eq!(
            fold_path("A\u{7f}b"),
            deunicode::deunicode("A\u{7f}b").to_lowercase()
        );
    }

    #[test]
    fn rejects_traversal_and_odd_forms() {
        assert!(check("../x").is_err());
        assert!(check("a/b").is_err());
        assert!(check("%2e%2e").is_err());
        assert!(check("Hallo").is_err());
        assert!(check("hallo-1").is_ok());
    }
}
