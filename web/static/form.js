// The scenario form, enhanced: once a field changes after a check, the Advise button would send
// the case as last checked, so it waits for the next check. Without this file the button's note
// says the same.
(function () {
  "use strict";
  var form = document.getElementById("scenario-form");
  var advise = document.getElementById("advise-button");
  if (!form || !advise) {
    return;
  }
  function stale() {
    advise.disabled = true;
    advise.textContent = "Check the case again to advise";
  }
  form.addEventListener("input", stale);
  form.addEventListener("change", stale);
})();
