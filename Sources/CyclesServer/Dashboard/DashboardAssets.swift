/// The dashboard's style sheet and script: inline, so the page needs no second request, no CDN and no build step,
/// and works offline. Both are constants (no request data is ever interpolated into them); the script reads what it
/// needs from `data-` attributes the templates escape.
enum DashboardAssets {
    static let style = """
        :root { --spent:#3b6fd9; --reserved:#f0a500; --remaining:#cfe3c4; --debt:#d64545; --ink:#1d232b; --muted:#6b7480;
          --line:#e3e6ea; --bg:#f6f7f9; --card:#fff; --ok:#1f8a4c; }
        * { box-sizing: border-box; }
        body { margin:0; font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif; color:var(--ink); background:var(--bg); }
        header { display:flex; flex-wrap:wrap; align-items:center; gap:8px 20px; padding:10px 20px; background:#17202b; color:#e8edf3; }
        header h1 { font-size:18px; margin:0; } header h1 span { font-weight:400; color:#9fb0c3; }
        header a { color:#c9d6e4; text-decoration:none; padding:1px 6px; border-radius:4px; }
        header a.selected { background:#33475e; color:#fff; }
        header form { margin:0 0 0 auto; }
        .clock strong { font-variant-numeric:tabular-nums; }
        .mode { background:#33475e; border-radius:4px; padding:1px 6px; font-size:12px; }
        .live-status { font-size:12px; color:#9fb0c3; } .live-status.live { color:#7fd49b; }
        main { display:grid; grid-template-columns:repeat(auto-fit,minmax(420px,1fr)); gap:14px; padding:14px 20px; max-width:1600px; }
        section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:10px 14px; min-width:0; overflow-x:auto; }
        section.wide { grid-column:1/-1; } section.span2 { grid-column:span 2; }
        @media (max-width: 900px) { section.span2 { grid-column:1/-1; } }
        h2 { font-size:15px; margin:2px 0 8px; } h3 { font-size:13px; margin:10px 0 4px; color:var(--muted); }
        table { border-collapse:collapse; width:100%; font-size:13px; }
        th { text-align:left; font-weight:600; color:var(--muted); border-bottom:1px solid var(--line); padding:3px 6px; white-space:nowrap; }
        td { border-bottom:1px solid var(--line); padding:3px 6px; vertical-align:middle; }
        td.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
        td.scope, td.key, td.id, td.path, td.url, code { font-family:ui-monospace,"DejaVu Sans Mono",monospace; font-size:12px; }
        td.scope, td.url, td.path, code { word-break:break-all; } td.id { white-space:nowrap; }
        td.path { min-width:24ch; }
        td.key span { display:inline-block; vertical-align:middle; width:18ch; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
        td.unit { font-size:11px; color:var(--muted); }
        .barcol { width:32%; min-width:160px; }
        .bar { display:flex; height:14px; border-radius:3px; overflow:hidden; background:#eef0f3; }
        .seg { display:block; height:100%; } .seg.spent, .key.spent { background:var(--spent); }
        .seg.reserved, .key.reserved { background:var(--reserved); } .seg.remaining, .key.remaining { background:var(--remaining); }
        .seg.debt, .key.debt { background:var(--debt); }
        .legend { margin:0 0 6px; font-size:12px; color:var(--muted); }
        .key { display:inline-block; width:10px; height:10px; border-radius:2px; margin:0 3px 0 8px; vertical-align:-1px; }
        tr.over-limit { background:#fff1f1; } .flag { background:var(--debt); color:#fff; font:600 10px system-ui,sans-serif; padding:1px 5px; border-radius:3px; }
        .flag.muted { background:var(--muted); } .debt-text { color:var(--debt); font-weight:600; }
        .countdown { font-variant-numeric:tabular-nums; font-weight:600; white-space:nowrap; } .countdown.soon { color:var(--debt); }
        .status { font-size:11px; font-weight:600; padding:1px 5px; border-radius:3px; background:#e8ebef; }
        .status.committed, .status.ok { background:#dcf2e3; color:var(--ok); } .status.released { background:#e4ecfb; color:var(--spent); }
        .status.expired, .status.error { background:#fde3e3; color:var(--debt); } .status.pending { background:#fff0cf; color:#8a5a00; }
        tr.journal-entry.error td.outcome { color:var(--debt); font-weight:600; } tr.journal-entry.fault { background:#fff7e0; }
        tr.journal-entry.fault td.outcome { color:#8a5a00; font-weight:600; }
        tr.fault-rule.spent { color:var(--muted); }
        .verdict { margin:4px 0; font-weight:600; } .verdict small { font-weight:400; color:var(--muted); display:block; } .verdict.ok { color:var(--ok); } .verdict.error { color:var(--debt); }
        .empty, .hint { color:var(--muted); font-size:12px; margin:4px 0; }
        .controls { display:flex; flex-wrap:wrap; gap:6px; } .controls form { margin:0; }
        button { font:inherit; font-size:13px; padding:3px 10px; border:1px solid #b9c2cc; border-radius:5px; background:#fff; cursor:pointer; }
        button:hover { background:#eef2f6; } input, select, textarea { font:inherit; font-size:13px; }
        .filter { display:flex; flex-wrap:wrap; gap:8px 14px; align-items:center; margin-bottom:6px; }
        .fault-form { display:grid; gap:4px; margin-top:8px; } .fault-form textarea { font-family:ui-monospace,"DejaVu Sans Mono",monospace; font-size:12px; width:100%; }
        #control-status { position:fixed; right:16px; bottom:16px; max-width:480px; padding:8px 12px; border-radius:6px; background:#17202b; color:#fff; font-size:13px; opacity:0; transition:opacity .3s; pointer-events:none; }
        #control-status.shown { opacity:.95; } #control-status.error { background:var(--debt); }
        body.login { display:grid; place-items:center; min-height:100vh; }
        body.login form { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:20px 24px; display:grid; gap:8px; width:340px; }
        body.login h1 { font-size:20px; margin:0 0 6px; } body.login h1 span { font-weight:400; color:var(--muted); }
        """

