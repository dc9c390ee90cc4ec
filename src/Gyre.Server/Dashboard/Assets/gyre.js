// Gyre's dashboard script, the project's own: it shows times in the viewer's time zone and
// refreshes the parts of a page marked data-live, so that a page follows the loop as it runs.
// Every page works without it; the server renders everything.
(function () {
  'use strict';
  var full = new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZoneName: 'short'
  });
  var day = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: '2-digit', day: '2-digit' });
  var clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });
  var lastSeen = {};

  function localise(root) {
    root.querySelectorAll('time[data-local]').forEach(function (el) {
      var when = new Date(el.getAttribute('datetime'));
      if (!isNaN(when.getTime())) {
        el.title = el.getAttribute('datetime');
        el.textContent = (el.getAttribute('data-local') === 'date' ? day : full).format(when);
      }
    });
    root.querySelectorAll('svg text[data-time]').forEach(function (el) {
      el.textContent = clock.format(new Date(Number(el.getAttribute('data-time'))));
    });
  }

  function refresh() {
    var regions = document.querySelectorAll('[data-live][id]');
    if (regions.length === 0 || document.hidden) {
      return;
    }
    fetch(location.href, { headers: { 'X-Gyre-Refresh': '1' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) {
        return response.ok && !response.redirected ? response.text() : null;
      })
      .then(function (html) {
        if (html === null) {
          return;
        }
        var next = new DOMParser().parseFromString(html, 'text/html');
        regions.forEach(function (region) {
          var fresh = next.getElementById(region.id);
          var focused = document.activeElement;
          // Never pull the page from under someone typing or about to press a button in it.
          if (!fresh || (focused && focused !== document.body && region.contains(focused))) {
            return;
          }
          if (lastSeen[region.id] !== fresh.innerHTML) {
            lastSeen[region.id] = fresh.innerHTML;
            region.innerHTML = fresh.innerHTML;
            localise(region);
          }
        });
      })
      .catch(function () {
        // The server may be restarting; the next tick tries again.
      });
  }

  document.querySelectorAll('[data-live][id]').forEach(function (region) {
    lastSeen[region.id] = region.innerHTML;
  });
  localise(document);
  var period = Number(document.body.getAttribute('data-refresh-ms')) || 2000;
  setInterval(refresh, period);
})();
