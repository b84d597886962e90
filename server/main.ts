// Entry point of `npm start` / `npm run dev`: the custom server that fronts Next.
import cluster from "node:cluster";
import { env as loadEnv } from "@/lib/config/env";
import { logger } from "@/lib/log";
import { DataDirLockedError } from "@/db/data-dir-lock";

const dev = process.argv.includes("--dev");
// React and Next pick their build from NODE_ENV when first loaded, so set it before they are.
if (!process.env.NODE_ENV) Object.assign(process.env, { NODE_ENV: dev ? "development" : "production" });

/** With FLOTILLA_WORKERS > 1 (Postgres only) the primary keeps that many servers on one port. */
function supervise(workers: number): void {
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    logger().error({ pid: worker.process.pid, code, signal }, "worker died; starting another");
    cluster.fork();
  });
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGTERM");
    setTimeout(() => process.exit(0), 11_000).unref();
    cluster.on("exit", () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

async function serve(): Promise<void> {
  const env = loadEnv();
  const { startServer } = await import("./app");
  const server = await startServer({ env, ui: !process.argv.includes("--no-ui"), dev });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger().info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger().error({ err }, "shutdown failed");
        process.exit(1);
      });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

async function main(): Promise<void> {
  const workers = loadEnv().FLOTILLA_WORKERS;
  if (workers > 1 && cluster.isPrimary && !dev) return supervise(workers);
  await serve();
}

main().catch((err: unknown) => {
  // A refusal we explain ourselves needs no stack trace.
  const text = err instanceof DataDirLockedError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`Flotilla failed to start: ${text}\n`);
  process.exit(1);
});
