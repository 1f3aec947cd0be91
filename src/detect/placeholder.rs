//! The placeholder filter: values that sit where a credential goes but are not one.
//!
//! Generic rules (`password = "..."`, `API_KEY=...`) see the assigned value,
//! and in real code that value is far more often a template variable, an
//! environment lookup, a function call or a stand-in like `changeme` than a
//! live secret. A rule opts in with `filter_placeholders = true`, and every
//! candidate it produces goes through [`is_placeholder`] first.
//!
//! The filter works on bytes, allocates nothing, and errs on the side of
//! keeping a candidate: it only drops values whose shape is unmistakably
//! code, templating or filler.

/// Values that are placeholders when they are the whole secret (compared ASCII-case-insensitively).
const EXACT: &[&[u8]] = &[
    b"changeme",
    b"change_me",
    b"change-me",
    b"changeit",
    b"password",
    b"passwd",
    b"passw0rd",
    b"passphrase",
    b"passcode",
    b"pass",
    b"pwd",
    b"secret",
    b"top secret",
    b"topsecret",
    b"token",
    b"apikey",
    b"api_key",
    b"null",
    b"nil",
    b"none",
    b"true",
    b"false",
    b"undefined",
    b"empty",
    b"example",
    b"sample",
    b"dummy",
    b"test",
    b"testing",
    b"todo",
    b"tbd",
    b"fixme",
    b"foo",
    b"bar",
    b"foobar",
    b"abc123",
    b"123456",
    b"12345678",
    b"qwerty",
    b"letmein",
    b"string",
];

/// Substrings that mark a value as a placeholder wherever they occur.
const CONTAINS: &[&[u8]] = &[
    b"example",
    b"placeholder",
    b"redacted",
    b"your_",
    b"your-",
    b"yourkey",
    b"yourpass",
    b"yoursecret",
    b"yourtoken",
    b"&lt;",
    b"a1b2c3",
    b"${",
    b"#{",
    b"{{",
    b"}}",
    b"%(",
    b"process.env",
    b"os.environ",
    b"getenv(",
    b"environ.get",
    b"env[",
    b"env.fetch",
    // Notarization tools (gon, altool) read `@env:NAME` and `@keychain:NAME` instead of a password.
    b"@env:",
    b"@keychain:",
    b"_here",
    b"-here",
    b"here_",
    b"here-",
    b"keyhere",
    b"tokenhere",
    b"secrethere",
    b"passwordhere",
    b"changeme",
    b"change_me",
    b"replace_me",
    b"replaceme",
    b"xxxx",
    b"****",
];

/// Keyboard and alphabet runs; a value that is a slice of one (either direction) is filler.
const RUNS: &[&[u8]] = &[
    b"abcdefghijklmnopqrstuvwxyz",
    b"01234567890",
    b"qwertyuiop",
    b"asdfghjkl",
    b"zxcvbnm",
];

/// Words that make a snake_case identifier a variable name rather than a password (`db_pass`).
const NAME_WORDS: &[&[u8]] = &[
    b"pass", b"pwd", b"secret", b"token", b"key", b"auth", b"cred",
];

/// Returns true when `secret` is a placeholder, template, code expression or filler value.
///
/// Surrounding whitespace and quotes are ignored. An empty value is a placeholder.
pub fn is_placeholder(secret: &[u8]) -> bool {
    let s = trim(secret);
    if s.is_empty() {
        return true;
    }

    if EXACT.iter().any(|w| s.eq_ignore_ascii_case(w)) {
        return true;
    }
    if CONTAINS.iter().any(|w| contains_ci(s, w)) {
        return true;
    }
    if is_filler(s) || is_run(s) || has_long_run(s) || has_angle_placeholder(s) {
        return true;
    }
    is_template(s) || is_code(s)
}

/// Strips ASCII whitespace and one layer of matching quotes.
fn trim(s: &[u8]) -> &[u8] {
    let s = s.trim_ascii();
    match (s.first(), s.last()) {
        (Some(&a), Some(&b)) if s.len() >= 2 && a == b && matches!(a, b'"' | b'\'' | b'`') => {
            s[1..s.len() - 1].trim_ascii()
        }
        _ => s,
    }
}

/// ASCII-case-insensitive substring search; `needle` must be lowercase.
fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    needle.len() <= hay.len()
        && hay
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// One repeated character, or only masking characters (`xxx`, `***`, `...`, `x-x`).
fn is_filler(s: &[u8]) -> bool {
    let first = s[0].to_ascii_lowercase();
    if s.iter().all(|b| b.to_ascii_lowercase() == first) {
        return true;
    }
    s.iter()
        .all(|b| matches!(b, b'x' | b'X' | b'*' | b'.' | b'-' | b'_' | b'#' | b' '))
}

