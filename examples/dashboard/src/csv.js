// CSV as RFC 4180 writes it: a field holding a comma, a double quote or a line break
// is quoted, its quotes doubled; rows end with CRLF.

/** One field. */
export function csvField(value) {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows (arrays of cells) as CSV text. */
export function toCsv(rows) {
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}
