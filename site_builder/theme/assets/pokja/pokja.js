/* Filters the document tables of listing, tag and region pages in the browser: no server needed. */
(function () {
  "use strict";
  function setup(listing) {
    var form = listing.querySelector(".pokja-filter");
    if (!form) return;
    var rows = Array.prototype.slice.call(listing.querySelectorAll("tbody tr"));
    var text = form.querySelector(".pokja-filter__text");
    var region = form.querySelector(".pokja-filter__region");
    var tag = form.querySelector(".pokja-filter__tag");
    var year = form.querySelector(".pokja-filter__year");
    var count = form.querySelector(".pokja-filter__count span");
    function has(list, value) {
      return !value || (" " + list + " ").indexOf(" " + value + " ") !== -1;
    }
    function apply() {
      var words = (text && text.value || "").toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var d = row.dataset;
        var ok = has(d.region, region && region.value) && has(d.tags, tag && tag.value) &&
          has(d.years, year && year.value) &&
          words.every(function (w) { return d.text.indexOf(w) !== -1; });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = String(shown);
    }
    // No inline handlers (the service's Content-Security-Policy forbids them): the filter never submits.
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-pokja-listing]"), setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
