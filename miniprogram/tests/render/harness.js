// Renders a page with miniprogram-simulate and TDesign's real components into a standalone HTML
// document that a browser lays out as the phone would: every stylesheet the page gets in WeChat
// (app.wxss, the page's wxss, each TDesign component's wxss), with rpx at a 375 px wide phone.
//
// miniprogram-simulate scopes class names per component: a class `card` written in a page is
// rendered `main--card`, one written in TDesign's button `t-button--t-button`, and each wxss is
// compiled with the same prefix, so selectors and elements meet as in WeChat. What it leaves out,
// and this file adds:
// - the app-wide components of app.json (it reads only the page's own json);
// - app.wxss (compiled with the page's prefix, as WeChat applies it to every page);
// - rpx: it turns 1rpx into 1px, where a 375 px phone has 750rpx: 1rpx = 0.5px;
// - a `class` given to a TDesign component: TDesign's components are virtual hosts, whose `class`
//   WeChat passes on as the external class `class`; miniprogram-simulate drops it;
// - WXS modules given by src, and TDesign's icon template (it renders neither);
// - what WeChat's native elements show by themselves: an image's picture, an input's value or
//   placeholder, and their default styles (base.css); and the QR codes TDesign draws on a canvas.
// Not rendered: app and page styles reaching inside TDesign's components (their apply-shared
// isolation; the pages style TDesign only through its tokens and its root's class, both
// rendered), and TDesign's icon font (fetched from the Internet; icons.css draws a few icons).
// It also marks every element a finger is meant to hit with the class `tap-target` (see
// markTargets), which no stylesheet uses, so the browser can measure them.
const fs = require('fs');
const path = require('path');
const simulate = require('miniprogram-simulate');
require('../../utils/session');
const su = require('miniprogram-simulate/src/utils');
const wxss = require('miniprogram-simulate/src/wxss');
const exparser = require('miniprogram-exparser');
const wxmlParser = require('@wxml/parser');
const useQRCode = require('tdesign-miniprogram/qrcode/hooks/useQRCode').default;

const root = path.join(__dirname, '..', '..');
const pagesDir = path.join(root, 'pages');
const componentsDir = path.join(root, 'components');
const app = JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8'));
const npm = path.join(root, 'miniprogram_npm', 'tdesign-miniprogram');
if (!fs.existsSync(npm)) {
  throw new Error('miniprogram_npm/ is missing: run `npm run npm:assemble` first');
}

// The phone: 375 px wide, so 750rpx = 375px.
const WIDTH = 375;
const rpx = (css) => css.replace(/(\d*\.?\d+)rpx/g, (_, n) => +(Number(n) * WIDTH / 750).toFixed(3) + 'px');
su.transformRpx = rpx;

// app.json's components, for every page (paths from the project root, as WeChat resolves them).
const appComponents = {};
Object.keys(app.usingComponents).forEach((tag) => {
  const at = app.usingComponents[tag];
  appComponents[tag] = at.startsWith('/') ? at : '/miniprogram_npm/' + at;
});
const readJson = su.readJson;
su.readJson = (file) => {
  const json = readJson(file);
  if (json && file.startsWith(pagesDir + path.sep)) {
    json.usingComponents = Object.assign({}, appComponents, json.usingComponents);
  }
  return json;
};

// miniprogram-simulate runs a component's js with require and then deletes it from require's
// cache so that the next page registers it again; jest keeps its own registry, so the components
// (TDesign's and the app's own), registered again for each page, run isolated instead. A page
// runs once, with the modules of the app (utils/session.js, required at launch, gives the API
// client its tokens).
const componentDirs = [path.join(root, 'miniprogram_npm') + path.sep, path.join(root, 'components') + path.sep];
su.runJs = (file) => (componentDirs.some((d) => file.startsWith(d)) ? jest.isolateModules(() => require(file)) : require(file));

// A virtual host's `class` goes to its external class `class`, as in WeChat.
(function passClassOn() {
  let d = null;
  for (let p = exparser.Component.prototype; p && !d; p = Object.getPrototypeOf(p)) {
    d = Object.getOwnPropertyDescriptor(p, 'class');
  }
  Object.defineProperty(exparser.Component.prototype, 'class', {
    configurable: true,
    get: d.get,
    set(value) {
      d.set.call(this, value);
      const opts = this.__componentOptions;
      if (opts && opts.virtualHost && this.hasExternalClass('class')) {
        this.setExternalClass('class', value);
      }
    },
  });
}());

// What a finger is meant to hit: elements with a tap or long-press handler, and the components
// that are tapped by nature (buttons, switches, inputs, pickers, cells that open something).
const TAP_ATTRS = /^(bind|catch|mut-bind):?(tap|longpress|longtap)$/;
function tappable(tag, attrs) {
  const keys = attrs.map((a) => a.key);
  if (keys.some((k) => TAP_ATTRS.test(k))) return true;
  if (['t-button', 't-switch', 't-input', 't-textarea', 'picker', 'button'].includes(tag)) return true;
  if (tag === 't-cell') return keys.includes('arrow') || keys.some((k) => /^(bind|catch):?click$/.test(k));
  if (tag === 't-tag') return keys.some((k) => /^(bind|catch):?(click|tap)$/.test(k));
  return false;
}

