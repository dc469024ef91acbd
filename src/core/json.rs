//! The little JSON the core needs without a JSON library: writing string values into the refresh
//! body, and reading a numeric claim (`exp`) out of a JWT payload.
//!
//! Parsing JSON bodies of HTTP responses is not done here: the browser side uses `JSON.parse`,
//! which is faster and costs no bytes. This module only has to be correct on the small inputs
//! above, and it refuses (returns `None`) rather than guesses on anything it does not understand.
//! It works on bytes: JSON's syntax is ASCII, and string contents are skipped, never decoded.

/// How deeply nested a JWT payload may be before the scanner gives up.
const MAX_DEPTH: usize = 32;

/// Appends `value` to `out` as a JSON string literal, quotes included.
pub fn push_string(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for ch in value.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 0xf] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Parses a plain decimal number (`-12`, `1700000000`, `1.5`). Exponents, `NaN`, signs other than
/// a leading `-`, and anything else are refused: this reads claims and stored timestamps, which
/// are written as plain numbers, without pulling the float parser into the wasm module.
pub fn parse_number(text: &[u8]) -> Option<f64> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let point = digits.iter().position(|b| *b == b'.');
    let (whole, fraction) = match point {
        Some(i) => (digits.get(..i)?, Some(digits.get(i + 1..)?)),
        None => (digits, None),
    };
    if whole.is_empty() || whole.len() > 17 || !whole.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut value = whole.iter().fold(0.0, |acc, b| acc * 10.0 + f64::from(b - b'0'));
    if let Some(fraction) = fraction {
        if fraction.is_empty() || !fraction.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut scale = 0.1;
        for b in fraction.iter().take(9) {
            value += f64::from(b - b'0') * scale;
            scale /= 10.0;
        }
    }
    Some(if negative { -value } else { value })
}

/// Writes a whole number in decimal (`1700000000123`, `-1`), or `None` when `value` is not a whole
/// number below 10^15. Used for stored timestamps and business codes, without the float formatter.
pub fn integer_text(value: f64) -> Option<String> {
    if !value.is_finite() || value % 1.0 != 0.0 || value.abs() >= 1e15 {
        return None;
    }
    let mut digits = [0u8; 16];
    let mut n = value.abs() as u64;
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut out = String::with_capacity(17);
    if value < 0.0 {
        out.push('-');
    }
    for digit in digits.iter().skip(start) {
        out.push(char::from(*digit));
    }
    Some(out)
}

/// Reads the number stored under `key` at the top level of the JSON object `text`.
///
/// Returns `None` when `text` is not a well-formed object, when the key is missing, or when its
/// value is not a plain number. The key is compared as written (an escaped key does not match).
pub fn top_level_number(text: &[u8], key: &[u8]) -> Option<f64> {
    let mut scanner = Scanner { bytes: text, pos: 0 };
    scanner.skip_ws();
    scanner.eat(b'{')?;
    let mut found = None;
    scanner.skip_ws();
    if scanner.peek() == Some(b'}') {
        scanner.pos += 1;
    } else {
        loop {
            scanner.skip_ws();
            let name = scanner.string()?;
            scanner.skip_ws();
            scanner.eat(b':')?;
            scanner.skip_ws();
            let start = scanner.pos;
            scanner.value(1)?;
            if name == key {
                found = parse_number(text.get(start..scanner.pos)?);
            }
            scanner.skip_ws();
            match scanner.next()? {
                b',' => continue,
                b'}' => break,
                _ => return None,
            }
        }
    }
    scanner.skip_ws();
    (scanner.pos == text.len()).then_some(found).flatten()
}

