// Driving a rendered page as a finger does: tap an element, change a picker or an input; each
// waits for the page to settle. And the wx calls the journeys need beyond tests/setup.js's.
const { settle } = require('./helpers');

['getLocation', 'chooseLocation', 'openLocation', 'showShareMenu'].forEach((name) => {
  // The simulator puts plain functions of its own on wx for some of them.
  if (!(wx[name] && wx[name].mock)) wx[name] = jest.fn();
});

function element(comp, selector, index) {
  const el = comp.querySelectorAll(selector)[index || 0];
  if (!el) {
    throw new Error('nothing rendered at ' + selector + ' (' + (index || 0) + ') in ' + comp.dom.innerHTML);
  }
  return el;
}

// tap taps the index-th element matching selector (default the first).
async function tap(comp, selector, index) {
  element(comp, selector, index).dispatchEvent('tap');
  await settle();
}

// change answers a picker, switch or input with value, as WeChat does (e.detail.value).
async function change(comp, selector, value) {
  element(comp, selector).dispatchEvent('change', { detail: { value } });
  await settle();
}

// shown tells whether something matching selector is rendered.
function shown(comp, selector) {
  return comp.querySelectorAll(selector).length > 0;
}

module.exports = { tap, change, shown, element };
