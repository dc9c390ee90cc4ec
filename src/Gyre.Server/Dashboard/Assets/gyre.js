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
  var period = Number(document.body.getAttribute('data-refresh-ms')) || 2000;
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

  // What a person set inside a region (ticked boxes, opened details) survives its refresh.
  function remember(region) {
    return {
      checked: Array.prototype.map.call(region.querySelectorAll('input[type=checkbox]:checked[id]'), function (el) { return el.id; }),
      open: Array.prototype.map.call(region.querySelectorAll('details'), function (el) { return el.open; })
    };
  }

  function restore(region, state) {
    state.checked.forEach(function (id) {
      var box = document.getElementById(id);
      if (box && region.contains(box)) {
        box.checked = true;
      }
    });
    region.querySelectorAll('details').forEach(function (el, i) {
      if (state.open[i]) {
        el.open = true;
      }
    });
  }

  function expired() {
    if (document.getElementById('gyre-expired')) {
      return;
    }
    var notice = document.createElement('div');
    notice.id = 'gyre-expired';
    notice.className = 'error';
    notice.setAttribute('role', 'alert');
    notice.textContent = 'Your sign-in is no longer valid, so this page stopped updating: reload it to sign in again.';
    document.querySelector('main').prepend(notice);
  }

  function refresh() {
    var regions = document.querySelectorAll('[data-live][id]');
    if (regions.length === 0) {
      return Promise.resolve(false);
    }
    if (document.hidden) {
      return Promise.resolve(true);
    }
    return fetch(location.href, { credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) {
        if (response.redirected && new URL(response.url).pathname === '/login') {
          expired();
          return null;
        }
        return response.ok ? response.text() : '';
      })
      .then(function (html) {
        if (html === null) {
          return false;
        }
        if (html === '') {
          return true;
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
            var state = remember(region);
            lastSeen[region.id] = fresh.innerHTML;
            region.innerHTML = fresh.innerHTML;
            restore(region, state);
            localise(region);
          }
          if (!fresh.hasAttribute('data-live')) {
            region.removeAttribute('data-live'); // finished: nothing more will change
          }
        });
        return true;
      })
      .catch(function () {
        return true; // the server may be restarting; the next tick tries again
      });
  }

  // One request at a time: the next starts a period after the last one ended.
  function tick() {
    refresh().then(function (again) {
      if (again) {
        setTimeout(tick, period);
      }
    });
  }

  // The labelling page is keyboard first: digits choose a class, Enter submits, S skips, U undoes.
  var labelling = document.querySelector('form[data-labelling]');
  if (labelling || document.getElementById('undo-form')) {
    document.addEventListener('keydown', function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) {
        return;
      }
      var target = e.target;
      var typing = target && (target.tagName === 'TEXTAREA' || target.tagName === 'SELECT'
        || (target.tagName === 'INPUT' && target.type !== 'radio' && target.type !== 'hidden'));
      var key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      var form = null;
      if (!typing && /^[1-9]$/.test(key)) {
        var choice = labelling && labelling.querySelector('input[data-key="' + key + '"]');
        if (choice) {
          choice.checked = true;
          choice.focus();
          e.preventDefault();
        }
      } else if (key === 'Enter' && labelling && (target === document.body || labelling.contains(target)) && target.tagName !== 'BUTTON') {
        // Enter on a link or elsewhere keeps its own meaning; on the page or in the form it submits the label chosen.
        var chosen = labelling.querySelector('input[name=Choice]:checked, input[name=Choice][type=number]');
        if (chosen && chosen.value !== '') {
          form = labelling;
        }
        e.preventDefault();
      } else if (key === 'Escape' && typing) {
        target.blur(); // out of the number field: S and U work again
      } else if (!typing && key === 's') {
        form = document.getElementById('skip-form');
      } else if (!typing && key === 'u') {
        form = document.getElementById('undo-form');
      }
      if (form) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    // The keys work from here on; a browser test waits for this before it types.
    document.body.setAttribute('data-keys', 'ready');
  }

  document.querySelectorAll('[data-live][id]').forEach(function (region) {
    lastSeen[region.id] = region.innerHTML;
  });
  localise(document);
  setTimeout(tick, period);
})();
