// Inlined in every page's head by `shell`. When the page's code cannot be fetched, the page stays
// as the server drew it: readable, but what needs the code does nothing. This tells the admin so,
// above the content, with a full load of the address as the way out. It runs here, not in the
// wasm, because the wasm may be what failed. Before the notice, the page is loaded again once per
// address and tab, the cure for a dropped connection (`codeMissing`); the wasm calls it too when a
// lazy page's chunk fails while the page is being made live (`page_code_missing`).
(function () {
  function notLive() {
    var body = document.body;
    if (!body || document.getElementById('not-live')) return;
    var notice = document.createElement('div');
    notice.id = 'not-live';
    notice.className = 'status failed on-demand-failed';
    notice.setAttribute('role', 'alert');
    var text = document.createElement('p');
    text.textContent = 'This page could not be fully loaded: some of its buttons and forms may ' +
      'not work. Check the connection, then load the page again.';
    var again = document.createElement('a');
    again.href = location.href;
    again.textContent = 'Load the page again';
    notice.append(text, again);
    (document.querySelector('main') || body).prepend(notice);
    // The router may already listen for clicks on links and take them as in-place navigations
    // that cannot happen without the page's code: every link becomes a plain link.
    document.querySelectorAll('a[href]').forEach(function (link) {
      link.rel = 'external';
    });
  }
  // The address this tab loaded again because its code could not be fetched.
  var key = 'console.reloaded-for-code';
  function codeMissing() {
    var tried = true;
    try {
      tried = window.sessionStorage.getItem(key) === location.href;
      if (!tried) window.sessionStorage.setItem(key, location.href);
    } catch (e) {
      // No storage to remember the try in: no reload, so that it cannot repeat.
      tried = true;
    }
    if (tried) notLive();
    else location.reload();
  }
  window.consoleCodeMissing = codeMissing;
  // Called by the wasm once the page is live (`mark_hydrated`): a later failure may reload again.
  window.consoleLive = function () {
    try {
      window.sessionStorage.removeItem(key);
    } catch (e) {
      // Nothing was remembered without storage.
    }
  };
  // The main code's fetch failed (the module or the wasm): its promise is rejected unhandled
  // before the code could mark the page (`data-code-loaded`, set first thing by `hydrate`).
  window.addEventListener('unhandledrejection', function () {
    if (document.body && !document.body.hasAttribute('data-code-loaded')) codeMissing();
  });
})();
