"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { WEBHOOK_EVENTS } from "@/lib/webhooks/events";
import { WEBHOOK_FORMATS } from "@/lib/webhooks/payload";
import { NewWebhookSchema } from "@/lib/webhooks/schemas";
import { ApiError } from "../queries/api";
import { useCreateWebhook, useDeleteWebhook, useTestWebhook, useUpdateWebhook, webhooksQuery, type Webhook } from "../queries/webhooks";
import { buttonClass, ErrorText, Field, inputClass } from "../ui/form";
import { Ago } from "../ui/time";
import { WebhookDeliveries } from "./webhook-deliveries";

type FormInput = z.input<typeof NewWebhookSchema>;
type FormOutput = z.output<typeof NewWebhookSchema>;

function NewWebhookForm() {
  const create = useCreateWebhook();
  const form = useForm<FormInput, unknown, FormOutput>({
    resolver: zodResolver(NewWebhookSchema),
    defaultValues: { name: "", url: "", events: ["approval.requested", "rollout.paused", "rollout.threshold_breached", "release.recalled"], format: "cloudevents" },
  });
  const { errors, isSubmitting } = form.formState;
  const onSubmit = form.handleSubmit(async (values) => {
    try {
      await create.mutateAsync(values);
      form.reset();
    } catch (err) {
      // The server's per-field errors land on their fields.
      if (err instanceof ApiError) for (const f of err.fields) form.setError(f.path.split(".")[0] as keyof FormInput, { message: f.message });
    }
  });
  return (
    <section aria-label="New webhook" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="font-semibold">New webhook</h2>
      {create.data ? (
        <div role="status" className="rounded border border-green-200 bg-green-50 p-3 text-sm">
          Signing secret for {create.data.webhook.name} — copy it now; it is not shown again:
          <code data-testid="webhook-secret" className="mt-1 block break-all font-mono">
            {create.data.secret}
          </code>
        </div>
      ) : null}
      <form className="grid gap-3 md:grid-cols-2" onSubmit={(e) => void onSubmit(e)} noValidate>
        <Field label="Name">
          <input className={inputClass} {...form.register("name")} aria-invalid={!!errors.name} />
          {errors.name ? <span className="text-xs text-red-700">{errors.name.message}</span> : null}
        </Field>
        <Field label="URL">
          <input className={inputClass} type="url" placeholder="https://hooks.example.com/flotilla" {...form.register("url")} aria-invalid={!!errors.url} />
          {errors.url ? <span className="text-xs text-red-700">{errors.url.message}</span> : null}
        </Field>
        <Field label="Format">
          <select className={inputClass} {...form.register("format")}>
            {WEBHOOK_FORMATS.map((f) => (
              <option key={f} value={f}>
                {f === "cloudevents" ? "CloudEvents JSON" : "Slack-compatible"}
              </option>
            ))}
          </select>
        </Field>
        <fieldset className="md:col-span-2">
          <legend className="mb-1 text-sm font-medium text-slate-700">Events</legend>
          <div className="grid grid-cols-1 gap-1 text-sm sm:grid-cols-2 lg:grid-cols-3">
            {WEBHOOK_EVENTS.filter((e) => e !== "webhook.test").map((e) => (
              <label key={e} className="flex items-center gap-2">
                <input type="checkbox" value={e} {...form.register("events")} />
                <span className="font-mono text-xs">{e}</span>
              </label>
            ))}
          </div>
          {errors.events ? <span className="text-xs text-red-700">{errors.events.message ?? "choose known events"}</span> : null}
        </fieldset>
        <div className="md:col-span-2">
          <ErrorText error={create.error instanceof ApiError && create.error.fields.length ? null : create.error} />
          <button className={buttonClass} type="submit" disabled={isSubmitting}>
            {isSubmitting ? "Creating…" : "Create webhook"}
          </button>
        </div>
      </form>
    </section>
  );
}

function WebhookCard({ hook }: { hook: Webhook }) {
  const [open, setOpen] = useState(false);
  const test = useTestWebhook();
  const update = useUpdateWebhook();
  const remove = useDeleteWebhook();
  return (
    <li className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="font-semibold">
          {hook.name} {hook.enabled ? null : <span className="text-sm font-normal text-slate-600">(disabled)</span>}
        </h3>
        <div className="flex flex-wrap gap-3 text-sm">
          <button type="button" className="underline" disabled={test.isPending} onClick={() => test.mutate(hook.id, { onSuccess: () => setOpen(true) })}>
            Send test
          </button>
          <button type="button" className="underline" onClick={() => update.mutate({ id: hook.id, patch: { enabled: !hook.enabled } })}>
            {hook.enabled ? "Disable" : "Enable"}
          </button>
          <button type="button" className="underline" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
            {open ? "Hide deliveries" : "Deliveries"}
          </button>
          <button
            type="button"
            className="text-red-800 underline"
            onClick={() => {
              if (window.confirm(`Delete webhook ${hook.name} and its delivery log?`)) remove.mutate(hook.id);
            }}
          >
            Delete
          </button>
        </div>
      </div>
      <p className="break-all font-mono text-xs text-slate-700">{hook.url}</p>
      <p className="text-sm text-slate-700">
        {hook.format === "slack" ? "Slack-compatible" : "CloudEvents"} · secret …{hook.secretHint} · {hook.events.join(", ")}
      </p>
      <p className="text-sm text-slate-700">
        {hook.pending} pending · <span className={hook.failed ? "font-medium text-red-800" : ""}>{hook.failed} failed</span> · last delivered <Ago iso={hook.lastDeliveredAt} />
      </p>
      <ErrorText error={test.error ?? update.error ?? remove.error} />
      {open ? <WebhookDeliveries subscriptionId={hook.id} name={hook.name} /> : null}
    </li>
  );
}

export function WebhooksAdmin() {
  const list = useQuery(webhooksQuery());
  return (
    <div className="space-y-6">
      <p className="max-w-3xl text-sm text-slate-700">
        Flotilla posts each event to the URL, signed in the <code>Flotilla-Signature</code> header (<code>t=…,v1=</code> HMAC-SHA256 of <code>t.body</code> with the secret), and retries
        with backoff for about six hours when the receiver does not answer 2xx. <code>Flotilla-Delivery</code> names the delivery, so a receiver can drop a retry it already handled.
      </p>
      <ErrorText error={list.error} />
      {list.data && list.data.items.length > 0 ? (
        <ul aria-label="Webhooks" className="space-y-3">
          {list.data.items.map((h) => (
            <WebhookCard key={h.id} hook={h} />
          ))}
        </ul>
      ) : list.data ? (
        <p className="text-sm text-slate-600">No webhooks yet.</p>
      ) : null}
      <NewWebhookForm />
    </div>
  );
}
