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
/* Phones and slow links: the service worker, the account in the header, "save for offline reading",
   and wide tables made focusable scroll regions (keyboard users can scroll them; axe-core asks for it). */
(function () {
  "use strict";
  var me = document.currentScript;
  // pokja.js lives at <site>/assets/pokja/pokja.js: the site's root is two folders up.
  var root = me ? new URL("../../", me.src) : new URL("/", location.href);

  function scrollRegions() {
    var meta = document.querySelector("meta[name=pokja-table-label]");
    var label = meta ? meta.getAttribute("content") : "Tabel";
    var boxes = document.querySelectorAll(".md-typeset__scrollwrap, .pokja-listing, .pokja-scroll, .pokja-meta dd");
    Array.prototype.forEach.call(boxes, function (box) {
      // Only a box that scrolls becomes a tab stop: a focusable, labelled region a keyboard can scroll.
      if (box.hasAttribute("tabindex") || box.scrollWidth <= box.clientWidth + 1) return;
      box.setAttribute("tabindex", "0");
      // A <dd> keeps its role in the definition list: focusable is enough for the keyboard.
      if (box.tagName === "DD") return;
      box.setAttribute("role", "region");
      var caption = box.querySelector("caption");
      box.setAttribute("aria-label", caption ? caption.textContent : label);
    });
  }

  function account() {
    var box = document.querySelector("[data-pokja-account]");
    if (!box || !window.fetch) return;
    fetch(box.getAttribute("data-status"), {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.logged_in) return;
        box.textContent = "";
        var name = document.createElement("a");
        name.className = "pokja-account__name";
        name.href = data.account_url;
        name.textContent = data.name;
        box.appendChild(name);
        (data.links || []).forEach(function (link) {
          var a = document.createElement("a");
          a.href = link.href;
          a.textContent = link.label;
          box.appendChild(a);
        });
      })
      .catch(function () { /* a static copy without the service: "Masuk" stays */ });
  }

  function offline() {
    var box = document.querySelector("[data-pokja-offline]");
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(new URL("sw.js", root).href).catch(function () { return null; });
    if (!box) return;
    navigator.serviceWorker.ready.then(function (registration) {
      box.hidden = false;
      var button = box.querySelector("button");
      var status = box.querySelector("[role=status]");
      button.addEventListener("click", function () {
        var urls = [location.href.split("#")[0]];
        // The page's own files: attachments in the metadata panel and every same-origin image and stylesheet.
        Array.prototype.forEach.call(document.querySelectorAll(
          ".pokja-panel a[href], article a[download], article img[src], link[rel=stylesheet], script[src]"
        ), function (el) {
          var url = new URL(el.getAttribute("href") || el.getAttribute("src"), location.href);
          if (url.origin === location.origin && urls.indexOf(url.href) === -1 &&
              (el.tagName !== "A" || /\.[a-z0-9]{2,5}$/i.test(url.pathname))) urls.push(url.href);
        });
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) {
          status.textContent = status.getAttribute(event.data && event.data.ok ? "data-done" : "data-failed");
          box.setAttribute("data-saved", event.data && event.data.ok ? "1" : "0");
        };
        registration.active.postMessage({type: "save", urls: urls}, [channel.port2]);
      });
    });
  }

  function init() {
    account();
    offline();
    // Material wraps the content's tables after its own start-up: look again once everything has loaded.
    scrollRegions();
    window.addEventListener("load", scrollRegions);
    window.addEventListener("resize", scrollRegions);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
