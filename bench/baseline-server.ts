// The floor the agent endpoints are measured against: node:http that reads the request, does
// the least parsing each protocol needs and answers a small fixed body, with no validation and
// no storage.
import http from "node:http";

const port = Number(process.env.PORT ?? 0);

const NOUPDATE =
  '<?xml version="1.0" encoding="UTF-8"?>\n<response protocol="3.0" server="baseline"><daystart elapsed_seconds="0"></daystart><app appid="e96281a6-d1af-4bde-9a0a-97b76e56dc57" status="ok"><ping status="ok"></ping><updatecheck status="noupdate"></updatecheck><event status="ok"></event></app></response>\n';
const GRAPH = JSON.stringify({
  nodes: ["40.20240906.3.0", "41.20241215.3.0", "41.20250117.3.0", "41.20250130.3.0"].map((version, i) => ({
    version,
    payload: String(i).repeat(64),
    metadata: { "org.fedoraproject.coreos.scheme": "checksum", "org.fedoraproject.coreos.releases.age_index": String(i) },
  })),
  edges: [[0, 3], [1, 3], [2, 3]],
});

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) }).end(body);
}

const server = http.createServer((req, res) => {
  const url = req.url ?? "/";
  if (req.method === "GET" && url === "/healthz") return send(res, 200, "application/json", '{"status":"ok"}');
  if (req.method === "GET" && url.startsWith("/v1/graph")) {
    const q = new URL(url, "http://localhost").searchParams;
    if (!q.get("basearch") || !q.get("stream")) return send(res, 400, "application/json", '{"kind":"invalid_params","value":"basearch and stream are required"}');
    return send(res, 200, "application/json", GRAPH);
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const text = Buffer.concat(chunks).toString("utf8");
    if (url.startsWith("/v1/update")) {
      // Omaha: find the machine id; a real server parses the whole document.
      const machine = /machineid="([0-9a-fA-F{}-]+)"/.exec(text);
      if (!machine) return send(res, 400, "text/xml", '<response protocol="3.0"><error reason="no machineid"></error></response>');
      return send(res, 200, "text/xml; charset=utf-8", NOUPDATE);
    }
    let hostId: unknown = null;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === "object" && parsed !== null && "machineId" in parsed) hostId = parsed.machineId;
    } catch {
      return send(res, 400, "application/json", '{"error":"bad json"}');
    }
    send(res, 200, "application/json", JSON.stringify({ accepted: true, hostId, directive: { type: "none" }, nextReportInSeconds: 60, serverTime: new Date().toISOString() }));
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
