// The bordered list table every catalog page uses: headers, rows, and a line when empty.
export interface Column {
  label: string;
  align?: "right";
}

export function DataTable({ label, columns, empty, isEmpty, children }: { label: string; columns: Column[]; empty: string; isEmpty: boolean; children: React.ReactNode }) {
  return (
    <section aria-label={label} className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      {/* Every cell is padded on both sides: a right-aligned number next to a left-aligned
          column otherwise reads as one ("14" + "5 min ago" read "145 min ago"). */}
      <table className="w-full text-left text-sm [&_td]:px-3 [&_th]:px-3">
        <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase text-slate-500">
          <tr>
            {columns.map((c, i) => (
              <th key={c.label || i} className={`py-2 ${c.align === "right" ? "text-right" : ""}`}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {children}
          {isEmpty ? (
            <tr>
              <td colSpan={columns.length} className="px-3 py-3 text-slate-500">
                {empty}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </section>
  );
}
