// The ageing-friendly check can fail: pages rendered as ageing.test.js renders them, then made to
// break a limit the way the app did before it was fixed (care mode not reaching TDesign, TDesign's
// own grey placeholders and washed-out disabled buttons, a switch and chips of TDesign's size),
// are measured, and each breakage is found where it is. Their screenshots are kept in
// miniprogram/.shots/ as limits-*.png.
const fs = require('fs');
const path = require('path');
const fixtures = require('./fixtures');
const { render, measure, breaks } = require('./check');

const SHOTS = path.join(__dirname, '..', '..', '.shots');
const fixture = (name) => fixtures.find((f) => f.name === name && !f.variant);

// The app's care-mode rule for TDesign (.care { --td-font-size-*: ...; }), as compiled for a page.
const CARE_TOKENS = /\.main--care\{font-size:[^}]*--td-font-size-base[^}]*\}/;

// Each case: a page, a mode, how it is broken, and what the check must then find.
const cases = {
  // Care mode without its TDesign tokens: TDesign's buttons stay at 16 px, its input labels at 14.
  'care mode not reaching TDesign': {
    page: 'family/form', mode: 'care', kind: 'small', where: /t-button|t-input/,
    spoil: (html) => {
      if (!CARE_TOKENS.test(html)) throw new Error('the care-mode tokens were not found in the page');
      return html.replace(CARE_TOKENS, '.main--care{font-size:20px}');
    },
  },
  // TDesign's own colours: placeholders at rgba(0, 0, 0, .4), 2.9:1.
  'grey placeholders': {
    page: 'family/form', mode: 'normal', kind: 'low', where: /placeholder/,
    spoil: (html) => html.replace('</head>', '<style>body{--td-text-color-placeholder:rgba(0,0,0,.4) !important}</style></head>'),
  },
  // TDesign's disabled primary button: white on light blue, 1.7:1.
  'washed-out disabled buttons': {
    page: 'canteen', mode: 'care', kind: 'low', where: /不能预订/,
    spoil: (html) => html.replace('</head>', '<style>body{--td-button-primary-disabled-bg:#b5c7ff !important;'
      + '--td-button-primary-disabled-color:#fff !important;--td-button-primary-disabled-border-color:#b5c7ff !important}</style></head>'),
  },
  // A switch of TDesign's size (28 px) and day chips of about 37 px.
  'small switch': {
    page: 'family/form', mode: 'normal', kind: 'tiny', where: /switch/,
    spoil: (html) => html.replace('</head>', '<style>.main--switch{padding:0 !important}</style></head>'),
  },
  'small chips': {
    page: 'canteen', mode: 'normal', kind: 'tiny', where: /chip/,
    spoil: (html) => html.replace('</head>', '<style>.main--chip{min-height:0 !important;padding:8px 14px !important}</style></head>'),
  },
};

let found = null;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const rendered = {};
  const files = [];
  for (const [name, c] of Object.entries(cases)) {
    const key = c.page + ' ' + c.mode;
    if (!rendered[key]) {
      rendered[key] = await render(fixture(c.page), c.mode);
      const file = path.join(SHOTS, 'limits-' + c.page.replace(/\//g, '-') + '-' + c.mode + '.html');
      fs.writeFileSync(file, rendered[key]);
      files.push(file);
    }
    const file = path.join(SHOTS, 'limits-' + name.toLowerCase().replace(/[^a-z]+/g, '-') + '.html');
    fs.writeFileSync(file, c.spoil(rendered[key]));
    files.push(file);
  }
  found = measure(files);
}, 120000);

test('the pages as they are pass', () => {
  for (const [name, c] of Object.entries(cases)) {
    const r = breaks(found['limits-' + c.page.replace(/\//g, '-') + '-' + c.mode], c.mode);
    expect([name, r.small, r.low, r.tiny]).toEqual([name, [], [], []]);
  }
});

test.each(Object.keys(cases))('%s: found', (name) => {
  const c = cases[name];
  const r = breaks(found['limits-' + name.toLowerCase().replace(/[^a-z]+/g, '-')], c.mode);
  expect(r[c.kind].length).toBeGreaterThan(0);
  expect(r[c.kind].join('\n')).toMatch(c.where);
});
