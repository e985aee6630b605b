// The demo console: plain JavaScript, no build step. Every request goes to the demo's own API
// with a token from its development issuer; each answer is matched with its decision-log record
// (by decision id) to show the rule and the attribute age. Text is set with textContent only.
(function () {
  'use strict';
  var tokens = {};          // user -> token, kept: a disabled user keeps his (still valid) token
  var user = null;
  var count = 0;
  var base = location.pathname.replace(/\/console\/.*$/, '');   // the WAR's context path

  function $(selector) { return document.querySelector(selector); }

  function token(name) {
    if (tokens[name]) { return Promise.resolve(tokens[name]); }
    return fetch(base + '/dev/token?sub=' + encodeURIComponent(name) + '&ttl=3600', { method: 'POST' })
      .then(function (r) { return r.json(); })
      .then(function (body) { tokens[name] = body.access_token; return body.access_token; });
  }

  function pick(name) {
    token(name).then(function () {
      user = name;
      $('#current-user').textContent = name;
      document.querySelectorAll('button.user').forEach(function (b) {
        b.classList.toggle('selected', b.dataset.user === name);
      });
    });
  }

  function decisions() {
    return fetch(base + '/console/decisions', { cache: 'no-store' }).then(function (r) { return r.json(); });
  }

  // the decision-log record of an answer: written asynchronously, so look a few times
  function recordOf(id, tries) {
    if (!id) { return Promise.resolve(null); }
    return decisions().then(function (list) {
      var found = list.filter(function (d) { return d.decision_id === id; })[0];
      if (found || tries <= 0) { return found || null; }
      return new Promise(function (resolve) { setTimeout(resolve, 150); })
        .then(function () { return recordOf(id, tries - 1); });
    });
  }

  function cell(row, cls, text) {
    var td = document.createElement('td');
    td.className = cls;
    td.textContent = text == null || text === '' ? '—' : String(text);
    row.appendChild(td);
  }

  function call(method, path) {
    if (!user) { alert('Pick a user first'); return; }
    var who = user;
    var n = ++count;
    token(who).then(function (t) {
      return fetch(base + path, { method: method, headers: { 'Authorization': 'Bearer ' + t },
        body: method === 'PUT' ? 'edited in the console' : undefined });
    }).then(function (r) {
      var id = r.headers.get('Portcullis-Decision');
      return r.text().then(function (text) {
        var problem = null;
        if ((r.headers.get('Content-Type') || '').indexOf('problem+json') >= 0) {
          try { problem = JSON.parse(text); } catch (e) { problem = null; }
        }
        if (problem && problem.decision_id) { id = problem.decision_id; }
        return recordOf(id, 10).then(function (record) {
          show(n, who, method, path, r.status, problem, id, record);
        });
      });
    });
  }

  function show(n, who, method, path, status, problem, id, record) {
    var row = document.createElement('tr');
    var allowed = status < 400;
    row.className = 'answer ' + (allowed ? 'allow' : 'deny');
    row.dataset.n = n;
    cell(row, 'n', n);
    cell(row, 'user', who);
    cell(row, 'request', method + ' ' + path);
    cell(row, 'status', status);
    cell(row, 'effect', record ? record.effect : (allowed ? 'ALLOW' : 'DENY'));
    cell(row, 'reason', record ? record.reason : (problem ? problem.reason : ''));
    cell(row, 'rule', record && record.policy ? record.policy + ' / ' + record.rule : '');
    cell(row, 'decision-id', id);
    cell(row, 'attribute-age', record && record.attribute_age_ms != null ? record.attribute_age_ms + ' ms' : '');
    var body = $('#answers tbody');
    body.insertBefore(row, body.firstChild);
  }

  function refresh() {
    decisions().then(function (list) {
      var body = $('#decisions tbody');
      body.textContent = '';
      list.slice(0, 15).forEach(function (d) {
        var row = document.createElement('tr');
        row.className = 'decision ' + (d.effect === 'ALLOW' ? 'allow' : 'deny');
        cell(row, 'time', (d.time || '').replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
        cell(row, 'subject', d.subject);
        cell(row, 'request', d.method + ' ' + d.path);
        cell(row, 'resource', d.resource_kind ? d.resource_kind + ':' + (d.resource_id || '') : '');
        cell(row, 'action', d.action);
        cell(row, 'effect', d.effect);
        cell(row, 'reason', d.reason);
        cell(row, 'rule', d.rule);
        body.appendChild(row);
      });
    }).catch(function () { /* the next tick tries again */ });
  }

  document.querySelectorAll('button.user').forEach(function (b) {
    b.addEventListener('click', function () { pick(b.dataset.user); });
  });
  var verbs = { read: 'GET', update: 'PUT', 'delete': 'DELETE' };
  document.querySelectorAll('button.action').forEach(function (b) {
    b.addEventListener('click', function () {
      call(verbs[b.dataset.action], '/api/documents/' + $('#document').value);
    });
  });
  document.querySelectorAll('button.admin').forEach(function (b) {
    b.addEventListener('click', function () {
      call('POST', '/api/admin/users/' + $('#target').value + '/' + b.dataset.admin);
    });
  });
  refresh();
  setInterval(refresh, 1000);
})();
