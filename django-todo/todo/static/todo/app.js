// Behaviour htmx leaves to the page: say when a request fails, keep keyboard focus in place,
// Escape to cancel an edit. Everything here is an enhancement; the forms work without it.
(function () {
  'use strict';

  const alertBox = () => document.getElementById('alert');

  function showAlert(message) {
    const box = alertBox();
    box.querySelector('.alert-message').textContent = message;
    box.hidden = false;
  }

  function hideAlert() {
    alertBox().hidden = true;
  }

  function describeStatus(status) {
    if (status === 403) {
      return 'The change was refused because this page is out of date or your session ended. Reload the page and try again.';
    }
    if (status === 404) {
      return 'That todo no longer exists: it was probably deleted in another tab or window. It has been removed from this list.';
    }
    if (status >= 500) {
      return `The server had a problem (error ${status}), so your change was probably not saved. Try again in a moment.`;
    }
    return `The request failed (error ${status}).`;
  }

  // Where focus goes when a row disappears: the next row, else the previous one, else the form.
  function neighbourOf(row) {
    const sibling = (start, step) => {
      let el = start;
      while (el && !(el.matches('li.todo'))) el = el[step];
      return el;
    };
    const other = sibling(row.nextElementSibling, 'nextElementSibling') || sibling(row.previousElementSibling, 'previousElementSibling');
    return other ? other.querySelector('.title, input') : document.getElementById('add-title');
  }

  function removeRow(row) {
    const next = neighbourOf(row);
    row.remove();
    if (next) next.focus();
  }

  document.addEventListener('htmx:beforeRequest', (event) => {
    event.detail.elt.setAttribute('aria-busy', 'true');
  });

  document.addEventListener('htmx:afterRequest', (event) => {
    event.detail.elt.removeAttribute('aria-busy');
    if (event.detail.successful) hideAlert();
  });

  document.addEventListener('htmx:responseError', (event) => {
    const status = event.detail.xhr.status;
    showAlert(describeStatus(status));
    const row = event.detail.elt.closest('li.todo');
    if (status === 404 && row) removeRow(row);
  });

  document.addEventListener('htmx:sendError', () => {
    showAlert('Could not reach the server: check your connection and try again. Your change may not have been saved.');
  });

  document.addEventListener('htmx:timeout', () => {
    showAlert('The server took too long to answer, so your change may not have been saved. Try again.');
  });

  // A deleted row takes its form with it, and events on detached elements do not reach the
  // document, so the neighbour is picked before the swap and focused once it is done.
  document.addEventListener('htmx:beforeSwap', (event) => {
    const target = event.detail.target;
    if (event.detail.requestConfig.verb === 'delete' && target.matches('li.todo')) {
      const next = neighbourOf(target);
      setTimeout(() => {
        if (next && next.isConnected && !target.isConnected) next.focus();
      }, 0);
    }
  });

  document.addEventListener('htmx:afterSettle', (event) => {
    // A new item is the first row: make sure it is on screen.
    if (event.detail.target.id === 'todos' && event.detail.requestConfig.verb === 'post') {
      const first = event.detail.target.querySelector('li.todo');
      if (first) first.scrollIntoView({ block: 'nearest' });
    }
  });

  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    const form = event.target.closest && event.target.closest('.edit-form');
    if (!form) return;
    event.preventDefault();
    form.querySelector('.cancel').click();
  });

  document.addEventListener('click', (event) => {
    if (event.target.closest('.alert-close')) hideAlert();
  });
})();
