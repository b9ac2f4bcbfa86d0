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
        wx.setStorageSync(USER_KEY, res.user);
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

function user() {
  return wx.getStorageSync(USER_KEY) || null;
}

function setUser(u) {
  wx.setStorageSync(USER_KEY, u);
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

function clear() {
  wx.removeStorageSync(TOKEN_KEY);
  wx.removeStorageSync(USER_KEY);
}

api.setSession({ token });

module.exports = { login, token, user, setUser, refreshUser, ensureOnboarded, clear };
