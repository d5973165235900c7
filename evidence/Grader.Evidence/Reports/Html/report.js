// The interactive part of the report: filter, group and paginate the learner tables, and open a learner's profile.
// Reads the JSON island #report-data; draws nothing the page needs to be read when printed (charts are inline SVG).
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var levels = ['', 'Working', 'Proficient', 'Expert'];
  var state = { text: '', cohort: '', status: '', group: 'none', page: 0, size: 50 };

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k]; else if (k === 'class') e.className = attrs[k]; else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  function statusClass(s) { return 'status-' + s.replace(/ /g, '-'); }

  function filtered() {
    var t = state.text.toLowerCase();
    var rows = data.learners.filter(function (l) {
      if (state.cohort && (l.cohort || '') !== state.cohort) return false;
      if (state.status && l.status !== state.status) return false;
      if (!t) return true;
      return [l.name, l.login, l.id, l.cohort].some(function (v) { return v && v.toLowerCase().indexOf(t) >= 0; });
    });
    if (state.group !== 'none') {
      var key = state.group;
      rows = rows.slice().sort(function (a, b) { return ((a[key] || '') > (b[key] || '')) - ((a[key] || '') < (b[key] || '')); });
    }
    return rows;
  }

  function learnerButton(l) {
    var b = el('button', { class: 'learner', type: 'button', text: l.name, 'data-learner': String(l.i) });
    b.addEventListener('click', function () { showProfile(l.i); });
    return b;
  }

  function renderTable(tableId, header, cells) {
    var rows = filtered();
    var pages = Math.max(1, Math.ceil(rows.length / state.size));
    if (state.page >= pages) state.page = pages - 1;
    var start = state.page * state.size, slice = rows.slice(start, start + state.size);
    var table = document.getElementById(tableId);
    var body = el('tbody');
    var lastGroup = null;
    slice.forEach(function (l) {
      if (state.group !== 'none') {
        var g = l[state.group] || '(none)';
        if (g !== lastGroup) { body.appendChild(el('tr', { class: 'group' }, [el('td', { colspan: String(header.length), text: state.group + ': ' + g })])); lastGroup = g; }
      }
      body.appendChild(el('tr', { 'data-learner-row': String(l.i) }, cells(l)));
    });
    var head = el('thead', null, [el('tr', null, header.map(function (h) { return el('th', { text: h.text, class: h.cls || '' }); }))]);
    table.replaceChildren(head, body);
    document.querySelectorAll('.pager-info').forEach(function (p) {
      p.textContent = rows.length === 0 ? 'no learners match' : 'learners ' + (start + 1) + '–' + (start + slice.length) + ' of ' + rows.length + ' · page ' + (state.page + 1) + ' of ' + pages;
    });
  }

  function render() {
    var comp = data.competencies;
    renderTable('matrix-table', [{ text: 'Learner' }, { text: 'Cohort' }, { text: 'Status' }].concat(comp.map(function (c) { return { text: c.name }; })), function (l) {
      var cells = [el('td', null, [learnerButton(l)]), el('td', { text: l.cohort || '' }), el('td', { class: statusClass(l.status), text: l.status })];
      comp.forEach(function (c, ci) {
        var m = l.levels[ci];
        if (!m) { cells.push(el('td', { class: 'none', text: '—' })); return; }
        var a = el('a', { class: 'lvl lvl' + m[0], href: m[1] || '#', title: levels[m[0]] + ' · ' + m[2] + ' · ' + m[3], text: levels[m[0]] });
        cells.push(el('td', null, [a]));
      });
      return cells;
    });
    renderTable('completion-table', [{ text: 'Learner' }, { text: 'Completed', cls: 'num' }].concat(data.modules.map(function (m) { return { text: m.id, cls: 'num' }; })), function (l) {
      var done = 0;
      var cells = data.modules.map(function (m, mi) {
        var b = l.best[mi];
        if (!b) return el('td', { class: 'num none', text: '—' });
        if (b[1]) done++;
        return el('td', { class: 'num ' + (b[1] ? 'pass' : 'fail'), title: (b[1] ? 'passed' : 'not passed') + ' · commit ' + b[2], text: String(b[0]) });
      });
      return [el('td', null, [learnerButton(l)]), el('td', { class: 'num', text: done + '/' + data.modules.length })].concat(cells);
    });
  }

  function showProfile(i) {
    var l = data.learners.filter(function (x) { return x.i === i; })[0];
    var p = document.getElementById('profile');
    var rows = data.modules.map(function (m, mi) {
      var b = l.best[mi];
      return el('tr', null, [el('td', { text: m.id + ' · ' + m.title }), el('td', { class: 'num', text: b ? b[0] + '/' + m.max : '—' }),
        el('td', { class: b ? (b[1] ? 'pass' : 'fail') : 'none', text: b ? (b[1] ? 'passed' : 'not passed') : 'no submission' }),
        el('td', null, [b && b[3] ? el('a', { href: b[3], text: 'commit ' + b[2] }) : el('span', { text: b ? 'commit ' + b[2] : '' })])]);
    });
    var comps = data.competencies.map(function (c, ci) {
      var m = l.levels[ci];
      return el('li', null, [el('b', { text: c.name + ': ' }), m ? el('a', { href: m[1] || '#', text: levels[m[0]] + ' (' + m[2] + ', commit ' + m[3] + ')' }) : el('span', { class: 'none', text: 'not yet shown' })]);
    });
    var print = el('button', { type: 'button', class: 'noprint', text: 'Print this profile' });
    print.addEventListener('click', function () { document.body.classList.add('print-profile'); window.print(); document.body.classList.remove('print-profile'); });
    var close = el('button', { type: 'button', class: 'noprint', text: 'Close' });
    close.addEventListener('click', function () { p.hidden = true; });
    p.replaceChildren(
      el('h2', { text: 'Learner profile: ' + l.name }),
      el('p', { class: 'muted', text: [l.id && ('learner id ' + l.id), l.login && ('GitHub ' + l.login), l.cohort && ('cohort ' + l.cohort), l.status].filter(Boolean).join(' · ') }),
      el('h3', { text: 'Competencies (highest level shown)' }), el('ul', null, comps),
      el('h3', { text: 'Modules (best attempt)' }),
      el('table', null, [el('thead', null, [el('tr', null, ['Module', 'Points', 'Result', 'Evidence'].map(function (h) { return el('th', { text: h }); }))]), el('tbody', null, rows)]),
      el('p', { class: 'controls' }, [print, close]));
    p.hidden = false;
    p.scrollIntoView();
  }

  function bind(id, key, numeric) {
    var c = document.getElementById(id);
    if (!c) return;
    c.addEventListener(c.tagName === 'INPUT' ? 'input' : 'change', function () { state[key] = numeric ? parseInt(c.value, 10) : c.value; state.page = 0; render(); });
  }
  var cohorts = {};
  data.learners.forEach(function (l) { if (l.cohort) cohorts[l.cohort] = true; });
  var cohortSelect = document.getElementById('f-cohort');
  Object.keys(cohorts).sort().forEach(function (c) { cohortSelect.appendChild(el('option', { value: c, text: c })); });
  bind('f-text', 'text'); bind('f-cohort', 'cohort'); bind('f-status', 'status'); bind('f-group', 'group'); bind('f-size', 'size', true);
  document.querySelectorAll('.pager button').forEach(function (b) {
    b.addEventListener('click', function () { state.page = Math.max(0, state.page + (b.dataset.step === 'next' ? 1 : -1)); render(); });
  });
  render();
  if (data.profile !== null && data.profile !== undefined) showProfile(data.profile);
  // Time from navigation start to the tables drawn, read by the benchmark (scripts/bench-evidence.sh).
  document.documentElement.dataset.readyMs = String(Math.round(performance.now()));
  document.documentElement.dataset.ready = 'true';
})();
