//! *Citeer deze pagina*: an APA 7 reference for a page, and dates written
//! out in the UI language.
//!
//! APA 7 for a web page whose author is the organisation that publishes the
//! site: `Organisatie. (jaar, dag maand). *Titel*. URL`. The site name is
//! the author and so, by APA's rule, not repeated as the site; the date is
//! the page's last update (see `overview::updated`), or `(z.d.)`. The word
//! order of the date and the month names come from the theme's strings.

use serde::Serialize;

use super::{Strings, s};
use crate::markdown::escape_html;
use crate::render::permalink;
use crate::site::{PageId, Site};

/// A ready-made citation.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct Citation {
    /// Plain text, for copying into a reference list.
    pub text: String,
    /// The same with the title in italics, escaped.
    pub html: String,
}

/// The APA 7 citation of page `id`.
pub fn citation(site: &Site<'_>, id: PageId, strings: &Strings) -> Citation {
    let page = &site.pages[id];
    let date = super::updated(site, id);
    cite(
        &site.config.title,
        &page.title,
        date.as_deref(),
        &permalink(site, &page.path),
        strings,
    )
}

/// An APA 7 citation from its parts.
pub fn cite(
    site_name: &str,
    title: &str,
    date: Option<&str>,
    url: &str,
    strings: &Strings,
) -> Citation {
    let author = end_sentence(site_name);
    let when = date
        .and_then(|d| format_date(d, s(strings, "apa_date_format"), strings))
        .unwrap_or_else(|| s(strings, "no_date").to_string());
    let title = end_sentence(title);
    Citation {
        text: format!("{author} ({when}). {title} {url}"),
        html: format!(
            "{} ({}). <i>{}</i> {}",
            escape_html(&author),
            escape_html(&when),
            escape_html(&title),
            escape_html(url)
        ),
    }
}

/// `text` ending in a full stop, unless it already ends in punctuation that
/// ends a sentence.
fn end_sentence(text: &str) -> String {
    let t = text.trim();
    if t.ends_with(['.', '?', '!']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

/// `YYYY-MM-DD` written out (`22 november 2026`), or the input unchanged
/// when it is not such a date.
pub fn human_date(iso: &str, strings: &Strings) -> String {
    format_date(iso, s(strings, "date_format"), strings).unwrap_or_else(|| iso.to_string())
}

/// Fill `{day}`, `{month}` and `{year}` in `pattern` from `YYYY-MM-DD`.
fn format_date(iso: &str, pattern: &str, strings: &Strings) -> Option<String> {
    let mut parts = iso.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let month: usize = m.parse().ok().filter(|m| (1..=12).contains(m))?;
    let day: u32 = d.parse().ok().filter(|d| (1..=31).contains(d))?;
    if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let key = format!("month_{month}");
    Some(
        pattern
            .replace("{day}", &day.to_string())
            .replace("{month}", s(strings, &key))
            .replace("{year}", y),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn nl() -> Strings {
        [
            ("apa_date_format", "{year}, {day} {month}"),
            ("date_format", "{day} {month} {year}"),
            ("no_date", "z.d."),
            ("month_11", "november"),
            ("month_3", "maart"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn apa_citation_has_author_date_title_url() {
        let c = cite(
            "Vakwerk – kennisbank sociaal werk",
            "Adviesvangers",
            Some("2026-11-22"),
            "https://vakwerk.example.org/methoden/adviesvangers/",
            &nl(),
        );
        assert_eq!(
            c.text,
            "Vakwerk – kennisbank sociaal werk. (2026, 22 november). Adviesvangers. https://vakwerk.example.org/methoden/adviesvangers/"
        );
        assert!(c.html.contains("<i>Adviesvangers.</i>"), "{}", c.html);
    }

    #[test]
    fn undated_and_question_titles() {
        let c = cite("Site.", "Wat is <presentie>?", None, "https://x/", &nl());
        assert_eq!(c.text, "Site. (z.d.). Wat is <presentie>? https://x/");
        assert!(c.html.contains("<i>Wat is &lt;presentie&gt;?</i>"));
    }

    #[test]
    fn dates_are_written_out_and_bad_dates_kept() {
        assert_eq!(human_date("2024-03-01", &nl()), "1 maart 2024");
        assert_eq!(human_date("2024-13-01", &nl()), "2024-13-01");
        assert_eq!(human_date("soon", &nl()), "soon");
    }
}
