//! A small blocking HTTP/1.1 server for one local user: a thread per
//! connection, `Connection: close`, GET and HEAD only.
//!
//! It serves the in-memory site from `ServerState` and never touches the
//! disk, so no request path can reach a file the build did not produce.
//! Paths are still checked strictly before the lookup: `..` and `.`
//! segments, encoded slashes and backslashes, NUL and control characters,
//! empty segments (`//etc`) and non-origin request targets get a 404. A
//! `Host` header that is not localhost, a loopback address or the bind
//! address is refused, against DNS rebinding. HTML responses get the
//! live-reload `<script src>` at response time, so the build's bytes stay
//! those of `vakwerk build`. `/__vakwerk/` holds the live-reload script,
//! its stylesheet, the event stream and a status endpoint.

use std::io::{self, Read, Write};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde::Serialize;

use super::state::{Problem, ServerState};

/// Open connections allowed at once; live-reload streams count too.
const MAX_CONNECTIONS: usize = 256;
/// The largest request head read.
const MAX_HEAD: usize = 16 * 1024;
/// How long a client may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How often an idle event stream sends a comment, to notice closed tabs.
const PING: Duration = Duration::from_secs(15);

const LIVE_JS: &str = include_str!("live.js");
const LIVE_CSS: &str = include_str!("live.css");
const WAITING: &str = "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n<title>Vakwerk</title>\n</head>\n<body>\n<p>Er is nog geen geslaagde build. Zodra de problemen zijn opgelost, verschijnt de site hier vanzelf.</p>\n</body>\n</html>\n";

/// Which `Host` headers are accepted.
#[derive(Clone, Debug)]
pub struct HostPolicy {
    /// The address the server is bound to.
    pub bind: IpAddr,
}

impl HostPolicy {
    /// Localhost, loopback addresses and the bind address are accepted.
    /// When bound to all interfaces (0.0.0.0 or ::) any IP literal is, too:
    /// DNS rebinding needs a host *name*, and other machines reach the
    /// server by its address.
    pub fn allows(&self, host: &str) -> bool {
        let name = host_name(host).trim_end_matches('.').to_ascii_lowercase();
        if name == "localhost" {
            return true;
        }
        let literal = name.trim_start_matches('[').trim_end_matches(']');
        match literal.parse::<IpAddr>() {
            Ok(ip) => ip.is_loopback() || ip == self.bind || self.bind.is_unspecified(),
            Err(_) => false,
        }
    }
}

/// The host part of a `Host` header (`[::1]:1111` → `[::1]`).
fn host_name(host: &str) -> &str {
    let host = host.trim();
    if host.starts_with('[') {
        return host.find(']').map_or(host, |i| &host[..=i]);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// Accept connections forever, one thread each.
pub fn serve(listener: TcpListener, state: Arc<ServerState>, hosts: HostPolicy) {
    let open = Arc::new(AtomicUsize::new(0));
    let hosts = Arc::new(hosts);
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else {
            // Out of file descriptors and the like: don't spin on it.
            std::thread::sleep(Duration::from_millis(20));
            continue;
        };
        if open.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            let _ = write_simple(&mut stream, 503, "too many connections");
            continue;
        }
        open.fetch_add(1, Ordering::SeqCst);
        let (state, hosts, count) = (Arc::clone(&state), Arc::clone(&hosts), Arc::clone(&open));
        let spawned = std::thread::Builder::new()
            .name("vakwerk-http".into())
            .spawn(move || {
                let _ = handle(stream, &state, &hosts);
                count.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            open.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// A parsed request head.
#[derive(Debug)]
struct Request {
    method: String,
    target: String,
    host: Option<String>,
}

fn handle(mut stream: TcpStream, state: &ServerState, hosts: &HostPolicy) -> io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    stream.set_write_timeout(Some(READ_TIMEOUT))?;
    let Some(head) = read_head(&mut stream)? else {
        return write_simple(&mut stream, 400, "bad request");
    };
    let Some(req) = parse_head(&head) else {
        return write_simple(&mut stream, 400, "bad request");
    };
    if !req.host.as_deref().is_some_and(|h| hosts.allows(h)) {
        return write_simple(
            &mut stream,
            403,
            "this development server only answers to localhost and its own address (Host header refused)",
        );
    }
    let head_only = req.method == "HEAD";
    if req.method != "GET" && !head_only {
        return write_simple(&mut stream, 405, "only GET and HEAD");
    }
    let (path, query) = match req.target.split_once('?') {
        Some((p, q)) => (p, q),
        None => (req.target.as_str(), ""),
    };
    if let Some(name) = path.strip_prefix("/__vakwerk/") {
        return internal(&mut stream, state, name, query, head_only);
    }
    let response = route(state, path, query);
    write_response(&mut stream, &response, head_only)
}

/// Read up to the blank line that ends the head; `None` if too long or
/// the client went away.
fn read_head(stream: &mut TcpStream) -> io::Result<Option<Vec<u8>>> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) => return Ok(None),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Ok(None),
        };
        head.extend_from_slice(&buf[..n]);
        if let Some(end) = find(&head, b"\r\n\r\n").or_else(|| find(&head, b"\n\n")) {
            head.truncate(end);
            return Ok(Some(head));
        }
        if head.len() > MAX_HEAD {
            return Ok(None);
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn parse_head(head: &[u8]) -> Option<Request> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.lines();
    let mut parts = lines.next()?.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !version.starts_with("HTTP/1.") {
        return None;
    }
    let mut host = None;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        if name.trim().eq_ignore_ascii_case("host") {
            if host.is_some() {
                // Two Host headers: which one would a proxy have checked?
                return None;
            }
            host = Some(value.trim().to_string());
        }
    }
    Some(Request {
        method: method.to_string(),
        target: target.to_string(),
        host,
    })
}

