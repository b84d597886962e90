// Systemd unit file parsing as done by go-systemd's unit.Deserialize, which is
// what Ignition runs on unit and drop-in contents. The lexer reads through a
// 4 KiB bufio.Reader and rejects "lines" of 2048+ bytes only when it happens to
// have that much buffered, so the buffer is emulated to reject the same input.

import { goQuote } from "./go-quote";

const BUFFER_SIZE = 4096;
const LINE_MAX = 2048;
const decoder = new TextDecoder();

class BufReader {
  private bufStart = 0;
  private r = 0;
  private w = 0;
  private eof = false;
  private lastRuneSize = -1;

  constructor(private readonly src: Uint8Array) {}

  buffered(): number {
    return this.w - this.r;
  }

  private fill(): void {
    if (this.r > this.bufStart) this.bufStart = this.r;
    const n = Math.min(BUFFER_SIZE - (this.w - this.bufStart), this.src.length - this.w);
    if (n === 0) this.eof = true;
    else this.w += n;
  }

  private takeEof(): boolean {
    const was = this.eof;
    this.eof = false;
    return was;
  }

  private fullRune(): boolean {
    const avail = this.w - this.r;
    if (avail <= 0) return false;
    const b = this.src[this.r] ?? 0;
    const need = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return avail >= need;
  }

  /** Returns the rune as a string, or undefined at end of input. */
  readRune(): string | undefined {
    while (this.r + 4 > this.w && !this.fullRune() && !this.eof && this.w - this.r < BUFFER_SIZE) this.fill();
    this.lastRuneSize = -1;
    if (this.r === this.w) {
      this.takeEof();
      return undefined;
    }
    const b = this.src[this.r] ?? 0;
    const size = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    const rune = decoder.decode(this.src.subarray(this.r, this.r + size));
    this.r += size;
    this.lastRuneSize = size;
    return rune;
  }

  unreadRune(): void {
    if (this.lastRuneSize >= 0 && this.r - this.bufStart >= this.lastRuneSize) this.r -= this.lastRuneSize;
    this.lastRuneSize = -1;
  }

  /** bufio.Reader.ReadBytes: bytes up to and including delim; found=false at EOF. */
  readBytes(delim: number): { bytes: Uint8Array; found: boolean } {
    const start = this.r;
    let s = 0;
    for (;;) {
      const idx = this.src.subarray(this.r + s, this.w).indexOf(delim);
      if (idx >= 0) {
        this.r += s + idx + 1;
        return { bytes: this.src.subarray(start, this.r), found: true };
      }
      if (this.eof) {
        this.r = this.w;
        this.takeEof();
        return { bytes: this.src.subarray(start, this.r), found: false };
      }
      if (this.buffered() >= BUFFER_SIZE) {
        // ReadBytes collects full buffers and keeps going.
        this.r = this.w;
        s = 0;
        this.fill();
        continue;
      }
      s = this.w - this.r;
      this.fill();
    }
  }

  /** Peek(LINE_MAX) when at least that much is buffered (the only use). */
  peekHasNewline(n: number): boolean {
    this.lastRuneSize = -1;
    const window = this.src.subarray(this.r, this.r + n);
    return window.includes(10) || window.includes(13);
  }
}

export interface UnitOption {
  readonly section: string;
  readonly name: string;
  readonly value: string;
}

class UnitError extends Error {}

function isSpace(r: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(r);
}

function trimSpace(s: string): string {
  return s.replace(/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/, "").replace(/[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/, "");
}

type Step = (() => Step) | undefined;

class UnitLexer {
  readonly options: UnitOption[] = [];

  constructor(private readonly buf: BufReader) {}

  run(): void {
    let next: Step = () => this.nextSection();
    while (next !== undefined) {
      if (this.buf.buffered() >= LINE_MAX && !this.buf.peekHasNewline(LINE_MAX)) {
        throw new UnitError(`line too long (max ${LINE_MAX} bytes)`);
      }
      next = next();
    }
  }

  private toEol(): { line: string; eof: boolean } {
    const { bytes, found } = this.buf.readBytes(10);
    let line = decoder.decode(bytes);
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line.endsWith("\n")) line = line.slice(0, -1);
    return { line, eof: !found };
  }

  private nextSection(): Step {
    const r = this.buf.readRune();
    if (r === undefined) return undefined;
    if (r === "[") return () => this.sectionName();
    if (r === "#" || r === ";") return this.ignoreLine(() => this.nextSection());
    return () => this.nextSection();
  }

  private ignoreLine(next: Step): Step {
    return () => {
      for (;;) {
        let { line } = this.toEol();
        if (line.endsWith(" ")) line = line.slice(0, -1);
        if (!line.endsWith("\\")) break;
      }
      return next;
    };
  }

  private sectionName(): Step {
    const { bytes, found } = this.buf.readBytes(93); // ']'
    if (!found) throw new UnitError("unable to find end of section");
    const section = decoder.decode(bytes.subarray(0, bytes.length - 1));
    return () => {
      const garbage = trimSpace(this.toEol().line);
      // go-systemd formats l.section here, which it never sets.
      if (garbage.length > 0) throw new UnitError(`found garbage after section name : ${goQuote(garbage)}`);
      return this.sectionOrOption(section);
    };
  }

  private sectionOrOption(section: string): Step {
    return () => {
      const r = this.buf.readRune();
      if (r === undefined) return undefined;
      if (isSpace(r)) return this.sectionOrOption(section);
      if (r === "[") return () => this.sectionName();
      if (r === "#" || r === ";") return this.ignoreLine(this.sectionOrOption(section));
      this.buf.unreadRune();
      return () => this.optionName(section);
    };
  }

  private optionName(section: string): Step {
    let partial = "";
    for (;;) {
      const r = this.buf.readRune();
      if (r === undefined) throw new UnitError("EOF");
      if (r === "\n" || r === "\r") throw new UnitError("unexpected newline encountered while parsing option name");
      if (r === "=") break;
      partial += r;
    }
    const name = trimSpace(partial);
    return this.optionValue(section, name, "");
  }

  private optionValue(section: string, name: string, partial: string): Step {
    return () => {
      let value = partial;
      const { line, eof } = this.toEol();
      if (trimSpace(line).length > 0) {
        value += line;
        if (line.endsWith("\\")) {
          if (!eof) value += "\n";
          return this.optionValue(section, name, value);
        }
      }
      value = value.endsWith("\n") ? trimSpace(value) + "\n" : trimSpace(value);
      this.options.push({ section, name, value });
      return this.sectionOrOption(section);
    };
  }
}

export type UnitParseResult = { readonly ok: true; readonly options: UnitOption[] } | { readonly ok: false; readonly error: string };

/** Parses unit contents; the error text matches Ignition's "invalid unit content: ..." messages. */
export function parseUnitContents(contents: string): UnitParseResult {
  const lexer = new UnitLexer(new BufReader(new TextEncoder().encode(contents)));
  try {
    lexer.run();
  } catch (e) {
    if (e instanceof UnitError) return { ok: false, error: `invalid unit content: ${e.message}` };
    throw e;
  }
  return { ok: true, options: lexer.options };
}
