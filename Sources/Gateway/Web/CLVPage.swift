import Hummingbird
import HTTPTypes
import NIOCore

/// The predicted-CLV dashboard at `/clv`: the account's eligibility (what is missing), the model
/// card (model, history and prediction ranges, last fitted, parameters with standard errors,
/// holdout check), the distribution of predicted CLV and of churn bands over every customer, the
/// five example profiles with their predictions, and a profile lookup. Like ``CustomerHubPage``:
/// one self-contained page that reads the JSON API with the key given to it (a read-only key is
/// enough; the key from the form or `#key=`, kept in sessionStorage only).
enum CLVPage {
    static let path = "/clv"

    /// The page's own style rules.
    static let style = """
          .facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0; }
          .facts dt { color: var(--muted); }
          .band-low { color: var(--up); } .band-medium { color: #a05a00; } .band-high { color: var(--down); }
        """

    static let html = #"""
        \#(WebCommon.top(title: "Predicted CLV", style: Self.style, links: [("/customer-hub", "Customer Hub"), ("/", "Suite status")]))
        \#(WebCommon.keyForm(button: "Show predicted CLV"))
          <div id="error" class="notice error" hidden></div>
          <div id="ineligible" class="notice" hidden><strong>Not enough data for predictions yet.</strong>
            <ul id="missing"></ul></div>
          <div id="fit-failure" class="notice error" data-testid="fit-failure" hidden></div>
          <section class="tiles">
            <div class="tile"><h2>Customers with orders</h2><div class="value" data-testid="value-customers">–</div>
              <div class="muted previous" data-testid="history">–</div></div>
            <div class="tile"><h2>Model</h2><div class="value" data-testid="value-model">–</div>
              <div class="muted previous" data-testid="fit-status">–</div></div>
            <div class="tile"><h2>Predictions cover</h2><div class="value" data-testid="value-horizon">–</div>
              <div class="muted previous" data-testid="fitted-at">–</div></div>
            <div class="tile"><h2>Holdout check</h2><div class="value" data-testid="value-holdout">–</div>
              <div class="muted previous" data-testid="holdout-totals">–</div></div>
          </section>
          <section class="charts">
            <div class="panel"><h2>Predicted CLV of every customer</h2><div id="clv-chart"></div></div>
            <div class="panel"><h2>Churn risk</h2><div id="churn-chart"></div><ul class="legend" id="churn-legend"></ul></div>
          </section>
          <section class="charts">
            <div class="panel"><h2>Example profiles</h2>
              <table><thead><tr><th>Rule</th><th>Profile</th><th class="number">Orders</th><th class="number">Historic CLV</th><th class="number">Predicted CLV (90% range)</th><th>Churn</th></tr></thead>
              <tbody id="examples"><tr><td colspan="6" class="muted">–</td></tr></tbody></table></div>
            <div class="panel"><h2>Model parameters</h2>
              <table><thead><tr><th>Parameter</th><th class="number">Estimate</th><th class="number">Standard error</th></tr></thead>
              <tbody id="parameters"></tbody></table>
              <p class="muted" id="choice"></p></div>
          </section>
          <section class="panel">
            <h2>Look up a profile</h2>
            <form id="lookup" class="controls"><label>Profile id <input id="profile-id" inputmode="numeric" size="12"></label><button type="submit">Show</button></form>
            <dl class="facts" id="profile"></dl>
          </section>
        </main>
        <script>
        "use strict";
        \#(WebCommon.script)
        const BAND_COLORS = ["#2a9d6f", "#e0a224", "#c5402f"];
        let accountID = null;

        function money(m) { return m ? formatMoney(m) : "–"; }
        function ranged(r) { return r ? `${money(r.value)} (${money(r.low)} – ${money(r.high)})` : "–"; }
        function number(n, digits) { return n === null || n === undefined ? "–" : Number(n).toFixed(digits); }
        function cell(text, cls, id) {
          const td = document.createElement("td"); td.textContent = text;
          if (cls) td.className = cls;
          if (id) td.dataset.testid = id;
          return td;
        }

        async function load() {
          if (!sessionStorage.getItem("sextant-key")) { $("key-form").hidden = false; document.body.dataset.state = "needs-key"; return; }
          document.body.dataset.state = "loading";
          try {
            const accounts = await api("/accounts");
            const account = accounts.accounts[0];
            accountID = account.id;
            $("account").textContent = account.name;
            const status = await api(`/accounts/${accountID}/clv`);
            showError("");
            await render(status);
            document.body.dataset.state = "ready";
          } catch (error) {
            showError(error.message);
            if (error.status === 401) { sessionStorage.removeItem("sextant-key"); $("key-form").hidden = false; }
            document.body.dataset.state = "error";
          }
        }

