import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type Database } from "@/db/client";

export interface TestDatabase {
  name: "pglite" | "postgres";
  open(): Promise<Database & { dispose(): Promise<void> }>;
}

/**
 * The databases every integration suite runs against: PGlite always, and a real Postgres
 * when TEST_DATABASE_URL is set (a fresh database per suite, dropped afterwards).
 */
export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [
    {
      name: "pglite",
      async open() {
        const db = await openDatabase({ dataDir: "memory://" });
        return { ...db, dispose: () => db.close() };
      },
    },
  ];
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    list.push({
      name: "postgres",
      async open() {
        const dbName = `flotilla_test_${randomBytes(6).toString("hex")}`;
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${dbName}`);
        await admin.end();
        const target = new URL(url);
        target.pathname = `/${dbName}`;
        const db = await openDatabase({ url: target.toString(), poolSize: 20 });
        return {
          ...db,
          async dispose() {
            await db.close();
            const drop = new pg.Client({ connectionString: url });
            await drop.connect();
            await drop.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
            await drop.end();
          },
        };
      },
    });
  }
  return list;
}

export function randomMachineId(): string {
  return randomBytes(16).toString("hex");
}
