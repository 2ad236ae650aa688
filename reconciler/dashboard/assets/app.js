// The meshplane dashboard: plain browser JavaScript, no build step, nothing fetched from the
// internet. One snapshot arrives over server-sent events (/api/events) whenever something
// changes; the views below draw it: overview (environments, commit pipeline), a commit page,
// the proxies table and the mesh graph. Everything from the server is escaped before display.
'use strict';
(function () {
  var STAGES = ['validate', 'plan', 'apply', 'sync', 'drift'];
  var TYPES = [
    ['listener', 'LDS'],
    ['routeConfiguration', 'RDS'],
    ['cluster', 'CDS'],
    ['clusterLoadAssignment', 'EDS'],
    ['secret', 'SDS'],
  ];
  var state = { snapshot: null, view: null, route: null, received: 0 };
  var viewEl = document.getElementById('view');
  var connectionEl = document.getElementById('connection');

  function esc(value) {
    return String(value === undefined || value === null ? '' : value).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function short(sha) {
    return sha ? String(sha).slice(0, 7) : '';
  }
  function ago(iso) {
    if (!iso) return '';
    var s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 60) return s + 's ago';
    if (s < 3600) return Math.floor(s / 60) + 'm ago';
    if (s < 86400) return Math.floor(s / 3600) + 'h ago';
    return Math.floor(s / 86400) + 'd ago';
  }
  function time(iso) {
    return '<time datetime="' + esc(iso) + '" title="' + esc(iso) + '">' + esc(ago(iso)) + '</time>';
  }
  function commitLink(sha, cls) {
    return sha ? '<a class="' + (cls || '') + '" href="#/commits/' + esc(sha) + '"><code>' + esc(short(sha)) + '</code></a>' : '<span class="muted">none</span>';
  }
  function parseContext(context) {
    var m = /^meshplane\/(.+)\/([a-z]+)$/.exec(context);
    return m ? { environment: m[1], stage: m[2] } : null;
  }
  function statusesByEnv(statuses) {
    var out = {};
    (statuses || []).forEach(function (s) {
      var c = parseContext(s.context);
      if (!c) return;
      (out[c.environment] = out[c.environment] || {})[c.stage] = s;
    });
    return out;
  }
  function chips(stages) {
    var html = '<div class="chips">';
    STAGES.forEach(function (stage) {
      var s = stages && stages[stage];
      html += '<span class="chip ' + (s ? 'state-' + esc(s.state) : '') + '" data-stage="' + stage + '" title="' + esc(s ? stage + ': ' + s.state + ' — ' + s.description : stage + ': not set') + '">' + stage + '</span>';
    });
    html += '</div>';
    var first = STAGES.map(function (st) { return stages && stages[st]; }).filter(function (s) { return s && s.state !== 'success'; })[0];
    if (first) html += '<div class="desc">' + esc(first.description) + '</div>';
    return html;
  }
  function proxyState(proxy) {
    var states = Object.keys(proxy.types || {}).map(function (k) { return proxy.types[k].state; });
    if (states.indexOf('nacked') >= 0) return 'nacked';
    if (states.indexOf('pending') >= 0) return 'pending';
    return 'synced';
  }
  function lastNack(proxy) {
    var found = null;
    Object.keys(proxy.types || {}).forEach(function (type) {
      var n = proxy.types[type].lastNack;
      if (n && (!found || n.at > found.at)) found = { type: type, error: n.error, at: n.at, version: n.version, current: proxy.types[type].state === 'nacked' };
    });
    return found;
  }
  function parseHash() {
    var hash = location.hash.replace(/^#/, '') || '/';
    var q = hash.indexOf('?');
    var params = new URLSearchParams(q >= 0 ? hash.slice(q + 1) : '');
    var parts = (q >= 0 ? hash.slice(0, q) : hash).split('/').filter(Boolean);
    return { name: parts[0] || 'overview', arg: parts[1] ? decodeURIComponent(parts[1]) : '', params: params };
  }

  // ---- overview ----------------------------------------------------------------------------
  var overview = {
    mount: function () {
      viewEl.innerHTML = '<div id="traffic"></div><h1>Environments</h1><div id="environments" class="cards"></div>' +
        '<h2>Pipeline of the latest commits</h2><div id="pipeline"></div>' +
        '<h2>Proxies</h2><div id="proxy-summary"></div>' +
        '<h2>Replicas</h2><div id="replicas"></div>';
    },
    update: function (snap) {
      trafficPanel(snap.traffic || []);
      var envs = snap.environments || [];
      document.getElementById('environments').innerHTML = envs.length ? envs.map(function (e) {
        var live = e.live;
        var rows = [
          ['live', live ? commitLink(live.commit, 'live-commit') + ' <span class="muted">revision ' + esc(live.revision) + (live.worktree ? ' (working tree)' : '') + '</span>' + (live.subject ? '<div class="desc">' + esc(live.subject) + '</div>' : '') : '<span class="muted">nothing served yet</span>'],
          ['served', live ? time(live.servedAt) : ''],
          ['reconciling', e.reconciling ? '<span class="state-pending">' + esc(e.reconciling.stage) + '</span> <code>' + esc(short(e.reconciling.revision)) + '</code>' : (e.queued ? 'queued' : '<span class="muted">idle</span>')],
          ['last result', e.last ? '<span class="' + (e.last.result === 'applied' || e.last.result === 'unchanged' ? 'state-success' : 'state-failure') + '">' + esc(e.last.result) + '</span> ' + commitLink(e.last.commit) + '<div class="desc">' + esc(e.last.description) + '</div>' : ''],
          ['proxies', '<span class="proxy-count">' + esc(e.proxies.synced) + '/' + esc(e.proxies.connected) + ' synced</span>' + (e.proxies.nacked ? ', <span class="nacked">' + esc(e.proxies.nacked) + ' NACKed</span>' : '') + (e.proxies.pending ? ', <span class="pending">' + esc(e.proxies.pending) + ' pending</span>' : '')],
          ['drift', '<span class="drift-state state-' + esc(e.drift.state) + '">' + esc(e.drift.state === 'success' ? 'none' : e.drift.state) + '</span>' + (e.drift.findings || []).map(function (f) { return '<div class="desc">' + esc(f.kind) + ': ' + esc(f.message) + '</div>'; }).join('')],
        ];
        return '<section class="card" data-testid="env-' + esc(e.name) + '"><h3>' + esc(e.name) + ' <a class="muted" style="font-weight:400;font-size:12px" href="#/graph/' + esc(e.name) + '">graph</a></h3><dl class="kv">' +
          rows.map(function (r) { return '<dt>' + r[0] + '</dt><dd>' + r[1] + '</dd>'; }).join('') + '</dl></section>';
      }).join('') : '<p class="empty">No environment has been reconciled yet.</p>';

      var commits = snap.commits || [];
      var names = envs.map(function (e) { return e.name; });
      var head = '<tr><th>commit</th><th>message</th>' + names.map(function (n) { return '<th>' + esc(n) + '</th>'; }).join('') + '</tr>';
      var body = commits.map(function (c) {
        var by = statusesByEnv(c.statuses);
        var liveIn = envs.filter(function (e) { return e.live && e.live.commit === c.commit; }).map(function (e) { return e.name; });
        return '<tr data-commit="' + esc(c.commit) + '"><td>' + commitLink(c.commit) + (liveIn.length ? ' <span class="chip state-success" title="live in ' + esc(liveIn.join(', ')) + '">live</span>' : '') + '</td>' +
          '<td>' + esc(c.subject) + '<div class="desc">' + esc(c.author) + ' · ' + time(c.date) + '</div></td>' +
          names.map(function (n) { return '<td>' + (by[n] ? chips(by[n]) : '<span class="muted">—</span>') + '</td>'; }).join('') + '</tr>';
      }).join('');
      document.getElementById('pipeline').innerHTML = commits.length ? '<table id="pipeline-table">' + head + body + '</table>' : '<p class="empty">No commits yet.</p>';

      var proxies = snap.proxies || [];
      var nacked = proxies.filter(function (p) { return proxyState(p) === 'nacked'; });
      document.getElementById('proxy-summary').innerHTML = '<p>' + proxies.length + ' connected · ' +
        proxies.filter(function (p) { return proxyState(p) === 'synced'; }).length + ' synced · ' +
        '<span class="' + (nacked.length ? 'nacked' : '') + '">' + nacked.length + ' NACKing</span> — <a href="#/proxies">all proxies</a>' +
        (nacked.length ? ' · <a href="#/proxies?state=nacked">the NACKing ones</a>' : '') + '</p>';

      var rs = snap.replicas;
      if (rs) {
        var store = rs.store.reachable ? '<span class="state-success">reachable</span>' : '<span class="state-failure">unreachable</span> <span class="desc">' + esc(rs.store.error || '') + '</span>';
        var rows = (rs.replicas.length ? rs.replicas : [{ id: rs.replicaId }]).map(function (r) {
          var leads = r.id === rs.leaderId || (rs.replicas.length === 0 && rs.leader);
          return '<tr data-replica="' + esc(r.id) + '"><td><code>' + esc(r.id) + '</code>' + (leads ? ' <span class="chip state-success leader">leader</span>' : '') + (r.id === rs.replicaId ? ' <span class="muted">(this one)</span>' : '') + '</td>' +
            '<td>' + esc(r.host || '') + '</td><td>' + esc(r.xdsAddress || '') + '</td><td>' + esc(r.httpAddress || '') + '</td><td>' + (r.startedAt ? time(r.startedAt) : '') + '</td></tr>';
        }).join('');
        document.getElementById('replicas').innerHTML = '<p>state store: ' + esc(rs.backend) + ', ' + store + (rs.leaderSince ? ' · leader since ' + time(rs.leaderSince) : '') + '</p>' +
          '<table id="replicas-table"><tr><th>replica</th><th>host</th><th>xDS</th><th>HTTP</th><th>started</th></tr>' + rows + '</table>';
      }
    },
  };

  // Where live calls go (meshplane start --demo): each backend's share of a client's latest calls.
  function trafficPanel(reports) {
    var el = document.getElementById('traffic');
    el.innerHTML = reports.length ? '<h1>Live traffic</h1>' + reports.map(function (r) {
      var names = Object.keys(r.backends).sort();
      var failures = Object.keys(r.failed).reduce(function (n, k) { return n + r.failed[k]; }, 0);
      var pct = function (n) { return r.calls ? Math.round(100 * n / r.calls) : 0; };
      var rows = names.map(function (b) {
        return '<tr data-backend="' + esc(b) + '"><td>' + esc(b) + '</td><td class="share">' + pct(r.backends[b]) + '%</td><td><span class="bar" style="width:' + pct(r.backends[b]) + '%"></span></td></tr>';
      }).join('') + (failures ? '<tr data-backend="failed"><td class="nacked">failed (' + esc(Object.keys(r.failed).join(', ')) + ')</td><td class="share">' + pct(failures) + '%</td><td><span class="bar failed" style="width:' + pct(failures) + '%"></span></td></tr>' : '');
      return '<section class="card traffic" data-testid="traffic"><h3><code>' + esc(r.from) + '</code> → <code>' + esc(r.target) + '</code></h3>' +
        '<table class="shares">' + rows + '</table><div class="desc">the last ' + esc(r.calls) + ' calls · ' + esc(r.rate) + ' calls/s</div></section>';
    }).join('') : '';
  }

  // ---- proxies -------------------------------------------------------------------------------
  var proxiesView = {
    mount: function (route) {
      viewEl.innerHTML = '<h1>Proxies</h1><div class="toolbar">' +
        '<input type="search" id="proxy-filter" placeholder="filter: name, mesh, node id, peer, error…" value="' + esc(route.params.get('q') || '') + '">' +
        '<select id="proxy-state"><option value="">every state</option><option value="nacked">NACKing</option><option value="pending">pending</option><option value="synced">synced</option></select>' +
        '<select id="proxy-env"><option value="">every environment</option></select>' +
        '<span id="proxy-count" class="muted"></span></div><div id="proxies"></div>';
      document.getElementById('proxy-state').value = route.params.get('state') || '';
      var again = function () { proxiesView.update(state.snapshot); };
      document.getElementById('proxy-filter').addEventListener('input', again);
      document.getElementById('proxy-state').addEventListener('change', again);
      document.getElementById('proxy-env').addEventListener('change', again);
    },
    update: function (snap) {
      var envSelect = document.getElementById('proxy-env');
      var chosenEnv = envSelect.value;
      envSelect.innerHTML = '<option value="">every environment</option>' + (snap.environments || []).map(function (e) { return '<option>' + esc(e.name) + '</option>'; }).join('');
      envSelect.value = chosenEnv;
      var text = document.getElementById('proxy-filter').value.trim().toLowerCase();
      var wanted = document.getElementById('proxy-state').value;
      var all = (snap.proxies || []).slice().sort(function (a, b) { return a.identity < b.identity ? -1 : a.identity > b.identity ? 1 : a.connectionId < b.connectionId ? -1 : 1; });
      var shown = all.filter(function (p) {
        if (wanted && proxyState(p) !== wanted) return false;
        if (chosenEnv && p.environment !== chosenEnv) return false;
        if (!text) return true;
        var nack = lastNack(p);
        return [p.identity, p.nodeId, p.peer, p.flavour, p.userAgent, p.environment, nack && nack.error].join(' ').toLowerCase().indexOf(text) >= 0;
      });
      document.getElementById('proxy-count').textContent = shown.length + ' of ' + all.length + ' connected';
      var head = '<tr><th>proxy</th><th>environment</th><th>flavour</th><th>peer</th><th>connected since</th>' +
        TYPES.map(function (t) { return '<th title="' + t[0] + ': version sent / ACKed">' + t[1] + '</th>'; }).join('') + '<th>last NACK</th></tr>';
      var rows = shown.map(function (p) {
        var st = proxyState(p);
        var nack = lastNack(p);
        return '<tr class="' + st + '" data-identity="' + esc(p.identity) + '" data-state="' + st + '">' +
          '<td><strong>' + esc(p.name) + '</strong><div class="desc">' + esc(p.kind) + ' · mesh ' + esc(p.meshName) + '</div><div class="desc mono">' + esc(p.nodeId) + '</div></td>' +
          '<td>' + esc(p.environment || '') + '</td>' +
          '<td>' + esc(p.flavour) + '<div class="desc">' + esc(p.protocol) + ' · ' + esc(p.userAgent) + '</div></td>' +
          '<td class="mono">' + esc(p.peer) + '</td>' +
          '<td>' + time(p.connectedSince) + '</td>' +
          TYPES.map(function (t) {
            var s = p.types && p.types[t[0]];
            if (!s) return '<td class="muted">—</td>';
            return '<td class="' + esc(s.state) + '" data-type="' + t[0] + '"><div class="version" title="sent ' + esc(s.sent && s.sent.version) + ' ' + esc(s.sent && s.sent.at) + '">sent ' + esc(s.sent ? s.sent.version.slice(0, 8) : '—') + '</div>' +
              '<div class="version" title="ACKed ' + esc(s.acked && s.acked.version) + ' ' + esc(s.acked && s.acked.at) + '">ack ' + esc(s.acked ? s.acked.version.slice(0, 8) : '—') + '</div></td>';
          }).join('') +
          '<td class="last-nack">' + (nack ? '<div class="error-text">' + esc(nack.error) + '</div><div class="desc">' + esc(nack.type) + ' ' + esc(String(nack.version).slice(0, 8)) + ' · ' + time(nack.at) + (nack.current ? '' : ' · since ACKed a newer version') + '</div>' : '<span class="muted">none</span>') + '</td></tr>';
      }).join('');
      document.getElementById('proxies').innerHTML = all.length ? '<table id="proxies-table">' + head + rows + '</table>' : '<p class="empty">No proxy is connected. Point Envoy or a gRPC client at the xDS port: meshplane bootstrap --node mesh/&lt;mesh&gt;/virtualNode/&lt;name&gt; --xds &lt;host:port&gt;</p>';
    },
  };

  // ---- commit page -----------------------------------------------------------------------------
  function chart(series) {
    var samples = series.samples;
    if (!samples.length) return '';
    var w = 520, h = 140, pad = 28;
    var t0 = Math.min(Date.parse(series.servedAt), Date.parse(samples[0].at));
    var t1 = Math.max(t0 + 1000, Date.parse(samples[samples.length - 1].at), Date.now());
    var max = Math.max(1, Math.max.apply(null, samples.map(function (s) { return s.connected; })));
    var x = function (at) { return pad + ((Date.parse(at) - t0) / (t1 - t0)) * (w - 2 * pad); };
    var y = function (v) { return h - pad - (v / max) * (h - 2 * pad); };
    var line = function (field, color) {
      var pts = [];
      samples.forEach(function (s, i) {
        if (i > 0) pts.push(x(s.at).toFixed(1) + ',' + y(samples[i - 1][field]).toFixed(1));
        pts.push(x(s.at).toFixed(1) + ',' + y(s[field]).toFixed(1));
      });
      pts.push((w - pad) + ',' + y(samples[samples.length - 1][field]).toFixed(1));
      return '<polyline fill="none" stroke="' + color + '" stroke-width="2" points="' + pts.join(' ') + '"/>';
    };
    return '<svg class="chart" width="' + w + '" height="' + h + '" viewBox="0 0 ' + w + ' ' + h + '" data-environment="' + esc(series.environment) + '">' +
      '<line x1="' + pad + '" y1="' + (h - pad) + '" x2="' + (w - pad) + '" y2="' + (h - pad) + '" stroke="#ccc"/>' +
      '<text x="4" y="' + (y(max) + 4) + '" font-size="10" fill="#5a6475">' + max + '</text><text x="4" y="' + (h - pad + 4) + '" font-size="10" fill="#5a6475">0</text>' +
      line('connected', '#9aa4b2') + line('synced', '#1a7f37') + line('nacked', '#cf222e') +
      '<text x="' + pad + '" y="14" font-size="11" fill="#5a6475">connected (grey) · synced (green) · NACKed (red) — ' + esc(series.environment) + '</text></svg>';
  }

  var commitView = {
    sha: '',
    loading: false,
    lastLoad: 0,
    mount: function (route) {
      commitView.sha = route.arg;
      commitView.lastLoad = 0;
      viewEl.innerHTML = '<h1>Commit <code id="commit-sha">' + esc(route.arg) + '</code></h1><div id="commit-subject" class="muted"></div>' +
        '<h2>Statuses</h2><div id="commit-statuses"><p class="muted">Loading…</p></div>' +
        '<h2>Plan</h2><div id="commit-plans"></div><h2>Proxy convergence</h2><div id="commit-convergence"></div>';
      commitView.load();
    },
    update: function () {
      if (Date.now() - commitView.lastLoad > 1000) commitView.load();
    },
    load: function () {
      if (commitView.loading) return;
      commitView.loading = true;
      commitView.lastLoad = Date.now();
      var sha = commitView.sha;
      fetch('/api/dashboard/commits/' + encodeURIComponent(sha), { credentials: 'same-origin' })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (res) {
          if (commitView.sha !== sha || state.view !== commitView) return;
          if (!res.ok) {
            document.getElementById('commit-statuses').innerHTML = '<p class="empty">' + esc(res.body.error) + '</p>';
            return;
          }
          var d = res.body;
          document.getElementById('commit-sha').textContent = d.commit;
          var known = (state.snapshot && state.snapshot.commits || []).filter(function (c) { return c.commit === d.commit; })[0];
          document.getElementById('commit-subject').textContent = known ? known.subject + ' — ' + known.author : '';
          document.getElementById('commit-statuses').innerHTML = d.statuses.length ? '<table id="commit-status-table"><tr><th>environment</th><th>stage</th><th>state</th><th>description</th><th>updated</th></tr>' +
            d.statuses.map(function (s) {
              var c = parseContext(s.context) || { environment: s.context, stage: '' };
              return '<tr data-context="' + esc(s.context) + '"><td>' + esc(c.environment) + '</td><td>' + esc(c.stage) + '</td><td class="state-' + esc(s.state) + '">' + esc(s.state) + '</td><td>' + esc(s.description) + '</td><td>' + time(s.updatedAt) + '</td></tr>';
            }).join('') + '</table>' : '<p class="empty">No statuses.</p>';
          document.getElementById('commit-plans').innerHTML = d.plans.length ? d.plans.map(function (p) {
            return '<h3>' + esc(p.environment) + ' · revision ' + esc(p.revision) + ' <span class="muted" style="font-weight:400">applied ' + time(p.appliedAt) + ' by ' + esc(p.appliedBy) + '</span></h3><pre class="plan">' + esc(p.text) + '</pre>';
          }).join('') : '<p class="empty">Nothing was applied for this commit (it was invalid, blocked, unchanged or superseded; see the plan status).</p>';
          document.getElementById('commit-convergence').innerHTML = d.convergence.length ? d.convergence.map(function (s) {
            var last = s.samples[s.samples.length - 1];
            return '<div class="convergence" data-environment="' + esc(s.environment) + '"><p>' + esc(s.environment) + ': <strong class="converged">' + esc(last.synced) + '/' + esc(last.connected) + '</strong> proxies synced' + (last.nacked ? ', <span class="nacked">' + esc(last.nacked) + ' NACKed</span>' : '') + ' · served ' + time(s.servedAt) + ' · ' + s.samples.length + (s.samples.length === 1 ? ' sample' : ' samples') + '</p>' + chart(s) + '</div>';
          }).join('') : '<p class="empty">No samples: this commit has not been live while the daemon watched.</p>';
        })
        .catch(function (error) {
          document.getElementById('commit-statuses').innerHTML = '<p class="empty">Cannot load the commit: ' + esc(error.message) + '</p>';
        })
        .then(function () { commitView.loading = false; });
    },
  };

  // ---- graph ----------------------------------------------------------------------------------
  var graphView = {
    env: '',
    signature: null,
    mount: function (route) {
      graphView.env = route.arg;
      graphView.signature = null;
      viewEl.innerHTML = '<h1>Mesh graph</h1><div class="toolbar"><select id="graph-env"></select>' +
        '<span class="legend"><span class="nack">■ NACKing proxy</span><span class="drift">■ drifting proxy (stale, disconnected)</span><span class="muted">dashed: referenced but not defined</span></span>' +
        '<a id="graph-download" href="#">download SVG</a></div><div id="graph" class="graph-box"><p class="muted">Loading…</p></div>';
      document.getElementById('graph-env').addEventListener('change', function (event) { location.hash = '#/graph/' + encodeURIComponent(event.target.value); });
      document.getElementById('graph').addEventListener('click', function (event) {
        var node = event.target.closest && event.target.closest('.node[data-kind=VirtualNode], .node[data-kind=VirtualGateway]');
        if (node) location.hash = '#/proxies?q=' + encodeURIComponent(node.getAttribute('data-id'));
      });
    },
    update: function (snap) {
      var envs = (snap.environments || []).map(function (e) { return e.name; });
      if (!graphView.env && envs.length) graphView.env = envs[0];
      var select = document.getElementById('graph-env');
      select.innerHTML = envs.map(function (n) { return '<option>' + esc(n) + '</option>'; }).join('');
      select.value = graphView.env;
      var env = (snap.environments || []).filter(function (e) { return e.name === graphView.env; })[0];
      if (!env) {
        document.getElementById('graph').innerHTML = '<p class="empty">' + (envs.length ? 'No environment ' + esc(graphView.env) + '.' : 'No environment has been reconciled yet.') + '</p>';
        return;
      }
      // Redraw when the live revision or any proxy's state changes (that is what the marks show).
      var signature = JSON.stringify([env.live && env.live.revision, env.drift, (snap.proxies || []).filter(function (p) { return p.environment === env.name; }).map(function (p) { return [p.identity, proxyState(p)]; })]);
      if (signature === graphView.signature) return;
      graphView.signature = signature;
      var url = '/api/graph/' + encodeURIComponent(env.name);
      document.getElementById('graph-download').setAttribute('href', url);
      document.getElementById('graph-download').setAttribute('download', env.name + '.svg');
      fetch(url, { credentials: 'same-origin' })
        .then(function (r) { return r.text().then(function (text) { return { ok: r.ok, text: text }; }); })
        .then(function (res) {
          if (state.view !== graphView || graphView.env !== env.name) return;
          // The SVG is drawn and escaped by the server (provider/graph/svg.ts).
          document.getElementById('graph').innerHTML = res.ok ? res.text : '<p class="empty">' + esc(JSON.parse(res.text).error) + '</p>';
        });
    },
  };

  var VIEWS = { overview: overview, proxies: proxiesView, commits: commitView, graph: graphView };

  function show() {
    var route = parseHash();
    var view = VIEWS[route.name] || overview;
    state.view = view;
    state.route = route;
    document.querySelectorAll('nav a').forEach(function (a) {
      a.classList.toggle('active', a.getAttribute('data-nav') === (route.name === 'commits' ? 'overview' : route.name));
    });
    view.mount(route);
    if (state.snapshot) view.update(state.snapshot);
  }

  function receive(snapshot) {
    state.snapshot = snapshot;
    state.received += 1;
    document.body.setAttribute('data-snapshot-at', snapshot.at);
    document.body.setAttribute('data-snapshots', String(state.received));
    if (state.view) state.view.update(snapshot);
  }

  function connect() {
    if (!window.EventSource) {
      var poll = function () {
        fetch('/api/dashboard/snapshot', { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (s) {
          connectionEl.textContent = 'polling';
          connectionEl.className = 'connection live';
          receive(s);
        }).catch(function () { connectionEl.textContent = 'disconnected'; connectionEl.className = 'connection down'; });
      };
      poll();
      setInterval(poll, 2000);
      return;
    }
    var source = new EventSource('/api/events', { withCredentials: true });
    source.addEventListener('snapshot', function (event) {
      connectionEl.textContent = 'live';
      connectionEl.className = 'connection live';
      receive(JSON.parse(event.data));
    });
    source.onerror = function () {
      connectionEl.textContent = 'reconnecting…';
      connectionEl.className = 'connection down';
    };
  }

  window.addEventListener('hashchange', show);
  show();
  connect();
  // Relative times ("12s ago") stay current between snapshots.
  setInterval(function () {
    document.querySelectorAll('time[datetime]').forEach(function (t) { t.textContent = ago(t.getAttribute('datetime')); });
  }, 5000);
})();
