import Hummingbird
import HTTPTypes
import NIOCore

/// The Customer Hub dashboard at `/customer-hub`: one self-contained HTML page (CSS and script
/// inline, charts drawn as SVG; no external network, no build step) that reads the JSON API with
/// the key the user gives it — a read-only key is enough.
///
/// The key comes from the form on the page or from the address's fragment
/// (`/customer-hub#key=sxt_…`, never sent to the server), and is kept in the tab's
/// `sessionStorage` only. The period and comparison are kept in the fragment
/// (`#period=last_90_days&compare=year_ago`), so a view can be bookmarked without its key.
///
/// What the page shows is what `GET /api/v1/customer-hub/dashboard` answers, formatted: counts
/// with thousands separators, money from the exact decimal text (never through a float), percent
/// changes as given. Every number carries a `data-testid` so tests can read the rendered page.
enum CustomerHubPage {
    static let path = "/customer-hub"

    static let html = #"""
        \#(WebCommon.top(title: "Customer Hub", style: "", links: [("/clv", "Predicted CLV"), ("/", "Suite status")]))
        \#(WebCommon.keyForm(button: "Show the dashboard"))
          <div id="error" class="notice error" hidden></div>
          <div id="inactive" class="notice" hidden>The Customer Hub is inactive for this account: nothing new is collected; the data collected before is shown.</div>
          <div class="controls" id="controls">
            <label>Time period
              <select id="period">
                <option value="today">Today</option>
                <option value="last_7_days">Last 7 days</option>
                <option value="last_30_days" selected>Last 30 days</option>
                <option value="last_90_days">Last 90 days</option>
                <option value="last_365_days">Last 365 days</option>
                <option value="this_month">This month</option>
                <option value="last_month">Last month</option>
                <option value="custom">Custom…</option>
              </select></label>
            <label id="start-label" hidden>From <input id="start" type="date"></label>
            <label id="end-label" hidden>To <input id="end" type="date"></label>
            <label>Compared with
              <select id="compare">
                <option value="previous_period" selected>Previous period</option>
                <option value="year_ago">Same period last year</option>
                <option value="none">No comparison</option>
              </select></label>
            <span class="muted" id="range"></span>
          </div>
          <section class="tiles">
            <div class="tile" data-testid="tile-total_accounts"><h2>Total accounts</h2><div class="value" data-testid="value-total_accounts">–</div>
              <div class="muted previous">Customer Hub accounts to date</div></div>
            <div class="tile" data-testid="tile-service_interactions"><h2>Service interactions</h2><div class="value" data-testid="value-service_interactions">–</div>
              <div><span class="change none" data-testid="change-service_interactions"></span><span class="muted previous" data-testid="previous-service_interactions"></span></div></div>
            <div class="tile" data-testid="tile-active_accounts"><h2>Active accounts</h2><div class="value" data-testid="value-active_accounts">–</div>
              <div><span class="change none" data-testid="change-active_accounts"></span><span class="muted previous" data-testid="previous-active_accounts"></span></div></div>
            <div class="tile" data-testid="tile-revenue_generated"><h2>Revenue generated</h2><div class="value" data-testid="value-revenue_generated">–</div>
              <div><span class="change none" data-testid="change-revenue_generated"></span><span class="muted previous" data-testid="previous-revenue_generated"></span></div></div>
          </section>
          <section class="charts">
            <div class="panel"><h2>Service interactions</h2><div id="interactions-chart"></div><ul class="legend" id="interactions-legend"></ul></div>
            <div class="panel"><h2>Average order value (logged-in orders)</h2>
              <div><span class="value" style="font-size:1.3rem;font-weight:650" data-testid="value-aov">–</span>
                <span class="change none" data-testid="change-aov"></span><span class="muted previous" data-testid="previous-aov"></span></div>
              <div id="aov-chart"></div></div>
          </section>
          <section class="panel">
            <h2>View report: ordered products attributed to the Customer Hub</h2>
            <table>
              <thead><tr><th>Ordered</th><th>Order</th><th>Product</th><th class="number">Quantity</th><th class="number">Revenue</th><th>Interaction</th></tr></thead>
              <tbody id="report"><tr><td colspan="6" class="muted">–</td></tr></tbody>
            </table>
            <p><button id="more" type="button" hidden>Show more</button></p>
          </section>
        </main>
        <script>
        "use strict";
        \#(WebCommon.script)
        const RULES = { clicked_product: "Clicked product", added_to_cart: "Added to cart", clicked_buy_again: "Clicked buy again" };
        let nextToken = null;

