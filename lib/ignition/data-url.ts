// RFC 2397 data: URL decoding, following github.com/vincent-petithory/dataurl
// (the decoder Ignition uses) closely enough to reject the same inputs with the
// same messages.

type ItemType = "mediaType" | "mediaSubType" | "paramAttr" | "leftQuote" | "paramVal" | "base64Enc" | "dataComma" | "data";

interface Item {
  readonly t: ItemType;
  readonly val: string;
}

const EOF = "";

function isTSpecial(r: string): boolean {
  return "()<>@,;:\\\"/[]?=".includes(r);
}

function isTokenRune(r: string): boolean {
  if (r === EOF) return false;
  const c = r.codePointAt(0) ?? 0;
  return c <= 0x7f && c > 0x20 && c !== 0x7f && !isTSpecial(r);
}

function isUrlCharRune(r: string): boolean {
  const c = r.codePointAt(0) ?? 0;
  return c <= 0x7f && c > 0x20 && c !== 0x7f && !"<>#\"{}|\\^[]`".includes(r);
}

function isBase64Rune(r: string): boolean {
  return /^[A-Za-z0-9+/=\n]$/.test(r);
}

function isAscii(r: string): boolean {
  return r !== EOF && (r.codePointAt(0) ?? 0) <= 0x7f;
}

class LexError extends Error {}

/** The lexer from dataurl/lex.go, run to completion: items up to the first error. */
class Lexer {
  private start = 0;
  private pos = 0;
  private width = 0;
  private seenBase64 = false;
  readonly items: Item[] = [];

  constructor(private readonly input: string) {}

  private next(): string {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return EOF;
    }
    const r = String.fromCodePoint(this.input.codePointAt(this.pos) ?? 0);
    this.width = r.length;
    this.pos += r.length;
    return r;
  }

  private backup(): void {
    this.pos -= this.width;
  }

  private emit(t: ItemType): void {
    this.items.push({ t, val: this.input.slice(this.start, this.pos) });
    this.start = this.pos;
  }

  private emitIfAny(t: ItemType): void {
    if (this.pos > this.start) this.emit(t);
  }

  private fail(message: string): never {
    throw new LexError(message);
  }

  run(): void {
    if (!this.input.startsWith("data:")) this.fail("missing data prefix");
    this.pos = 5;
    this.start = 5;
    const r = this.next();
    if (r === ";") return this.paramSemicolon();
    if (r === ",") return this.dataComma();
    if (r === EOF) this.fail("missing comma before data");
    if (r === "x" || r === "X") {
      if (this.next() === "-") return this.mediaType(false);
      return this.mediaType(true);
    }
    if (isTokenRune(r)) return this.mediaType(true);
    this.fail("invalid character after data prefix");
  }

  private mediaType(discrete: boolean): void {
    for (;;) {
      const r = this.next();
      if (r === "/") {
        this.backup();
        const type = this.input.slice(this.start, this.pos);
        if (discrete && !/^(text|image|audio|video|application|message|multipart)/.test(type)) this.fail("invalid media type");
        break;
      }
      if (r === EOF) this.fail("missing media type slash");
      if (!isTokenRune(r)) this.fail("invalid character for media type");
    }
    this.emitIfAny("mediaType");
    this.next(); // the slash
    this.start = this.pos;
    for (;;) {
      const r = this.next();
      if (r === ";" || r === ",") {
        this.backup();
        break;
      }
      if (r === EOF) this.fail("incomplete media type");
      if (!isTokenRune(r)) this.fail("invalid character for media subtype");
    }
    this.emitIfAny("mediaSubType");
    this.afterValue();
  }

  /** Shared tail of lexAfterMediaSubType and lexAfterParamVal. */
  private afterValue(): void {
    const r = this.next();
    if (r === ";") return this.paramSemicolon();
    if (r === ",") return this.dataComma();
    if (r === EOF) this.fail("missing comma before data");
    this.fail("expected semicolon or comma");
  }

  private paramSemicolon(): void {
    this.start = this.pos; // the semicolon itself is not kept
    const r = this.next();
    if (r === EOF || r === "=" || r === ",") this.fail("unterminated parameter sequence");
    if (!isTokenRune(r)) this.fail("invalid character for parameter attribute");
    this.backup();
    for (;;) {
      const c = this.next();
      if (c === "=") {
        this.backup();
        this.emitIfAny("paramAttr");
        this.next();
        this.start = this.pos;
        return this.paramValue();
      }
      if (c === ",") {
        this.backup();
        if (this.pos > this.start) {
          const v = this.input.slice(this.start, this.pos);
          if (v !== "base64") this.fail(`expected base64, got ${v}`);
          this.seenBase64 = true;
          this.emit("base64Enc");
        }
        this.next();
        return this.dataComma();
      }
      if (c === EOF) this.fail("unterminated parameter sequence");
      if (!isTokenRune(c)) this.fail("invalid character for parameter attribute");
    }
  }

  private paramValue(): void {
    const r = this.next();
    if (r === '"') {
      this.emit("leftQuote");
      for (;;) {
        const c = this.next();
        if (c === EOF) this.fail("unclosed quoted string");
        if (c === "\\") {
          // Go's lexEscapedChar tests r <= MaxASCII first, and eof (-1) passes,
          // so an escape at the very end reports the unclosed string instead.
          const e = this.next();
          if (e === EOF) this.fail("unclosed quoted string");
          if (!isAscii(e)) this.fail("invalid escaped character");
          continue;
        }
        if (c === '"') {
          this.backup();
          this.emitIfAny("paramVal");
          this.next();
          this.start = this.pos;
          return this.afterValue();
        }
        if (!isAscii(c)) this.fail("invalid character for parameter value");
      }
    }
    if (r === EOF) this.fail("missing comma before data");
    if (!isTokenRune(r)) this.fail("invalid character for parameter value");
    for (;;) {
      const c = this.next();
      if (c === ";" || c === ",") {
        this.backup();
        this.emitIfAny("paramVal");
        return this.afterValue();
      }
      if (c === EOF) this.fail("missing comma before data");
      if (!isTokenRune(c)) this.fail("invalid character for parameter value");
    }
  }

  private dataComma(): void {
    this.emit("dataComma");
    const valid = this.seenBase64 ? isBase64Rune : isUrlCharRune;
    for (let r = this.next(); r !== EOF; r = this.next()) {
      if (!valid(r)) this.fail("invalid data character");
    }
    this.emitIfAny("data");
  }
}

