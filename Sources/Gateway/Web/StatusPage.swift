import Hummingbird

/// The page at `/`: the suite's status, read in the browser from `GET /api/v1/ready` (no key
/// needed), with links to the API's OpenAPI document. Plain HTML, CSS and a few lines of script:
/// no external network, no build step. It links to the dashboards (``CustomerHubPage``).
enum StatusPage {
    static let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Sextant</title>
        <style>
          body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 52rem; color: #1d2433; padding: 0 1rem; }
          h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
          .muted { color: #5b6474; }
          table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
          th, td { text-align: left; padding: 0.45rem 0.6rem; border-bottom: 1px solid #e3e6eb; }
          .ok { color: #137333; font-weight: 600; }
          .bad { color: #b3261e; font-weight: 600; }
          code { background: #f2f4f7; padding: 0.1rem 0.3rem; border-radius: 3px; }
        </style>
        </head>
        <body>
        <h1>Sextant</h1>
        <p class="muted">Self-hosted customer analytics. This page shows the suite's status.</p>
        <p>Dashboards: <a href="/customer-hub">Customer Hub</a>, <a href="/clv">Predicted CLV</a> (each asks for an API key; a read-only key is enough).</p>
        <table>
          <thead><tr><th>service</th><th>status</th><th>ingest log</th></tr></thead>
          <tbody id="services"><tr><td colspan="3" class="muted">asking…</td></tr></tbody>
        </table>
        <p>API: <a href="/api/v1/openapi.json"><code>/api/v1/openapi.json</code></a> (OpenAPI 3.1).
        Every call needs <code>Authorization: Bearer &lt;key&gt;</code>; <code>sextant up</code> printed one.</p>
        <script>
        function cell(text, cls) { const td = document.createElement("td"); td.textContent = text; if (cls) td.className = cls; return td; }
        async function refresh() {
          const body = document.getElementById("services");
          try {
            const answer = await (await fetch("/api/v1/ready")).json();
            body.replaceChildren();
            for (const service of answer.services || []) {
              const row = document.createElement("tr");
              row.append(cell(service.name), cell(service.status, service.status === "serving" ? "ok" : "bad"));
              const progress = service.progress;
              row.append(cell(progress ? `applied ${progress.applied_position} of ${progress.known_head}` : ""));
              body.append(row);
            }
          } catch (error) {
            body.replaceChildren();
            const row = document.createElement("tr");
            row.append(cell("gateway"), cell("not answering", "bad"), cell(""));
            body.append(row);
          }
        }
        refresh();
        setInterval(refresh, 5000);
        </script>
        </body>
        </html>
        """

    static func register(on router: Router<GatewayRequestContext>) {
        router.get("/") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: Self.html)))
        }
    }
}