/// A slice (at least 4 long) of the alphabet, the digits or a keyboard row, forwards or backwards.
fn is_run(s: &[u8]) -> bool {
    if s.len() < 4 || s.len() > 26 {
        return false;
    }
    let mut buf = [0u8; 26];
    let lower = &mut buf[..s.len()];
    for (d, b) in lower.iter_mut().zip(s) {
        *d = b.to_ascii_lowercase();
    }
    let mut rev = [0u8; 26];
    let rev = &mut rev[..s.len()];
    for (d, b) in rev.iter_mut().zip(lower.iter().rev()) {
        *d = *b;
    }
    RUNS.iter().any(|run| {
        run.windows(s.len())
            .any(|w| w == &lower[..] || w == &rev[..])
    })
}

/// True when `s` embeds a long sequential run (`abcdefg`, `1234567`, `qwertyui`).
///
/// Random credentials essentially never contain one (the chance for a 7-character alphabet run
/// is below one in a billion per position), but typed stand-ins such as `abcdefg12346+FJQCK`
/// or `AKIA...1234567890` do. Runs of digits and letters need 7 characters, keyboard rows 8,
/// so that real weak passwords like `abuser123456` or `Zxcvbnm@123` are still reported.
fn has_long_run(s: &[u8]) -> bool {
    let runs: [(&[u8], usize); 4] = [
        (b"abcdefghijklmnopqrstuvwxyz", 7),
        (b"01234567890", 7),
        (b"qwertyuiop", 8),
        (b"asdfghjkl", 8),
    ];
    runs.iter().any(|&(run, n)| {
        s.len() >= n
            && s.windows(n).any(|w| {
                let fwd = run.windows(n).any(|r| w.eq_ignore_ascii_case(r));
                fwd || run.windows(n).any(|r| {
                    w.iter()
                        .rev()
                        .zip(r)
                        .all(|(a, b)| a.eq_ignore_ascii_case(b))
                })
            })
    })
}

/// True when `s` holds an angle-bracketed name such as `<your-key>` or `<DB PASSWORD>`.
///
/// A bare `<` or `>` is kept: generated secrets (WordPress salts, JWT keys) contain them.
fn has_angle_placeholder(s: &[u8]) -> bool {
    let Some(open) = s.iter().position(|&b| b == b'<') else {
        return false;
    };
    let inner = &s[open + 1..];
    match inner.iter().position(|&b| b == b'>') {
        Some(close) if close > 0 => inner[..close]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b" _.:-%=/".contains(b)),
        _ => false,
    }
}

/// Template and format syntax: `$VAR`, `%s`, `%VAR%`, `{name}`, `@VAR@`, `__VAR__`.
fn is_template(s: &[u8]) -> bool {
    let ident =
        |b: &[u8]| !b.is_empty() && b.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'_');

    // `$VAR`, `$env:VAR`, `$obj->field`, `${VAR}`, `$(cmd)`: a value that starts with a
    // variable sigil is an interpolation in shell, PHP, Perl and PowerShell, not a literal.
    if let [b'$', c, ..] = s {
        if c.is_ascii_alphabetic() || b"_{(".contains(c) {
            return true;
        }
    }
    if s.len() <= 3 && s.starts_with(b"%") {
        return true;
    }
    if contains_ci(s, b"%s") && s.len() <= 8 {
        return true;
    }
    let wrapped = |open: &[u8], close: &[u8]| {
        s.len() > open.len() + close.len()
            && s.starts_with(open)
            && s.ends_with(close)
            && ident(&s[open.len()..s.len() - close.len()])
    };
    // `{self.password}`, `{cfg.pw!r}`: a Python f-string or `str.format` field.
    let field = |b: &[u8]| {
        let b = match b {
            [head @ .., b'!', b'r' | b's' | b'a'] => head,
            _ => b,
        };
        !b.is_empty() && b.split(|&c| c == b'.').all(ident) && !b[0].is_ascii_digit()
    };
    let braced =
        s.len() > 2 && s.starts_with(b"{") && s.ends_with(b"}") && field(&s[1..s.len() - 1]);
    braced
        || wrapped(b"%", b"%")
        || wrapped(b"{", b"}")
        || wrapped(b"@", b"@")
        || wrapped(b"__", b"__")
        || wrapped(b"[", b"]")
}

/// Code rather than a value: a call, an index, a dotted path, or a variable-like name.
fn is_code(s: &[u8]) -> bool {
    // Leading dotted identifier path: `a`, `config.db_pass`, `self.token`.
    let mut i = 0;
    let mut segments = 0;
    loop {
        let start = i;
        if i < s.len() && (s[i].is_ascii_alphabetic() || s[i] == b'_') {
            i += 1;
            while i < s.len() && (s[i].is_ascii_alphanumeric() || s[i] == b'_') {
                i += 1;
            }
        }
        if i == start {
            return false;
        }
        segments += 1;
        if i < s.len() && (s[i] == b'.' || s[i] == b':' && s.get(i + 1) == Some(&b':')) {
            i += if s[i] == b'.' { 1 } else { 2 };
            continue;
        }
        break;
    }

    let path = &s[..i];
    let rest = &s[i..];
    if !rest.is_empty() {
        // `get_password()`, `os.getenv("X")`, `ENV["X"]`, `settings[:db]`, and a call whose
        // arguments go on the next lines (`Prompt.ask(`).
        let call = rest.starts_with(b"(") && (rest.ends_with(b")") || rest == b"(");
        let index = rest.starts_with(b"[") && rest.ends_with(b"]");
        return call || index;
    }
    if segments > 1 {
        return !path.iter().any(u8::is_ascii_digit);
    }

    // A single word is a variable name when it is SCREAMING_SNAKE (a constant or environment
    // variable, digits allowed: `DOT11_DIALOG_TOKEN`) or snake_case naming a credential
    // (`db_password`). CamelCase words are kept: quoted literals such as `"roboMongoPass"`
    // are real passwords far more often than they are identifiers.
    if !path.contains(&b'_') {
        return false;
    }
    let screaming = path[0].is_ascii_uppercase()
        && path
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_');
    if screaming {
        return true;
    }
    !path.iter().any(u8::is_ascii_digit) && NAME_WORDS.iter().any(|w| contains_ci(path, w))
}