    /// Keeps the page live: the countdowns tick from the namespace clock (under `--mock` possibly frozen or moved,
    /// so the script follows the server's clock, never the browser's), the stream replaces the live sections, and
    /// the mock controls post without leaving the page.
    static let script = """
        (function () {
          "use strict";
          var body = document.body;
          var clock = { mode: body.dataset.clockMode, nowMs: Number(body.dataset.clockNowMs), at: performance.now() };
          var status = document.getElementById("live-status");
          function virtualNow() {
            return clock.mode === "frozen" ? clock.nowMs : clock.nowMs + (performance.now() - clock.at);
          }
          function setClock(update) {
            clock = { mode: update.mode, nowMs: update.now_ms, at: performance.now() };
            document.getElementById("clock-mode").textContent = update.mode;
            document.getElementById("clock-offset").textContent = update.offset || "";
          }
          function format(ms) {
            var s = Math.floor(ms / 1000);
            if (s < 60) return (ms / 1000).toFixed(1) + " s";
            if (s < 3600) return Math.floor(s / 60) + " m " + String(s % 60).padStart(2, "0") + " s";
            return Math.floor(s / 3600) + " h " + String(Math.floor(s / 60) % 60).padStart(2, "0") + " m";
          }
          function tick() {
            var now = virtualNow();
            document.getElementById("clock-now").textContent = new Date(now).toISOString().replace(/\\.\\d+Z$/, "Z");
            document.querySelectorAll("[data-expires-ms]").forEach(function (cell) {
              var left = Number(cell.dataset.expiresMs) - now;
              var grace = Number(cell.dataset.deadlineMs) - now;
              cell.dataset.remainingMs = String(Math.max(0, Math.round(left)));
              cell.textContent = left > 0 ? format(left) : grace > 0 ? "grace " + format(grace) : "expiring";
              cell.classList.toggle("soon", left < 10000);
            });
          }
          setInterval(tick, 200);
          tick();

          var source = null;
          function connect(query) {
            if (source) source.close();
            source = new EventSource("/dashboard/stream?" + query);
            source.addEventListener("open", function () { status.textContent = "live"; status.className = "live-status live"; });
            source.addEventListener("error", function () { status.textContent = "reconnecting…"; status.className = "live-status"; });
            source.addEventListener("clock", function (event) { setClock(JSON.parse(event.data)); tick(); });
            source.addEventListener("update", function (event) {
              var update = JSON.parse(event.data);
              setClock(update.clock);
              Object.keys(update.sections).forEach(function (name) {
                var target = document.getElementById("live-" + name);
                if (target) target.innerHTML = update.sections[name];
              });
              body.dataset.updates = String(Number(body.dataset.updates || "0") + 1);
              tick();
            });
          }
          connect(body.dataset.streamQuery);

          var note = document.getElementById("control-status");
          var hideTimer = null;
          function show(message, failed) {
            note.textContent = message;
            note.className = "shown" + (failed ? " error" : "");
            clearTimeout(hideTimer);
            hideTimer = setTimeout(function () { note.className = ""; }, 4000);
          }
          document.addEventListener("submit", function (event) {
            var form = event.target;
            if (form.id === "journal-filter") {
              event.preventDefault();
              var query = new URLSearchParams(new FormData(form));
              Array.from(query.keys()).forEach(function (key) { if (!query.get(key)) query.delete(key); });
              history.replaceState(null, "", "/dashboard?" + query.toString());
              connect(query.toString());
              return;
            }
            if (!form.hasAttribute("data-control")) return;
            event.preventDefault();
            fetch(form.action, {
              method: "POST", credentials: "same-origin", headers: { "Accept": "application/json" },
              body: new URLSearchParams(new FormData(form))
            }).then(function (response) {
              return response.json().then(function (answer) { show(answer.message, !response.ok); });
            }).catch(function (error) { show(String(error), true); });
          });
        })();
        """
}