function rfc2396Unescape(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? "";
    if ((c.codePointAt(0) ?? 0) > 0x7f) throw new Error("rfc2396: non-ASCII char detected");
    if (c !== "%") {
      out += c;
      continue;
    }
    for (const j of [1, 2]) {
      const h = s[i + j];
      if (h === undefined) throw new Error("rfc2396: unexpected end of unescape sequence");
      if (!/[0-9a-fA-F]/.test(h)) throw new Error("rfc2396: invalid char 0x25 in unescape sequence");
    }
    out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
    i += 2;
  }
  return out;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Go's base64.StdEncoding.DecodeString error positions ("illegal base64 data at input byte N"). */
export function base64Error(src: string): string | undefined {
  const corrupt = (n: number): string => `illegal base64 data at input byte ${n}`;
  const isNl = (c: string | undefined): boolean => c === "\n" || c === "\r";
  let si = 0;
  while (si < src.length) {
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return undefined;
        return corrupt(si - j);
      }
      const c = src[si] ?? "";
      si++;
      if (B64.includes(c)) continue;
      if (isNl(c)) {
        j--;
        continue;
      }
      if (c !== "=") return corrupt(si - 1);
      if (j === 0 || j === 1) return corrupt(si - 1);
      if (j === 2) {
        while (si < src.length && isNl(src[si])) si++;
        if (si === src.length) return corrupt(src.length);
        if (src[si] !== "=") return corrupt(si - 1);
        si++;
      }
      while (si < src.length && isNl(src[si])) si++;
      return si < src.length ? corrupt(si) : undefined;
    }
  }
  return undefined;
}

/** Go's strconv.Unquote validity for a double-quoted string body. */
function goUnquoteOk(body: string): boolean {
  return /^(?:[^\\"\n]|\\(?:[abfnrtv\\"]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-3][0-7]{2}))*$/.test(body) && unicodeEscapesOk(body);
}

function unicodeEscapesOk(body: string): boolean {
  for (const m of body.matchAll(/\\(?:\\|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))/g)) {
    const hex = m[1] ?? m[2];
    if (hex === undefined) continue;
    const v = parseInt(hex, 16);
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return false;
  }
  return true;
}

export interface DataUrlResult {
  readonly error?: string;
  readonly data?: string;
}

export function decodeDataUrl(s: string): DataUrlResult {
  const lexer = new Lexer(s);
  let lexError: string | undefined;
  try {
    lexer.run();
  } catch (e) {
    if (!(e instanceof LexError)) throw e;
    lexError = e.message;
  }
  let quoted = false;
  let base64 = false;
  let data = "";
  // The parser consumes items in order, so an item error before the lexer's
  // own error wins, exactly as with the channel in the Go implementation.
  try {
    for (const item of lexer.items) {
      if (item.t === "leftQuote") quoted = true;
      else if (item.t === "paramVal") {
        if (quoted) {
          if (!goUnquoteOk(item.val)) return { error: "invalid syntax" };
        } else rfc2396Unescape(item.val);
        quoted = false;
      } else if (item.t === "base64Enc") base64 = true;
      else if (item.t === "data") {
        if (base64) {
          const err = base64Error(item.val);
          if (err !== undefined) return { error: err };
          data = item.val;
        } else data = rfc2396Unescape(item.val);
      }
    }
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  if (lexError !== undefined) return { error: lexError };
  return { data };
}
