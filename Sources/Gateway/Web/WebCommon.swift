/// What the gateway's pages share: one stylesheet and one script of helpers (number and money
/// formatting from the API's exact text, SVG axes, line frames and bar charts, the API call with
/// the tab's key, the key taken from the address's fragment). Each page includes them inline, so
/// a page stays one self-contained response (no external network, no build step).
enum WebCommon {
    static let style = #"""
          :root { --ink: #1d2433; --muted: #5b6474; --line: #e3e6eb; --up: #137333; --down: #b3261e; --panel: #fff; --bg: #f6f7f9; }
          * { box-sizing: border-box; }
          body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: var(--ink); background: var(--bg); }
          header { display: flex; align-items: baseline; gap: 1rem; padding: 1rem 2rem; background: var(--panel); border-bottom: 1px solid var(--line); }
          header h1 { font-size: 1.3rem; margin: 0; }
          header a { color: var(--muted); margin-left: auto; }
          main { padding: 1.2rem 2rem 3rem; max-width: 78rem; margin: 0 auto; }
          .muted { color: var(--muted); }
          .controls { display: flex; flex-wrap: wrap; gap: 0.8rem; align-items: end; margin-bottom: 1.2rem; }
          label { display: flex; flex-direction: column; font-size: 0.8rem; color: var(--muted); gap: 0.2rem; }
          select, input, button { font: inherit; padding: 0.35rem 0.5rem; border: 1px solid #c9ced6; border-radius: 6px; background: #fff; color: var(--ink); }
          button { cursor: pointer; }
          .tiles { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 1rem; margin-bottom: 1.2rem; }
          .tile, .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.1rem; }
          .tile h2, .panel h2 { font-size: 0.85rem; font-weight: 600; color: var(--muted); margin: 0 0 0.4rem; }
          .tile .value { font-size: 1.7rem; font-weight: 650; }
          .change { display: inline-block; font-weight: 600; font-size: 0.85rem; padding: 0.05rem 0.45rem; border-radius: 999px; margin-right: 0.4rem; }
          .change.up { color: var(--up); background: #e6f4ea; }
          .change.down { color: var(--down); background: #fce8e6; }
          .change.flat, .change.none { color: var(--muted); background: #eef0f3; }
          .previous { font-size: 0.8rem; }
          .charts { display: grid; grid-template-columns: 3fr 2fr; gap: 1rem; margin-bottom: 1.2rem; }
          .legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; margin: 0.5rem 0 0; padding: 0; list-style: none; font-size: 0.85rem; }
          .legend i { display: inline-block; width: 0.7rem; height: 0.7rem; border-radius: 2px; margin-right: 0.3rem; vertical-align: -1px; }
          svg { width: 100%; height: auto; display: block; }
          svg text { font-size: 11px; fill: var(--muted); }
          svg .grid { stroke: var(--line); }
          table { border-collapse: collapse; width: 100%; }
          th, td { text-align: left; padding: 0.4rem 0.5rem; border-bottom: 1px solid var(--line); }
          td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
          .notice { padding: 0.7rem 1rem; border-radius: 8px; background: #fff4e5; border: 1px solid #f3d19c; margin-bottom: 1rem; }
          .error { background: #fce8e6; border-color: #f1aaa4; }
          [hidden] { display: none !important; }
          @media (max-width: 900px) { .tiles { grid-template-columns: repeat(2, 1fr); } .charts { grid-template-columns: 1fr; } }
        """#

    static let script = #"""
        const $ = (id) => document.getElementById(id);
        const COLORS = ["#3b6fd8", "#e07b24", "#2a9d6f", "#b5479c", "#7a6ad8"];
        const SYMBOLS = { USD: "$", EUR: "€", GBP: "£", JPY: "¥", AUD: "A$", CAD: "CA$" };
        // Formatting: counts with separators; money from its exact decimal text.
        function groupDigits(digits) { return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
        function formatCount(n) { return n < 0 ? "-" + groupDigits(String(-n)) : groupDigits(String(n)); }
        function formatMoney(money) {
          if (!money) return "–";
          let text = money.amount, sign = "";
          if (text.startsWith("-")) { sign = "-"; text = text.slice(1); }
          const [whole, fraction] = text.split(".");
          const number = groupDigits(whole) + (fraction !== undefined ? "." + fraction : "");
          const symbol = SYMBOLS[money.currency];
          return symbol ? sign + symbol + number : sign + number + " " + money.currency;
        }
        function formatChange(text) { return text === null || text === undefined ? "" : (text.startsWith("-") ? text : "+" + text) + "%"; }

        // SVG charts.
        const NS = "http://www.w3.org/2000/svg";
        function svg(tag, attributes, text) {
          const node = document.createElementNS(NS, tag);
          for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
          if (text !== undefined) node.textContent = text;
          return node;
        }
        // The axis: gridlines every `step` (1, 2 or 5 times a power of ten; at least `minimumStep`).
        function axis(value, minimumStep) {
          const rough = Math.max(value / 4, minimumStep);
          const power = Math.pow(10, Math.floor(Math.log10(rough)));
          const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough);
          return { step, max: step * Math.max(1, Math.ceil(value / step)) };
        }
        function frame(width, height, scale, format, labels, left) {
          const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
          const top = 10, bottom = height - 24, right = width - 8;
          for (let v = 0; v <= scale.max + scale.step / 2; v += scale.step) {
            const y = bottom - (bottom - top) * v / scale.max;
            root.append(svg("line", { x1: left, x2: right, y1: y, y2: y, class: "grid" }));
            root.append(svg("text", { x: left - 6, y: y + 4, "text-anchor": "end" }, format(v)));
          }
          const step = Math.max(1, Math.ceil(labels.length / 7));
          labels.forEach((label, i) => {
            if (i % step !== 0) return;
            const x = left + (right - left) * (labels.length === 1 ? 0.5 : i / (labels.length - 1));
            root.append(svg("text", { x, y: height - 6, "text-anchor": "middle" }, label));
          });
          return { root, top, bottom, left, right };
        }
        // Vertical bars, one per value; options: width, left (axis room), minimumStep, format (axis
        // labels), title(i), data(i) (each bar's data-value), colors (per bar).
        function bars(values, labels, options) {
          const scale = axis(Math.max(0, ...values), options.minimumStep || 1), max = scale.max;
          const f = frame(options.width || 440, options.height || 230, scale, options.format || ((v) => formatCount(Math.round(v))), [], options.left || 44);
          const slot = (f.right - f.left) / Math.max(1, values.length);
          // Labels under their bars (at most about seven of them).
          const every = Math.max(1, Math.ceil(labels.length / 7));
          labels.forEach((label, i) => {
            if (i % every === 0) f.root.append(svg("text", { x: f.left + slot * (i + 0.5), y: (options.height || 230) - 6, "text-anchor": "middle" }, label));
          });
          values.forEach((value, i) => {
            const h = (f.bottom - f.top) * value / max;
            const bar = svg("rect", {
              x: f.left + slot * i + slot * 0.15, y: f.bottom - h, width: Math.max(1, slot * 0.7), height: h,
              fill: options.colors ? options.colors[i % options.colors.length] : "#3b6fd8", "data-value": options.data ? options.data(i) : value,
            });
            bar.append(svg("title", {}, options.title ? options.title(i) : `${labels[i]}: ${formatCount(value)}`));
            f.root.append(bar);
          });
          return f.root;
        }

        // The key: from the address's fragment (#key=…, never sent to the server) into this tab's
        // sessionStorage; answers the fragment's other parameters.
        function takeKeyFromFragment() {
          const params = new URLSearchParams(location.hash.slice(1));
          if (params.get("key")) { sessionStorage.setItem("sextant-key", params.get("key")); params.delete("key"); }
          return params;
        }
        async function api(path) {
          const answer = await fetch("/api/v1" + path, { headers: { Authorization: "Bearer " + sessionStorage.getItem("sextant-key") } });
          const body = await answer.json().catch(() => ({}));
          if (!answer.ok) {
            const error = new Error(body.error ? body.error.message : `HTTP ${answer.status}`);
            error.status = answer.status;
            throw error;
          }
          return body;
        }
        function showError(message) { $("error").textContent = message; $("error").hidden = !message; }
        """#

    /// The start of a dashboard page up to `<main>`: the document head with the shared style and
    /// the page's own rules, and the header with the page's title and links to the others.
    static func top(title: String, style extra: String = "", links: [(href: String, text: String)]) -> String {
        let anchors = links.enumerated().map { index, link in
            index == 0 ? "<a href=\"\(link.href)\">\(link.text)</a>" : "<a href=\"\(link.href)\" style=\"margin-left:1rem\">\(link.text)</a>"
        }.joined()
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · Sextant</title>
            <style>
            \(Self.style)
            \(extra)
            </style>
            </head>
            <body data-state="loading">
            <header><h1>\(title)</h1><span class="muted" id="account"></span>\(anchors)</header>
            <main>
            """
    }

    /// The form that asks for an API key (hidden until a page finds none in sessionStorage).
    static func keyForm(button: String) -> String {
        """
          <form id="key-form" class="notice" hidden>
            <label>API key (a read-only key is enough)
              <input id="key-input" type="password" autocomplete="off" size="60" placeholder="sxt_…"></label>
            <p class="muted">The key stays in this browser tab. <code>sextant keys create --account &lt;id&gt; --role read-only --name dashboard</code> makes one.</p>
            <button type="submit">\(button)</button>
          </form>
        """
    }
}
