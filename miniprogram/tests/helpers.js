const fs = require('fs');
const path = require('path');
const simulate = require('miniprogram-simulate');
// As app.js does at launch: the session module gives the API client its tokens.
require('../utils/session');

// fakeServer answers wx.request from a table of "METHOD /path" → handler(opts) → [status, body],
// and records every call.
function fakeServer(routes) {
  const calls = [];
  global.server = (opts) => {
    const url = opts.url.replace(/^.*\/api\/v1/, '');
    const key = opts.method + ' ' + url.split('?')[0];
    calls.push({ key, url, data: opts.data, header: opts.header });
    const handler = routes[key];
    if (!handler) {
      return { statusCode: 404, data: { error: { code: 'not_found', message: '内容不存在', request_id: 'r' } } };
    }
    const out = handler(opts, calls);
    if (out === 'network') return out;
    return { statusCode: out[0], data: out[1] };
  };
  return calls;
}

const loginRoute = (user) => () => [200, { token: 'lt_token', expires_at: '2026-12-26T10:00:00+08:00', user }];

// TDesign's components are declared app-wide in app.json; the tests stand a plain component in
// for each, showing its text properties (placeholder and description too) and its slot. The
// app's own components declared there (the privacy popup) are loaded as they are.
const appWide = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'app.json'), 'utf8')).usingComponents;
const tdesign = Object.keys(appWide).filter((tag) => appWide[tag].indexOf('tdesign-miniprogram/') === 0);
const own = Object.keys(appWide).filter((tag) => tdesign.indexOf(tag) < 0);
let stubs = null;

function stubComponents() {
  if (!stubs) {
    stubs = {};
    for (const tag of own) {
      stubs[tag] = simulate.load(path.join(__dirname, '..', appWide[tag]), { compiler: 'simulate' });
    }
    for (const tag of tdesign) {
      stubs[tag] = simulate.load({
        template: '<view class="' + tag + '">{{title}}{{note}}{{text}}{{label}}{{description}}{{placeholder}}<slot/></view>',
        properties: {
          title: String, note: String, text: String, label: String, description: String,
          placeholder: String, value: null, loading: Boolean, theme: String, size: String, variant: String,
          block: Boolean, openType: String,
        },
      });
    }
  }
  return stubs;
}

// page loads a Component-style page from pages/NAME/index and attaches it.
const loaded = {};

function page(name) {
  if (!loaded[name]) {
    loaded[name] = simulate.load(path.join(__dirname, '..', 'pages', name, 'index'), {
      compiler: 'simulate',
      usingComponents: stubComponents(),
    });
  }
  const id = loaded[name];
  const comp = simulate.render(id);
  comp.attach(document.createElement('parent-wrapper'));
  return comp;
}

const flush = () => new Promise((r) => setTimeout(r, 5));

async function settle() {
  for (let i = 0; i < 5; i += 1) {
    await flush();
  }
}

// wxCalls starts recording the order of calls to the wx mocks: the function it answers lists the
// names called since, in order. Synchronous storage reads are left out: they do not leave the
// tap's call stack, which is what WeChat checks for wx.requestSubscribeMessage.
function wxCalls() {
  const probe = jest.fn();
  probe();
  const mark = probe.mock.invocationCallOrder[0];
  return () => {
    const seen = [];
    Object.keys(wx).forEach((name) => {
      const fn = wx[name];
      if (!fn.mock || name === 'getStorageSync') return;
      fn.mock.invocationCallOrder.forEach((n) => {
        if (n > mark) seen.push([n, name]);
      });
    });
    return seen.sort((a, b) => a[0] - b[0]).map((x) => x[1]);
  };
}

// tapAsksFirst runs a tap handler the way WeChat does (not awaited) and checks that it called
// wx.requestSubscribeMessage at once, before its first await, as its first wx call, and that its
// requests to the server came after. It answers the wx calls the handler made, in order.
async function tapAsksFirst(handler) {
  const order = wxCalls();
  const done = handler();
  // Synchronously: the handler has not yet awaited anything.
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
  expect(order()[0]).toBe('requestSubscribeMessage');
  await done;
  await settle();
  const all = order();
  expect(all[0]).toBe('requestSubscribeMessage');
  expect(all.indexOf('request')).toBeGreaterThan(0);
  return all;
}

module.exports = { fakeServer, loginRoute, page, settle, wxCalls, tapAsksFirst };
