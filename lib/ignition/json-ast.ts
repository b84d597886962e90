// A small JSON parser that keeps source positions, so every issue can point at
// the line and column ignition-validate would report. Syntax error messages
// follow Go's encoding/json wording because that is what Ignition prints.

import { goQuote } from "./go-quote";

interface NodeBase {
  /** UTF-16 offset of the node's marker: value start for scalars, just past the
   * opening bracket for objects and arrays (where vcontext puts it). */
  readonly offset: number;
}

export interface JsonEntry {
  readonly key: string;
  readonly keyOffset: number;
  readonly value: JsonNode;
}

export interface JsonObject extends NodeBase {
  readonly kind: "object";
  readonly entries: JsonEntry[];
}

export interface JsonArray extends NodeBase {
  readonly kind: "array";
  readonly items: JsonNode[];
}

export interface JsonString extends NodeBase {
  readonly kind: "string";
  readonly value: string;
}

export interface JsonNumber extends NodeBase {
  readonly kind: "number";
  /** Literal text, kept so integer checks can follow Go (1.0 and 1e2 are not ints). */
  readonly raw: string;
}

export interface JsonBool extends NodeBase {
  readonly kind: "bool";
  readonly value: boolean;
}

export interface JsonNull extends NodeBase {
  readonly kind: "null";
}

export type JsonNode = JsonObject | JsonArray | JsonString | JsonNumber | JsonBool | JsonNull;

export interface JsonSyntaxError {
  readonly message: string;
  /** UTF-16 offset of the offending character (text length at end of input). */
  readonly offset: number;
}

export type JsonParseResult =
  | { readonly ok: true; readonly root: JsonNode }
  | { readonly ok: false; readonly error: JsonSyntaxError };

class SyntaxFailure extends Error {
  constructor(
    readonly detail: string,
    readonly at: number,
  ) {
    super(detail);
  }
}

const END_OF_INPUT = "unexpected end of JSON input";
/** encoding/json's maxNestingDepth. */
const MAX_DEPTH = 10000;

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  return `'${goQuote(c).slice(1, -1)}'`;
}

