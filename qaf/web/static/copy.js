// The "Copy" button beside a read-only link: shown only when this script runs (the link can always be selected and copied by hand).
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var field = document.getElementById(button.getAttribute("data-copy"));
  var said = document.getElementById("copied");
  if (!field || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(function () { if (said) said.textContent = "Copied."; },
      function () { field.select(); if (said) said.textContent = "Select the link and copy it."; });
  });
});
