import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import tseslint from "typescript-eslint";

// Domain logic stays framework-free (ARCHITECTURE.md): no Next, React or database imports.
const LIB_PATTERNS = [
  { group: ["next", "next/*", "react", "react-dom", "@tanstack/*"], message: "lib/ is framework-free" },
  { group: ["drizzle-orm", "drizzle-orm/*", "pg", "@electric-sql/*", "@/db/*", "../db/*", "../../db/*"], message: "lib/ does not touch the database" },
];

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [".next/**", "node_modules/**", "data/**", "test-results/**", "playwright-report/**", "bench-results/**", "next-env.d.ts", "db/migrations/**"],
  },
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      // A forgotten await on a write is a lost write: these are errors, not warnings.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    },
  },
  {
    // Domain logic stays framework-free (ARCHITECTURE.md): no Next, React or database imports.
    files: ["lib/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: LIB_PATTERNS,
        },
      ],
    },
  },
  {
    // The update/rollout core decides for every protocol, so it knows none of them.
    files: ["lib/update/**/*.ts", "lib/rollout/**/*.ts", "lib/history/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ...LIB_PATTERNS,
            { group: ["@/lib/omaha/*", "@/lib/cincinnati/*", "@/lib/fleetlock/*", "../omaha/*", "../cincinnati/*", "../fleetlock/*"], message: "the update core does not depend on a protocol codec" },
          ],
        },
      ],
    },
  },
  {
    // Components run in the browser: they may name database types, never import database code.
    files: ["components/**/*.ts", "components/**/*.tsx"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/db/*", "../db/*", "../../db/*", "@/server/*"], message: "components/ import only types from db/ (import type)", allowTypeImports: true },
          ],
        },
      ],
    },
  },
];

export default config;
