// Screen readers (WeChat's 读屏) read a tappable view as what its aria-role and aria-label say:
// every view, text or image a page makes tappable says what it is, and one without text of its
// own (an image, a ✕) says what it does.
const fs = require('fs');
const path = require('path');
const wxmlParser = require('@wxml/parser');

const root = path.join(__dirname, '..');
const dirs = ['pages', 'components'].map((d) => path.join(root, d));
const TAP = /^(bind|catch|mut-bind):?(tap|longpress|longtap)$/;
const NATIVE = ['view', 'text', 'image', 'cover-view', 'cover-image'];

function wxmlFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return wxmlFiles(p);
    return p.endsWith('.wxml') ? [p] : [];
  });
}

const hasText = (node) => (node.children || []).some((c) => (c.type === 'WXText' && c.value.trim()) || c.type === 'WXInterpolation' || (c.type === 'WXElement' && hasText(c)));

// problems lists the tappable native elements of a wxml source without aria-role, or without
// aria-label when they hold no text; and the `role` attribute, which WeChat does not read.
function problems(source) {
  const out = [];
  const walk = (nodes) => nodes.forEach((n) => {
    if (n.type !== 'WXElement') return;
    const attrs = n.startTag.attributes || [];
    const keys = attrs.map((a) => a.key);
    const line = n.loc.start.line;
    if (keys.includes('role')) out.push(line + ': <' + n.name + '> has role, WeChat reads aria-role');
    if (NATIVE.includes(n.name) && keys.some((k) => TAP.test(k))) {
      if (!keys.includes('aria-role')) out.push(line + ': tappable <' + n.name + '> without aria-role');
      if (!keys.includes('aria-label') && !hasText(n)) out.push(line + ': tappable <' + n.name + '> without text or aria-label');
    }
    walk(n.children || []);
  });
  walk(wxmlParser.parse(source).body);
  return out;
}

test('the check finds a tappable view without aria-role, and an image without aria-label', () => {
  expect(problems('<view bindtap="go">去</view>')).toEqual(['1: tappable <view> without aria-role']);
  expect(problems('<image src="a" bind:longpress="rm" aria-role="button" />')).toEqual(['1: tappable <image> without text or aria-label']);
  expect(problems('<view role="button" aria-role="button" catch:tap="x"><text>好</text></view>')).toEqual(['1: <view> has role, WeChat reads aria-role']);
  expect(problems('<view aria-role="button" bind:tap="go"><text>去</text></view><view>不点</view>')).toEqual([]);
});

test('every tappable view, text and image of the pages and the app’s components has aria-role (and a label when it has no text)', () => {
  const files = dirs.flatMap(wxmlFiles);
  expect(files.some((f) => f.includes(path.sep + 'components' + path.sep))).toBe(true);
  const found = files.flatMap((file) => problems(fs.readFileSync(file, 'utf8')).map((p) => path.relative(root, file) + ':' + p));
  expect(found).toEqual([]);
});