        function setChange(name, change, previousText) {
          const badge = document.querySelector(`[data-testid="change-${name}"]`);
          const previous = document.querySelector(`[data-testid="previous-${name}"]`);
          badge.textContent = formatChange(change);
          badge.className = "change " + (change === null || change === undefined ? "none" : Number(change) > 0 ? "up" : Number(change) < 0 ? "down" : "flat");
          badge.hidden = change === null || change === undefined;
          previous.textContent = previousText;
        }
        function setValue(name, text) { document.querySelector(`[data-testid="value-${name}"]`).textContent = text; }

        function lineChart(series, labels) {
          const scale = axis(Math.max(0, ...series.flatMap((s) => s.points)), 1), max = scale.max;
          const f = frame(640, 230, scale, (v) => formatCount(Math.round(v)), labels, 44);
          const x = (i) => f.left + (f.right - f.left) * (labels.length === 1 ? 0.5 : i / (labels.length - 1));
          const y = (v) => f.bottom - (f.bottom - f.top) * v / max;
          series.forEach((s, n) => {
            const group = svg("g", { "data-series": s.type });
            group.append(svg("polyline", { points: s.points.map((v, i) => `${x(i)},${y(v)}`).join(" "), fill: "none", stroke: COLORS[n], "stroke-width": 2 }));
            s.points.forEach((v, i) => {
              const dot = svg("circle", { cx: x(i), cy: y(v), r: 2.6, fill: COLORS[n], "data-value": v });
              dot.append(svg("title", {}, `${s.label}, ${labels[i]}: ${formatCount(v)}`));
              group.append(dot);
            });
            f.root.append(group);
          });
          return f.root;
        }
        function barChart(points, labels, currency) {
          const digits = points.find((p) => p.average)?.average.amount.split(".")[1]?.length || 0;
          const unit = Math.pow(10, digits);
          return bars(points.map((p) => (p.average ? Number(p.average.amount_minor) : 0)), labels, {
            width: 440, left: 56, minimumStep: unit,
            format: (v) => formatMoney({ amount: String(Math.round(v / unit)), currency }),
            title: (i) => `${labels[i]}: ${points[i].average ? formatMoney(points[i].average) : "no orders"} (${formatCount(points[i].orders)} orders)`,
            data: (i) => (points[i].average ? points[i].average.amount : ""),
          });
        }

        // State in the fragment (the key is moved from it into sessionStorage).
        function readFragment() {
          const params = takeKeyFromFragment();
          for (const name of ["period", "compare", "start", "end"]) if (params.get(name)) $(name).value = params.get(name);
          if (params.get("start") && params.get("end")) $("period").value = "custom";
          history.replaceState(null, "", location.pathname + location.search + (params.toString() ? "#" + params.toString() : ""));
        }
        function query() {
          const params = new URLSearchParams();
          if ($("period").value === "custom") { params.set("start", $("start").value); params.set("end", $("end").value); }
          else params.set("period", $("period").value);
          params.set("compare", $("compare").value);
          return params;
        }
        async function load() {
          const custom = $("period").value === "custom";
          $("start-label").hidden = !custom; $("end-label").hidden = !custom;
          if (custom && !($("start").value && $("end").value)) return;
          if (!sessionStorage.getItem("sextant-key")) { $("key-form").hidden = false; document.body.dataset.state = "needs-key"; return; }
          document.body.dataset.state = "loading";
          const params = query();
          history.replaceState(null, "", location.pathname + "#" + params.toString());
          try {
            const [board, report, accounts] = await Promise.all([
              api("/customer-hub/dashboard?" + params),
              api("/customer-hub/attributed-products?page_size=25&" + params),
              api("/accounts"),
            ]);
            showError("");
            render(board, accounts.accounts && accounts.accounts[0]);
            nextToken = null;
            $("report").replaceChildren();
            appendReport(report);
            document.body.dataset.state = "ready";
          } catch (error) {
            showError(error.message);
            if (error.status === 401) { sessionStorage.removeItem("sextant-key"); $("key-form").hidden = false; }
            document.body.dataset.state = "error";
          }
        }

