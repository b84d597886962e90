import { NextResponse, type NextRequest } from "next/server";
import { AppError, errorBody } from "@/lib/errors";

// Any /api/v1 path no route serves: the API's JSON error instead of Next's HTML 404 page, so
// clients and scripts get the same error shape for a mistyped path as for everything else.
function notFound(req: NextRequest): NextResponse {
  const { status, body } = errorBody(new AppError("not_found", `no API route ${req.method} ${req.nextUrl.pathname}; see /api/v1/openapi.json`));
  return NextResponse.json(body, { status });
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
