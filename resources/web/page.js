// Refreshes the congestion page from /api/status every 30 s (the server renders the first view).
"use strict";
(function () {
  var lang = document.documentElement.lang === "en" ? "en" : "ja";
  var branch = new URLSearchParams(location.search).get("branch");
  function t(ja, en) { return lang === "ja" ? ja : en; }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function waitCell(s) {
    var td = el("td", "wait");
    if (!s.open && !s.waiting) { td.textContent = t("受付時間外", "closed"); return td; }
    if (s.wait_minutes === null) { td.textContent = "—"; return td; }
    td.textContent = t("約" + s.wait_minutes + "分", "about " + s.wait_minutes + " min") + " ";
    td.appendChild(el("small", "", t("（" + s.wait_low + "〜" + s.wait_high + "分）", "(" + s.wait_low + "–" + s.wait_high + " min)")));
    return td;
  }
  function render(status) {
    var main = document.getElementById("status");
    main.textContent = "";
    if (status.stale) main.appendChild(el("p", "offline", t("オフライン：最後に取得した情報です。", "Offline: showing the last known status.")));
    status.branches.forEach(function (b) {
      if (branch && b.id !== branch) return;
      var section = el("section", "branch");
      section.dataset.branch = b.id;
      section.appendChild(el("h2", "", lang === "ja" ? b.name : b.name_en));
      var table = el("table"), head = el("thead"), hr = el("tr"), body = el("tbody");
      [t("業務", "Service"), t("待ち人数", "Waiting"), t("待ち時間（目安）", "Estimated wait")].forEach(function (h) {
        var th = el("th", "", h); th.scope = "col"; hr.appendChild(th);
      });
      head.appendChild(hr); table.appendChild(head);
      b.services.forEach(function (s) {
        var tr = el("tr"), th = el("th");
        th.scope = "row";
        th.appendChild(el("span", "prefix", s.prefix));
        th.appendChild(document.createTextNode(" " + (lang === "ja" ? s.name : (s.name_en || s.name))));
        tr.appendChild(th);
        tr.appendChild(el("td", "num", String(s.waiting)));
        tr.appendChild(waitCell(s));
        body.appendChild(tr);
      });
      table.appendChild(body); section.appendChild(table); main.appendChild(section);
    });
    document.getElementById("updated").textContent = status.updated_at.substring(11, 16);
  }
  function refresh() {
    fetch("/api/status", { cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(render)
      .catch(function () {
        var main = document.getElementById("status");
        if (!main.querySelector(".offline")) {
          main.insertBefore(el("p", "offline", t("オフライン：最後に取得した情報です。", "Offline: showing the last known status.")), main.firstChild);
        }
      });
  }
  setInterval(refresh, 30000);
})();
