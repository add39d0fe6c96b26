//! Slugs: the URL-safe names of pages and heading anchors.
//!
//! A slug is NFC-normalised, transliterated to ASCII (`cliënt` → `client`),
//! lowercased, and made of `[a-z0-9]` runs joined by `-`. The same function
//! makes heading ids, so editors can predict anchors from heading text.

use unicode_normalization::UnicodeNormalization;

/// Turn any text into a slug. May return an empty string (for `…`).
pub fn slugify(text: &str) -> String {
    let nfc: String = text.nfc().collect();
    let ascii = deunicode::deunicode(&nfc);
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

/// Fold a path the way case-insensitive, accent-folding file systems see it.
pub fn fold_path(path: &str) -> String {
    // Slugs are ASCII, so nearly every output path is: then folding is
    // lowercasing (deunicode keeps ASCII as it is, and NFC cannot change it).
    if path.is_ascii() {
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
    fn rejects_traversal_and_odd_forms() {
        assert!(check("../x").is_err());
        assert!(check("a/b").is_err());
        assert!(check("%2e%2e").is_err());
        assert!(check("Hallo").is_err());
        assert!(check("hallo-1").is_ok());
    }
}
