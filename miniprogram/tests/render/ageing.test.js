// The ageing-friendly check (适老化): the main pages, in normal and in care mode (关怀模式),
// rendered with TDesign's real components and stylesheets (harness.js) and laid out by Chromium
// (measure.js), which measures every visible text and tap target. It fails when
//   - in care mode, any text is under 18 px, or body text under 20 px;
//   - in either mode, text contrast is under 4.5:1 against what is behind it;
//   - in either mode, a tap target is under 44 × 44 px.
// (limits.test.js shows it failing on pages made to break them.) Screenshots and the rendered
// HTML stay in miniprogram/.shots/ for a person to look at.
const fs = require('fs');
const path = require('path');
const fixtures = require('./fixtures');
const { LIMITS, render, measure, breaks } = require('./check');

const SHOTS = path.join(__dirname, '..', '..', '.shots');
const MODES = ['normal', 'care'];

const label = (f) => f.name + (f.variant ? ' (' + f.variant + ')' : '');
const slug = (f, mode) => f.name.replace(/\//g, '-') + (f.variant ? '-' + f.variant : '') + '-' + mode;
let results = null;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const files = [];
  for (const fixture of fixtures) {
    for (const mode of MODES) {
      const file = path.join(SHOTS, slug(fixture, mode) + '.html');
      fs.writeFileSync(file, await render(fixture, mode));
      files.push(file);
    }
  }
  results = measure(files);
}, 180000);

test('every page of app.json is rendered', () => {
  const app = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'app.json'), 'utf8'));
  const pages = app.pages.map((p) => p.replace(/^pages\//, '').replace(/\/index$/, ''));
  expect(pages.filter((p) => !fixtures.some((f) => f.name === p))).toEqual([]);
});

const cases = [];
fixtures.forEach((f) => MODES.forEach((mode) => cases.push([label(f), mode, f])));

describe.each(cases)('%s, %s mode', (name, mode, fixture) => {
  const r = () => results[slug(fixture, mode)];
  const all = () => r().texts.map((t) => t.text).join('');

  if (fixture.variant === 'loading') {
    test('shows that it is loading', () => {
      expect(all()).toContain('加载中');
    });
  } else {
    test('shows its content', () => {
      expect(r().texts.length).toBeGreaterThan(fixture.variant === 'empty' ? 1 : 3);
      expect(all()).not.toContain('加载中');
      expect(all()).not.toContain('没有加载成功');
      (fixture.shows || []).forEach((text) => expect(all()).toContain(text));
    });
  }

  if (mode === 'care') {
    test('text is at least ' + LIMITS.careText + ' px, body text ' + LIMITS.careBody + ' px', () => {
      expect(breaks(r(), mode).small).toEqual([]);
    });
  }

  test('text contrast is at least ' + LIMITS.contrast + ':1', () => {
    expect(breaks(r(), mode).low).toEqual([]);
  });

  test('tap targets are at least ' + LIMITS.target + ' × ' + LIMITS.target + ' px', () => {
    if (fixture.variant !== 'loading') expect(r().targets.length).toBeGreaterThan(0);
    expect(breaks(r(), mode).tiny).toEqual([]);
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
