/* Long tables a page at a time, sortable by their headings and filterable; nothing is fetched.
   Without script every row is in the table. With it, the table holds the rows of the page shown (the
   others wait in a list: 50,000 rows in the document make every sort and filter slow), and before
   printing it holds every row again, in the order shown, whatever the filter: print has everything. */
(function () {
  "use strict";
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, key) { return String(values[key]); });
  }
  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    var raw = cell.hasAttribute("data-v") ? cell.getAttribute("data-v") : cell.textContent;
    return numeric ? parseFloat(raw) || 0 : raw.trim();
  }
  function button(name, label) {
    var made = document.createElement("button");
    made.type = "button";
    made.className = name;
    made.textContent = label;
    return made;
  }
  function setUp(table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var size = parseInt(table.getAttribute("data-page-size"), 10) || 100;
    var state = { page: 0, matching: rows, text: "", kind: "", severity: "" };
    var texts = null;
    var controls = document.querySelector('.controls[data-for="' + table.id + '"]');
    var pager = document.createElement("div");
    pager.className = "pager";
    var previous = button("previous", table.getAttribute("data-previous"));
    var next = button("next", table.getAttribute("data-next"));
    var status = document.createElement("span");
    status.className = "status";
    pager.appendChild(previous);
    pager.appendChild(status);
    pager.appendChild(next);
    table.parentNode.insertBefore(pager, table.nextSibling);
    pager.hidden = rows.length <= size && !controls;  // a short table without filters needs no pager

    function hold(list) {
      var fragment = document.createDocumentFragment();
      list.forEach(function (row) { fragment.appendChild(row); });
      body.replaceChildren(fragment);
    }
    function show() {
      var pages = Math.max(1, Math.ceil(state.matching.length / size));
      state.page = Math.max(0, Math.min(state.page, pages - 1));
      hold(state.matching.slice(state.page * size, (state.page + 1) * size));
      status.textContent = fill(table.getAttribute("data-shown"), { shown: state.matching.length, total: rows.length })
        + " · " + fill(table.getAttribute("data-page-of"), { page: state.page + 1, pages: pages });
      previous.disabled = state.page === 0;
      next.disabled = state.page >= pages - 1;
    }
    function filter() {
      var needle = state.text.toLowerCase();
      if (needle && texts === null) {
        texts = new Map(rows.map(function (row) { return [row, row.textContent.toLowerCase()]; }));
      }
      state.matching = rows.filter(function (row) {
        return (!state.kind || row.getAttribute("data-kind") === state.kind)
          && (!state.severity || row.getAttribute("data-severity") === state.severity)
          && (!needle || texts.get(row).indexOf(needle) !== -1);
      });
      state.page = 0;
      show();
    }
    previous.addEventListener("click", function () { state.page -= 1; show(); });
    next.addEventListener("click", function () { state.page += 1; show(); });
    window.addEventListener("beforeprint", function () { hold(rows); });
    window.addEventListener("afterprint", show);

    var headings = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headings, function (th, index) {
      var kind = th.getAttribute("data-sort");
      if (!kind) { return; }
      th.tabIndex = 0;
      function sort() {
        var ascending = !th.classList.contains("asc");
        Array.prototype.forEach.call(headings, function (other) { other.classList.remove("asc", "desc"); });
        th.classList.add(ascending ? "asc" : "desc");
        var numeric = kind === "num";
        var keyed = rows.map(function (row, order) { return [cellValue(row, index, numeric), order, row]; });
        keyed.sort(function (a, b) {
          var c = numeric ? a[0] - b[0] : a[0].localeCompare(b[0], document.documentElement.lang);
          return (ascending ? c : -c) || a[1] - b[1];
        });
        rows = keyed.map(function (k) { return k[2]; });
        filter();
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) { if (event.key === "Enter") { sort(); } });
    });

    if (controls) {
      controls.hidden = false;
      var text = controls.querySelector(".filter-text");
      var kindSelect = controls.querySelector(".filter-kind");
      var severitySelect = controls.querySelector(".filter-severity");
      if (text) { text.addEventListener("input", function () { state.text = text.value; filter(); }); }
      if (kindSelect) { kindSelect.addEventListener("change", function () { state.kind = kindSelect.value; filter(); }); }
      if (severitySelect) {
        severitySelect.addEventListener("change", function () { state.severity = severitySelect.value; filter(); });
      }
    }
    show();
    table.classList.add("ready");
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.paged"), setUp);
}());
