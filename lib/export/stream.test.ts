import { describe, expect, it } from "vitest";
import { exportStream } from "./stream";

async function collect(s: ReadableStream<Uint8Array>): Promise<string> {
  let out = "";
  const dec = new TextDecoder();
  const reader = s.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) out += dec.decode(r.value);
  return out;
}

const rows = Array.from({ length: 25 }, (_, i) => ({ id: i + 1, who: i === 3 ? 'a "quoted", name' : `u${i}`, at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)), detail: { n: i } }));
const pager = (size: number) => async (after: number) => {
  const page = rows.filter((r) => r.id > after).slice(0, size);
  return { rows: page, next: page.length === size ? page[page.length - 1]!.id : null };
};

describe("export streams", () => {
  it("writes CSV with a header, proper quoting and JSON for nested values, page by page", async () => {
    const pages: number[] = [];
    const text = await collect(
      exportStream("csv", ["id", "who", "at", "detail"], async (after) => {
        pages.push(after);
        return pager(10)(after);
      }, (r) => r),
    );
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("id,who,at,detail");
    expect(lines).toHaveLength(26);
    expect(lines[4]).toBe('4,"a ""quoted"", name",2026-01-01T00:00:03.000Z,"{""n"":3}"');
    expect(pages).toEqual([0, 10, 20]);
  });

  it("writes one JSON object per line for NDJSON", async () => {
    const text = await collect(exportStream("ndjson", ["id"], pager(7), (r) => ({ id: r.id, who: r.who })));
    const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l) as { id: number });
    expect(lines.map((l) => l.id)).toEqual(rows.map((r) => r.id));
  });
});