// markTargets adds the class tap-target to each tappable element of a page's wxml (or of one of
// the app's own components).
function markTargets(source) {
  const edits = [];
  const walk = (nodes) => nodes.forEach((n) => {
    if (n.type !== 'WXElement') return;
    const attrs = n.startTag.attributes || [];
    if (tappable(n.name, attrs)) {
      const cls = attrs.find((a) => a.key === 'class');
      if (cls) {
        edits.push([cls.start + 'class='.length + 1, 'tap-target ']);
      } else {
        edits.push([n.startTag.start + 1 + n.name.length, ' class="tap-target"']);
      }
    }
    walk(n.children || []);
  });
  walk(wxmlParser.parse(source).body);
  let out = source;
  edits.sort((a, b) => b[0] - a[0]).forEach(([at, text]) => {
    out = out.slice(0, at) + text + out.slice(at);
  });
  return out;
}
// WXS modules given by src (miniprogram-simulate runs only inline ones), with what WXS has and
// JavaScript has not: getRegExp, getDate, and `x.constructor` answering the type's name.
const wxsModules = {};
const typeName = (v) => Object.prototype.toString.call(v).slice(8, -1);
function loadWxs(file) {
  if (!wxsModules[file]) {
    const mod = { exports: {} };
    wxsModules[file] = mod;
    const src = fs.readFileSync(file, 'utf8')
      .replace(/([A-Za-z_$][\w$]*(?:\[[^\]]*\]|\.[A-Za-z_$][\w$]*)*)\.constructor\b/g, '__type($1)');
    new Function('require', 'module', 'exports', 'getRegExp', 'getDate', '__type', src)(
      (p) => loadWxs(path.resolve(path.dirname(file), p)).exports, mod, mod.exports,
      (p, f) => new RegExp(p, f), (...a) => new Date(...a), typeName,
    );
  }
  return wxsModules[file].exports;
}
global.__wxs = loadWxs;

// TDesign's one template, "icon" (common/template/icon.wxml), written out as the t-icon it is
// (miniprogram-simulate renders no template): each of its attributes from the data given, where
// a spread object (`...x`) wins over the keys before it, as in JavaScript.
const ICON_ATTRS = { style: 'style', 't-class': 'tClass', prefix: 'prefix', name: 'name', size: 'size', color: 'color', 'aria-hidden': 'ariaHidden', 'aria-label': 'ariaLabel', 'aria-role': 'ariaRole' };
function splitTop(expr) {
  const out = [];
  let depth = 0;
  let quote = '';
  let cur = '';
  for (const ch of expr) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if ('([{'.includes(ch)) {
      depth += 1;
    } else if (')]}'.includes(ch)) {
      depth -= 1;
    } else if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
function iconTemplate(attrs) {
  const cond = /(wx:(?:if|elif|else)(?:="[^"]*")?)/.exec(attrs);
  const data = /data="\{\{([\s\S]*)\}\}"/.exec(attrs)[1];
  const keys = {};
  const spreads = [];
  splitTop(data).forEach((part) => {
    if (part.startsWith('...')) {
      spreads.push(part.slice(3).trim());
    } else {
      const i = part.indexOf(':');
      keys[part.slice(0, i).trim()] = part.slice(i + 1).trim();
    }
  });
  let out = '<t-icon' + (cond ? ' ' + cond[1] : '');
  Object.keys(ICON_ATTRS).forEach((attr) => {
    const key = ICON_ATTRS[attr];
    const alts = spreads.map((s) => s + '.' + key);
    if (keys[key]) alts.push('(' + keys[key] + ')');
    out += ' ' + attr + '="{{' + alts.concat(["''"]).join(' || ') + '}}"';
  });
  return out + '/>';
}

function wxmlFor(file, text) {
  const out = text
    .replace(/<wxs\s([^>]*?)\/?>(\s*<\/wxs>)?/g, (all, attrs) => {
      const src = /src="([^"]+)"/.exec(attrs);
      const mod = /module="([^"]+)"/.exec(attrs);
      if (!src) return all;
      return '<wxs module="' + mod[1] + '">module.exports = __wxs(' + JSON.stringify(path.resolve(path.dirname(file), src[1])) + ');</wxs>';
    })
    .replace(/<import\s[^>]*\/>/g, '')
    .replace(/<template\s([^>]*is="icon"[^>]*?)\/>/g, (all, attrs) => iconTemplate(attrs));
  return [pagesDir, componentsDir].some((d) => file.startsWith(d + path.sep)) ? markTargets(out) : out;
}
const readFile = su.readFile;
su.readFile = (file) => {
  const text = readFile(file);
  return text && file.endsWith('.wxml') ? wxmlFor(file, text) : text;
};

const loaded = {};