        async function render(status) {
          $("ineligible").hidden = status.eligible;
          $("missing").replaceChildren(...status.missing.map((text) => { const li = document.createElement("li"); li.textContent = text; li.dataset.testid = "missing"; return li; }));
          document.querySelector('[data-testid="value-customers"]').textContent = formatCount(status.customers_with_orders);
          document.querySelector('[data-testid="history"]').textContent = status.first_order_day ? `orders ${status.first_order_day} – ${status.last_order_day}` : "no orders";
          const failure = status.last_fit_failure;
          $("fit-failure").hidden = !failure;
          $("fit-failure").textContent = failure ? `The last fit (${failure.at.slice(0, 16).replace("T", " ")} UTC) failed: ${failure.reason}. The model below is older.` : "";
          const card = status.model;
          if (!card) return;
          const set = (id, text) => { document.querySelector(`[data-testid="${id}"]`).textContent = text; };
          set("value-model", card.purchase_model === "bgnbd" ? "BG/NBD" : "MBG/NBD");
          set("fit-status", `${card.conversion_metric || "Placed Order"} · ${card.fit_status}; Gamma-Gamma ${card.spend_fit_status}`);
          set("value-horizon", `${card.horizon_days} days`);
          set("fitted-at", `fitted ${card.fitted_at.slice(0, 16).replace("T", " ")} UTC on ${card.history.start} – ${card.history.end}`);
          set("value-holdout", card.holdout.mean_absolute_error === null ? "–" : `MAE ${number(card.holdout.mean_absolute_error, 3)}`);
          set("holdout-totals", `last ${card.holdout.days} days: predicted ${number(card.holdout.predicted_total, 0)}, actual ${formatCount(card.holdout.actual_total)} repeat purchases`);
          $("choice").textContent = card.choice_reason;
          $("parameters").replaceChildren(...card.parameters.map((p) => {
            const row = document.createElement("tr");
            row.append(cell(p.name), cell(number(p.value, 4), "number", "parameter-" + p.name), cell(p.standard_error === null ? "–" : number(p.standard_error, 4), "number"));
            return row;
          }));
          const buckets = card.clv_distribution;
          const labels = buckets.map((b) => (b.to ? `${formatMoney(b.from).replace(/\.0+$/, "")}` : `${formatMoney(b.from).replace(/\.0+$/, "")}+`));
          $("clv-chart").replaceChildren(bars(buckets.map((b) => b.customers), labels, {
            width: 640, title: (i) => `${labels[i]}${buckets[i].to ? " – " + formatMoney(buckets[i].to) : ""}: ${formatCount(buckets[i].customers)} customers`,
          }));
          const bands = ["low", "medium", "high"].map((name) => card.churn_bands[name] || 0);
          $("churn-chart").replaceChildren(bars(bands, ["low", "medium", "high"], { width: 440, colors: BAND_COLORS }));
          $("churn-legend").replaceChildren(...["low (< 33%)", "medium (33–66%)", "high (> 66%)"].map((label, i) => {
            const item = document.createElement("li");
            const swatch = document.createElement("i"); swatch.style.background = BAND_COLORS[i];
            const count = document.createElement("strong"); count.dataset.testid = "band-" + ["low", "medium", "high"][i]; count.textContent = formatCount(bands[i]);
            item.append(swatch, label + " ", count);
            return item;
          }));
          const rows = await Promise.all(card.examples.map(async (example) => {
            const clv = await api(`/accounts/${accountID}/profiles/${example.profile_id}/clv`);
            const row = document.createElement("tr");
            row.dataset.testid = "example";
            row.append(cell(example.description), cell(String(example.profile_id)), cell(formatCount(clv.historic_orders), "number"),
              cell(money(clv.historic_clv), "number"), cell(ranged(clv.predicted_clv), "number", "example-predicted"),
              cell(clv.churn_band || "–", "band-" + clv.churn_band));
            return row;
          }));
          $("examples").replaceChildren(...rows);
        }

        async function lookUp(profileID) {
          const clv = await api(`/accounts/${accountID}/profiles/${profileID}/clv`);
          const facts = [
            ["Profile", String(clv.profile_id)], ["Historic orders", formatCount(clv.historic_orders)], ["Historic CLV", money(clv.historic_clv)],
            ["Predicted CLV", ranged(clv.predicted_clv)], ["Total CLV", ranged(clv.total_clv)],
            ["Predicted orders", clv.predicted_orders ? `${number(clv.predicted_orders.value, 2)} (${number(clv.predicted_orders.low, 2)} – ${number(clv.predicted_orders.high, 2)})` : "–"],
            ["Average order value", ranged(clv.average_order_value)],
            ["Days between orders", clv.average_days_between_orders === null ? "– (one order)" : number(clv.average_days_between_orders, 1)],
            ["Expected next order", clv.expected_next_order ? clv.expected_next_order.value.slice(0, 10) : "–"],
            ["Churn probability", clv.churn_probability ? `${number(clv.churn_probability.value * 100, 1)}% (${clv.churn_band})` : "–"],
          ];
          $("profile").replaceChildren(...facts.flatMap(([name, value]) => {
            const dt = document.createElement("dt"); dt.textContent = name;
            const dd = document.createElement("dd"); dd.textContent = value; dd.dataset.testid = "profile-" + name.toLowerCase().replace(/ /g, "_");
            return [dt, dd];
          }));
        }

        $("lookup").addEventListener("submit", (event) => {
          event.preventDefault();
          lookUp($("profile-id").value.trim()).then(() => showError("")).catch((error) => showError(error.message));
        });
        $("key-form").addEventListener("submit", (event) => {
          event.preventDefault();
          sessionStorage.setItem("sextant-key", $("key-input").value.trim());
          $("key-input").value = ""; $("key-form").hidden = true; load();
        });
        const fragment = takeKeyFromFragment();
        history.replaceState(null, "", location.pathname);
        load().then(() => { if (fragment.get("profile") && accountID) return lookUp(fragment.get("profile")); }).catch((error) => showError(error.message));
        </script>
        </body>
        </html>
        """#

    static func register(on router: Router<GatewayRequestContext>) {
        router.get(RouterPath(stringLiteral: Self.path)) { _, _ in
            CustomerHubPage.response(Self.html)
        }
    }
}
