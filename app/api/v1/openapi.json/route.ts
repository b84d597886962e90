import { openApiDocument } from "@/lib/operator/openapi";

// Public: documentation only, no data.
export function GET() {
  return Response.json(openApiDocument());
}