function isWhitespace(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r";
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseDocument(): JsonNode {
    this.skipWhitespace();
    const root = this.parseValue();
    this.skipWhitespace();
    if (this.pos < this.text.length) {
      this.fail(`invalid character ${quoteChar(this.peekChar())} after top-level value`);
    }
    return root;
  }

  private peekChar(): string {
    const code = this.text.codePointAt(this.pos);
    return code === undefined ? "" : String.fromCodePoint(code);
  }

  private fail(message: string, at: number = this.pos): never {
    throw new SyntaxFailure(message, at);
  }

  private failUnexpected(context: string, atEofLikeSpace = false): never {
    // Go's scanner feeds a space at end of input: inside a number or literal
    // that space is the invalid character, elsewhere the input just ended.
    if (this.pos >= this.text.length) this.fail(atEofLikeSpace ? `invalid character ' ' ${context}` : END_OF_INPUT, this.text.length);
    this.fail(`invalid character ${quoteChar(this.peekChar())} ${context}`);
  }

  private skipWhitespace(): void {
    while (isWhitespace(this.text[this.pos])) this.pos++;
  }

  /** A scalar, or a freshly opened (still empty) object or array. */
  private parseValueStart(): JsonNode {
    const c = this.text[this.pos];
    const start = this.pos;
    switch (c) {
      case "{":
      case "[":
        this.pos++;
        return c === "{" ? { kind: "object", offset: this.pos, entries: [] } : { kind: "array", offset: this.pos, items: [] };
      case '"':
        return { kind: "string", offset: start, value: this.parseString() };
      case "t":
        this.expectLiteral("true");
        return { kind: "bool", offset: start, value: true };
      case "f":
        this.expectLiteral("false");
        return { kind: "bool", offset: start, value: false };
      case "n":
        this.expectLiteral("null");
        return { kind: "null", offset: start };
      default:
        if (c === "-" || isDigit(c)) return { kind: "number", offset: start, raw: this.parseNumber() };
        return this.failUnexpected("looking for beginning of value");
    }
  }

  private expectLiteral(word: string): void {
    for (let i = 0; i < word.length; i++) {
      const expected = word[i] ?? "";
      if (this.text[this.pos] !== expected) this.failUnexpected(`in literal ${word} (expecting ${quoteChar(expected)})`, true);
      this.pos++;
    }
  }

  private parseNumber(): string {
    const start = this.pos;
    if (this.text[this.pos] === "-") {
      this.pos++;
      if (!isDigit(this.text[this.pos])) this.failUnexpected("in numeric literal", true);
    }
    if (this.text[this.pos] === "0") {
      this.pos++;
    } else {
      while (isDigit(this.text[this.pos])) this.pos++;
    }
    if (this.text[this.pos] === ".") {
      this.pos++;
      if (!isDigit(this.text[this.pos])) this.failUnexpected("after decimal point in numeric literal", true);
      while (isDigit(this.text[this.pos])) this.pos++;
    }
    const e = this.text[this.pos];
    if (e === "e" || e === "E") {
      this.pos++;
      const sign = this.text[this.pos];
      if (sign === "+" || sign === "-") this.pos++;
      if (!isDigit(this.text[this.pos])) this.failUnexpected("in exponent of numeric literal", true);
      while (isDigit(this.text[this.pos])) this.pos++;
    }
    return this.text.slice(start, this.pos);
  }

  private parseString(): string {
    this.pos++; // opening quote
    let out = "";
    for (;;) {
      if (this.pos >= this.text.length) this.fail(END_OF_INPUT, this.text.length);
      const c = this.text[this.pos] ?? "";
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c === "\\") {
        this.pos++;
        out += this.parseEscape();
        continue;
      }
      if (c < " ") this.fail(`invalid character ${quoteChar(c)} in string literal`);
      out += c;
      this.pos++;
    }
  }

  private parseEscape(): string {
    if (this.pos >= this.text.length) this.fail(END_OF_INPUT, this.text.length);
    const c = this.text[this.pos] ?? "";
    const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
    const mapped = simple[c];
    if (mapped !== undefined) {
      this.pos++;
      return mapped;
    }
    if (c !== "u") this.fail(`invalid character ${quoteChar(this.peekChar())} in string escape code`);
    this.pos++;
    let hex = "";
    for (let i = 0; i < 4; i++) {
      if (this.pos >= this.text.length) this.fail(END_OF_INPUT, this.text.length);
      const h = this.text[this.pos] ?? "";
      if (!/[0-9a-fA-F]/.test(h)) this.fail(`invalid character ${quoteChar(this.peekChar())} in \\u hexadecimal character escape`);
      hex += h;
      this.pos++;
    }
    return String.fromCharCode(parseInt(hex, 16));
  }

  private parseKey(): { key: string; keyOffset: number } {
    if (this.text[this.pos] !== '"') this.failUnexpected("looking for beginning of object key string");
    const keyOffset = this.pos;
    const key = this.parseString();
    this.skipWhitespace();
    if (this.text[this.pos] !== ":") this.failUnexpected("after object key");
    this.pos++;
    this.skipWhitespace();
    return { key, keyOffset };
  }

  /** Iterative, so deeply nested input cannot exhaust the call stack. */
  private parseValue(): JsonNode {
    const stack: Array<{ node: JsonObject | JsonArray; key?: { key: string; keyOffset: number } }> = [];
    for (;;) {
      let value = this.parseValueStart();
      if (value.kind === "object" || value.kind === "array") {
        if (stack.length >= MAX_DEPTH) this.fail(`invalid character ${quoteChar(value.kind === "object" ? "{" : "[")} exceeded max depth`, this.pos - 1);
        this.skipWhitespace();
        const close = value.kind === "object" ? "}" : "]";
        if (this.text[this.pos] !== close) {
          stack.push({ node: value, key: value.kind === "object" ? this.parseKey() : undefined });
          continue;
        }
        this.pos++;
      }
      // value is complete: attach it to its parent, closing parents as they end
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) return value;
        if (top.node.kind === "object" && top.key !== undefined) top.node.entries.push({ ...top.key, value });
        else if (top.node.kind === "array") top.node.items.push(value);
        this.skipWhitespace();
        const c = this.text[this.pos];
        if (c === ",") {
          this.pos++;
          this.skipWhitespace();
          if (top.node.kind === "object") top.key = this.parseKey();
          break;
        }
        if (c === (top.node.kind === "object" ? "}" : "]")) {
          this.pos++;
          stack.pop();
          value = top.node;
          continue;
        }
        this.failUnexpected(top.node.kind === "object" ? "after object key:value pair" : "after array element");
      }
    }
  }
}

export function parseJson(text: string): JsonParseResult {
  try {
    return { ok: true, root: new Parser(text).parseDocument() };
  } catch (e) {
    if (e instanceof SyntaxFailure) return { ok: false, error: { message: e.detail, offset: e.at } };
    throw e;
  }
}

export function isValidJson(text: string): boolean {
  return parseJson(text).ok;
}

/** Value of the last entry with exactly this key (Go's map decoding keeps the last). */
export function objectGet(node: JsonObject, key: string): JsonEntry | undefined {
  for (let i = node.entries.length - 1; i >= 0; i--) {
    const entry = node.entries[i];
    if (entry !== undefined && entry.key === key) return entry;
  }
  return undefined;
}

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** Maps offsets to 1-based line/column, counting columns in UTF-8 bytes as Ignition does. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  position(offset: number): SourcePosition {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    const lineStart = this.lineStarts[lo] ?? 0;
    return { line: lo + 1, column: utf8Length(this.text.slice(lineStart, offset)) + 1 };
  }
}

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
