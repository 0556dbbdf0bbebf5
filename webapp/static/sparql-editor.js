// Syntax highlighting for the SPARQL query box; without JavaScript the plain textarea works the same.
(function () {
  "use strict";
  var textarea = document.getElementById("query");
  if (!textarea || typeof CodeMirror === "undefined") { return; }
  var editor = CodeMirror.fromTextArea(textarea, {
    mode: "application/sparql-query",
    lineNumbers: true,
    indentUnit: 2,
    viewportMargin: Infinity,
    extraKeys: { "Ctrl-Enter": function (cm) { cm.save(); textarea.form.submit(); } }
  });
  editor.getWrapperElement().setAttribute("aria-label", "SPARQL query editor");
  document.documentElement.classList.add("sparql-editor-ready");
}());
