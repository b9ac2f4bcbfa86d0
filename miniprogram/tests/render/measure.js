// Opens rendered pages (HTML files named on the command line) in Debian's headless Chromium at a
// 375 px wide phone, takes a full-page screenshot of each beside it (NAME.png), and prints, as
// JSON by page, every visible text (its size, whether it is secondary text, its colour, the
// colour behind it and their contrast) and every tap target (its size). Run by ageing.test.js;
// nothing is downloaded: the pages are local and any other request is refused.
const path = require('path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

// Runs in the page.
function measure() {
  // Secondary text: notes, hints, descriptions, placeholders, tags. All other text is body text.
  const SECONDARY = ['muted', 'hint', 'error', 'consent', 't-cell__description', 't-cell__note', 't-tag', 't-loading__text',
    't-input__tips', 't-textarea__indicator', 'wx-placeholder'];
  // Class names as written in the page or component (miniprogram-simulate prefixes them).
  const names = (el) => Array.from(el.classList).map((c) => c.replace(/^.+?--/, ''));
  const describe = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 3; e = e.parentElement) {
      const n = names(e).filter((c) => c !== 'tap-target');
      parts.unshift(e.localName.replace(/^wx-/, '') + (n.length ? '.' + n.slice(0, 2).join('.') : ''));
    }
    return parts.join(' > ');
  };
  const parse = (c) => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) throw new Error('colour not understood: ' + c);
    const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, bottom) => {
    const a = top.a + bottom.a * (1 - top.a);
    if (!a) return { r: 0, g: 0, b: 0, a: 0 };
    const mix = (k) => (top[k] * top.a + bottom[k] * bottom.a * (1 - top.a)) / a;
    return { r: mix('r'), g: mix('g'), b: mix('b'), a };
  };
  const luminance = (c) => {
    const ch = (v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
  };
  const hex = (c) => '#' + [c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  // The colours of an element's text and of what is behind it, as painted: the backgrounds of
  // its ancestors over the white canvas, through any opacity on the way.
  const painted = (el) => {
    const chain = [];
    for (let e = el; e; e = e.parentElement) chain.unshift(e);
    const groups = [];
    let below = { r: 255, g: 255, b: 255, a: 1 };
    chain.forEach((e) => {
      const s = getComputedStyle(e);
      const op = Number(s.opacity);
      if (op < 1) {
        groups.push({ op, below });
        below = { r: 0, g: 0, b: 0, a: 0 };
      }
      below = over(parse(s.backgroundColor), below);
    });
    let text = over(parse(getComputedStyle(el).color), below);
    let back = below;
    for (let i = groups.length - 1; i >= 0; i -= 1) {
      const g = groups[i];
      text = over(Object.assign({}, text, { a: text.a * g.op }), g.below);
      back = over(Object.assign({}, back, { a: back.a * g.op }), g.below);
    }
    return { text, back };
  };
  const visible = (el) => el.checkVisibility({ opacityProperty: true, visibilityProperty: true });

  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.nodeValue.replace(/\s+/g, ' ').trim();
    const el = node.parentElement;
    if (!text || !el || !visible(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if (!Array.from(range.getClientRects()).some((r) => r.width > 0 && r.height > 0)) continue;
    const s = getComputedStyle(el);
    const { text: fg, back } = painted(el);
    const l1 = luminance(fg);
    const l2 = luminance(back);
    let secondary = false;
    for (let e = el; e && !secondary; e = e.parentElement) {
      secondary = names(e).some((c) => SECONDARY.includes(c));
    }
    texts.push({
      text: text.slice(0, 40),
      size: Math.round(parseFloat(s.fontSize) * 100) / 100,
      weight: Number(s.fontWeight),
      secondary,
      color: hex(fg),
      background: hex(back),
      contrast: Math.round(((Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05)) * 100) / 100,
      path: describe(el),
    });
  }

  const targets = [];
  document.querySelectorAll('[class*="tap-target"]').forEach((el) => {
    if (!names(el).includes('tap-target') || !visible(el)) return;
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) return;
    targets.push({
      text: (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 30),
      width: Math.round(r.width * 10) / 10,
      height: Math.round(r.height * 10) / 10,
      path: describe(el),
    });
  });
  return { texts, targets };
}

async function main(files) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, locale: 'zh-CN' });
    await context.route(/^(https?|wss?):/, (route) => route.abort());
    const page = await context.newPage();
    const out = {};
    for (const file of files) {
      await page.goto('file://' + path.resolve(file));
      await page.evaluate(() => document.fonts.ready);
      out[path.basename(file, '.html')] = await page.evaluate(measure);
      await page.screenshot({ path: file.replace(/\.html$/, '.png'), fullPage: true, animations: 'disabled' });
    }
    process.stdout.write(JSON.stringify(out));
  } finally {
    await browser.close();
  }
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(String((e && e.stack) || e) + '\n');
  process.exit(1);
});
