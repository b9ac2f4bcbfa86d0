// The ageing-friendly check (适老化): the main pages, in normal and in care mode (关怀模式),
// rendered with TDesign's real components and stylesheets (harness.js) and laid out by Chromium
// (measure.js), which measures every visible text and tap target. It fails when
//   - in care mode, any text is under 18 px, or body text under 20 px;
//   - in either mode, text contrast is under 4.5:1 against what is behind it;
//   - in either mode, a tap target is under 44 × 44 px.
// Screenshots and the rendered HTML stay in miniprogram/.shots/ for a person to look at.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const harness = require('./harness');
const fixtures = require('./fixtures');
const { fakeServer, settle } = require('../helpers');

const LIMITS = { careText: 18, careBody: 20, contrast: 4.5, target: 44 };
const SHOTS = path.join(__dirname, '..', '..', '.shots');
const MODES = ['normal', 'care'];

const slug = (name, mode) => name.replace(/\//g, '-') + '-' + mode;
let results = null;

async function renderPage(fixture, mode) {
  global.resetWx();
  Object.keys(fixture.storage).forEach((k) => wx.setStorageSync(k, fixture.storage[k]));
  wx.setStorageSync('linli.careMode', mode === 'care');
  fakeServer(fixture.routes);
  const comp = harness.render(fixture.name);
  await fixture.open(comp);
  for (let i = 0; i < 4; i += 1) await settle();
  const html = harness.html(fixture.name, comp, fixture.name + ' (' + mode + ')');
  comp.detach();
  return html;
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const files = [];
  for (const fixture of fixtures) {
    for (const mode of MODES) {
      const file = path.join(SHOTS, slug(fixture.name, mode) + '.html');
      fs.writeFileSync(file, await renderPage(fixture, mode));
      files.push(file);
    }
  }
  const out = execFileSync(process.execPath, [path.join(__dirname, 'measure.js')].concat(files), { encoding: 'utf8', maxBuffer: 64 << 20 });
  results = JSON.parse(out);
}, 120000);

const cases = [];
fixtures.forEach((f) => MODES.forEach((mode) => cases.push([f.name, mode])));

const where = (x) => '"' + x.text + '"' + (x.path ? ' (' + x.path + ')' : '');

describe.each(cases)('%s, %s mode', (name, mode) => {
  const r = () => results[slug(name, mode)];

  test('shows its content', () => {
    expect(r().texts.length).toBeGreaterThan(3);
    const all = r().texts.map((t) => t.text).join('');
    expect(all).not.toContain('加载中');
    expect(all).not.toContain('没有加载成功');
  });

  if (mode === 'care') {
    test('text is at least ' + LIMITS.careText + ' px, body text ' + LIMITS.careBody + ' px', () => {
      const small = r().texts
        .filter((t) => t.size < LIMITS.careText || (!t.secondary && t.size < LIMITS.careBody))
        .map((t) => t.size + 'px ' + (t.secondary ? 'secondary ' : 'body ') + where(t));
      expect(small).toEqual([]);
    });
  }

  test('text contrast is at least ' + LIMITS.contrast + ':1', () => {
    const low = r().texts
      .filter((t) => t.contrast < LIMITS.contrast)
      .map((t) => t.contrast.toFixed(2) + ':1 ' + t.color + ' on ' + t.background + ' ' + where(t));
    expect(low).toEqual([]);
  });

  test('tap targets are at least ' + LIMITS.target + ' × ' + LIMITS.target + ' px', () => {
    expect(r().targets.length).toBeGreaterThan(0);
    const small = r().targets
      .filter((t) => t.height < LIMITS.target || t.width < LIMITS.target)
      .map((t) => t.width + '×' + t.height + ' ' + where(t));
    expect(small).toEqual([]);
  });
});

afterAll(() => {
  if (!results) return;
  // The figures, per mode: the smallest text (body and all), the lowest contrast, the smallest target.
  const rows = MODES.map((mode) => {
    const all = Object.keys(results).filter((k) => k.endsWith('-' + mode)).map((k) => results[k]);
    const texts = [].concat(...all.map((x) => x.texts));
    const targets = [].concat(...all.map((x) => x.targets));
    const min = (xs, f) => Math.min(...xs.map(f));
    return mode + ': smallest text ' + min(texts, (t) => t.size) + ' px, smallest body text '
      + min(texts.filter((t) => !t.secondary), (t) => t.size) + ' px, lowest contrast '
      + min(texts, (t) => t.contrast).toFixed(2) + ':1, smallest target '
      + min(targets, (t) => Math.min(t.width, t.height)) + ' px (' + targets.length + ' targets, ' + texts.length + ' texts)';
  });
  fs.writeFileSync(path.join(SHOTS, 'figures.txt'), rows.join('\n') + '\n');
});
