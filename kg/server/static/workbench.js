// The SPARQL editor page: YASGUI (vendored, offline) pointed at this endpoint.
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("editor-config").textContent);
  var Yasgui = window.Yasgui && (window.Yasgui.default || window.Yasgui);
  if (!Yasgui) {
    document.getElementById("yasgui").textContent = "The editor script did not load.";
    return;
  }
  // Offline: no suggestions from Linked Open Vocabularies; prefixes and variables only.
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  Yasgui.Yasqe.defaults.value = cfg.query;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: {
      endpoint: cfg.endpoint,
      method: "POST",
      // a table in a browser: cut at the server's row cap (X-Result-Truncated says so)
      args: [{ name: "max-rows", value: String(cfg.maxRows) }],
    },
    copyEndpointOnNewTab: true,
    persistenceId: "celltrials-kg-editor",
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: cfg.endpoint }];
      },
      keys: [],
    },
    yasqe: { value: cfg.query },
    yasr: { prefixes: cfg.prefixes }, // results show cto:Dose, obo:CL_… instead of full IRIs
  });
  window.celltrialsYasgui = yasgui;
  var button = document.getElementById("add-prefixes");
  if (button) {
    button.addEventListener("click", function () {
      yasgui.getTab().getYasqe().addPrefixes(cfg.prefixes);
    });
  }
})();
