/**
 * The script of the HTML matrix, inlined in the page: the family select and
 * the state checkboxes hide rows (a row stays while one of its cells has a
 * checked state), family headings hide with their last row, and a counter
 * says how many capabilities are shown. Plain ES2017, no dependencies.
 */
export const MATRIX_HTML_SCRIPT = `
(function () {
  var select = document.getElementById('family-filter');
  var boxes = Array.prototype.slice.call(document.querySelectorAll('.state-filter input[type=checkbox]'));
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr[data-capability]'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('tbody[data-family-group]'));
  var counter = document.getElementById('row-count');
  var empty = document.getElementById('empty');
  function apply() {
    var family = select.value;
    var states = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    var visible = 0;
    rows.forEach(function (row) {
      var cells = Array.prototype.slice.call(row.querySelectorAll('td[data-state]'));
      var stateMatch = cells.some(function (c) { return states.indexOf(c.getAttribute('data-state')) >= 0; });
      var show = (!family || row.getAttribute('data-family') === family) && stateMatch;
      row.hidden = !show;
      if (show) visible += 1;
    });
    groups.forEach(function (g) { g.hidden = !g.querySelector('tr[data-capability]:not([hidden])'); });
    counter.textContent = visible + ' of ' + rows.length + ' capabilities shown';
    empty.hidden = visible > 0;
  }
  select.addEventListener('change', apply);
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  apply();
})();
`;
