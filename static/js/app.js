// Site behaviour without inline script (the Content Security Policy forbids it).
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]")) {
    event.target.form.requestSubmit();
  }
});
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
