"use client";

import { useState } from "react";
import { DEFAULT_GROUP_POLICY, GroupPolicySchema } from "@/lib/rollout/policy-schema";
import { useUpdateGroup } from "../queries/fleet";
import { buttonClass, ErrorText } from "../ui/form";

function problems(text: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return ["not valid JSON"];
  }
  const r = GroupPolicySchema.safeParse(json);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".") || "(policy)"}: ${i.message}`);
}

/**
 * A group's rollout policy (maintenance windows in an IANA zone, blackout dates, limits,
 * phases, approvals) as JSON, checked as you type with the server's own schema.
 */
export function GroupPolicyEditor({ groupId, policy, updatedAt }: { groupId: string; policy: Record<string, unknown> | null; updatedAt: string }) {
  const update = useUpdateGroup();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState(() => JSON.stringify(policy ?? DEFAULT_GROUP_POLICY, null, 2));
  if (!open) {
    return (
      <button type="button" className="text-xs underline" onClick={() => setOpen(true)}>
        {policy ? "Edit policy" : "Set policy"}
      </button>
    );
  }
  const issues = problems(text);
  return (
    <div className="mt-2 space-y-2">
      <textarea aria-label={`Policy of ${groupId}`} className="h-72 w-full rounded border border-slate-300 p-2 font-mono text-xs" value={text} onChange={(e) => setText(e.target.value)} />
      <ul className="text-xs text-red-700">
        {issues.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
      <div className="flex gap-2">
        <button
          type="button"
          className={buttonClass}
          disabled={issues.length > 0 || update.isPending}
          onClick={() => update.mutate({ id: groupId, policy: JSON.parse(text) as Record<string, unknown>, expectedUpdatedAt: updatedAt }, { onSuccess: () => setOpen(false) })}
        >
          Save policy
        </button>
        <button type="button" className="text-sm underline" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      <ErrorText error={update.error} />
    </div>
  );
}
