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
