// Subscribe consents (微信订阅消息), asked at the moment a push will matter and only when it is
// useful. WeChat refuses wx.requestSubscribeMessage unless it is called synchronously in the tap
// handler, so everything it needs is ready beforehand: the template ids load at launch (load,
// from app.js, retried on a later page or tap when it failed) and what the user can still
// receive is read from the kept user (GET /me answers it as subscriptions). ask is then called
// first in the tap handler; a refusal or a failure never stops the action.
const api = require('./api');
const session = require('./session');

// A one-time template is asked again while fewer than this many pushes are left.
const LOW = 3;
// WeChat takes at most 3 templates in one request.
const MAX_IDS = 3;
const HINT_KEY = 'linli.subscribeHinted';

// What each prompt is for, shown on the page near the button before the tap (WeChat's own
// dialog shows only the template's name). Each names only what the server pushes with that
// template, nothing more: meal_notice is sent when a meal is stopped (停餐, the order cancelled)
// and when a rider finds nobody at the door (安危确认), never on a plain delivery, which would
// spend a one-time consent the alert may need; report_updated reaches the reporter when the
// report is resolved; course_update is the reminder the day before, a place freed on the
// waiting list and a course changed or cancelled; report_assigned is a new task.
const REASONS = {
  book: '确认预订时会请您允许“订餐提醒”：停餐或送餐无人应答时，微信通知您',
  family: '提交后会请您允许“订餐提醒”：家人的餐停供或送餐无人应答时，微信通知您',
  report: '提交后会请您允许“报事进度提醒”，处理完成时微信通知您',
  course: '报名时会请您允许“课程提醒”：上课前一天、候补补上或课程变动时，微信通知您',
  task: '接单时会请您允许“派单提醒”，有新派单时微信通知您',
};

const HINT = {
  title: '没有开启微信提醒',
  content: '不影响这次办理。以后想收到提醒，可以在微信里打开：点右上角“…” → 设置 → 通知管理（订阅消息）。',
};

let templates = null;
let loading = null;

// load reads the template ids once (GET /app-config, no sign-in needed); a failure leaves them
// unknown, to be read again on the next call. It resolves the ids by key, or null.
function load() {
  if (templates) return Promise.resolve(templates);
  if (!loading) {
    loading = api.get('/app-config', { auth: false, silent: true })
      .then((res) => {
        templates = res.subscribe_templates || {};
        return templates;
      })
      .catch(() => null)
      .finally(() => {
        loading = null;
      });
  }
  return loading;
}

// status is what the user can still receive of a template, from the kept user: known is false
// when the server has not told (then asking is worth it).
function status(key, user) {
  const s = user && user.subscriptions && user.subscriptions[key];
  if (!s) return { known: false, on: false, remaining: 0, longTerm: false };
  const remaining = Math.max(0, Number(s.remaining) || 0);
  return { known: true, on: remaining > 0, remaining, longTerm: !!s.long_term };
}

// worthAsking: a one-time template running low (fewer than 3 left), or a long-term one off.
function worthAsking(s) {
  if (!s.known) return true;
  return s.longTerm ? s.remaining <= 0 : s.remaining < LOW;
}

function templateID(key, user) {
  const s = user && user.subscriptions && user.subscriptions[key];
  return (templates && templates[key]) || (s && s.template_id) || '';
}

// needed lists the template ids of keys worth asking for now, synchronously. opts.always asks
// whatever is left (the worker's switch); opts.longTerm false leaves long-term templates out
// (they are turned on by the switch, not on every tap).
function needed(keys, opts, user) {
  const o = opts || {};
  const u = user === undefined ? session.user() : user;
  const ids = [];
  keys.forEach((key) => {
    const id = templateID(key, u);
    const s = status(key, u);
    if (!id || ids.indexOf(id) >= 0) return;
    if (o.longTerm === false && s.known && s.longTerm) return;
    if (o.always || worthAsking(s)) ids.push(id);
  });
  return ids.slice(0, MAX_IDS);
}

// note is the reason a page shows near its button: only when the tap will ask.
function note(keys, reason, opts) {
  return needed(keys, opts).length ? REASONS[reason] || reason : '';
}

// refused tells whether WeChat's answer means the user said no: a template rejected, or the
// main switch of subscribe messages turned off (errCode 20004). Other failures (no network, a
// wrong template) are not the user's doing, and no advice would help.
function refused(ids, res) {
  if (!res) return false;
  if (res.failed) {
    return Number(res.errCode) === 20004 || /switch/i.test(res.errMsg || '');
  }
  return ids.some((id) => res[id] === 'reject');
}

// hintOnce tells the user, once on this phone, where to turn the pushes back on. It does not
// wait for the answer: the action goes ahead underneath.
function hintOnce() {
  if (wx.getStorageSync(HINT_KEY)) return false;
  wx.setStorageSync(HINT_KEY, true);
  wx.showModal({ title: HINT.title, content: HINT.content, showCancel: false, confirmText: '知道了' });
  return true;
}

// remember puts the server's count of consents into the kept user, so the next tap decides on it.
function remember(consents) {
  const u = session.user();
  if (!u || !consents || !consents.length) return;
  const subs = Object.assign({}, u.subscriptions);
  consents.forEach((c) => {
    const key = Object.keys(subs).find((k) => subs[k].template_id === c.template_id)
      || Object.keys(templates || {}).find((k) => templates[k] === c.template_id);
    if (key) {
      subs[key] = Object.assign({ template_id: c.template_id, long_term: false }, subs[key], { remaining: c.remaining });
    }
  });
  session.setUser(Object.assign({}, u, { subscriptions: subs }));
}

// save tells the server which templates were accepted (at most 3 per call), then reads the user
// again, both quietly.
async function save(accepted) {
  try {
    if (accepted.length) {
      const res = await api.post('/me/subscriptions', { template_ids: accepted.slice(0, MAX_IDS) }, { silent: true });
      remember(res && res.consents);
    }
    await session.refreshUser();
  } catch (e) {
    // The next tap asks again; nothing is in the way.
  }
}

// ask must be the first call of a tap handler, before any await or other wx call: it calls
// wx.requestSubscribeMessage at once when the templates of keys are worth asking for, and
// resolves after WeChat answers with {accepted, refused, saved}: the ids accepted, whether the
// user said no (told once where to turn it back on), and the promise of telling the server.
// It never rejects, so the action goes ahead whatever the answer.
function ask(keys, opts) {
  const ids = needed(keys, opts);
  if (!ids.length) {
    if (!templates) load(); // for the next tap
    return Promise.resolve({ accepted: [], refused: false, saved: save([]) });
  }
  const answered = new Promise((resolve) => {
    try {
      wx.requestSubscribeMessage({
        tmplIds: ids,
        success: (res) => resolve(res || {}),
        fail: (err) => resolve(Object.assign({ failed: true }, err)),
      });
    } catch (e) {
      resolve({ failed: true, errMsg: String(e && e.message) });
    }
  });
  if (!templates) load(); // for the next tap, once WeChat has been asked
  return answered.then((res) => {
    const accepted = res.failed ? [] : ids.filter((id) => res[id] === 'accept');
    const no = refused(ids, res);
    if (no) {
      hintOnce();
    }
    return { accepted, refused: no, saved: save(accepted) };
  });
}

// reset forgets the template ids (tests), or sets them.
function reset(ids) {
  templates = ids || null;
  loading = null;
}

module.exports = { LOW, REASONS, HINT, load, status, worthAsking, needed, note, refused, ask, reset };
