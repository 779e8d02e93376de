/* Contribution forms, enhanced: rows added and removed in the page, long choice lists as a filter box,
   a draft kept in this browser (localStorage) and offered back, files too big refused before sending.
   Everything here is progressive enhancement: without this script the form works by round trips
   ("Tambah baris" / "Hapus baris" are submit buttons, the lists are plain selects). Same origin, no CDN. */
(function () {
  "use strict";

  var PENDING = "pokja-draft-pending"; // sessionStorage: the draft key of the form just sent
  var messages = {};
  var node = document.getElementById("svc-form-messages");
  if (node) {
    try { messages = JSON.parse(node.textContent); } catch (e) { messages = {}; }
  }

  function msg(key, params) {
    var text = messages[key] || key;
    Object.keys(params || {}).forEach(function (k) { text = text.split("{" + k + "}").join(String(params[k])); });
    return text;
  }

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  function fold(text) {
    return String(text).toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function megabytes(bytes) {
    return (bytes / 1048576).toFixed(bytes >= 10485760 ? 0 : 1).replace(".", ",") + " MB";
  }

  var live = null; // one polite live region announces row changes
  function announce(text) {
    if (!live) {
      live = document.createElement("p");
      live.className = "svc-visually-hidden";
      live.setAttribute("aria-live", "polite");
      document.body.appendChild(live);
    }
    live.textContent = text;
  }

  // --- rows ------------------------------------------------------------------------------------

  function rowsOf(group) {
    return Array.prototype.filter.call(group.querySelector(".svc-rows-list").children, function (el) {
      return el.classList.contains("svc-row");
    });
  }

  function renumber(group) {
    rowsOf(group).forEach(function (row, i) {
      var legend = row.querySelector("legend");
      if (legend) legend.textContent = msg("row", { n: i + 1 });
      var hidden = row.querySelector(".svc-row-remove .svc-visually-hidden");
      if (hidden) hidden.textContent = " " + (i + 1);
    });
  }

  function addRowAt(group, index) {
    var template = group.querySelector("template.svc-row-template");
    var holder = document.createElement("div");
    // The template is the service's own markup (labels from the schema); only the row number changes.
    holder.innerHTML = template.innerHTML.split("__i__").join(String(index)).split("__n__").join("");
    var row = holder.querySelector(".svc-row");
    group.querySelector(".svc-rows-list").appendChild(row);
    renumber(group);
    each(row.querySelectorAll("select[data-search]"), enhanceSelect);
    return row;
  }

  function addRow(group) {
    var rows = rowsOf(group);
    var max = parseInt(group.getAttribute("data-max"), 10) || 50;
    if (rows.length >= max) {
      announce(msg("rows_full", { limit: max }));
      return null;
    }
    var next = 0;
    rows.forEach(function (row) { next = Math.max(next, parseInt(row.getAttribute("data-row"), 10) + 1); });
    var row = addRowAt(group, next);
    var first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
    announce(msg("row_added", { n: rowsOf(group).length }));
    return row;
  }

  function removeRow(row) {
    var group = row.closest(".svc-rows");
    var rows = rowsOf(group);
    var at = rows.indexOf(row);
    var after = rows[at + 1] || rows[at - 1];
    row.parentNode.removeChild(row);
    renumber(group);
    var target = after ? after.querySelector("input:not([type=hidden]), select, textarea") : group.querySelector(".svc-row-add");
    if (target) target.focus();
    announce(msg("row_removed"));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest('button[name="row_action"]');
    if (!button) return;
    event.preventDefault(); // done here, without a round trip
    if (button.value.indexOf("add:") === 0) addRow(button.closest(".svc-rows"));
    else removeRow(button.closest(".svc-row"));
    changed(button.form);
  });

  // --- long choice lists: a filter box, a list of matches, the chosen ones as chips -----------------

  var comboCount = 0;

  function enhanceSelect(select) {
    if (select.getAttribute("data-enhanced")) return;
    select.setAttribute("data-enhanced", "1");
    var multiple = select.multiple;
    var id = select.id;
    var uid = "svc-combo-" + ++comboCount;
    var box = document.createElement("div");
    box.className = "svc-combo";
    var chips = document.createElement("ul");
    chips.className = "svc-chips";
    chips.setAttribute("aria-label", msg("chosen"));
    var input = document.createElement("input");
    input.type = "text";
    input.className = "svc-combo-input";
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", uid + "-list");
    input.placeholder = msg("filter");
    if (select.getAttribute("aria-describedby")) input.setAttribute("aria-describedby", select.getAttribute("aria-describedby"));
    if (select.getAttribute("aria-invalid")) input.setAttribute("aria-invalid", "true");
    var list = document.createElement("ul");
    list.id = uid + "-list";
    list.className = "svc-combo-list";
    list.setAttribute("role", "listbox");
    if (multiple) list.setAttribute("aria-multiselectable", "true");
    list.hidden = true;
    // The label now names the filter box; the plain select stays the value the form posts.
    select.id = id + "-plain";
    input.id = id;
    select.classList.add("svc-enhanced");
    select.tabIndex = -1;
    select.setAttribute("aria-hidden", "true");
    box.appendChild(chips);
    box.appendChild(input);
    box.appendChild(list);
    select.parentNode.insertBefore(box, select.nextSibling);

    var shown = [];
    var active = -1;

    function options() {
      return Array.prototype.filter.call(select.options, function (o) { return o.value !== ""; });
    }
    function chosenText() {
      var o = select.options[select.selectedIndex];
      return o && o.value ? o.text : "";
    }
    function renderChips() {
      chips.textContent = "";
      if (!multiple) {
        if (document.activeElement !== input) input.value = chosenText();
        return;
      }
      options().forEach(function (o) {
        if (!o.selected) return;
        var li = document.createElement("li");
        var b = document.createElement("button");
        b.type = "button";
        b.className = "svc-chip";
        b.textContent = o.text + " \u00d7";
        b.setAttribute("aria-label", msg("remove_choice", { label: o.text }));
        b.addEventListener("click", function () {
          o.selected = false;
          fire();
          input.focus();
        });
        li.appendChild(b);
        chips.appendChild(li);
      });
    }
    function highlight() {
      each(list.children, function (li, i) { li.classList.toggle("svc-active", i === active); });
      var li = list.children[active];
      if (li && li.id) {
        input.setAttribute("aria-activedescendant", li.id);
        if (li.scrollIntoView) li.scrollIntoView({ block: "nearest" });
      } else input.removeAttribute("aria-activedescendant");
    }
    function renderList() {
      var query = fold(input.value.trim());
      if (!multiple && input.value === chosenText()) query = "";
      list.textContent = "";
      shown = options().filter(function (o) {
        return !query || fold(o.text).indexOf(query) >= 0 || fold(o.value).indexOf(query) >= 0;
      }).slice(0, 200);
      shown.forEach(function (o, i) {
        var li = document.createElement("li");
        li.id = uid + "-opt-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", o.selected ? "true" : "false");
        li.textContent = o.text;
        li.addEventListener("mousedown", function (event) {
          event.preventDefault(); // the filter box keeps the focus
          choose(o);
        });
        list.appendChild(li);
      });
      if (!shown.length) {
        var none = document.createElement("li");
        none.className = "svc-combo-none";
        none.textContent = msg("no_match");
        list.appendChild(none);
      }
      active = Math.max(Math.min(active, shown.length - 1), shown.length ? 0 : -1);
      highlight();
    }
    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      renderList();
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
      if (!multiple) input.value = chosenText();
    }
    function fire() {
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function choose(o) {
      if (multiple) {
        o.selected = !o.selected;
        input.value = "";
        fire();
        renderList();
      } else {
        select.value = o.value;
        fire();
        close();
      }
    }
    select.addEventListener("change", renderChips);
    input.addEventListener("input", function () { active = 0; open(); });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) open();
        else { active = Math.min(active + 1, shown.length - 1); highlight(); }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        active = Math.max(active - 1, 0);
        highlight();
      } else if (event.key === "Enter") {
        event.preventDefault(); // Enter chooses; it never sends the form from here
        if (!list.hidden && shown[active]) choose(shown[active]);
        else open();
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      } else if (event.key === "Backspace" && multiple && !input.value) {
        var last = options().filter(function (o) { return o.selected; }).pop();
        if (last) { last.selected = false; fire(); }
      }
    });
    renderChips();
  }

  each(document.querySelectorAll(".svc-form select[data-search]"), function (select) {
    if (!select.closest("template")) enhanceSelect(select);
  });

  // --- the draft ------------------------------------------------------------------------------------

  function skipped(el) {
    return !el.name || el.name === "csrf_token" || el.name === "revision" || el.name === "row_action" ||
      el.name === "action" || el.name.indexOf("att_") === 0 || el.type === "file" || el.type === "submit" ||
      el.type === "button";
  }

  function valuesOf(form) {
    var out = [];
    each(form.elements, function (el) {
      if (skipped(el)) return;
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) out.push([el.name, el.value]);
      } else if (el.tagName === "SELECT") {
        each(el.options, function (o) { if (o.selected && o.value !== "") out.push([el.name, o.value]); });
      } else if (el.value !== "") {
        out.push([el.name, el.value]);
      }
    });
    return out;
  }

  function restore(form, values) {
    var byName = {};
    values.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    each(form.querySelectorAll(".svc-rows"), function (group) {
      var prefix = group.getAttribute("data-rows") + ".";
      var wanted = {};
      Object.keys(byName).forEach(function (name) {
        var m = name.indexOf(prefix) === 0 && name.slice(prefix.length).match(/^(\d+)\./);
        if (m) wanted[parseInt(m[1], 10)] = true;
      });
      Object.keys(wanted).map(Number).sort(function (a, b) { return a - b; }).forEach(function (i) {
        if (!group.querySelector('.svc-row[data-row="' + i + '"]')) addRowAt(group, i);
      });
    });
    each(form.elements, function (el) {
      if (skipped(el)) return;
      var vals = byName[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") el.checked = vals.indexOf(el.value) >= 0;
      else if (el.tagName === "SELECT") {
        each(el.options, function (o) { o.selected = vals.indexOf(o.value) >= 0 || (!vals.length && o.value === ""); });
        el.dispatchEvent(new Event("change", { bubbles: true }));
      } else el.value = vals.length ? vals[0] : "";
    });
  }

  var timers = {};
  function save(form) {
    var key = form.getAttribute("data-draft-key");
    try {
      localStorage.setItem(key, JSON.stringify({ t: Date.now(), v: valuesOf(form) }));
    } catch (e) { /* storage full or refused: the form still works */ }
  }
  function changed(form) {
    if (!form || !form.getAttribute("data-draft-key")) return;
    form.setAttribute("data-dirty", "1");
    clearTimeout(timers[form.getAttribute("data-draft-key")]);
    timers[form.getAttribute("data-draft-key")] = setTimeout(function () { save(form); }, 300);
  }

  function offer(form, draft) {
    var box = document.createElement("div");
    box.className = "svc-draft";
    box.id = "draft-offer";
    box.setAttribute("role", "status");
    var text = document.createElement("p");
    var when = new Date(draft.t);
    text.textContent = msg("draft_found", { time: when.toLocaleString(document.documentElement.lang || "id") });
    var restoreButton = document.createElement("button");
    restoreButton.type = "button";
    restoreButton.id = "draft-restore";
    restoreButton.textContent = msg("draft_restore");
    var discardButton = document.createElement("button");
    discardButton.type = "button";
    discardButton.id = "draft-discard";
    discardButton.textContent = msg("draft_discard");
    box.appendChild(text);
    box.appendChild(restoreButton);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(discardButton);
    form.parentNode.insertBefore(box, form);
    restoreButton.addEventListener("click", function () {
      restore(form, draft.v);
      text.textContent = msg("draft_restored");
      restoreButton.remove();
      discardButton.remove();
      var first = form.querySelector("input:not([type=hidden]):not([tabindex='-1']), textarea");
      if (first) first.focus();
    });
    discardButton.addEventListener("click", function () {
      localStorage.removeItem(form.getAttribute("data-draft-key"));
      box.remove();
    });
  }

  function tooBig(form) {
    var perFile = parseInt(form.getAttribute("data-max-file-bytes"), 10);
    var whole = parseInt(form.getAttribute("data-max-request-bytes"), 10);
    var total = 0;
    var problem = null;
    each(form.querySelectorAll('input[type="file"]'), function (input) {
      each(input.files || [], function (file) {
        total += file.size;
        if (!problem && perFile && file.size > perFile) {
          problem = msg("file_too_large", { name: file.name, size: megabytes(file.size), limit: megabytes(perFile) });
        }
      });
    });
    if (!problem && whole && total > whole) problem = msg("request_too_large", { size: megabytes(total), limit: megabytes(whole) });
    return problem;
  }

  each(document.querySelectorAll("form[data-draft-key]"), function (form) {
    var key = form.getAttribute("data-draft-key");
    var stored = null;
    try { stored = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
    if (form.hasAttribute("data-posted")) {
      save(form); // the service showed the sent values again (with its messages): they are the draft now
    } else if (stored && stored.v && JSON.stringify(stored.v) !== JSON.stringify(valuesOf(form))) {
      offer(form, stored);
    }
    form.addEventListener("input", function () { changed(form); });
    form.addEventListener("change", function () { changed(form); });
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-dirty")) save(form); // whatever happens to the request, the draft is here
      var problem = tooBig(form);
      if (problem) {
        event.preventDefault(); // refused here: nothing typed is lost to a 413
        var box = document.getElementById("err-size");
        if (box) {
          box.textContent = problem;
          box.hidden = false;
          box.scrollIntoView({ block: "center" });
        }
        return;
      }
      try { sessionStorage.setItem(PENDING, key); } catch (e) { /* no session storage: the draft stays */ }
    });
  });

  // The "sent" page: the draft of the form just sent is done with.
  if (document.querySelector("[data-draft-sent]")) {
    try {
      var sent = sessionStorage.getItem(PENDING);
      if (sent) localStorage.removeItem(sent);
      sessionStorage.removeItem(PENDING);
    } catch (e) { /* nothing stored */ }
  }

  // The 413 page: say that the refused form's draft is still in this browser.
  var note = document.querySelector("[data-draft-note]");
  if (note) {
    try {
      var refused = sessionStorage.getItem(PENDING);
      if (refused && localStorage.getItem(refused)) note.hidden = false;
    } catch (e) { /* nothing stored */ }
  }
})();
