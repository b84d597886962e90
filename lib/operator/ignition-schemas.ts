import { z } from "zod";
import { GROUP_NAME, GROUP_NAME_RULE } from "../agent/native-report";
import { MAX_CONFIG_BYTES } from "../ignition/compile";

const configName = z.string().min(1).max(64).regex(GROUP_NAME, GROUP_NAME_RULE);

export const SaveConfigSchema = z.object({
  format: z.enum(["ignition", "butane"]).default("ignition"),
  source: z.string().min(1, "required").max(MAX_CONFIG_BYTES, "config larger than 1 MiB"),
  message: z.string().trim().max(500).default(""),
  draft: z.boolean().default(false),
});

export const NewConfigSchema = SaveConfigSchema.extend({ id: configName, description: z.string().max(500).default("") });

export const PublishSchema = z.object({ version: z.number().int().positive(), reason: z.string().trim().max(500).default("") });
export const RestoreSchema = z.object({ version: z.number().int().positive(), message: z.string().trim().max(500).default("") });
export const DiffQuerySchema = z.object({ from: z.coerce.number().int().positive(), to: z.coerce.number().int().positive() });

// Selector and variable values land in configs and in matching: one line, no control characters.
const oneLine = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\u0000-\u001f\u007f]*$/, "one line without control characters");
const labelName = z.string().regex(/^[a-z][a-z0-9_.-]{0,62}$/, "lower-case names: letters, digits, _ . -");

export const AssignmentSchema = z.object({
  name: configName,
  configId: configName,
  version: z.number().int().positive().nullish().transform((v) => v ?? null),
  selectors: z
    .record(labelName, oneLine)
    .refine((s) => Object.keys(s).length <= 16, "at most 16 selectors")
    .default({}),
  // Values for the config's `{{variables}}`, fixed with the assignment (Matchbox's metadata).
  variables: z
    .record(labelName, oneLine)
    .refine((s) => Object.keys(s).length <= 32, "at most 32 variables")
    .default({}),
});

export const ValidateFormatSchema = z.enum(["ignition", "butane"]);
