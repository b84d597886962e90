// `npm run docs:access`: prints the README's role × permission table from lib/auth/permissions.ts.
import { accessControlTable } from "@/lib/auth/access-table";

process.stdout.write(`${accessControlTable()}\n`);
