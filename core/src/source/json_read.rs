//! JSON templates: the value from `serde_json` (exact numbers, key order
//! kept), the positions from a small scan of the same text.

use super::{pointer_segment, ParseError, Position, SourceMap};

pub(super) fn read(text: &str) -> Result<(serde_json::Value, SourceMap), ParseError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        ParseError::new(Position { line: e.line().max(1), column: e.column().max(1) }, format!("invalid JSON: {e}"))
    })?;
    let mut scan = Scan { chars: text.chars().collect(), i: 0, line: 1, column: 1, map: SourceMap::default() };
    scan.skip_ws();
    let at = scan.at();
    scan.map.insert("", at);
    scan.value("");
    Ok((value, scan.map))
}

/// Walks text that `serde_json` accepted, recording where each node starts.
struct Scan {
    chars: Vec<char>,
    i: usize,
    line: usize,
    column: usize,
    map: SourceMap,
}

impl Scan {
    fn at(&self) -> Position {
        Position { line: self.line, column: self.column }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn string(&mut self) -> String {
        let mut s = String::new();
        self.bump(); // opening quote
        while let Some(c) = self.bump() {
            match c {
                '"' => break,
                '\\' => {
                    if let Some(e) = self.bump() {
                        match e {
                            'n' => s.push('\n'),
                            't' => s.push('\t'),
                            'r' => s.push('\r'),
                            'b' => s.push('\u{8}'),
                            'f' => s.push('\u{c}'),
                            'u' => {
                                let hex: String = (0..4).filter_map(|_| self.bump()).collect();
                                let code = u32::from_str_radix(&hex, 16).unwrap_or(0xfffd);
                                if (0xd800..0xdc00).contains(&code) && self.peek() == Some('\\') {
                                    self.bump();
                                    self.bump();
                                    let low: String = (0..4).filter_map(|_| self.bump()).collect();
                                    let low = u32::from_str_radix(&low, 16).unwrap_or(0xdc00);
                                    let full = 0x10000 + ((code - 0xd800) << 10) + (low.wrapping_sub(0xdc00) & 0x3ff);
                                    s.push(char::from_u32(full).unwrap_or('\u{fffd}'));
                                } else {
                                    s.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                                }
                            }
                            other => s.push(other),
                        }
                    }
                }
                c => s.push(c),
            }
        }
        s
    }

    fn value(&mut self, pointer: &str) {
        self.skip_ws();
        match self.peek() {
            Some('{') => {
                self.bump();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some('"') => {
                            let at = self.at();
                            let key = self.string();
                            let child = format!("{pointer}/{}", pointer_segment(&key));
                            self.map.insert(&child, at);
                            self.skip_ws();
                            self.bump(); // ':'
                            self.value(&child);
                        }
                        Some(',') => {
                            self.bump();
                        }
                        _ => {
                            self.bump(); // '}' (or the end)
                            break;
                        }
                    }
                }
            }
            Some('[') => {
                self.bump();
                let mut index = 0usize;
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some(']') | None => {
                            self.bump();
                            break;
                        }
                        Some(',') => {
                            self.bump();
                        }
                        Some(_) => {
                            let child = format!("{pointer}/{index}");
                            let at = self.at();
                            self.map.insert(&child, at);
                            self.value(&child);
                            index += 1;
                        }
                    }
                }
            }
            Some('"') => {
                self.string();
            }
            Some(_) => {
                while self.peek().is_some_and(|c| !matches!(c, ',' | ']' | '}') && !c.is_whitespace()) {
                    self.bump();
                }
            }
            None => {}
        }
    }
}
