(function () {
  "use strict";
  var norm = function (s) { return String(s).normalize("NFKC").toLowerCase(); };
  var records = JSON.parse(document.getElementById("search-data").textContent);
  var byId = {};
  records.forEach(function (r) {
    byId[r.id] = { category: r.category, department: r.department,
      text: norm([r.name, r.code, r.id, r.category, r.department, r.basis].join("\n")) };
  });
  var form = document.getElementById("filters");
  var q = document.getElementById("q");
  var category = document.getElementById("category");
  var department = document.getElementById("department");
  var count = document.getElementById("count");
  var empty = document.getElementById("empty");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#powers tbody tr"));
  function apply() {
    var words = norm(q.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (tr) {
      var r = byId[tr.getAttribute("data-id")];
      var ok = !!r && (!category.value || r.category === category.value) &&
        (!department.value || r.department === department.value) &&
        words.every(function (w) { return r.text.indexOf(w) !== -1; });
      tr.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown === rows.length ? "共 " + rows.length + " 项" : "显示 " + shown + " 项（共 " + rows.length + " 项）";
    empty.hidden = shown !== 0;
  }
  form.hidden = false;
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  q.addEventListener("input", apply);
  category.addEventListener("change", apply);
  department.addEventListener("change", apply);
  window.addEventListener("pageshow", apply);
  apply();
}());
