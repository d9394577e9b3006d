// After a form is sent, move the focus to what the page says about it: the confirmation or
// error message (after a redirect, or a form's own error), else the first field in error (its label and error
// text are read with it). Without JavaScript, the messages are still announced (role
// "status" / "alert") and sit at the top of the content.
const message = document.querySelector("[data-es-focus], main .fr-alert--error");
const champ = document.querySelector(
  "main .fr-input-group--error, main .fr-select-group--error, main .fr-upload-group--error," +
    " main .fr-fieldset--error, main .fr-checkbox-group--error, main .fr-radio-group--error"
);
let cible = null;
if (message) {
  cible = message;
} else if (champ) {
  cible = champ.querySelector("input:not([type=hidden]), select, textarea") || champ;
}
if (cible) {
  if (!cible.matches("input, select, textarea, button, a[href]")) {
    cible.setAttribute("tabindex", "-1");
  }
  cible.focus();
  cible.scrollIntoView({ block: "center" });
}
