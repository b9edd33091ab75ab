(function () {
  "use strict";
  var PAGE = 200;  // rows shown at a time: a search over thousands of powers stays quick
  var norm = function (s) { return String(s).normalize("NFKC").toLowerCase(); };
  var records = JSON.parse(document.getElementById("search-data").textContent);
  var byId = {};
  records.forEach(function (r) {
    byId[r.id] = { record: r,
      text: norm([r.name, r.code, r.id, r.category, r.department, r.unit || "", r.basis].join("\n")) };
  });
  var form = document.getElementById("filters");
  var q = document.getElementById("q");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-field]"));
  var count = document.getElementById("count");
  var empty = document.getElementById("empty");
  var more = document.getElementById("more");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#powers tbody tr"));
  var keyed = rows.map(function (tr) { return byId[tr.getAttribute("data-id")]; });
  var limit = PAGE;
  function apply() {
    var words = norm(q.value).split(/\s+/).filter(Boolean);
    var chosen = selects.filter(function (s) { return s.value; })
      .map(function (s) { return [s.getAttribute("data-field"), s.value]; });
    var found = 0;
    rows.forEach(function (tr, i) {
      var r = keyed[i];
      var ok = !!r && chosen.every(function (c) { return r.record[c[0]] === c[1]; }) &&
        words.every(function (w) { return r.text.indexOf(w) !== -1; });
      var show = ok && found < limit;
      if (ok) { found += 1; }
      if (tr.hidden === show) { tr.hidden = !show; }
    });
    var text = found === rows.length ? "共 " + rows.length + " 项" : "显示 " + found + " 项（共 " + rows.length + " 项）";
    if (found > limit) { text += "，列出前 " + limit + " 项"; }
    count.textContent = text;
    empty.hidden = found !== 0;
    more.hidden = found <= limit;
  }
  function fresh() { limit = PAGE; apply(); }
  form.hidden = false;
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { window.setTimeout(fresh, 0); });
  q.addEventListener("input", fresh);
  selects.forEach(function (s) { s.addEventListener("change", fresh); });
  more.addEventListener("click", function () { limit += PAGE; apply(); });
  window.addEventListener("pageshow", apply);
  apply();
}());
