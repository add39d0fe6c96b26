//! Sanitising raw HTML that authors put in Markdown, with ammonia.
//!
//! Content arrives through pull requests from many hands, so raw HTML is
//! reduced to an allowlist: no scripts, no event handlers, no
//! `javascript:`/`vbscript:`/`data:` URLs, no styles or frames. The HTML
//! Vakwerk generates itself (heading anchors, highlighted code, footnotes,
//! task lists) is on the allowlist, so a sanitised body renders the same.
//! Pages without raw HTML are never parsed here: the allowlist would change
//! nothing and the parse would cost build time. `dangers` finds what will be
//! removed, so it can be reported at the author's line and column.

use std::collections::HashSet;

/// Clean a rendered body that contains raw HTML.
pub fn clean(html: &str) -> String {
    let mut b = ammonia::Builder::default();
    b.link_rel(None)
        .add_generic_attributes(["class"])
        .add_tag_attributes("a", ["aria-labelledby", "title"])
        .add_tag_attributes("pre", ["data-lang"])
        .add_tag_attributes("input", ["type", "disabled", "checked"])
        .add_tags(["input"])
        .add_tag_attributes("div", ["id"])
        .add_tag_attributes("li", ["id"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("th", ["style"])
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]));
    for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        b.add_tag_attributes(h, ["id"]);
    }
    // Table alignment is the only inline style we emit; restrict it.
    b.attribute_filter(|element, attribute, value| {
        if attribute == "style" && matches!(element, "td" | "th") {
            return matches!(
                value,
                "text-align: left" | "text-align: right" | "text-align: center"
            )
            .then_some(value.into());
        }
        if element == "input" && attribute == "type" && value != "checkbox" {
            return None;
        }
        Some(value.into())
    });
    b.clean(html).to_string()
}

/// What ammonia will remove from one raw HTML fragment, in words; empty when
/// the fragment is harmless.
pub fn dangers(fragment: &str) -> Vec<String> {
    let lower = decode_for_check(fragment);
    let mut found = Vec::new();
    for tag in [
        "script", "style", "iframe", "object", "embed", "form", "base", "meta", "link", "svg",
        "math", "frame", "frameset",
    ] {
        if has_tag(&lower, tag) {
            found.push(format!("<{tag}> element"));
        }
    }
    for attr in event_handlers(&lower) {
        found.push(format!("event handler attribute `{attr}`"));
    }
    for scheme in ["javascript:", "vbscript:", "data:"] {
        if lower.contains(scheme) {
            found.push(format!("`{scheme}` URL"));
        }
    }
    found
}

/// Lowercase, drop whitespace and control characters inside, and decode
/// numeric character references, so `&#106;ava script:` is still seen.
fn decode_for_check(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("&#") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let (hex, digits_start) = if after.starts_with(['x', 'X']) {
            (true, 1)
        } else {
            (false, 0)
        };
        let digits: String = after[digits_start..]
            .chars()
            .take_while(|c| c.is_ascii_hexdigit())
            .collect();
        let value = if hex {
            u32::from_str_radix(&digits, 16).ok()
        } else {
            digits.parse::<u32>().ok()
        };
        match value.and_then(char::from_u32) {
            Some(c) if !digits.is_empty() => {
                out.push(c);
                let mut consumed = digits_start + digits.len();
                if after[consumed..].starts_with(';') {
                    consumed += 1;
                }
                rest = &after[consumed..];
            }
            _ => {
                out.push_str("&#");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.to_lowercase()
        .replace("&colon;", ":")
        .replace("&tab;", "")
        .replace("&newline;", "")
}

fn has_tag(lower: &str, tag: &str) -> bool {
    lower.match_indices('<').any(|(i, _)| {
        // Closing tags are not reported again.
        let t = &lower[i + 1..];
        t.starts_with(tag) && !t[tag.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
    })
}

fn event_handlers(lower: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = lower.as_bytes();
    for (i, _) in lower.match_indices("on") {
        let before_ok = i > 0
            && matches!(
                bytes[i - 1],
                b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'"' | b'\''
            );
        if !before_ok {
            continue;
        }
        let name: String = lower[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        let after = lower[i + name.len()..].trim_start();
        if name.len() > 2 && after.starts_with('=') && !out.contains(&name) && inside_tag(lower, i)
        {
            out.push(name);
        }
    }
    out
}

fn inside_tag(lower: &str, i: usize) -> bool {
    let open = lower[..i].rfind('<');
    let close = lower[..i].rfind('>');
    match (open, close) {
        (Some(o), Some(c)) => o > c,
        (Some(_), None) => true,
        _ => false,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_will_be_removed() {
        assert_eq!(dangers("<script>x</script>").len(), 1);
        assert_eq!(
            dangers(r#"<img src=x onerror="alert(1)">"#),
            ["event handler attribute `onerror`"]
        );
        assert_eq!(
            dangers(r#"<a href="&#106;avascript:alert(1)">"#),
            ["`javascript:` URL"]
        );
        assert!(dangers("<b>ok</b> <span class=x>fine</span>").is_empty());
        assert!(dangers("<p>online = true</p>").is_empty());
    }

    #[test]
    fn cleaning_keeps_generated_markup() {
        let ours = "<h2 id=\"a\">A <a class=\"anker\" href=\"#a\" aria-labelledby=\"a\">#</a></h2><pre class=\"code\" data-lang=\"yaml\"><code class=\"language-yaml\"><span class=\"hl-x\">k</span></code></pre><ul><li><input disabled=\"\" type=\"checkbox\" checked=\"\">x</li></ul>";
        let cleaned = clean(ours);
        assert!(
            cleaned.contains("aria-labelledby=\"a\"")
                && cleaned.contains("data-lang=\"yaml\"")
                && cleaned.contains("type=\"checkbox\""),
            "{cleaned}"
        );
        let hostile = clean(
            "<p onclick=\"x()\">a</p><script>alert(1)</script><a href=\"javascript:x\">b</a><img src=\"data:image/png;base64,AA\">",
        );
        assert!(
            !hostile.contains("onclick")
                && !hostile.contains("script")
                && !hostile.contains("javascript")
                && !hostile.contains("data:"),
            "{hostile}"
        );
    }
}
