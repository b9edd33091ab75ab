(function () {
  "use strict";
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
  var rows = Array.prototype.slice.call(document.querySelectorAll("#powers tbody tr"));
  var keyed = rows.map(function (tr) { return byId[tr.getAttribute("data-id")]; });
  function apply() {
    var words = norm(q.value).split(/\s+/).filter(Boolean);
    var chosen = selects.filter(function (s) { return s.value; })
      .map(function (s) { return [s.getAttribute("data-field"), s.value]; });
    var shown = 0;
    rows.forEach(function (tr, i) {
      var r = keyed[i];
      var ok = !!r && chosen.every(function (c) { return r.record[c[0]] === c[1]; }) &&
        words.every(function (w) { return r.text.indexOf(w) !== -1; });
      if (tr.hidden === ok) { tr.hidden = !ok; }
      if (ok) { shown += 1; }
    });
    count.textContent = shown === rows.length ? "共 " + rows.length + " 项" : "显示 " + shown + " 项（共 " + rows.length + " 项）";
    empty.hidden = shown !== 0;
  }
  form.hidden = false;
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  q.addEventListener("input", apply);
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  window.addEventListener("pageshow", apply);
  apply();
}());
