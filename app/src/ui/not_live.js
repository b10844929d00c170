// Inlined in every page's head by `shell`. When the page's code cannot be fetched, the page stays
// as the server drew it: readable, but what needs the code does nothing. This tells the admin so,
// above the content, with a full load of the address as the way out. It runs here, not in the
// wasm, because the wasm may be what failed; the wasm calls `consoleNotLive` itself when a page
// chunk fails once the main code is running (`page_code_missing`).
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
  window.consoleNotLive = notLive;
  // The main code's fetch failed (the module or the wasm): its promise is rejected unhandled
  // before the code could mark the page (`data-code-loaded`, set first thing by `hydrate`). As for
  // a lazy page's code (`page_code_missing`), the page is loaded again once per address and tab,
  // the cure for a dropped connection; the key is the same, and a page made live removes it.
  window.addEventListener('unhandledrejection', function () {
    if (!document.body || document.body.hasAttribute('data-code-loaded')) return;
    var key = 'console.reloaded-for-code';
    var storage = null;
    try {
      storage = window.sessionStorage;
    } catch (e) {}
    var tried = false;
    try {
      tried = !storage || storage.getItem(key) === location.href;
      if (!tried) storage.setItem(key, location.href);
    } catch (e) {
      tried = true;
    }
    if (tried) notLive();
    else location.reload();
  });
})();
