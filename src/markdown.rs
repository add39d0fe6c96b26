//! Markdown → HTML, in one pass per file.
//!
//! The body is parsed exactly once. Internal links cannot be resolved yet at
//! that point (the whole site is not known), so the HTML carries numbered
//! *slots* (`\0H3\0` for the href of link 3, `\0T3\0` for its title) and the
//! list of links as written. After link resolution, `fill_slots` splices in
//! the URLs and titles: a string substitution, not a second parse.
//! Slots are delimited by U+E03E, a private-use character; any U+E03E in
//! the source is replaced (by U+FFFD, same byte length, so positions stay
//! right) before parsing, so slots cannot collide with content. Raw HTML is
//! reported when dangerous and the whole body is then sanitised.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

use crate::diagnostic::{Diagnostic, Loc};
use crate::highlight::{Highlighted, Highlighter};
use crate::pack::Packed;
use crate::sanitize;
use crate::slug::slugify;
use crate::source::{LineIndex, Locator};
use crate::swar;

/// Marks the start and end of a slot in rendered HTML. Finding a character
/// means finding its last UTF-8 byte first, here 0xBE, which Dutch text
/// hardly has (U+E000 ends in 0x80, the middle byte of every `’` and `–`).
pub const SLOT: char = '\u{E03E}';

/// A parsed page body.
#[derive(Clone, Debug, Default)]
pub struct Body {
    /// HTML with link slots.
    pub html: Packed,
    /// Internal links, indexed by slot number.
    pub links: Vec<LinkRef>,
    /// Headings in document order, with their final ids.
    pub headings: Vec<Heading>,
    /// Plain text (for search and summaries).
    pub text: Packed,
}

/// A body while it is written: [`Body`] with its strings still growing.
#[derive(Default)]
struct Draft {
    html: String,
    links: Vec<LinkRef>,
    headings: Vec<Heading>,
    text: String,
}

/// A heading of a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The anchor id (unique on the page).
    pub id: String,
    /// The heading's plain text.
    pub text: String,
    /// Where the heading's section starts in `Body::text`.
    pub text_offset: usize,
}

/// An internal link as written in the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkRef {
    /// What it points at.
    pub target: LinkTarget,
    /// `#anchor`, if any.
    pub anchor: Option<String>,
    /// Where the link starts.
    pub loc: Loc,
    /// The destination as written, for messages.
    pub written: String,
}

/// The target of an internal link, before resolution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkTarget {
    /// `[[slug]]` or `[[section/slug]]`.
    Wiki {
        /// Section folder, if given.
        section: Option<String>,
        /// Page slug.
        slug: String,
    },
    /// A relative link to a Markdown file, normalised to a site-root path
    /// (`content/methoden/x.md`), or `Err` with the path that escapes `content/`.
    File(Result<String, String>),
    /// `#anchor` on the same page.
    SamePage,
}

/// What `render_body` needs to know besides the Markdown.
pub struct Ctx<'a> {
    /// The file's path relative to the site root.
    pub file: &'a str,
    /// The whole file text (positions are reported in file coordinates).
    pub text: &'a str,
    /// Line index of `text`.
    pub index: &'a LineIndex,
    /// Byte offset of the body within `text`.
    pub body_offset: usize,
    /// Shared highlighter.
    pub highlighter: &'a Highlighter,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}

/// Render a page body. Diagnostics (unknown code languages, unsafe URLs)
/// are appended to `diags`.
pub fn render_body(md: &str, ctx: &Ctx<'_>, diags: &mut Vec<Diagnostic>) -> Body {
    let cleaned;
    let md = if md.contains(SLOT) {
        cleaned = md.replace(SLOT, "\u{FFFD}");
        cleaned.as_str()
    } else {
        md
    };
    // Sized from the Markdown, so the buffers of every page are not
    // regrown (and copied) a dozen times each: the HTML is about 1.1 times
    // the Markdown, the text a little less than it, and a paragraph of
    // Markdown gives a handful of events. Within twice the final size, so
    // that boxing the strings later does not copy them again.
    let body = Draft {
        html: String::with_capacity(md.len() + md.len() / 4),
        text: String::with_capacity(md.len()),
        ..Draft::default()
    };
    let mut r = BodyRenderer {
        ctx,
        diags,
        body,
        out: Vec::with_capacity(md.len() / 32 + 16),
        heading: None,
        code: None,
        skip_label: 0,
        in_internal_link: false,
        raw_html: false,
        locator: Locator::new(ctx.text, ctx.index),
        used_ids: HashSet::new(),
        next_suffix: HashMap::new(),
    };
    for (event, range) in Parser::new_ext(md, options()).into_offset_iter() {
        r.event(event, ctx.body_offset + range.start);
    }
    let BodyRenderer {
        mut body,
        out,
        raw_html,
        ..
    } = r;
    pulldown_cmark::html::push_html(&mut body.html, out.into_iter());
    if raw_html {
        body.html = sanitize::clean(&body.html);
    }
    // pulldown-cmark passes NUL through; HTML forbids it. Replacing it here
    // rather than in the source keeps every reported column right.
    if body.html.contains('\0') {
        body.html = body.html.replace('\0', "\u{FFFD}");
        body.text = body.text.replace('\0', "\u{FFFD}");
    }
    // Held plain for now; a large build packs most of them (see `pack`).
    Body {
        html: Packed::new(body.html),
        links: body.links,
        headings: body.headings,
        text: Packed::new(body.text),
    }
}

