import { InvalidArgumentError } from "commander";

/** commander argument parsers shared by every subcommand: bad values fail with the flag named. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    return n;
  };
}

export function positiveNumber(min = 0) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= min) throw new InvalidArgumentError(`expected a number greater than ${min}.`);
    return n;
  };
}

export function probability(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError("expected a probability from 0 to 1 (e.g. 0.02).");
  return n;
}

export function httpUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidArgumentError("expected a URL like http://localhost:3000.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new InvalidArgumentError("expected an http:// or https:// URL.");
  return url.toString();
}
