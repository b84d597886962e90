// A Flotilla server process whose operator API is served from the route modules
// (tests/helpers/operator-routes.ts) instead of a Next build; agent endpoints are the real ones.
import { env as loadEnv } from "@/lib/config/env";
import { logger } from "@/lib/log";
import { startServer } from "@/server/app";
import { operatorRouteHandler } from "./operator-routes";

async function main(): Promise<void> {
  const server = await startServer({ env: loadEnv(), ui: false, fallback: operatorRouteHandler() });
  const stop = () => {
    logger().info("shutting down");
    setTimeout(() => process.exit(1), 10_000).unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`test server failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
