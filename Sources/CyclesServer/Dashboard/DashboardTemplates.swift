import Mustache

/// The dashboard's Mustache templates, compiled into the binary as string literals.
///
/// Why literals rather than SwiftPM resources: `cycles` is shipped as a single executable (the packages copy just
/// the binary), and a resource bundle would have to travel beside it and be found at run time; a literal cannot go
/// missing and works offline by construction. The page and every live section are separate templates over the same
/// `DashboardView`, so the first render and the pushed updates come from one source. `{{value}}` HTML-escapes (every
/// tenant-provided string goes through it); `{{{…}}}` is used only for the constant style sheet and script below.
enum DashboardTemplates {
    /// The sections the live stream re-renders, by the id of the element they fill (`live-<name>`).
    static let liveSections = [
        "budgets", "reservations", "journal", "faults", "invariants", "events", "deliveries",
    ]

    /// Every template by name (the live sections are also partials of `page`).
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        let sources: [String: String] = [
            "page": page, "login": login, "budgets": budgets, "reservations": reservations, "journal": journal,
            "faults": faults, "invariants": invariants, "events": events, "deliveries": deliveries,
        ]
        for (name, source) in sources {
            // The templates are constants of this file: a syntax error is a programming error caught by the tests.
            try! library.register(source, named: name)
        }
        return library
    }()

    /// Renders `name` with `view`; empty for an unknown name.
    static func render(_ name: String, _ view: Any) -> String {
        library.render(view, withTemplate: name) ?? ""
    }

    // MARK: - Page

    static let page = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Cycles dashboard · {{namespace}}</title>
        <style>{{{style}}}</style>
        </head>
        <body data-clock-mode="{{clock.mode}}" data-clock-now-ms="{{clock.nowMs}}" data-stream-query="{{streamQuery}}">
        <header>
          <h1>Cycles <span>dashboard</span></h1>
          <nav class="namespaces">namespace:
            {{#namespaces}}<a href="{{href}}"{{#selected}} class="selected"{{/selected}}>{{name}}</a> {{/namespaces}}
          </nav>
          <div class="clock">clock <strong id="clock-now">{{clock.nowText}}</strong>
            <span id="clock-mode" class="mode">{{clock.mode}}</span> <span id="clock-offset">{{clock.offsetText}}</span></div>
          <div id="live-status" class="live-status">connecting…</div>
          <form method="post" action="/dashboard/logout"><button type="submit">Log out</button></form>
        </header>
        <main>
        <section class="wide"><h2>Budgets</h2>
          <p class="legend"><span class="key spent"></span>spent <span class="key reserved"></span>reserved
            <span class="key remaining"></span>remaining <span class="key debt"></span>debt</p>
          <div id="live-budgets">{{>budgets}}</div>
        </section>
        <section class="wide"><h2>Reservations</h2><div id="live-reservations">{{>reservations}}</div></section>
        {{#mock}}
        <section class="wide"><h2>Request journal</h2>
          <form id="journal-filter" class="filter" method="get" action="/dashboard">
            <input type="hidden" name="namespace" value="{{namespace}}">
            <label>tenant <input name="tenant" value="{{filter.tenant}}" size="14"></label>
            <label>operation <select name="operation">{{#operations}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/operations}}</select></label>
            <label>idempotency key <input name="idempotency_key" value="{{filter.idempotencyKey}}" size="24"></label>
            <button type="submit">Filter</button>
          </form>
          <div id="live-journal">{{>journal}}</div>
        </section>
        <section><h2>Virtual clock</h2>
          <div class="controls">
            <form data-control method="post" action="/dashboard/clock/advance"><input type="hidden" name="namespace" value="{{namespace}}"><input type="hidden" name="seconds" value="60"><button id="advance-1m">+1 min</button></form>
            <form data-control method="post" action="/dashboard/clock/advance"><input type="hidden" name="namespace" value="{{namespace}}"><input type="hidden" name="seconds" value="600"><button id="advance-10m">+10 min</button></form>
            <form data-control method="post" action="/dashboard/clock/advance"><input type="hidden" name="namespace" value="{{namespace}}"><input type="hidden" name="seconds" value="3600"><button id="advance-1h">+1 h</button></form>
            <form data-control method="post" action="/dashboard/clock/advance" class="inline"><input type="hidden" name="namespace" value="{{namespace}}"><input id="advance-seconds" name="seconds" type="number" min="0" value="30" size="6"> s <button id="advance-custom">Advance</button></form>
            <form data-control method="post" action="/dashboard/clock"><input type="hidden" name="namespace" value="{{namespace}}"><input type="hidden" name="mode" value="frozen"><button id="clock-freeze">Freeze</button></form>
            <form data-control method="post" action="/dashboard/clock"><input type="hidden" name="namespace" value="{{namespace}}"><input type="hidden" name="mode" value="real"><button id="clock-real">Real time</button></form>
          </div>
          <p class="hint">Advancing runs every expiry that falls due, as <code>POST /__cycles/clock/advance</code> does.</p>
        </section>
        <section class="span2"><h2>Fault rules</h2>
          <div id="live-faults">{{>faults}}</div>
          <form data-control method="post" action="/dashboard/faults" class="fault-form">
            <input type="hidden" name="namespace" value="{{namespace}}">
            <label for="fault-rule">New rule (the JSON <code>POST /__cycles/faults</code> takes)</label>
            <textarea id="fault-rule" name="rule" rows="3" spellcheck="false">{"match":{"operation":"commit"},"effect":{"type":"drop_response"},"times":1}</textarea>
            <button id="fault-add">Arm rule</button>
          </form>
        </section>
        {{/mock}}
        <section><h2>Invariants</h2><div id="live-invariants">{{>invariants}}</div></section>
        <section><h2>Recent events</h2><div id="live-events">{{>events}}</div></section>
        <section><h2>Webhook deliveries</h2><div id="live-deliveries">{{>deliveries}}</div></section>
        </main>
        <div id="control-status" role="status"></div>
        <script>{{{script}}}</script>
        </body>
        </html>
        """

    // MARK: - Live sections

    static let budgets = """
        {{#empty(budgets)}}<p class="empty">No budgets in this namespace.</p>{{/empty(budgets)}}
        {{^empty(budgets)}}
        <table class="budgets">
        <thead><tr><th>tenant</th><th>scope</th><th>unit</th><th class="barcol">balance</th><th>remaining</th><th>reserved</th><th>spent</th><th>debt</th><th>allocated</th></tr></thead>
        <tbody>
        {{#budgets}}
        <tr class="budget{{#overLimit}} over-limit{{/overLimit}}" data-tenant="{{tenant}}" data-scope="{{scope}}" data-unit="{{unit}}" data-spent="{{spentRaw}}" data-reserved="{{reservedRaw}}" data-remaining="{{remainingRaw}}">
          <td>{{tenant}}</td>
          <td class="scope">{{scope}}{{#overLimit}} <span class="flag">OVER LIMIT</span>{{/overLimit}}{{#frozen}} <span class="flag muted">{{status}}</span>{{/frozen}}</td>
          <td class="unit">{{unit}}</td>
          <td class="barcol"><div class="bar" title="spent {{spent}} · reserved {{reserved}} · remaining {{remaining}} · debt {{debt}}"><span class="seg spent" style="width:{{spentPercent}}%"></span><span class="seg reserved" style="width:{{reservedPercent}}%"></span><span class="seg remaining" style="width:{{remainingPercent}}%"></span><span class="seg debt" style="width:{{debtPercent}}%"></span></div></td>
          <td class="num">{{remaining}}</td><td class="num">{{reserved}}</td><td class="num">{{spent}}</td>
          <td class="num{{#hasDebt}} debt-text{{/hasDebt}}">{{debt}}</td><td class="num">{{allocated}}</td>
        </tr>
        {{/budgets}}
        </tbody></table>
        {{/empty(budgets)}}
        """

    static let reservations = """
        <h3>Active{{#activeNote}} <small>({{activeNote}})</small>{{/activeNote}}</h3>
        {{#empty(activeReservations)}}<p class="empty">No active reservations.</p>{{/empty(activeReservations)}}
        {{^empty(activeReservations)}}
        <table class="reservations active">
        <thead><tr><th>reservation</th><th>tenant</th><th>scope</th><th>amount</th><th>TTL left</th><th>grace</th><th>ext.</th><th>idempotency key</th><th>created</th></tr></thead>
        <tbody>
        {{#activeReservations}}
        <tr class="reservation" data-reservation-id="{{id}}"><td class="id">{{id}}</td><td>{{tenant}}</td><td class="scope">{{scope}}</td><td class="num">{{amount}}</td>
          <td class="countdown" data-expires-ms="{{expiresAtMs}}" data-deadline-ms="{{deadlineMs}}">{{remaining}}</td><td>{{grace}}</td><td>{{extensions}}</td><td class="key"><span title="{{idempotencyKey}}">{{idempotencyKey}}</span></td><td>{{created}}</td></tr>
        {{/activeReservations}}
        </tbody></table>
        {{/empty(activeReservations)}}
        <h3>Recently finished</h3>
        {{#empty(finishedReservations)}}<p class="empty">None yet.</p>{{/empty(finishedReservations)}}
        {{^empty(finishedReservations)}}
        <table class="reservations history">
        <thead><tr><th>reservation</th><th>status</th><th>tenant</th><th>scope</th><th>reserved</th><th>charged</th><th>ended</th><th>idempotency key</th></tr></thead>
        <tbody>
        {{#finishedReservations}}
        <tr class="reservation" data-reservation-id="{{id}}" data-status="{{status}}"><td class="id">{{id}}</td><td><span class="status {{statusClass}}">{{status}}</span></td><td>{{tenant}}</td><td class="scope">{{scope}}</td><td class="num">{{amount}}</td><td class="num">{{committed}}</td><td>{{finished}}</td><td class="key"><span title="{{idempotencyKey}}">{{idempotencyKey}}</span></td></tr>
        {{/finishedReservations}}
        </tbody></table>
        {{/empty(finishedReservations)}}
        """

    static let journal = """
        <p class="hint">{{journalNote}}</p>
        {{#empty(journal)}}<p class="empty">No requests match.</p>{{/empty(journal)}}
        {{^empty(journal)}}
        <table class="journal">
        <thead><tr><th>#</th><th title="when the request arrived, by the wall clock (not the namespace clock)">wall time</th><th>tenant</th><th>operation</th><th>request</th><th>idempotency key</th><th>reservation</th><th>got back</th><th>fault</th><th>took</th></tr></thead>
        <tbody>
        {{#journal}}
        <tr class="journal-entry {{outcomeClass}}" data-operation="{{operation}}"><td>{{sequence}}</td><td>{{time}}</td><td>{{tenant}}</td><td>{{operation}}</td><td class="path">{{method}} {{path}}</td><td class="key"><span title="{{idempotencyKey}}">{{idempotencyKey}}</span></td><td class="id">{{reservationID}}</td>
          <td class="outcome">{{outcome}}</td><td>{{fault}}{{#faultRule}} <small>({{faultRule}})</small>{{/faultRule}}</td><td class="num">{{duration}}</td></tr>
        {{/journal}}
        </tbody></table>
        {{/empty(journal)}}
        """

    static let faults = """
        {{#empty(faultRules)}}<p class="empty">No fault rules armed.</p>{{/empty(faultRules)}}
        {{^empty(faultRules)}}
        <table class="faults">
        <thead><tr><th>rule</th><th>match</th><th>effect</th><th>times</th><th>matched</th><th>applied</th><th></th></tr></thead>
        <tbody>
        {{#faultRules}}
        <tr class="fault-rule{{#spent}} spent{{/spent}}" data-rule-id="{{id}}"><td>{{id}}{{#spent}} <small>spent</small>{{/spent}}</td><td><code>{{match}}</code></td><td><code>{{effect}}</code></td><td>{{times}}{{#probability}} p={{probability}}{{/probability}}</td><td class="num">{{matched}}</td><td class="num">{{applied}}</td>
          <td><form data-control method="post" action="/dashboard/faults/remove"><input type="hidden" name="namespace" value="{{namespace}}"><input type="hidden" name="id" value="{{id}}"><button>Remove</button></form></td></tr>
        {{/faultRules}}
        </tbody></table>
        {{/empty(faultRules)}}
        """

    static let invariants = """
        {{#invariantsOK}}<p class="verdict ok" id="invariant-verdict">✓ Every invariant holds<small>allocated = remaining + reserved + spent + debt on every budget; reserved matches the active reservations; every reservation moved ACTIVE → final once.</small></p>{{/invariantsOK}}
        {{^invariantsOK}}<p class="verdict error" id="invariant-verdict">✗ {{count(violations)}} invariant violation(s)</p>
        <ul class="violations">{{#violations}}<li><strong>{{kind}}</strong> {{location}}: {{message}}</li>{{/violations}}</ul>{{/invariantsOK}}
        """

    static let events = """
        {{#empty(events)}}<p class="empty">No events yet.</p>{{/empty(events)}}
        {{^empty(events)}}
        <table class="events"><thead><tr><th>time</th><th>type</th><th>tenant</th><th>scope</th></tr></thead><tbody>
        {{#events}}<tr><td>{{time}}</td><td>{{type}}</td><td>{{tenant}}</td><td class="scope">{{scope}}</td></tr>{{/events}}
        </tbody></table>
        {{/empty(events)}}
        """

    static let deliveries = """
        {{#empty(deliveries)}}<p class="empty">No webhook deliveries.</p>{{/empty(deliveries)}}
        {{^empty(deliveries)}}
        <table class="deliveries"><thead><tr><th>time</th><th>event</th><th>to</th><th>status</th><th>tries</th><th>answer</th></tr></thead><tbody>
        {{#deliveries}}<tr><td>{{time}}</td><td>{{eventType}}</td><td class="url">{{url}}</td><td><span class="status {{statusClass}}">{{status}}</span></td><td class="num">{{attempts}}</td><td>{{response}} {{error}}</td></tr>{{/deliveries}}
        </tbody></table>
        {{/empty(deliveries)}}
        """

    // MARK: - Login

    /// The login form. A `#key=…` fragment (the link `cycles serve --mock` prints) is read by the script and posted,
    /// then removed from the address bar: a fragment never reaches the server, its logs or a proxy.
    static let login = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Cycles dashboard · log in</title><style>{{{style}}}</style></head>
        <body class="login">
        <form id="login" method="post" action="/dashboard/login">
          <h1>Cycles <span>dashboard</span></h1>
          {{#message}}<p class="verdict error">{{message}}</p>{{/message}}
          <label for="key">Admin API key</label>
          <input id="key" name="key" type="password" autocomplete="current-password" autofocus>
          <button type="submit">Log in</button>
          <p class="hint">The key is checked once; the browser then holds only a session cookie.</p>
        </form>
        <script>
        (function () {
          var match = /^#key=(.+)$/.exec(location.hash);
          if (!match) return;
          history.replaceState(null, "", location.pathname);
          document.getElementById("key").value = decodeURIComponent(match[1]);
          document.getElementById("login").submit();
        })();
        </script>
        </body></html>
        """
}
