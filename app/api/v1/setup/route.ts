import { NextResponse, type NextRequest } from "next/server";
import { getDb } from "@/db/client";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { createFirstAdmin, isSetupTokenValid, consumeSetupToken } from "@/db/queries/users";
import { AppError, validationError } from "@/lib/errors";
import { SetupSchema } from "@/lib/operator/schemas";
import { assertSameSite, clientAddrOf, readJson, toResponse } from "../_lib/handler";

/** Creates the first admin with the one-time link printed at first start. */
export async function POST(req: NextRequest) {
  try {
    assertSameSite(req);
    const parsed = SetupSchema.safeParse(await readJson(req));
    if (!parsed.success) throw validationError(parsed.error);
    const db = await getDb();
    if (!(await isSetupTokenValid(db, parsed.data.token))) throw new AppError("forbidden", "setup link invalid, used or expired");
    const user = await createFirstAdmin(db, { ...SYSTEM_ACTOR, clientAddr: clientAddrOf(req) }, parsed.data);
    await consumeSetupToken(db, parsed.data.token);
    if (!user) throw new AppError("conflict", "an admin already exists: sign in instead");
    return NextResponse.json({ user: { id: user.id, email: user.email, role: user.role } }, { status: 201 });
  } catch (err) {
    return toResponse(err);
  }
}
