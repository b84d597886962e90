"use client";

import { autocompletion } from "@codemirror/autocomplete";
import { json } from "@codemirror/lang-json";
import { yaml } from "@codemirror/lang-yaml";
import { linter, lintGutter, type Diagnostic } from "@codemirror/lint";
import { EditorState, type Text } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { basicSetup } from "codemirror";
import { useEffect, useRef } from "react";
import { compileConfig, type ConfigFormat } from "@/lib/ignition/compile";
import { servingNotes } from "@/lib/ignition/serving-notes";
import { BUTANE_SNIPPETS, IGNITION_SNIPPETS } from "./snippets";

function offset(doc: Text, line: number, column: number): number {
  const l = doc.line(Math.min(Math.max(1, line), doc.lines));
  return Math.min(l.from + Math.max(0, column - 1), l.to);
}

/** The validator's errors and warnings as CodeMirror diagnostics at their line and column. */
function diagnostics(format: ConfigFormat, doc: Text): Diagnostic[] {
  const text = doc.toString();
  const c = compileConfig(format, text);
  const notes = servingNotes(format, text, c);
  const toDiag = (severity: "error" | "warning") => (i: { line: number; column: number; message: string; path: string }) => {
    const from = offset(doc, i.line, i.column);
    // Underline the rest of the line from the reported column (at least one character).
    const to = Math.max(doc.lineAt(from).to, Math.min(doc.length, from + 1));
    return { from, to, severity, message: `${i.path}: ${i.message}` };
  };
  return [...c.errors.map(toDiag("error")), ...c.warnings.map(toDiag("warning")), ...notes.warnings.map(toDiag("warning"))];
}

/** CodeMirror 6 with JSON or YAML mode, live validation markers and task snippets. */
export function ConfigEditor({ value, format, onChange, readOnly = false, label }: { value: string; format: ConfigFormat; onChange?: (v: string) => void; readOnly?: boolean; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  const valueRef = useRef(value);
  useEffect(() => {
    onChangeRef.current = onChange;
    valueRef.current = value;
  }, [onChange, value]);

  useEffect(() => {
    if (!host.current) return;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: valueRef.current,
        extensions: [
          basicSetup,
          format === "butane" ? yaml() : json(),
          lintGutter(),
          linter((ev) => diagnostics(format, ev.state.doc), { delay: 250 }),
          autocompletion({ override: [(ctx) => {
            const word = ctx.matchBefore(/[\w-]*/);
            if (!word || (word.from === word.to && !ctx.explicit)) return null;
            return { from: word.from, options: format === "butane" ? BUTANE_SNIPPETS : IGNITION_SNIPPETS };
          }] }),
          EditorState.readOnly.of(readOnly),
          EditorView.contentAttributes.of({ "aria-label": label }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) onChangeRef.current?.(u.state.doc.toString());
          }),
          EditorView.theme({ "&": { fontSize: "13px", border: "1px solid #cbd5e1", borderRadius: "6px" }, ".cm-scroller": { minHeight: "320px", maxHeight: "560px" } }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // Rebuilt only when the language changes; text changes flow through the effect below.
  }, [format, readOnly, label]);

  // Text replaced from outside (a version loaded): swap the document without rebuilding.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  return <div ref={host} data-testid={`editor-${label}`} />;
}
