//! A small `multipart/form-data` reader. The reference Python client sends its
//! uploads with `Content-Type: application/json` (its JSON header wins over the
//! multipart one), so the boundary is taken from the body when the header does
//! not give it.

/// One part of a multipart body.
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// The longest boundary RFC 2046 allows.
pub const MAX_BOUNDARY: usize = 70;

/// Where `needle` first occurs in `haystack` at or after `from`: linear in the
/// haystack's length whatever the needle.
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    memchr::memmem::find(haystack.get(from..)?, needle).map(|p| p + from)
}

/// Why no boundary could be taken.
#[derive(Debug, PartialEq)]
pub enum BoundaryError {
    /// Neither the header nor the body's first line names one.
    Missing,
    /// Longer than [`MAX_BOUNDARY`] characters, or with characters RFC 2046 does not allow.
    Invalid,
}

/// Whether a boundary is one RFC 2046 allows: 1 to 70 characters from its set.
fn valid_boundary(b: &str) -> bool {
    (1..=MAX_BOUNDARY).contains(&b.len())
        && b.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"'()+_,-./:=? ".contains(&c))
        && !b.ends_with(' ')
}

/// The boundary from a `Content-Type` header, or else from the body's first line.
pub fn boundary(content_type: Option<&str>, body: &[u8]) -> Result<String, BoundaryError> {
    let checked = |b: &str| {
        valid_boundary(b)
            .then(|| b.to_string())
            .ok_or(BoundaryError::Invalid)
    };
    if let Some(ct) = content_type {
        if ct.to_ascii_lowercase().starts_with("multipart/") {
            for piece in ct.split(';') {
                let piece = piece.trim();
                if let Some(b) = piece.strip_prefix("boundary=") {
                    return checked(b.trim_matches('"'));
                }
            }
        }
    }
    let rest = body.strip_prefix(b"--").ok_or(BoundaryError::Missing)?;
    // Look for the line's end no further than a valid boundary can reach.
    let head = rest.get(..rest.len().min(MAX_BOUNDARY + 2)).unwrap_or(rest);
    let Some(end) = find(head, b"\r\n", 0) else {
        return Err(if head.len() > MAX_BOUNDARY + 1 {
            BoundaryError::Invalid
        } else {
            BoundaryError::Missing
        });
    };
    let line = head
        .get(..end)
        .and_then(|l| std::str::from_utf8(l).ok())
        .ok_or(BoundaryError::Invalid)?;
    if line.contains(' ') {
        return Err(BoundaryError::Missing);
    }
    checked(line)
}

fn header_param(header: &str, name: &str) -> Option<String> {
    for piece in header.split(';') {
        let piece = piece.trim();
        if let Some((k, v)) = piece.split_once('=') {
            if k.trim().eq_ignore_ascii_case(name) {
                return Some(v.trim().trim_matches('"').to_string());
            }
        }
    }
    None
}

/// Splits a body into its parts; `None` when it is not well-formed.
pub fn parse(body: &[u8], boundary: &str) -> Option<Vec<Part>> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut parts = Vec::new();
    let mut at = find(body, delimiter, 0)? + delimiter.len();
    loop {
        if body.get(at..at + 2) == Some(b"--") {
            return Some(parts);
        }
        at = find(body, b"\r\n", at)? + 2;
        let headers_end = find(body, b"\r\n\r\n", at)?;
        let headers = std::str::from_utf8(body.get(at..headers_end)?).ok()?;
        let data_start = headers_end + 4;
        let mut next_delim = Vec::with_capacity(delimiter.len() + 2);
        next_delim.extend_from_slice(b"\r\n");
        next_delim.extend_from_slice(delimiter);
        let data_end = find(body, &next_delim, data_start)?;
        let mut name = None;
        let mut file_name = None;
        let mut content_type = None;
        for line in headers.split("\r\n") {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            if key.trim().eq_ignore_ascii_case("content-disposition") {
                name = header_param(value, "name");
                file_name = header_param(value, "filename");
            } else if key.trim().eq_ignore_ascii_case("content-type") {
                content_type = Some(value.trim().to_string());
            }
        }
        parts.push(Part {
            name: name?,
            file_name,
            content_type,
            data: body.get(data_start..data_end)?.to_vec(),
        });
        at = data_end + next_delim.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_file_and_body_parts_with_the_boundary_from_the_body() {
        let body = b"--xyz\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\n{\"field_id\":\"f\"}\r\n--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\nContent-Type: text/csv\r\n\r\nA,B\r\n1,2\r\n--xyz--\r\n";
        let b = boundary(Some("application/json"), body).unwrap();
        assert_eq!(
            boundary(
                Some(&format!("multipart/form-data; boundary={}", "b".repeat(70))),
                body
            ),
            Ok("b".repeat(70))
        );
        assert_eq!(b, "xyz");
        let parts = parse(body, &b).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "body");
        assert_eq!(parts[1].file_name.as_deref(), Some("a.csv"));
        assert_eq!(parts[1].data, b"A,B\r\n1,2");
        assert_eq!(parts[1].content_type.as_deref(), Some("text/csv"));
    }

    #[test]
    fn broken_bodies_are_none() {
        assert!(parse(b"--xyz\r\nno end", "xyz").is_none());
        assert_eq!(
            boundary(None, b"{\"json\": 1}"),
            Err(BoundaryError::Missing)
        );
        let long = format!("multipart/form-data; boundary={}", "b".repeat(71));
        assert_eq!(boundary(Some(&long), b""), Err(BoundaryError::Invalid));
        let body = format!(
            "--{}\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n",
            "b".repeat(5000)
        );
        assert_eq!(boundary(None, body.as_bytes()), Err(BoundaryError::Invalid));
    }
}