/// A complete response.
#[derive(Debug)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Content type.
    pub content_type: &'static str,
    /// Extra headers.
    pub headers: Vec<(&'static str, String)>,
    /// Body.
    pub body: Arc<Vec<u8>>,
}

impl Response {
    fn text(status: u16, text: &str) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            headers: Vec::new(),
            body: Arc::new(text.as_bytes().to_vec()),
        }
    }

    fn redirect(location: String) -> Response {
        let mut r = Response::text(301, "moved");
        r.headers.push(("Location", location));
        r
    }
}

/// Answer a request for a site path (not `/__vakwerk/`).
pub fn route(state: &ServerState, raw_path: &str, query: &str) -> Response {
    let (version, served) = state.current();
    let not_found = || match served.get("404.html") {
        Some(page) => Response {
            status: 404,
            content_type: "text/html; charset=utf-8",
            headers: Vec::new(),
            body: Arc::new(inject(page, version)),
        },
        None => Response::text(404, "not found"),
    };
    let Some(path) = clean_path(raw_path) else {
        return not_found();
    };
    if served.files.is_empty() {
        // No build has succeeded yet (a broken site.yaml or template from
        // the start): a page that shows the problems and reloads when fixed.
        return Response {
            status: 503,
            content_type: "text/html; charset=utf-8",
            headers: Vec::new(),
            body: Arc::new(inject(WAITING.as_bytes(), version)),
        };
    }
    let base = served.base_path.as_str();
    let Some(rel) = path.strip_prefix(base) else {
        // `/kb` for base `/kb/`, and `/` when the site lives below a path.
        if format!("{path}/") == base || path == "/" {
            return Response::redirect(base.to_string());
        }
        return not_found();
    };
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if let Some(bytes) = served.get(&key) {
        let content_type = content_type(&key);
        let body = if content_type.starts_with("text/html") {
            Arc::new(inject(bytes, version))
        } else {
            Arc::clone(bytes)
        };
        return Response {
            status: 200,
            content_type,
            headers: Vec::new(),
            body,
        };
    }
    if !rel.is_empty() && !rel.ends_with('/') && served.get(&format!("{rel}/index.html")).is_some()
    {
        let q = if query.is_empty() {
            String::new()
        } else {
            format!("?{query}")
        };
        return Response::redirect(format!("{path}/{q}"));
    }
    not_found()
}

/// Decode and check a request path. `None` means 404: anything that is
/// not a plain `/a/b/c` path of real segments.
pub fn clean_path(raw: &str) -> Option<String> {
    if !raw.starts_with('/') {
        return None;
    }
    let lower = raw.to_ascii_lowercase();
    if raw.contains('\\') || lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00")
    {
        return None;
    }
    let bytes = percent_decode(raw)?;
    let path = String::from_utf8(bytes).ok()?;
    if path.contains('\\') || path.chars().any(char::is_control) {
        return None;
    }
    let segments: Vec<&str> = path[1..].split('/').collect();
    let last = segments.len() - 1;
    for (i, seg) in segments.iter().enumerate() {
        if *seg == "." || *seg == ".." || (seg.is_empty() && i != last) {
            return None;
        }
        // A Windows drive or device prefix has no business in a URL path.
        if seg.contains(':') && i == 0 {
            return None;
        }
    }
    Some(path)
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// Content type by extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" if path.ends_with("atom.xml") => "application/atom+xml",
        "xml" => "application/xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "wasm" => "application/wasm",
        "webmanifest" => "application/manifest+json",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// Add the live-reload script to an HTML page, before `</head>` (or at
/// the end when there is none). It is an external script, so the page
/// still works under a strict Content-Security-Policy.
pub fn inject(html: &[u8], version: u64) -> Vec<u8> {
    let tag = format!("<script src=\"/__vakwerk/live.js?v={version}\" defer></script>\n");
    let at = html
        .windows(7)
        .position(|w| w.eq_ignore_ascii_case(b"</head>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[derive(Serialize)]
struct Status<'a> {
    version: u64,
    busy: bool,
    problems: &'a [Problem],
}

fn internal(
    stream: &mut TcpStream,
    state: &ServerState,
    name: &str,
    query: &str,
    head_only: bool,
) -> io::Result<()> {
    let asset = |content_type: &'static str, text: &str| Response {
        status: 200,
        content_type,
        headers: Vec::new(),
        body: Arc::new(text.as_bytes().to_vec()),
    };
    let response = match name {
        "live.js" => asset("text/javascript; charset=utf-8", LIVE_JS),
        "live.css" => asset("text/css; charset=utf-8", LIVE_CSS),
        "files" => {
            // Every served path: lets tests compare with a fresh build.
            let (_, served) = state.current();
            let paths: Vec<&String> = served.files.iter().map(|f| &f.path).collect();
            asset(
                "application/json",
                &serde_json::to_string(&paths).unwrap_or_default(),
            )
        }
        "status" => {
            let (version, busy, problems) = state.status();
            let json = serde_json::to_string(&Status {
                version,
                busy,
                problems: &problems,
            })
            .unwrap_or_default();
            asset("application/json", &json)
        }
        "events" if !head_only => {
            let since = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("since="))
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| state.current().0);
            return events(stream, state, since);
        }
        _ => Response::text(404, "not found"),
    };
    write_response(stream, &response, head_only)
}