struct PendingHeading<'m> {
    level: HeadingLevel,
    id: Option<String>,
    classes: Vec<CowStr<'m>>,
    events: Vec<Event<'m>>,
    text: String,
    text_offset: usize,
}

/// `'m`: the Markdown being rendered; events borrow it instead of copying
/// every piece of text.
struct BodyRenderer<'c, 'd, 'm> {
    ctx: &'c Ctx<'c>,
    diags: &'d mut Vec<Diagnostic>,
    body: Draft,
    out: Vec<Event<'m>>,
    heading: Option<PendingHeading<'m>>,
    code: Option<(String, String, usize)>,
    /// Depth of a label-less wikilink whose text we replace by the title.
    skip_label: usize,
    /// Inside an internal link, whose tags are written as raw HTML.
    in_internal_link: bool,
    /// The author wrote raw HTML, so the body must be sanitised.
    raw_html: bool,
    /// Offset → line:column, incremental.
    locator: Locator<'c>,
    /// Heading ids in use, and the next numeric suffix per base id.
    used_ids: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl<'m> BodyRenderer<'_, '_, 'm> {
    fn emit(&mut self, event: Event<'m>) {
        match &mut self.heading {
            Some(h) => h.events.push(event),
            None => self.out.push(event),
        }
    }

    fn add_text(&mut self, text: &str) {
        self.body.text.push_str(text);
        if let Some(h) = &mut self.heading {
            h.text.push_str(text);
        }
    }

    /// The location of a byte offset of the file (only computed when an
    /// event needs one: most never do).
    fn loc(&mut self, offset: usize) -> Loc {
        self.locator.loc(offset)
    }

    fn event(&mut self, event: Event<'m>, at: usize) {
        if let Some((_, code, _)) = &mut self.code {
            match event {
                Event::Text(t) => code.push_str(&t),
                Event::End(TagEnd::CodeBlock) => self.finish_code(),
                _ => {}
            }
            return;
        }
        if self.skip_label > 0 {
            // The title replaces the label text; it is not known yet, so the
            // label does not count as page text either.
            if let Event::End(TagEnd::Link) = event {
                self.skip_label = 0;
                self.in_internal_link = false;
                self.emit(Event::InlineHtml("</a>".into()));
            }
            return;
        }
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs: _,
            }) => {
                // Only `id` and `class` survive from `{#id .class key=value}`:
                // other attributes could smuggle in event handlers.
                self.body.text.push('\n');
                self.heading = Some(PendingHeading {
                    level,
                    id: id.map(|s| s.to_string()),
                    classes,
                    events: Vec::new(),
                    text: String::new(),
                    text_offset: self.body.text.len(),
                });
            }
            Event::End(TagEnd::Heading(_)) => self.finish_heading(),
            Event::End(TagEnd::Link) if self.in_internal_link => {
                self.in_internal_link = false;
                self.emit(Event::InlineHtml("</a>".into()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new(), at));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => self.link(link_type, &dest_url, title, id, at),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = self.safe_url(&dest_url, at, true);
                self.emit(Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest.into(),
                    title,
                    id,
                }));
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                self.raw_html = true;
                for what in sanitize::dangers(&t) {
                    let loc = self.loc(at);
                    self.diags.push(Diagnostic::warning(
                        self.ctx.file,
                        loc,
                        "unsafe-html",
                        format!("removed {what} from raw HTML; scripts, event handlers and javascript:/vbscript:/data: URLs are not allowed in content"),
                    ));
                }
                self.emit(Event::Html(t));
            }
            Event::Text(t) => {
                self.add_text(&t);
                self.emit(Event::Text(t));
            }
            Event::Code(t) => {
                self.add_text(&t);
                self.emit(Event::Code(t));
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_),
            ) => {
                self.body.text.push(' ');
                self.emit(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                self.add_text(" ");
                self.emit(event);
            }
            other => self.emit(other),
        }
    }

    fn link(
        &mut self,
        link_type: LinkType,
        dest: &str,
        title: CowStr<'m>,
        id: CowStr<'m>,
        at: usize,
    ) {
        let internal = match link_type {
            LinkType::WikiLink { has_pothole } => {
                let (path, anchor) = split_anchor(dest);
                if path.trim().is_empty() && anchor.is_some() {
                    Some((LinkTarget::SamePage, anchor, !has_pothole))
                } else {
                    let (section, slug) = match path.rsplit_once('/') {
                        Some((s, slug)) => (Some(s.trim().to_string()), slug.trim().to_string()),
                        None => (None, path.trim().to_string()),
                    };
                    Some((LinkTarget::Wiki { section, slug }, anchor, !has_pothole))
                }
            }
            _ if is_relative_md(dest) => {
                let (path, anchor) = split_anchor(dest);
                Some((
                    LinkTarget::File(join_relative(self.ctx.file, path)),
                    anchor,
                    false,
                ))
            }
            _ if dest.starts_with('#') => {
                Some((LinkTarget::SamePage, Some(dest[1..].to_string()), false))
            }
            _ => None,
        };
        let Some((target, anchor, wants_title)) = internal else {
            let dest = self.safe_url(dest, at, false);
            self.emit(Event::Start(Tag::Link {
                link_type,
                dest_url: dest.into(),
                title,
                id,
            }));
            return;
        };
        let n = self.body.links.len();
        let loc = self.loc(at);
        self.body.links.push(LinkRef {
            target,
            anchor,
            loc,
            written: dest.to_string(),
        });
        // Written as raw HTML so the writer cannot percent-encode the slot.
        let title_attr = if title.is_empty() {
            String::new()
        } else {
            format!(" title=\"{}\"", escape_html(&title))
        };
        let _ = id;
        self.emit(Event::InlineHtml(
            format!("<a href=\"{SLOT}H{n}{SLOT}\"{title_attr}>").into(),
        ));
        self.in_internal_link = true;
        if wants_title {
            self.skip_label = 1;
            self.emit(Event::InlineHtml(format!("{SLOT}T{n}{SLOT}").into()));
        }
    }

    /// Refuse script-capable URL schemes; report them as warnings.
    fn safe_url(&mut self, dest: &str, at: usize, image: bool) -> String {
        let lower: String = dest
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect::<String>()
            .to_ascii_lowercase();
        let scheme = lower
            .split_once(':')
            .map(|(s, _)| s)
            .filter(|s| !s.contains(['/', '?', '#']));
        match scheme {
            None | Some("http" | "https" | "mailto" | "tel") => dest.to_string(),
            Some(s) => {
                let what = if image { "image" } else { "link" };
                let loc = self.loc(at);
                self.diags.push(Diagnostic::warning(
                    self.ctx.file,
                    loc,
                    "unsafe-url",
                    format!("removed {what} URL with scheme `{s}:`; only http, https, mailto and tel links are allowed"),
                ));
                "#".to_string()
            }
        }
    }

    fn finish_heading(&mut self) {
        let Some(h) = self.heading.take() else { return };
        let text = h.text.trim().to_string();
        let base =
            h.id.filter(|id| !id.is_empty())
                .map(|id| slugify(&id))
                .unwrap_or_else(|| slugify(&text));
        let base = if base.is_empty() {
            "kop".to_string()
        } else {
            base
        };
        // Ids already used on this page and, per base, the next suffix to
        // try: a page with thousands of identical headings stays linear.
        let mut id = base.clone();
        if !self.used_ids.insert(id.clone()) {
            let next = self.next_suffix.entry(base.clone()).or_insert(1);
            loop {
                id = format!("{base}-{next}");
                *next += 1;
                if self.used_ids.insert(id.clone()) {
                    break;
                }
            }
        }
        let level = h.level as u8;
        self.body.headings.push(Heading {
            level,
            id: id.clone(),
            text,
            text_offset: h.text_offset,
        });
        self.body.text.push('\n');
        self.out.push(Event::Start(Tag::Heading {
            level: h.level,
            id: Some(id.clone().into()),
            classes: h.classes,
            attrs: Vec::new(),
        }));
        self.out.extend(h.events);
        // The copy-link anchor is labelled by the heading itself, so it needs
        // no UI string and reads well in any language.
        self.out.push(Event::InlineHtml(
            format!(" <a class=\"anker\" href=\"#{id}\" aria-labelledby=\"{id}\">#</a>").into(),
        ));
        self.out.push(Event::End(TagEnd::Heading(h.level)));
    }

    fn finish_code(&mut self) {
        let Some((lang, code, at)) = self.code.take() else {
            return;
        };
        self.body.text.push_str(&code);
        self.body.text.push(' ');
        let escaped = escape_html(&code);
        let html = if lang.is_empty() {
            format!("<pre class=\"code\"><code>{escaped}</code></pre>\n")
        } else {
            let lang_attr = escape_html(&lang);
            let inner = match self.ctx.highlighter.highlight(&code, &lang) {
                Highlighted::Html(h) => h,
                Highlighted::Plain => escaped,
                Highlighted::Unknown => {
                    let loc = self.loc(at);
                    self.diags.push(Diagnostic::warning(
                        self.ctx.file,
                        loc,
                        "unknown-language",
                        format!("unknown code language `{lang}`; the block is shown without highlighting (use e.g. `yaml`, `json`, `bash`, `html` or `text`)"),
                    ));
                    escaped
                }
            };
            format!(
                "<pre class=\"code\" data-lang=\"{lang_attr}\"><code class=\"language-{lang_attr}\">{inner}</code></pre>\n"
            )
        };
        self.emit(Event::Html(html.into()));
    }
}

