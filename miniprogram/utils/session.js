// Silent sign-in (wx.login, never a prompt) and onboarding only when a feature first needs it:
// WeChat's review rejects apps that force sign-up before use.
const api = require('./api');

const TOKEN_KEY = 'linli.token';
const USER_KEY = 'linli.user';

let pending = null;

function login() {
  if (!pending) {
    pending = new Promise((resolve, reject) => {
      wx.login({
        success: (res) => resolve(res.code),
        fail: () => reject(new api.ApiError(0, 'login_failed', '微信登录失败，请稍后再试')),
      });
    })
      .then((code) => api.post('/auth/login', { code }, { auth: false, silent: true }))
      .then((res) => {
        wx.setStorageSync(TOKEN_KEY, res.token);
        setUser(res.user);
        return res.user;
      })
      .finally(() => {
        pending = null;
      });
  }
  return pending;
}

// token returns the session token, signing in when there is none or when fresh is asked for
// (after a 401).
async function token(fresh) {
  let t = wx.getStorageSync(TOKEN_KEY);
  if (!t || fresh) {
    wx.removeStorageSync(TOKEN_KEY);
    await login();
    t = wx.getStorageSync(TOKEN_KEY);
  }
  return t;
}

// signedIn tells, without any request, whether a session token is kept.
function signedIn() {
  return !!wx.getStorageSync(TOKEN_KEY);
}

function user() {
  return wx.getStorageSync(USER_KEY) || null;
}

// setUser keeps the user. Only GET /me tells the pushes the user can still receive
// (subscriptions): a user from another answer (sign-in, profile, phone) keeps the last known.
function setUser(u) {
  const old = user();
  const keep = u && !u.subscriptions && old && old.id === u.id && old.subscriptions;
  wx.setStorageSync(USER_KEY, keep ? Object.assign({}, u, { subscriptions: old.subscriptions }) : u);
}

async function refreshUser() {
  const u = await api.get('/me', { silent: true });
  setUser(u);
  return u;
}

// ensureOnboarded resolves true when the user has joined a community; otherwise it opens the
// onboarding page (which comes back when done) and resolves false.
async function ensureOnboarded() {
  let u = user();
  if (!u) {
    u = await login();
  }
  if (u && u.community_id) {
    return true;
  }
  wx.navigateTo({ url: '/pages/onboarding/index' });
  return false;
}

// ensureCanAct resolves true when the user may act for someone: themselves, once they have joined
// a community, or a person they look after, wherever that person lives (a son working in
// Hangzhou reports for his mother). Otherwise it opens onboarding and resolves false.
async function ensureCanAct() {
  let u = user();
  if (!u) {
    u = await login();
  }
  if (u && u.community_id) {
    return true;
  }
  try {
    const res = await api.get('/persons', { silent: true });
    if (res.items.length) {
      return true;
    }
  } catch (e) {
    if (e.code === 'network') {
      wx.showToast({ title: e.message, icon: 'none', duration: 2500 });
      return false;
    }
  }
  wx.navigateTo({ url: '/pages/onboarding/index' });
  return false;
}

function clear() {
  wx.removeStorageSync(TOKEN_KEY);
  wx.removeStorageSync(USER_KEY);
}

api.setSession({ token });

module.exports = { login, token, signedIn, user, setUser, refreshUser, ensureOnboarded, ensureCanAct, clear };
