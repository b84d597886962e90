// The bordered list table every catalog page uses: headers, rows, and a line when empty.
export interface Column {
  label: string;
  align?: "right";
}

export function DataTable({ label, columns, empty, isEmpty, children }: { label: string; columns: Column[]; empty: string; isEmpty: boolean; children: React.ReactNode }) {
  return (
    <section aria-label={label} className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm">
        <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase text-slate-500">
          <tr>
            {columns.map((c, i) => (
              <th key={c.label || i} className={`${i === 0 ? "px-3 " : ""}py-2 ${c.align === "right" ? "text-right" : ""}`}>
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
