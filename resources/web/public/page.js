// The public congestion page (madoguchi publish): static files only, polling status.json.
// Your ticket lives in the URL fragment (#honcho/A-007): the browser never sends it to a server.
// No cookies, no storage, no third-party requests.
"use strict";
(function () {
  var LANGS = ["ja", "en", "zh", "ko", "vi", "ne"];
  var texts = null, status = null, clockOffset = 0, failed = false, lastCalled = null, lastTicketHtml = "";

  function pickLanguage() {
    var asked = new URLSearchParams(location.search).get("lang");
    if (asked && LANGS.indexOf(asked) >= 0) return asked;
    var prefs = navigator.languages || [navigator.language || "ja"];
    for (var i = 0; i < prefs.length; i++) {
      var code = String(prefs[i]).toLowerCase().split("-")[0];
      if (LANGS.indexOf(code) >= 0) return code;
    }
    return "ja";
  }
  var lang = pickLanguage();

  function t(key, values) {
    var text = (texts && texts[lang] && texts[lang][key]) || (texts && texts.ja[key]) || key;
    return text.replace(/\{(\w+)\}/g, function (_, name) {
      return values && values[name] !== undefined && values[name] !== null ? String(values[name]) : "";
    });
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function byId(id) { return document.getElementById(id); }
  function nameOf(names) { return names[lang] || (lang === "zh" ? names.ja : names.en) || names.ja; }
  function serviceName(prefix) { return status.services[prefix] ? nameOf(status.services[prefix]) : prefix; }
  function branchById(id) {
    for (var i = 0; i < status.branches.length; i++) if (status.branches[i].id === id) return status.branches[i];
    return null;
  }

  // -- "your number" from the fragment ------------------------------------------------------
  function wanted() {
    var parts = decodeURIComponent(location.hash.replace(/^#/, "")).split("/");
    if (parts.length !== 2) return null;
    var m = /^([A-Za-z]{1,4})-?(\d{1,4})$/.exec(parts[1].trim());
    if (!m) return null;
    var number = parseInt(m[2], 10);
    return { branch: parts[0], prefix: m[1].toUpperCase(), number: number,
             label: m[1].toUpperCase() + "-" + String(number).padStart(3, "0") };
  }

  function ticketState(want) {
    var branch = branchById(want.branch);
    if (!branch) return { kind: "unknown" };
    var row = null;
    branch.services.forEach(function (s) { if (s.prefix === want.prefix) row = s; });
    var found = { kind: "unknown", branch: branch, row: row };
    branch.services.forEach(function (s) {
      s.calling.forEach(function (c) { if (c[0] === want.label) { found = { kind: "called", counter: c[1], branch: branch, row: s }; } });
      s.queue.forEach(function (q, index) {
        if (q[0] === want.label) found = { kind: "waiting", ahead: index, estimate: q.length > 1 ? q.slice(1) : null, branch: branch, row: s };
      });
    });
    if (found.kind === "unknown" && row && want.number <= row.issued) found.kind = "finished";
    return found;
  }

  function renderTicket(stale) {
    var box = byId("ticket"), want = wanted();
    byId("find-box").hidden = !!want;
    if (!want || !status) { box.hidden = true; lastTicketHtml = ""; document.title = t("title"); return; }
    var state = ticketState(want);
    var next = el("div");
    next.appendChild(el("h2", "", t("ticket_heading", { label: want.label })));
    if (state.branch) {
      next.appendChild(el("p", "where", t("ticket_branch", { branch: nameOf(state.branch.names),
                                                              service: serviceName(want.prefix) })));
    }
    if (state.kind === "called") {
      next.appendChild(el("p", "called-title", t("called_title")));
      var big = el("p", "big", t("called", { counter: state.counter }));
      big.setAttribute("role", "alert");
      next.appendChild(big);
      document.title = want.label + " — " + t("called", { counter: state.counter });
      if (lastCalled !== want.label + "@" + state.counter) {
        lastCalled = want.label + "@" + state.counter;
        if (navigator.vibrate) { try { navigator.vibrate([300, 150, 300]); } catch (e) { /* not allowed: fine */ } }
      }
    } else if (state.kind === "waiting") {
      next.appendChild(el("p", "big", state.ahead === 0 ? t("first_in_line") : t("ahead", { n: state.ahead })));
      if (state.estimate && !stale) {
        next.appendChild(el("p", "", state.estimate[2] <= 1 ? t("no_wait")
          : t("ticket_estimate", { m: state.estimate[0], low: state.estimate[1], high: state.estimate[2] })));
      }
      document.title = want.label + " — " + (state.ahead === 0 ? t("first_in_line") : t("ahead", { n: state.ahead }));
    } else {
      next.appendChild(el("p", "", t(state.kind)));
      document.title = t("title");
    }
    var clear = el("a", "clear", t("clear_button"));
    clear.href = location.pathname + location.search;
    clear.addEventListener("click", function (event) {
      event.preventDefault();
      history.replaceState(null, "", location.pathname + location.search);
      render();
    });
    next.appendChild(clear);
    box.hidden = false;
    box.className = "ticket " + state.kind;
    // a live region: touch it only when something changed, or screen readers repeat it every poll
    if (next.innerHTML !== lastTicketHtml) {
      lastTicketHtml = next.innerHTML;
      box.replaceChildren.apply(box, Array.prototype.slice.call(next.childNodes));
    }
  }

  // -- every branch -------------------------------------------------------------------------
  function estimateCell(row, stale) {
    var td = el("td", "wait");
    if (!row.estimate) { td.textContent = row.open ? "—" : t("no_counter"); return td; }
    if (stale) { td.textContent = "—"; return td; }
    if (row.estimate[2] <= 1) { td.textContent = t("no_wait"); return td; }
    td.appendChild(document.createTextNode(t("about", { m: row.estimate[0] })));
    td.appendChild(el("small", "", t("range", { low: row.estimate[1], high: row.estimate[2] })));
    return td;
  }

  function renderBranch(branch, stale, mine) {
    var section = el("section", "branch" + (mine ? " mine" : ""));
    section.id = "b-" + branch.id;
    section.dataset.branch = branch.id;
    var h2 = el("h2", "", nameOf(branch.names) + " ");
    if (!stale) {  // "open now" from an old snapshot would be a guess
      h2.appendChild(el("span", "badge " + (branch.open ? "open" : "closed"), branch.open ? t("open_now") : t("closed_now")));
    }
    section.appendChild(h2);
    section.appendChild(el("p", "hours", branch.hours ? t("hours", { hours: branch.hours.replace("-", "–") }) : t("closed_today")));
    var table = el("table"), head = el("thead"), hr = el("tr"), body = el("tbody");
    table.appendChild(el("caption", "sr-only", nameOf(branch.names)));
    ["col_service", "col_waiting", "col_estimate"].forEach(function (key) {
      var th = el("th", key, t(key)); th.scope = "col"; hr.appendChild(th);
    });
    head.appendChild(hr); table.appendChild(head);
    branch.services.forEach(function (row) {
      var tr = el("tr"), th = el("th");
      th.scope = "row";
      th.appendChild(el("span", "prefix", row.prefix));
      th.appendChild(document.createTextNode(" " + serviceName(row.prefix)));
      if (row.calling.length) {  // under the service's name: a fourth column does not fit a phone
        var calling = el("span", "calling", t("col_calling") + " ");
        row.calling.forEach(function (c) {
          calling.appendChild(el("span", "call", t("calling_at", { label: c[0], counter: c[1] })));
        });
        th.appendChild(calling);
      }
      tr.appendChild(th);
      tr.appendChild(el("td", "num", t("people", { n: row.waiting })));
      tr.appendChild(estimateCell(row, stale));
      body.appendChild(tr);
    });
    table.appendChild(body);
    var wrap = el("div", "scroll");
    wrap.appendChild(table);
    section.appendChild(wrap);
    if (!stale && branch.hints && branch.hints.length) {
      var list = el("ul", "hints");
      branch.hints.forEach(function (h) {
        var other = branchById(h.branch);
        if (!other) return;
        var li = el("li");
        var link = el("a", "", t("hint", { service: serviceName(h.prefix), branch: nameOf(other.names),
                                          wait: h.minutes <= 1 ? t("no_wait") : t("about", { m: h.minutes }) }));
        jumpLink(link, other.id);
        li.appendChild(link);
        list.appendChild(li);
      });
      section.appendChild(list);
    }
    section.querySelector("h2").tabIndex = -1;
    return section;
  }

  function setBanner(text) {
    var banner = byId("banner");  // a live region too: unchanged text is left alone
    if (banner.textContent === text) return;
    banner.textContent = "";
    if (text) banner.appendChild(el("p", "warn", text));
  }

  function jumpLink(link, branchId) {
    link.href = "#b-" + branchId;
    link.addEventListener("click", function (event) {
      event.preventDefault();  // keep the ticket in the fragment; just scroll
      var target = byId("b-" + branchId);
      if (target) { target.scrollIntoView(); target.querySelector("h2").focus(); }
    });
  }

  function renderIndex(stale) {
    var nav = byId("index");
    nav.hidden = status.branches.length < 3;
    nav.setAttribute("aria-label", t("index_label"));
    nav.textContent = "";
    status.branches.forEach(function (branch) {
      var link = el("a", branch.open && !stale ? "open" : "closed", nameOf(branch.names) + " ");
      link.appendChild(el("b", "", t("people", { n: branch.waiting })));
      jumpLink(link, branch.id);
      nav.appendChild(link);
    });
  }

  function ageSeconds() {
    return (Date.now() + clockOffset - Date.parse(status.generated_at)) / 1000;
  }

  function render() {
    if (!texts) return;
    document.documentElement.lang = lang;
    byId("title").textContent = t("title");
    byId("updated-label").textContent = t("updated");
    byId("note").textContent = t("note");
    byId("find-branch-label").textContent = t("find_branch");
    byId("find-number-label").textContent = t("find_label");
    byId("find-number").placeholder = t("find_placeholder");
    byId("find-button").textContent = t("find_button");
    byId("find-summary").textContent = t("find_summary");
    if (!status) { setBanner(failed ? t("offline") : ""); return; }
    var stale = ageSeconds() > status.max_age_seconds;
    var time = status.generated_at.substring(11, 16);
    byId("updated").textContent = time;
    byId("updated").dateTime = status.generated_at;
    setBanner(stale ? t("stale", { time: time }) : failed ? t("offline") : "");
    renderTicket(stale);
    var want = wanted();
    renderIndex(stale);
    var list = byId("branches");
    list.textContent = "";
    status.branches.forEach(function (branch) {
      list.appendChild(renderBranch(branch, stale, want && want.branch === branch.id));
    });
    var select = byId("find-branch");
    if (select.options.length !== status.branches.length) {
      select.textContent = "";
      status.branches.forEach(function (b) { var o = el("option", "", nameOf(b.names)); o.value = b.id; select.appendChild(o); });
    }
  }

  function renderLanguages() {
    var nav = byId("languages");
    nav.textContent = "";
    LANGS.forEach(function (code) {
      var a = el("a", "", texts[code].language_name);
      a.lang = code;
      a.hreflang = code;
      a.href = "?lang=" + code + location.hash;
      if (code === lang) a.setAttribute("aria-current", "true");
      a.addEventListener("click", function (event) {
        event.preventDefault();
        lang = code;
        history.replaceState(null, "", "?lang=" + code + location.hash);
        renderLanguages();
        render();
      });
      nav.appendChild(a);
    });
  }

  function refresh() {
    fetch("status.json", { cache: "no-store" })
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        var served = Date.parse(r.headers.get("Date") || "");
        if (!isNaN(served)) clockOffset = served - Date.now();  // the server's clock, not the phone's
        return r.json();
      })
      .then(function (data) { status = data; failed = false; })
      .catch(function () { failed = true; })
      .then(function () {
        render();
        var every = status ? Math.max(5, status.interval_seconds) : 10;
        setTimeout(refresh, document.hidden ? 30000 : every * 1000);
      });
  }

  byId("find").addEventListener("submit", function (event) {
    event.preventDefault();
    var number = byId("find-number").value.trim().toUpperCase();
    if (!number) return;
    location.hash = byId("find-branch").value + "/" + number;
  });
  window.addEventListener("hashchange", render);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) render(); });

  fetch("texts.json")
    .then(function (r) { return r.json(); })
    .then(function (data) { texts = data; renderLanguages(); refresh(); })
    .catch(function () { byId("banner").textContent = "Cannot load the page texts. / 表示用データを読み込めません。"; });
})();