#[cfg(test)]
mod tests {
    use super::is_placeholder;

    /// Common stand in words are placeholders.
    #[test]
    fn common_stand_in_words_are_placeholders() {
        for s in [
            "changeme",
            "CHANGE_ME",
            "password",
            "passwd",
            "passphrase",
            "secret",
            "top secret",
            "null",
            "None",
            "nil",
            "true",
            "false",
            "undefined",
            "example",
            "sample",
            "dummy",
            "test",
            "ToDo",
            "abc123",
            "123456",
            "12345678",
            "qwerty",
            "",
        ] {
            assert!(is_placeholder(s.as_bytes()), "{s:?}");
        }
    }

    /// Filler and runs are placeholders.
    #[test]
    fn filler_and_runs_are_placeholders() {
        for s in [
            "xxxxxxxx",
            "XxXx-XxXx",
            "********",
            "...",
            "aaaaaaaaaa",
            "0000",
            "abcdefgh",
        ] {
            assert!(is_placeholder(s.as_bytes()), "{s:?}");
        }
        for s in ["87654321", "hgfedcba", "asdfghjkl"] {
            assert!(is_placeholder(s.as_bytes()), "{s:?}");
        }
    }

    /// Templates are placeholders.
    #[test]
    fn templates_are_placeholders() {
        for s in [
            "${DB_PASS}",
            "$DB_PASS",
            "$(cat /run/secret)",
            "$env:DB_PASS",
            "$config->db_pass",
            "{{ db_password }}",
            "{{.Token}}",
            "%s",
            "%(password)s",
            "%DB_PASS%",
            "{password}",
            "{self.password}",
            "{password!r}",
            "@env:AC_PASSWORD",
            "@keychain:AC_PASSWORD",
            "#{ENV['X']}",
            "@DB_PASS@",
            "__TOKEN__",
            "<your-key>",
            "<password>",
        ] {
            assert!(is_placeholder(s.as_bytes()), "{s:?}");
        }
    }

    /// Code expressions are placeholders.
    #[test]
    fn code_expressions_are_placeholders() {
        for s in [
            "process.env.DB_PASSWORD",
            "os.environ['SECRET_KEY']",
            "os.getenv(\"TOKEN\")",
            "ENV[\"API_KEY\"]",
            "get_password()",
            "Prompt.ask(",
            "CFStringRef.in_dll(",
            "config.db_pass",
            "self.token",
            "settings.SECRET_KEY",
            "Rails::Application.secrets",
            "DB_PASSWORD",
            "DOT11_DIALOG_TOKEN",
            "db_password",
            "api_token",
        ] {
            assert!(is_placeholder(s.as_bytes()), "{s:?}");
        }
    }

    /// Descriptive stand ins are placeholders.
    #[test]
    fn descriptive_stand_ins_are_placeholders() {
        for s in [
            "your_api_key_here",
            "abcdefg12346+FJQCK",
            "OOzkR1+hF+1ABCsIFDJMEUtqmtnZ1234567890",
            "&lt;YOURPASSWORD&gt;",
            "<DB PASSWORD>",
            "insert-key-here",
            "my-example-token",
            "REDACTED",
            "placeholder",
            "'changeme'",
            "\"xxx\"",
        ] {
            assert!(is_placeholder(s.as_bytes()), "{s:?}");
        }
    }

    /// Real looking values are kept.
    #[test]
    fn real_looking_values_are_kept() {
        for s in [
            "hunter2",
            "Tr0ub4dor&3",
            "s3cr3tP4ssw0rd!",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzKQ9vT3hLm",
            "c2VjcmV0OnBhc3N3b3Jk",
            "N7x#pQ2m!vL9",
            "correcthorsebatterystaple",
            "correct_horse_battery",
            "7`D}/vYR)T;W5]EBrf;_&k>qX??]G&3CF=;@vyrVBp[",
            "abuser123456",
            "Zxcvbnm@12345",
            "super$ecret",
            "$2y$10$Kq8vN2pLx7RtW4mZb9YcJe",
            "roboMongoSSHPass",
            "9f86d081884c7d659a2feaa0c55ad015",
        ] {
            assert!(!is_placeholder(s.as_bytes()), "{s:?}");
        }
    }
}
