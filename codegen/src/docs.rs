//! Schema descriptions as rustdoc: AWS prose made safe for
//! `RUSTDOCFLAGS=-Dwarnings` and clippy's doc lints.
//!
//! Each source line becomes its own paragraph. Inside a line, balanced code
//! spans are kept verbatim, `[text](https://..)` links are kept, bare URLs
//! become autolinks (`<https://..>`), and every other markdown or HTML
//! special character is backslash-escaped, so nothing turns into an
//! intra-doc link, an HTML tag, a list, a heading or a code block. A
//! description holding a fenced block (a line starting with ```` ``` ````) is
//! emitted whole inside a `text` fence instead.

use std::sync::OnceLock;

use regex::Regex;

/// Characters escaped outside code spans and links.
const SPECIAL: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '&'];

fn link_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\[([^\[\]]+)\]\((https?://[^\s()<>]+)\)").expect("valid regex"))
}

fn url_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"https?://[^\s<>()\[\]"'`\\]+"#).expect("valid regex"))
}

/// The doc lines (without the `///` prefix) for a description: paragraphs
/// separated by empty lines, no trailing whitespace.
pub fn lines(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace(['\r', '\t'], " ");
    let fenced = text.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("```") || l.starts_with("~~~")
    });
    if fenced {
        let longest_tick_run = longest_run(&text, '`');
        let fence = "`".repeat(longest_tick_run.max(3) + 1);
        let mut out = vec![format!("{fence}text")];
        out.extend(text.lines().map(|l| l.trim_end().to_string()));
        while out.last().is_some_and(String::is_empty) {
            out.pop();
        }
        out.push(fence);
        return out;
    }
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            out.push(String::new());
        }
        out.push(escape_line(line));
    }
    out
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for ch in s.chars() {
        if ch == c {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// One line of prose: code spans verbatim, the rest escaped.
fn escape_line(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut text = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '`' {
            let n = run_at(&chars, i);
            if let Some(end) = closing_run(&chars, i + n, n) {
                out.push_str(&escape_text(&text));
                text.clear();
                out.extend(&chars[i..end + n]);
                i = end + n;
                continue;
            }
            text.extend(&chars[i..i + n]);
            i += n;
            continue;
        }
        text.push(chars[i]);
        i += 1;
    }
    out.push_str(&escape_text(&text));
    escape_line_start(&out)
}

fn run_at(chars: &[char], i: usize) -> usize {
    chars[i..].iter().take_while(|&&c| c == '`').count()
}

/// The start of the next backtick run of exactly `n` after `from`.
fn closing_run(chars: &[char], from: usize, n: usize) -> Option<usize> {
    let mut j = from;
    while j < chars.len() {
        if chars[j] == '`' {
            let m = run_at(chars, j);
            if m == n {
                return Some(j);
            }
            j += m;
        } else {
            j += 1;
        }
    }
    None
}

/// Prose outside code spans: links kept, URLs autolinked, specials escaped.
fn escape_text(text: &str) -> String {
    let mut out = String::new();
    let mut last = 0;
    for c in link_re().captures_iter(text) {
        let m = c.get(0).expect("match");
        out.push_str(&escape_urls(&text[last..m.start()]));
        out.push('[');
        out.push_str(&escape_plain(&c[1]));
        out.push_str("](");
        out.push_str(&c[2]);
        out.push(')');
        last = m.end();
    }
    out.push_str(&escape_urls(&text[last..]));
    out
}

fn escape_urls(text: &str) -> String {
    let mut out = String::new();
    let mut last = 0;
    for m in url_re().find_iter(text) {
        let url = m.as_str().trim_end_matches(['.', ',', ';', ':', '!', '?', '*', '_']);
        out.push_str(&escape_plain(&text[last..m.start()]));
        out.push('<');
        out.push_str(url);
        out.push('>');
        last = m.start() + url.len();
    }
    out.push_str(&escape_plain(&text[last..]));
    out
}

fn escape_plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if SPECIAL.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Line starts markdown reads as block syntax: list markers, headings,
/// quotes, thematic breaks, numbered items.
fn escape_line_start(line: &str) -> String {
    let first = line.chars().next();
    match first {
        Some('+' | '-' | '=' | '#' | '>') => format!("\\{line}"),
        Some(c) if c.is_ascii_digit() => {
            let digits = line.chars().take_while(char::is_ascii_digit).count();
            let rest = &line[digits..];
            if rest.starts_with(['.', ')']) {
                format!("{}\\{}", &line[..digits], rest)
            } else {
                line.to_string()
            }
        }
        _ => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_links_and_urls() {
        let l = lines("Use ``PAY_PER_REQUEST`` - see [On-demand](https://x.example/a_b.html). Or https://y.example/z.");
        assert_eq!(
            l,
            vec![r"Use ``PAY_PER_REQUEST`` - see [On-demand](https://x.example/a_b.html). Or <https://y.example/z>."]
        );
    }

    #[test]
    fn lists_brackets_and_html_are_escaped() {
        let l = lines("  +  item [a] <b>\n\n1. one_two *x*");
        assert_eq!(l, vec![r"\+  item \[a\] \<b\>", "", r"1\. one\_two \*x\*"]);
    }

    #[test]
    fn unbalanced_backticks_are_escaped() {
        assert_eq!(lines("a `b"), vec![r"a \`b"]);
    }

    #[test]
    fn fences_become_text_blocks() {
        let l = lines("x\n```\ncode\n```");
        assert_eq!(l[0], "````text");
        assert_eq!(l.last().unwrap(), "````");
    }
}
