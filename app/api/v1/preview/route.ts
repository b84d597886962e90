import { z } from "zod";
import { previewChange } from "@/db/queries/preview";
import { ProposalSchema } from "@/lib/update/preview";
import { route } from "../_lib/handler";

const PreviewBody = z.object({ change: ProposalSchema });

/** Blast radius of a proposed change: the real decision per host under it; changes nothing. */
export const POST = route({ permission: "fleet:read" }, async ({ db, body }) => previewChange(db, (await body(PreviewBody)).change));
