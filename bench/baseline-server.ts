// The floor the agent endpoint is measured against: node:http that reads the body,
// JSON.parses it and answers a small JSON, with no validation and no storage.
import http from "node:http";

const port = Number(process.env.PORT ?? 0);

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/healthz") {
    res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    let hostId: unknown = null;
    try {
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      if (typeof parsed === "object" && parsed !== null && "machineId" in parsed) hostId = parsed.machineId;
    } catch {
      res.writeHead(400, { "content-type": "application/json" }).end('{"error":"bad json"}');
      return;
    }
    const payload = JSON.stringify({ accepted: true, hostId, directive: { type: "none" }, nextReportInSeconds: 60, serverTime: new Date().toISOString() });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }).end(payload);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
