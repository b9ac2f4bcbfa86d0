// The ageing-friendly check's parts, shared by ageing.test.js (the app's pages) and limits.test.js
// (the check itself, shown to fail): a fixture rendered into a standalone HTML document, the
// documents measured in Chromium (measure.js), and what breaks the limits in a page's figures.
const path = require('path');
const { execFileSync } = require('child_process');
const harness = require('./harness');
const { fakeServer, settle } = require('../helpers');

// In care mode no text under 18 px and body text 20 px or more; in both modes a contrast of
// 4.5:1 and tap targets of 44 × 44 px.
const LIMITS = { careText: 18, careBody: 20, contrast: 4.5, target: 44 };

// render renders a fixture (fixtures.js) in a mode ('normal' or 'care') into an HTML document.
async function render(fixture, mode) {
  global.resetWx();
  Object.keys(fixture.storage).forEach((k) => wx.setStorageSync(k, fixture.storage[k]));
  wx.setStorageSync('linli.careMode', mode === 'care');
  fakeServer(fixture.routes);
  const comp = harness.render(fixture.name);
  await fixture.open(comp);
  for (let i = 0; i < 4; i += 1) await settle();
  const html = harness.html(fixture.name, comp, fixture.name + (fixture.variant ? ' ' + fixture.variant : '') + ' (' + mode + ')');
  comp.detach();
  return html;
}

// measure lays out HTML files in Chromium and answers their figures by file name (no .html).
function measure(files) {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'measure.js')].concat(files), { encoding: 'utf8', maxBuffer: 64 << 20 });
  return JSON.parse(out);
}

const where = (x) => '"' + x.text + '"' + (x.path ? ' (' + x.path + ')' : '');

// breaks lists what in a page's figures is under the limits, by kind: texts too small (care mode
// only), texts of too low a contrast, tap targets too small.
function breaks(figures, mode) {
  const small = mode !== 'care' ? [] : figures.texts
    .filter((t) => t.size < LIMITS.careText || (!t.secondary && t.size < LIMITS.careBody))
    .map((t) => t.size + 'px ' + (t.secondary ? 'secondary ' : 'body ') + where(t));
  const low = figures.texts
    .filter((t) => t.contrast < LIMITS.contrast)
    .map((t) => t.contrast.toFixed(2) + ':1 ' + t.color + ' on ' + t.background + ' ' + where(t));
  const tiny = figures.targets
    .filter((t) => t.height < LIMITS.target || t.width < LIMITS.target)
    .map((t) => t.width + '×' + t.height + ' ' + where(t));
  return { small, low, tiny };
}

module.exports = { LIMITS, render, measure, breaks };
