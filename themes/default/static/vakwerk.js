// Small progressive enhancements for readers and lecturers. Everything works
// without this file: anchors are ordinary links, the citation is plain text
// to select, and the browser's own print command prints the course pack.
// With it: the copy and print buttons appear, and following a heading's
// "#" link also puts that link on the clipboard.
(function () {
  'use strict';
  var status = document.getElementById('melding');

  function announce(text) {
    if (!status) return;
    status.textContent = '';
    // A fresh text node after a tick makes screen readers announce repeats.
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function copy(text, html) {
    if (!navigator.clipboard) return Promise.reject(new Error('no clipboard'));
    if (html && window.ClipboardItem && navigator.clipboard.write) {
      var item = new window.ClipboardItem({
        'text/plain': new Blob([text], { type: 'text/plain' }),
        'text/html': new Blob([html], { type: 'text/html' }),
      });
      return navigator.clipboard.write([item]).catch(function () { return navigator.clipboard.writeText(text); });
    }
    return navigator.clipboard.writeText(text);
  }

  document.querySelectorAll('button.copy[data-copy]').forEach(function (button) {
    var source = document.getElementById(button.getAttribute('data-copy'));
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      copy(source.textContent.trim(), source.innerHTML.trim()).then(function () {
        announce(status ? status.getAttribute('data-copied') : '');
      }, function () {});
    });
  });

  document.querySelectorAll('button.print').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () { window.print(); });
  });

  document.addEventListener('click', function (event) {
    var a = event.target.closest ? event.target.closest('a.anker') : null;
    if (!a || !navigator.clipboard) return;
    copy(a.href).then(function () {
      announce(status ? status.getAttribute('data-link-copied') : '');
    }, function () {});
  });
})();