        function render(board, account) {
          if (account) $("account").textContent = account.name;
          const period = board.period, comparison = board.comparison_period;
          $("range").textContent = `${period.start} – ${period.end}` + (comparison ? `, compared with ${comparison.start} – ${comparison.end}` : "") + ` (${board.time_zone})`;
          $("inactive").hidden = board.customer_hub_active;
          const o = board.overview;
          setValue("total_accounts", formatCount(o.total_accounts));
          for (const name of ["service_interactions", "active_accounts"]) {
            setValue(name, formatCount(o[name].value));
            setChange(name, o[name].percent_change, o[name].previous === null ? "" : "vs " + formatCount(o[name].previous));
          }
          setValue("revenue_generated", formatMoney(o.revenue_generated.value));
          setChange("revenue_generated", o.revenue_generated.percent_change, o.revenue_generated.previous ? "vs " + formatMoney(o.revenue_generated.previous) : "");
          const labels = board.buckets.map((b) => (board.bucket === "month" ? b.start.slice(0, 7) : b.start.slice(5)));
          $("interactions-chart").replaceChildren(lineChart(board.service_interactions, labels));
          $("interactions-legend").replaceChildren(...board.service_interactions.map((s, n) => {
            const item = document.createElement("li");
            item.dataset.testid = "interaction-" + s.type;
            const swatch = document.createElement("i"); swatch.style.background = COLORS[n];
            const total = document.createElement("strong"); total.dataset.testid = "total-" + s.type; total.textContent = formatCount(s.total.value);
            item.append(swatch, s.label + " ", total);
            if (s.total.percent_change !== null) {
              const change = document.createElement("span");
              change.className = "change " + (Number(s.total.percent_change) > 0 ? "up" : Number(s.total.percent_change) < 0 ? "down" : "flat");
              change.textContent = formatChange(s.total.percent_change);
              change.style.marginLeft = "0.3rem";
              item.append(change);
            }
            return item;
          }));
          const aov = board.average_order_value;
          setValue("aov", aov.period.average ? formatMoney(aov.period.average) : "no orders");
          setChange("aov", aov.percent_change, aov.previous && aov.previous.average ? "vs " + formatMoney(aov.previous.average) : "");
          $("aov-chart").replaceChildren(barChart(aov.points, labels, board.currency));
        }

        function appendReport(page) {
          const body = $("report");
          if (page.products.length === 0 && body.children.length === 0) {
            const row = document.createElement("tr"); const cell = document.createElement("td");
            cell.colSpan = 6; cell.className = "muted"; cell.textContent = "No attributed products in this period.";
            row.append(cell); body.append(row);
          }
          for (const p of page.products) {
            const row = document.createElement("tr");
            row.dataset.testid = "report-row";
            const cells = [
              [p.time.slice(0, 16).replace("T", " ") + " UTC"], [p.order_id || "#" + p.order_position],
              [p.product_name ? `${p.product_name} (${p.product_id})` : p.product_id], [String(p.quantity), "number"],
              [formatMoney(p.revenue), "number", "revenue"], [RULES[p.rule] || p.rule],
            ];
            for (const [text, cls, id] of cells) {
              const cell = document.createElement("td"); cell.textContent = text;
              if (cls) cell.className = cls;
              if (id) cell.dataset.testid = id;
              row.append(cell);
            }
            body.append(row);
          }
          nextToken = page.next_page_token;
          $("more").hidden = !nextToken;
        }

        $("more").addEventListener("click", async () => {
          try { appendReport(await api(`/customer-hub/attributed-products?page_size=25&page_token=${encodeURIComponent(nextToken)}&` + query())); }
          catch (error) { showError(error.message); }
        });
        $("key-form").addEventListener("submit", (event) => {
          event.preventDefault();
          sessionStorage.setItem("sextant-key", $("key-input").value.trim());
          $("key-input").value = ""; $("key-form").hidden = true; load();
        });
        for (const id of ["period", "compare", "start", "end"]) $(id).addEventListener("change", load);
        readFragment();
        load();
        </script>
        </body>
        </html>
        """#

    static func register(on router: Router<GatewayRequestContext>) {
        router.get(RouterPath(stringLiteral: Self.path)) { _, _ in Self.response(Self.html) }
    }

    /// A page's response: HTML that loads nothing from elsewhere and is never framed or cached.
    static func response(_ html: String) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        headers[.contentSecurityPolicy] = "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}
