// Go's path package (slash-separated, purely lexical), as Ignition uses it.

export function clean(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const parts: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
      else if (!rooted) parts.push("..");
      continue;
    }
    parts.push(seg);
  }
  const out = (rooted ? "/" : "") + parts.join("/");
  return out === "" ? "." : out;
}

export function join(...elems: string[]): string {
  const nonEmpty = elems.filter((e) => e !== "");
  return nonEmpty.length === 0 ? "" : clean(nonEmpty.join("/"));
}

export function isAbs(p: string): boolean {
  return p.startsWith("/");
}

/** path.Ext: the suffix starting at the final dot in the final element. */
export function ext(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== "/"; i--) {
    if (p[i] === ".") return p.slice(i);
  }
  return "";
}

export const ERR_NO_PATH = "path not specified";
export const ERR_PATH_RELATIVE = "path not absolute";
export const ERR_DIRTY_PATH = "path is not fully simplified";

/** Ignition's validatePath: set, absolute and already clean. */
export function validatePath(p: string): string | undefined {
  if (p === "") return ERR_NO_PATH;
  if (!isAbs(p)) return ERR_PATH_RELATIVE;
  if (clean(p) !== p) return ERR_DIRTY_PATH;
  return undefined;
}

export function validatePathNilOk(p: string | undefined): string | undefined {
  return p === undefined || p === "" ? undefined : validatePath(p);
}