// load registers a page (pages/NAME/index) with TDesign's components, once.
function load(name) {
  if (!loaded[name]) {
    loaded[name] = simulate.load(path.join(pagesDir, name, 'index'), { compiler: 'simulate', rootPath: root });
  }
  return loaded[name];
}

// render attaches a new instance of a loaded page.
function render(name) {
  const comp = simulate.render(load(name));
  comp.attach(document.createElement('parent-wrapper'));
  return comp;
}

// The class prefix of the component whose template holds an exparser element.
function prefixOf(el) {
  const host = el.ownerShadowRoot && el.ownerShadowRoot.getHostNode();
  const p = host && host.__componentOptions && host.__componentOptions.classPrefix;
  return p ? p + '--' : '';
}

// attr is an attribute a native element was rendered with.
function attr(node, name) {
  const el = node.__wxElement;
  const found = el && el._vt && (el._vt.attrs || []).find((a) => a.name === name);
  return found ? found.value : undefined;
}

// nativeContent puts in the DOM what WeChat's native elements show by themselves.
function nativeContent(dom) {
  dom.querySelectorAll('wx-image').forEach((node) => {
    const src = attr(node, 'src');
    if (src) {
      // Written as the attribute: jsdom's style parser refuses data URLs.
      const size = /aspectFill/.test(attr(node, 'mode') || '') ? 'cover' : 'contain';
      node.setAttribute('style', (node.getAttribute('style') || '') + ';background-image:url("' + src + '");background-size:' + size);
    }
  });
  dom.querySelectorAll('wx-input, wx-textarea').forEach((node) => {
    const span = document.createElement('span');
    const value = attr(node, 'value');
    const placeholder = attr(node, 'placeholder');
    if (value !== undefined && value !== null && String(value) !== '') {
      span.textContent = String(value);
    } else if (placeholder) {
      const prefix = prefixOf(node.__wxElement);
      const classes = String(attr(node, 'placeholder-class') || '').split(/\s+/).filter(Boolean);
      span.textContent = placeholder;
      span.className = ['wx-placeholder'].concat(classes.map((c) => prefix + c)).join(' ');
      if (attr(node, 'placeholder-style')) span.setAttribute('style', attr(node, 'placeholder-style'));
    }
    node.appendChild(span);
  });
  // TDesign's QR code draws on a canvas, which nothing draws here: its modules, as TDesign
  // computes them for the value, are painted as a picture instead.
  dom.querySelectorAll('wx-canvas').forEach((node) => {
    const el = node.__wxElement;
    const host = el && el.ownerShadowRoot && el.ownerShadowRoot.getHostNode();
    const props = host && host.data;
    if (!props || typeof props.value !== 'string' || !props.value) return;
    const qr = useQRCode({ value: props.value, level: props.level || 'M', minVersion: 1, includeMargin: false, marginSize: 0, size: props.size });
    let cells = '';
    qr.cells.forEach((row, y) => row.forEach((on, x) => {
      if (on) cells += 'M' + x + ' ' + y + 'h1v1h-1z';
    }));
    const n = qr.numCells;
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ' + n + ' ' + n + '" shape-rendering="crispEdges">'
      + '<rect width="' + n + '" height="' + n + '" fill="' + (props.bgColor || '#fff') + '"/>'
      + '<path d="' + cells + '" fill="' + (props.color || '#000') + '"/></svg>';
    node.setAttribute('style', (node.getAttribute('style') || '') + ';background:url("data:image/svg+xml;utf8,'
      + encodeURIComponent(svg) + '") center / contain no-repeat');
  });
  dom.querySelectorAll('wx-scroll-view').forEach((node) => {
    if (attr(node, 'scroll-x')) node.style.overflowX = 'auto';
    if (attr(node, 'scroll-y')) node.style.overflowY = 'auto';
  });
}

// The page's stylesheet: app.wxss and the page's own in the page's scope, then the components'.
let appCss = null;
function styles(id) {
  if (appCss === null) {
    appCss = rpx(wxss.compile(fs.readFileSync(path.join(root, 'app.wxss'), 'utf8'), { prefix: 'main' }));
  }
  const own = document.querySelector('style#' + id);
  // WeChat's page is the body.
  return (appCss + (own ? own.innerHTML : '')).replace(/(^|[\s,}>+~])page(?=[\s,{.:>+~[])/g, '$1body');
}

const base = fs.readFileSync(path.join(__dirname, 'base.css'), 'utf8');
const icons = fs.readFileSync(path.join(__dirname, 'icons.css'), 'utf8');

// html is the standalone document of a rendered page.
function html(name, comp, title) {
  nativeContent(comp.dom);
  return '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>' + title + '</title>'
    + '<meta name="viewport" content="width=' + WIDTH + '">'
    + '<style>' + base + '</style><style>' + styles(load(name)) + '</style><style>' + icons + '</style></head><body>'
    + comp.dom.outerHTML + '</body></html>';
}

module.exports = { WIDTH, load, render, html, markTargets, tappable };