/// The live-reload stream (server-sent events): first the problems and any
/// change after `since`, then every publish as it happens.
fn events(stream: &mut TcpStream, state: &ServerState, mut since: u64) -> io::Result<()> {
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\nretry: 500\n\n",
    )?;
    let first = state.wait(since, Duration::ZERO);
    send_update(stream, &first, since)?;
    since = first.version;
    loop {
        let update = state.wait(since, PING);
        if update.version == since {
            stream.write_all(b": ping\n\n")?;
        } else {
            send_update(stream, &update, since)?;
            since = update.version;
        }
        stream.flush()?;
    }
}

fn send_update(
    stream: &mut TcpStream,
    update: &super::state::Update,
    since: u64,
) -> io::Result<()> {
    let problems = serde_json::json!({ "version": update.version, "problems": *update.problems });
    let mut text = format!("event: problems\ndata: {problems}\n\n");
    if update.version > since && (update.changes.all || !update.changes.urls.is_empty()) {
        let change = serde_json::json!({
            "version": update.version,
            "urls": update.changes.urls,
            "all": update.changes.all,
        });
        text.push_str(&format!("event: change\ndata: {change}\n\n"));
    }
    stream.write_all(text.as_bytes())?;
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

fn write_response(stream: &mut TcpStream, r: &Response, head_only: bool) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        r.status,
        reason(r.status),
        r.content_type,
        r.body.len()
    );
    if r.status == 405 {
        head.push_str("Allow: GET, HEAD\r\n");
    }
    for (name, value) in &r.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(&r.body)?;
    }
    stream.flush()
}

fn write_simple(stream: &mut TcpStream, status: u16, text: &str) -> io::Result<()> {
    write_response(stream, &Response::text(status, text), false)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn hostile_paths_are_refused() {
        for bad in [
            "/../etc/passwd",
            "/a/../b",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc",
            "/a%2fb",
            "/a%5cb",
            "/a\\b",
            "/%5c..%5cwindows",
            "//etc/passwd",
            "/a//b",
            "/./a",
            "/a%00b",
            "/%0a",
            "/C:/Windows/win.ini",
            "http://evil/",
            "*",
            "/%zz",
            "/%ff",
        ] {
            assert_eq!(clean_path(bad), None, "{bad}");
        }
        assert_eq!(clean_path("/methoden/x/").as_deref(), Some("/methoden/x/"));
        assert_eq!(clean_path("/caf%C3%A9.png").as_deref(), Some("/café.png"));
    }

    #[test]
    fn hosts() {
        let local = HostPolicy {
            bind: "127.0.0.1".parse().unwrap(),
        };
        for ok in [
            "localhost",
            "localhost:1111",
            "127.0.0.1:1111",
            "[::1]:1111",
            "LOCALHOST.",
        ] {
            assert!(local.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "192.168.1.5",
            "",
        ] {
            assert!(!local.allows(bad), "{bad}");
        }
        let all = HostPolicy {
            bind: "0.0.0.0".parse().unwrap(),
        };
        assert!(all.allows("192.168.1.5:1111"));
        assert!(!all.allows("rebind.example"));
    }

    #[test]
    fn script_goes_before_head_end() {
        let out = String::from_utf8(inject(
            b"<html><head><title>x</title></HEAD><body></body>",
            7,
        ))
        .unwrap();
        assert!(out.contains("<script src=\"/__vakwerk/live.js?v=7\" defer></script>\n</HEAD>"));
    }
}