fn split_anchor(dest: &str) -> (&str, Option<String>) {
    match dest.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string())),
        None => (dest, None),
    }
}

fn is_relative_md(dest: &str) -> bool {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    !dest.contains("://")
        && !dest.starts_with('/')
        && !dest.starts_with("mailto:")
        && path.ends_with(".md")
}

/// Resolve `../x/y.md` against the directory of `file`; the result must stay
/// inside `content/`.
fn join_relative(file: &str, rel: &str) -> Result<String, String> {
    let mut parts: Vec<&str> = file.split('/').collect();
    parts.pop();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.len() <= 1 {
                    return Err(rel.to_string());
                }
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    Ok(parts.join("/"))
}

/// Escape text for HTML element content and quoted attributes.
///
/// Every value a template prints goes through here (tera's escape
/// function), so runs without special characters are copied whole
/// rather than pushed character by character.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    escape_html_into(&mut out, s);
    out
}

/// [`escape_html`] appended to `out`, for writers that build a page in
/// one buffer.
pub fn escape_html_into(out: &mut String, s: &str) {
    // Most strings (titles, URLs, most sentences) need no escaping: eight
    // bytes at a time find that out, and the clean stretches are copied
    // whole.
    let special = |x: u64| {
        swar::eq(x, b'&')
            | swar::eq(x, b'<')
            | swar::eq(x, b'>')
            | swar::eq(x, b'"')
            | swar::eq(x, b'\'')
    };
    let bytes = s.as_bytes();
    let mut plain = 0;
    while let Some(i) = bytes
        .get(plain..)
        .and_then(|rest| swar::position(rest, special))
        .map(|k| plain + k)
    {
        let entity = match bytes[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        };
        // `i` is at an ASCII byte, so both slices end on char boundaries.
        out.push_str(&s[plain..i]);
        out.push_str(entity);
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
}

/// The text of HTML that Vakwerk rendered itself: tags dropped, the
/// entities [`escape_html`] writes decoded (`&amp;` last, so a literal
/// "&lt;" in the text is not decoded twice), trimmed. Block elements are
/// followed by newlines in pulldown-cmark's output, so words stay apart.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .trim()
        .to_string()
}