/// A cursor over JSON text that validates as it skips.
struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn eat(&mut self, expected: u8) -> Option<()> {
        (self.next()? == expected).then_some(())
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Skips a string literal; returns its raw contents (escapes not decoded).
    fn string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.pos;
        loop {
            match self.next()? {
                b'"' => return self.bytes.get(start..self.pos - 1),
                b'\\' => match self.next()? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                    b'u' => {
                        for _ in 0..4 {
                            self.next()?.is_ascii_hexdigit().then_some(())?;
                        }
                    }
                    _ => return None,
                },
                b if b < 0x20 => return None,
                _ => {}
            }
        }
    }

    /// Skips one value of any kind, checking that it is well formed.
    fn value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => self.container(b'}', depth, true),
            b'[' => self.container(b']', depth, false),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.number(),
        }
    }

    fn container(&mut self, close: u8, depth: usize, keyed: bool) -> Option<()> {
        self.pos += 1;
        self.skip_ws();
        if self.peek()? == close {
            self.pos += 1;
            return Some(());
        }
        loop {
            self.skip_ws();
            if keyed {
                self.string()?;
                self.skip_ws();
                self.eat(b':')?;
                self.skip_ws();
            }
            self.value(depth + 1)?;
            self.skip_ws();
            match self.next()? {
                b',' => continue,
                b if b == close => return Some(()),
                _ => return None,
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.pos + word.len();
        (self.bytes.get(self.pos..end)? == word).then(|| self.pos = end)
    }

    /// Skips a number token (any JSON number, exponents included: they are valid JSON even
    /// though [`parse_number`] will not read them).
    fn number(&mut self) -> Option<()> {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')) {
            self.pos += 1;
        }
        (self.pos > start).then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        let cases = [
            ("plain", "\"plain\""),
            ("a\"b\\c", "\"a\\\"b\\\\c\""),
            ("line\nbreak\ttab\r", "\"line\\nbreak\\ttab\\r\""),
            ("\u{1}", "\"\\u0001\""),
            ("日本", "\"日本\""),
        ];
        for (input, expected) in cases {
            let mut out = String::new();
            push_string(&mut out, input);
            assert_eq!(out, expected, "escaping {input:?}");
        }
    }

    #[test]
    fn numbers_parse_or_are_refused() {
        let cases = [
            ("0", Some(0.0)),
            ("1700000000", Some(1_700_000_000.0)),
            ("-5", Some(-5.0)),
            ("1.5", Some(1.5)),
            ("1700000000123", Some(1_700_000_000_123.0)),
            ("", None),
            ("-", None),
            ("1.", None),
            (".5", None),
            ("1e9", None),
            ("NaN", None),
            ("12a", None),
            (" 12", None),
            ("+3", None),
            ("1.2.3", None),
            ("123456789012345678", None),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_number(input.as_bytes()), expected, "parsing {input:?}");
        }
    }

    #[test]
    fn integers_are_written() {
        let cases = [
            (0.0, Some("0")),
            (-1.0, Some("-1")),
            (1_700_000_000_123.0, Some("1700000000123")),
            (999_999_999_999_999.0, Some("999999999999999")),
            (1.5, None),
            (f64::INFINITY, None),
            (1e16, None),
        ];
        for (value, expected) in cases {
            assert_eq!(integer_text(value).as_deref(), expected, "{value}");
        }
    }

    #[test]
    fn top_level_numbers_are_found_only_at_the_top() {
        let cases = [
            (r#"{"exp":1700000000}"#, Some(1_700_000_000.0)),
            (r#" { "sub" : "x", "exp" : 42 } "#, Some(42.0)),
            (r#"{"nested":{"exp":1},"exp":2}"#, Some(2.0)),
            (r#"{"nested":{"exp":1}}"#, None),
            (r#"{"list":[1,{"exp":3}],"exp":4}"#, Some(4.0)),
            (r#"{"exp":"5"}"#, None),
            (r#"{"exp":1e3}"#, None),
            (r#"{"a":true,"b":null,"c":false,"exp":6}"#, Some(6.0)),
            (r#"{"s":"quote\"brace}","exp":7}"#, Some(7.0)),
            (r#"{"u":"\u00e9\ud83d\ude00","exp":8}"#, Some(8.0)),
            (r#"{"exp":8"#, None),
            (r#"{"exp":8} trailing"#, None),
            (r#"[{"exp":9}]"#, None),
            (r#"{"exp":9,}"#, None),
            ("{}", None),
            ("", None),
            (r#"{"bad":"\x"}"#, None),
            (r#"{"bad":"\u12"}"#, None),
        ];
        for (input, expected) in cases {
            assert_eq!(top_level_number(input.as_bytes(), b"exp"), expected, "scanning {input}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = ["{\"a\":", &"[".repeat(10_000), "1", &"]".repeat(10_000), ",\"exp\":1}"].concat();
        assert_eq!(top_level_number(deep.as_bytes(), b"exp"), None);
    }

    #[test]
    fn non_utf8_string_contents_are_skipped() {
        let mut payload = b"{\"name\":\"".to_vec();
        payload.extend_from_slice(&[0xff, 0xfe]);
        payload.extend_from_slice(b"\",\"exp\":11}");
        assert_eq!(top_level_number(&payload, b"exp"), Some(11.0));
    }
}
