// Warns before the idle session timeout and lets the user stay signed in.
// Without JavaScript the session still ends after the same idle time.
(function () {
  var banner = document.getElementById("idle-warning");
  if (!banner || !window.fetch) return;
  var timeout = parseInt(banner.dataset.timeout, 10) * 1000;
  var warning = parseInt(banner.dataset.warning, 10) * 1000;
  // The server ends the session; the page goes to the sign-in page a little after, so that the session has surely
  // ended there (the seconds left are counted in whole seconds, and the request takes a moment).
  var margin = 2000;
  var warnTimer, outTimer;
  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(outTimer);
    banner.hidden = true;
    warnTimer = setTimeout(function () {
      banner.hidden = false;
      banner.querySelector("button").focus();
    }, Math.max(timeout - warning, 0));
    outTimer = setTimeout(function () {
      window.location.href = banner.dataset.signedOut;
    }, timeout + margin);
  }
  banner.querySelector("form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" }).then(schedule);
  });
  schedule();
})();