/// Render a short Markdown value (a front-matter field) to inline HTML.
/// Raw HTML is shown as text and links keep only safe schemes.
pub fn render_inline(md: &str) -> String {
    let events = Parser::new_ext(md, options() - Options::ENABLE_WIKILINKS).map(|e| match e {
        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let lower = dest_url.to_ascii_lowercase();
            let ok = !lower.contains(':')
                || ["http:", "https:", "mailto:"]
                    .iter()
                    .any(|s| lower.starts_with(s));
            let dest_url = if ok { dest_url } else { CowStr::from("#") };
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        e => e,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html,
    }
}

/// Replace slots: `href(n, out)` appends the URL of link `n` to `out`,
/// HTML-escaped, and `title(n, out)` its escaped title. Both write into
/// the page being built: every link of every page passes through here.
pub fn fill_slots(
    html: &str,
    href: impl Fn(usize, &mut String),
    title: impl Fn(usize, &mut String),
) -> String {
    // Filled slots are longer than the slots (a URL and a title each).
    let mut out = String::with_capacity(html.len() + html.len() / 4 + 256);
    let mut rest = html;
    while let Some(start) = rest.find(SLOT) {
        out.push_str(&rest[..start]);
        let after = &rest[start + SLOT.len_utf8()..];
        let Some(end) = after.find(SLOT) else {
            out.push_str(&rest[start..]);
            return out;
        };
        let inner = &after[..end];
        let n = inner.get(1..).and_then(|d| d.parse::<usize>().ok());
        match (inner.as_bytes().first(), n) {
            (Some(b'H'), Some(n)) => href(n, &mut out),
            (Some(b'T'), Some(n)) => title(n, &mut out),
            _ => {}
        }
        rest = &after[end + SLOT.len_utf8()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    /// Escaping eight bytes at a time equals escaping character by
    /// character: every special byte at every position of strings around
    /// the eight-byte steps, among ASCII and multi-byte characters.
    #[test]
    fn escaping_matches_char_by_char() {
        let naive = |s: &str| -> String {
            s.chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    c => c.to_string(),
                })
                .collect()
        };
        for base in ["", "abcdefghijklmnopq", "cliënt’s – ÿ\u{7f}\u{80}é€😀x"] {
            for len in 0..=base.chars().count() {
                let head: String = base.chars().take(len).collect();
                assert_eq!(escape_html(&head), naive(&head), "{head:?}");
                for special in ['&', '<', '>', '"', '\'', '=', '%'] {
                    for at in 0..=len {
                        let mut s: String = head.chars().take(at).collect();
                        s.push(special);
                        s.extend(head.chars().skip(at));
                        s.push(special);
                        assert_eq!(escape_html(&s), naive(&s), "{s:?}");
                    }
                }
            }
        }
    }

    fn body(md: &str) -> (Body, Vec<Diagnostic>) {
        let idx = LineIndex::new(md);
        let h = Highlighter::new();
        let ctx = Ctx {
            file: "content/a/b.md",
            text: md,
            index: &idx,
            body_offset: 0,
            highlighter: &h,
        };
        let mut d = Vec::new();
        (render_body(md, &ctx, &mut d), d)
    }

    #[test]
    fn wikilinks_become_slots_with_locations() {
        let (b, _) = body("Zie [[meso]] en\n[[sdg/10#doel|tien]] en [x](../c/d.md#kop).");
        assert_eq!(b.links.len(), 3);
        assert_eq!(
            b.links[0].target,
            LinkTarget::Wiki {
                section: None,
                slug: "meso".into()
            }
        );
        assert_eq!(b.links[1].loc, Loc::new(2, 1));
        assert_eq!(b.links[1].anchor.as_deref(), Some("doel"));
        assert_eq!(
            b.links[2].target,
            LinkTarget::File(Ok("content/c/d.md".into()))
        );
        let html = fill_slots(
            &b.html.unpack(),
            |n, out| out.push_str(&format!("/u{n}/")),
            |n, out| out.push_str(&format!("T{n}")),
        );
        assert!(html.contains(r#"<a href="/u0/">T0</a>"#), "{html}");
        assert!(html.contains(r#"<a href="/u1/">tien</a>"#), "{html}");
    }

    #[test]
    fn heading_ids_are_slugged_unique_and_attributes_dropped() {
        let (b, _) = body("## Wat is het?\n\n## Wat is het?\n\n## Eigen {#mijn-id onclick=x}\n");
        let ids: Vec<_> = b.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["wat-is-het", "wat-is-het-1", "mijn-id"]);
        assert!(!b.html.unpack().contains("onclick"));
    }

    #[test]
    fn script_urls_are_removed_with_a_warning() {
        let (b, d) = body("[x](javascript:alert(1)) ![y](data:image/png;base64,AA)");
        assert!(!b.html.unpack().contains("javascript"));
        assert_eq!(d.len(), 2);
    }
}
