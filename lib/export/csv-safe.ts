/**
 * CSV formula injection: a spreadsheet runs a cell that starts with one of these as a formula
 * (OWASP "CSV Injection"). Agents choose error codes and messages, operators write reasons; an
 * export must not carry `=HYPERLINK(...)` into someone's spreadsheet. OWASP's remedy: prefix such
 * a cell with a single quote, which spreadsheets show as text. The Postgres COPY export applies
 * the same rule in SQL (db/queries/history.ts, `csvSafeSql`), built from this list; a
 * differential test holds the two to the same answers.
 */
export const FORMULA_TRIGGERS = ["=", "+", "-", "@", "\t", "\r"] as const;

export function csvSafe(text: string): string {
  return (FORMULA_TRIGGERS as readonly string[]).includes(text.charAt(0)) ? `'${text}` : text;
}
