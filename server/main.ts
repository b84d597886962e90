// Entry point of `npm start` / `npm run dev`: the custom server that fronts Next.
import { env as loadEnv } from "@/lib/config/env";
import { logger } from "@/lib/log";

const dev = process.argv.includes("--dev");
// React and Next pick their build from NODE_ENV when first loaded, so set it before they are.
if (!process.env.NODE_ENV) Object.assign(process.env, { NODE_ENV: dev ? "development" : "production" });

async function main(): Promise<void> {
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

main().catch((err: unknown) => {
  process.stderr.write(`Flotilla failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
