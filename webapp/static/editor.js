// Live Markdown preview for editor forms: a progressive enhancement of the "Preview" button,
// which works without JavaScript by re-showing the form with the preview rendered on the server.
(function () {
  "use strict";
  document.querySelectorAll("textarea[data-preview-url]").forEach(function (area) {
    var form = area.form;
    var box = area.parentElement.querySelector(".preview");
    var token = form && form.querySelector("input[name=csrf_token]");
    if (!form || !box || !window.fetch) { return; }
    var timer = null;
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var body = new URLSearchParams();
        body.set("note", area.value);
        if (token) { body.set("csrf_token", token.value); }
        fetch(area.dataset.previewUrl, { method: "POST", body: body, credentials: "same-origin" })
          .then(function (r) { return r.text(); })
          .then(function (html) { box.innerHTML = html; })  // already sanitised by the server (nh3)
          .catch(function () {});
      }, 400);
    });
  });
})();

// Entity and source pickers: each is a plain text field that works without JavaScript (a name, slug
// or address, looked up when the form is saved). Here it becomes an editable combobox with a list
// (the WAI-ARIA "list autocomplete" pattern): as you type it asks /api/lookup, Down/Up move through
// the options, Enter picks one (the field then holds its slug), Escape closes the list. Focus stays
// in the field; the active option is announced through aria-activedescendant.
(function () {
  "use strict";
  if (!window.fetch || !window.URLSearchParams) { return; }
  var counter = 0;

  function setup(box) {
    var input = box.querySelector("input");
    var picked = box.querySelector(".picked");
    if (!input || input.getAttribute("role") === "combobox") { return; }
    var id = input.id || ("picker-" + (++counter));
    var list = document.createElement("ul");
    list.id = id + "-options";
    list.className = "picker-options";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", (box.querySelector("label") || {}).textContent || "Options");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    box.appendChild(list);
    box.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var results = [];
    var active = -1;
    var timer = null;
    var asked = 0;
    var controller = null;

    function open(isOpen) {
      list.hidden = !isOpen;
      input.setAttribute("aria-expanded", isOpen ? "true" : "false");
      if (!isOpen) { setActive(-1); }
    }

    function setActive(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0 && list.children[index]) {
        input.setAttribute("aria-activedescendant", list.children[index].id);
        list.children[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var hit = results[index];
      if (!hit) { return; }
      input.value = hit.slug;
      if (picked) { picked.textContent = hit.label + (hit.detail ? " · " + hit.detail : ""); }
      open(false);
    }

    function show(found) {
      results = found;
      list.textContent = "";
      found.forEach(function (hit, i) {
        var option = document.createElement("li");
        option.id = id + "-option-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "option-label";
        name.textContent = hit.label;
        option.appendChild(name);
        if (hit.detail) {
          var detail = document.createElement("span");
          detail.className = "option-detail";
          detail.textContent = " · " + hit.detail;
          option.appendChild(detail);
        }
        // mousedown, not click: the field keeps the focus
        option.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(option);
      });
      open(found.length > 0);
      status.textContent = found.length ? found.length + (found.length === 1 ? " match" : " matches") +
        ": use the down arrow to choose" : "No match: it will be looked up as typed when you save";
    }

    function ask() {
      var text = input.value.trim();
      if (!text) { show([]); status.textContent = ""; return; }
      var params = new URLSearchParams({ kind: box.dataset.picker, q: text.slice(0, 200), limit: "8" });
      var number = ++asked;
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      fetch(box.dataset.lookup + "?" + params.toString(),
            { credentials: "same-origin", signal: controller ? controller.signal : undefined })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (body) { if (number === asked) { show(body.results || []); } })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      if (picked) { picked.textContent = ""; }
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
    input.addEventListener("keydown", function (event) {
      var isOpen = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!isOpen) { if (results.length) { open(true); setActive(0); } else { ask(); } return; }
        setActive(Math.min(active + 1, results.length - 1));
      } else if (event.key === "ArrowUp") {
        if (!isOpen) { return; }
        event.preventDefault();
        setActive(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        if (isOpen && active >= 0) { event.preventDefault(); choose(active); }
      } else if (event.key === "Escape") {
        if (isOpen) { event.preventDefault(); open(false); }
      } else if (event.key === "Tab") {
        open(false);
      }
    });
    input.addEventListener("blur", function () { open(false); });
  }

  function addButton(group) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary add-picker";
    button.textContent = "Add another";
    button.addEventListener("click", function () {
      var boxes = group.querySelectorAll(".picker");
      var last = boxes[boxes.length - 1];
      var number = boxes.length + 1;
      var copy = last.cloneNode(true);
      copy.querySelectorAll(".picker-options, [role=status]").forEach(function (n) { n.remove(); });
      var input = copy.querySelector("input");
      var base = input.id.replace(/-\d+$/, "");
      input.id = base + "-" + number;
      input.value = "";
      ["role", "aria-autocomplete", "aria-expanded", "aria-controls", "aria-activedescendant", "aria-invalid"]
        .forEach(function (name) { input.removeAttribute(name); });
      var label = copy.querySelector("label");
      label.htmlFor = input.id;
      label.textContent = (group.dataset.item || "Item") + " " + number;
      var now = copy.querySelector(".picked");
      now.id = input.id + "-now";
      now.textContent = "";
      input.setAttribute("aria-describedby", now.id + " " + input.getAttribute("aria-describedby").split(" ").slice(1).join(" "));
      last.parentNode.insertBefore(copy, last.nextSibling);
      setup(copy);
      input.focus();
    });
    var help = group.querySelector(".help");
    group.insertBefore(button, help);
  }

  // The candidates shown with an unknown or ambiguous name: a button puts one's slug in its field.
  function candidateButtons(block) {
    var field = block.closest(".field, .field-group");
    block.querySelectorAll("li[data-slug]").forEach(function (item) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = "Use this";
      button.addEventListener("click", function () {
        var inputs = field.querySelectorAll("input[name='" + block.dataset.for + "']");
        var target = inputs[0];
        Array.prototype.forEach.call(inputs, function (input) {
          var now = document.getElementById(input.id + "-now");
          if (input.value && now && !now.textContent) { target = input; }
        });
        target.value = item.dataset.slug;
        var now = document.getElementById(target.id + "-now");
        if (now) { now.textContent = item.querySelector("strong").textContent; }
        target.focus();
      });
      item.appendChild(document.createTextNode(" "));
      item.appendChild(button);
    });
  }

  document.querySelectorAll("[data-picker]").forEach(setup);
  document.querySelectorAll(".picker-list").forEach(addButton);
  document.querySelectorAll(".candidates[data-for]").forEach(candidateButtons);
})();
